"""Production settings for the servers the tests start (gunicorn), except that pages link the
static files by their own names: no collectstatic, which takes ten seconds, before each run."""

from newsroom.settings import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True  # served from the apps' folders
