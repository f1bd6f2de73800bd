"""manage.py make_wxr: a generated WordPress export that import_wordpress takes whole."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment
from tests.wordpress.conftest import run_import
from wordpress import wxr


def make_wxr(path, *args):
    call_command("make_wxr", str(path), *map(str, args), stdout=StringIO())
    return path


def test_the_same_arguments_write_the_same_export(tmp_path):
    first = make_wxr(tmp_path / "a.xml", "--posts", 6, "--comments", 20)
    second = make_wxr(tmp_path / "b.xml", "--posts", 6, "--comments", 20)
    assert first.read_bytes() == second.read_bytes()
    assert (
        make_wxr(tmp_path / "c.xml", "--posts", 6, "--comments", 20, "--seed", 2).read_bytes()
        != first.read_bytes()
    )


@pytest.mark.django_db
def test_the_importer_takes_every_post_and_comment_with_its_threads(tmp_path):
    export = make_wxr(tmp_path / "export.xml", "--posts", 8, "--comments", 40)
    data = wxr.parse(export)
    assert len(data.items_of("post")) == 8
    assert sum(len(post.comments) for post in data.items_of("post")) == 40
    assert ", 0 problems." in run_import(export, "--no-download")
    assert Article.objects.count() == 8
    assert Comment.objects.count() == 40
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert {"approved", "pending"} <= set(Comment.objects.values_list("status", flat=True))
