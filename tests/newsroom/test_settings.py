import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import check_production_settings, env_bool, env_list

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 50
ANY_DATABASE = "postgres://editor@db.internal/midad"  # settings only parse it


def load_settings(**env):
    """Import the real settings in a fresh interpreter with exactly this environment."""
    replaced = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "DATABASE_REPLICA_URLS"}
    clean = {key: value for key, value in os.environ.items() if key not in replaced}
    clean["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    clean.update(env)
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'db': s.DATABASES['default'], 'dbs': s.DATABASES, 'cache': s.CACHES['default']['BACKEND'], "
        "'lang': s.LANGUAGE_CODE, 'debug': s.DEBUG, 'storage': s.STORAGES['default'], "
        "'img_src': s.SECURE_CSP['img-src']}, default=str))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=clean, capture_output=True, text=True, check=False
    )


def test_database_url_is_used_as_is_with_persistent_connections():
    result = load_settings(
        DEBUG="0",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="news.example",
        DATABASE_URL="postgres://editor:s3cret@db.internal:6543/midad",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    db = loaded["db"]
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("db.internal", 6543, "midad", "editor")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_MAX_AGE"] > 0
    assert db["CONN_HEALTH_CHECKS"] is True
    assert loaded["cache"] == "newsroom.cache_backend.ResilientRedisCache"
    assert loaded["lang"] == "ar"


def test_media_in_s3_is_linked_at_its_cdn_which_the_csp_allows():
    result = load_settings(
        DEBUG="1", DATABASE_URL=ANY_DATABASE, MEDIA_STORAGE="s3", S3_BUCKET="midad-media",
        S3_ENDPOINT_URL="https://minio.internal:9000",
        MEDIA_CDN_URL="https://media.news.example/", S3_ACCESS_KEY_ID="key", S3_SECRET_ACCESS_KEY="secret",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = loaded["storage"]["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == ("midad-media", "https://minio.internal:9000")
    assert (options["url_protocol"], options["custom_domain"]) == ("https:", "media.news.example")
    assert "https://media.news.example" in loaded["img_src"]


def test_media_in_s3_needs_a_bucket():
    result = load_settings(DEBUG="1", DATABASE_URL=ANY_DATABASE, MEDIA_STORAGE="s3")
    assert result.returncode != 0
    assert "S3_BUCKET is not set" in result.stderr


def test_media_on_the_filesystem_by_default():
    result = load_settings(DEBUG="1", DATABASE_URL=ANY_DATABASE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_each_replica_url_is_a_database_alias_mirroring_default_in_tests():
    result = load_settings(
        DEBUG="1",
        DATABASE_URL=ANY_DATABASE,
        DATABASE_REPLICA_URLS="postgres://reader@replica-1.internal/midad, postgres://reader@replica-2.internal/midad",
    )
    assert result.returncode == 0, result.stderr
    databases = json.loads(result.stdout)["dbs"]
    assert list(databases) == ["default", "replica1", "replica2"]
    for alias, host in {"replica1": "replica-1.internal", "replica2": "replica-2.internal"}.items():
        replica = databases[alias]
        assert (replica["HOST"], replica["NAME"], replica["USER"]) == (host, "midad", "reader")
        assert replica["TEST"] == {"MIRROR": "default"}  # tests never create a database on a replica
        assert replica["OPTIONS"] == databases["default"]["OPTIONS"]  # search's typo tolerance too


def test_a_socket_database_url_is_decoded():
    result = load_settings(DEBUG="1", DATABASE_URL="postgres://postgres@%2Fvar%2Frun%2Fpostgresql/midad")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["db"]["HOST"] == "/var/run/postgresql"


def test_without_redis_every_process_shares_a_cache_in_the_database():
    result = load_settings(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1/midad")
    assert json.loads(result.stdout)["cache"] == "newsroom.cache_backend.PostgresCache"


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"ALLOWED_HOSTS": "news.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "change-me", "ALLOWED_HOSTS": "news.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_when_insecure(env, complaint):
    result = load_settings(DEBUG="0", DATABASE_URL="postgres://postgres@127.0.0.1/midad", **env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert complaint in last_line


def test_check_production_settings_accepts_a_proper_configuration():
    check_production_settings(secret_key=GOOD_KEY, allowed_hosts=["news.example"])


def test_check_production_settings_rejects_a_short_key():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        check_production_settings(secret_key="short", allowed_hosts=["news.example"])


def test_booleans_and_lists_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("HOSTS", " a.example, b.example ,")
    assert env_bool("FLAG") is True
    assert env_list("HOSTS") == ["a.example", "b.example"]
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG")
