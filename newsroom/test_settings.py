"""Settings for the test suite: production-like (DEBUG off), but self-contained."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-" + "x" * 32)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("HTTPS", "0")
os.environ.pop("REDIS_URL", None)  # tests get their own cache, never a shared one
os.environ.pop("DATABASE_REPLICA_URLS", None)  # replica tests start their own (test_replicas.py)

from newsroom.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
SERVE_MEDIA = True  # the browser tests show uploaded images
WHITENOISE_USE_FINDERS = True  # serve static files without collectstatic
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests measure what each request costs and re-render pages after cache.clear(); the tests of
# the per-process memo of recent pages (tests/newsroom/test_pagecache.py) turn it on.
PAGECACHE_LOCAL_SECONDS = 0
# Tests that commit give the database back faster (tests/postgresql/base.py).
DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
