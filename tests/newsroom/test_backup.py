"""The backup drill: content with images and comments is backed up, wiped, restored, compared."""

import hashlib
import io
import shutil
import warnings
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from articles.models import Article, MediaImage
from comments.models import Comment
from newsroom import backup
from tests.factories import ArticleFactory, CommentFactory

# pg_dump and pg_restore use connections of their own: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def postgres_clients():
    major = backup.server_major_version()
    try:
        for program in ("pg_dump", "pg_restore"):
            backup.client_program(program, major)
    except backup.BackupError as error:
        warnings.warn(f"BACKUP DRILL SKIPPED: {error}", stacklevel=1)
        pytest.skip(f"BACKUP DRILL SKIPPED: {error}")


def photo() -> MediaImage:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (20, 90, 160)).save(buffer, format="JPEG")
    upload = SimpleUploadedFile("صورة-الميناء.jpg", buffer.getvalue(), content_type="image/jpeg")
    return MediaImage.objects.create(file=upload, alt_text="صورة الميناء")


def file_checksums(root: Path) -> dict[str, str]:
    files = (path for path in root.rglob("*") if path.is_file())
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def make_backup(directory: Path, *options: str) -> Path:
    output = io.StringIO()
    call_command("backup", "--output", directory, *options, stdout=output)
    return Path(output.getvalue().splitlines()[0])


def test_a_restore_brings_back_every_row_and_media_file_after_a_wipe(tmp_path, media_root, postgres_clients):
    article = ArticleFactory(title="الميناء يستقبل أول سفينة", featured_image=photo())
    CommentFactory.create_batch(3, article=article)
    rows, files = backup.row_counts(), file_checksums(media_root)
    assert rows["comments_comment"] == 3
    assert len(files) >= 3  # the original and its renditions

    made = make_backup(tmp_path / "backups")
    assert sorted(path.name for path in made.iterdir()) == ["database.dump", "manifest.json", "media.tar"]

    call_command("flush", "--noinput")
    shutil.rmtree(media_root)
    assert not Article.objects.exists()

    output = io.StringIO()
    call_command("restore", made, "--yes", stdout=output)

    assert backup.row_counts() == rows
    assert file_checksums(media_root) == files
    restored = Article.objects.get()
    assert restored.title == "الميناء يستقبل أول سفينة"
    assert (
        restored.featured_image.file.read() == (media_root / restored.featured_image.file.name).read_bytes()
    )
    assert Comment.objects.filter(article=restored).count() == 3
    assert "comments_comment: 3" in output.getvalue()


def test_restore_without_confirmation_changes_nothing(tmp_path, postgres_clients):
    made = make_backup(tmp_path)
    ArticleFactory(title="خبر كُتب بعد النسخة")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", made)

    assert Article.objects.filter(translations__title="خبر كُتب بعد النسخة").exists()


def test_a_damaged_backup_is_refused_before_any_data_is_replaced(tmp_path, media_root, postgres_clients):
    made = make_backup(tmp_path)
    with (made / "media.tar").open("ab") as archive:
        archive.write(b"\0")
    ArticleFactory(title="خبر كُتب بعد النسخة", featured_image=photo())
    files = file_checksums(media_root)

    with pytest.raises(CommandError, match=r"media\.tar"):
        call_command("restore", made, "--yes")

    assert Article.objects.filter(translations__title="خبر كُتب بعد النسخة").exists()
    assert file_checksums(media_root) == files


def test_keep_deletes_only_the_oldest_backups(tmp_path, postgres_clients):
    for old in ("midad-20250101-030000", "midad-20250102-030000", "notes"):
        (tmp_path / old).mkdir()

    made = make_backup(tmp_path, "--keep", "2")

    assert sorted(path.name for path in tmp_path.iterdir()) == ["midad-20250102-030000", made.name, "notes"]


def test_a_failed_backup_leaves_nothing_that_looks_complete(tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "client_program", lambda name, major: Path("/bin/false"))

    with pytest.raises(CommandError):
        make_backup(tmp_path)

    assert list(tmp_path.iterdir()) == []


def test_the_database_password_is_given_to_pg_dump_in_its_environment_not_its_arguments(
    tmp_path, monkeypatch
):
    spy = tmp_path / "pg_dump"
    spy.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$0.args"\nprintf "%s" "$PGPASSWORD" > "$0.password"\nexit 1\n'
    )
    spy.chmod(0o755)
    monkeypatch.setattr(backup, "client_program", lambda name, major: spy)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-pass")

    with pytest.raises(CommandError):
        make_backup(tmp_path / "backups")

    assert (tmp_path / "pg_dump.password").read_text() == "s3cret-pass"
    assert "s3cret-pass" not in (tmp_path / "pg_dump.args").read_text()


def test_without_a_pg_dump_of_the_servers_version_the_error_says_what_to_install():
    with pytest.raises(backup.BackupError, match="postgresql-client-99"):
        backup.client_program("pg_dump", 99)
