"""Commands that load content in bulk leave PostgreSQL's statistics fresh (newsroom/planner.py);
seed_demo's test is in tests/articles/test_demo.py (seeding takes long)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from tests.factories import SectionFactory
from tests.wordpress.conftest import run_import
from wordpress.wxr_writer import WXR

pytestmark = pytest.mark.django_db


def times_articles_were_analysed() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the transaction's first read is kept
        cursor.execute(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [Article._meta.db_table]
        )
        return cursor.fetchone()[0]


def load_bench(tmp_path):
    SectionFactory()
    call_command("bench_content", "--articles", "3", "--pending-comments", "0", stdout=StringIO())


def import_wordpress(tmp_path):
    site = WXR()
    site.author("khaled", "خالد العتيبي")
    site.post(1, "افتتاح الميناء", "<p>نص الخبر</p>")
    run_import(site.write(tmp_path / "export.xml"), "--no-download", verbosity=0)


@pytest.mark.parametrize("load", [load_bench, import_wordpress])
def test_a_bulk_load_ends_with_analyze(load, tmp_path):
    before = times_articles_were_analysed()
    load(tmp_path)
    assert Article.objects.exists()
    assert times_articles_were_analysed() == before + 1


def test_a_dry_run_import_analyses_nothing(tmp_path):
    before = times_articles_were_analysed()
    site = WXR()
    site.author("khaled", "خالد العتيبي")
    site.post(1, "خبر", "<p>نص</p>")
    run_import(site.write(tmp_path / "export.xml"), "--no-download", "--dry-run", verbosity=0)
    assert times_articles_were_analysed() == before
