"""Reading configuration from the environment (12-factor), with clear failures."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

INSECURE_SECRET_KEYS = {"", "change-me", "django-insecure-dev-only-key"}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, the first when unset."""
    value = env_str(name).lower() or choices[0]
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value


def env_required(name: str, what: str) -> str:
    if value := env_str(name):
        return value
    raise ImproperlyConfigured(f"{name} is not set: {what}.")


# Names never change their content (an upload under a taken name gets a new name; renditions
# are named after their original), so browsers and CDNs may keep them as long as they like.
MEDIA_CACHE_CONTROL = "public, max-age=2592000, immutable"


def s3_media_storage() -> tuple[dict, str]:
    """STORAGES["default"] for MEDIA_STORAGE=s3, and the origin of its public URLs (for the CSP).

    Public URLs are built without asking the store or signing anything: MEDIA_CDN_URL when a CDN
    or a public domain fronts the bucket, else the bucket's own address (path-style under
    S3_ENDPOINT_URL, as MinIO and Ceph want; virtual-hosted on AWS). The bucket itself must
    let anyone read its objects (a bucket policy): pages link to them directly.
    """
    bucket = env_required("S3_BUCKET", "the bucket that holds uploads and their renditions")
    region = env_str("S3_REGION", "us-east-1")
    endpoint = env_str("S3_ENDPOINT_URL").rstrip("/")
    public = env_str("MEDIA_CDN_URL").rstrip("/") or (
        f"{endpoint}/{bucket}" if endpoint else f"https://{bucket}.s3.{region}.amazonaws.com"
    )
    address = urlsplit(public)
    if address.scheme not in ("http", "https") or not address.netloc:
        raise ImproperlyConfigured(f"{public!r} is not an http(s) address for the media files.")
    options = {
        "bucket_name": bucket,
        "region_name": region,
        "endpoint_url": endpoint or None,
        "addressing_style": "path" if endpoint else None,
        # Unset: boto3 finds credentials itself (AWS_* variables, an instance role, ~/.aws).
        "access_key": env_str("S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
        "custom_domain": address.netloc + address.path,
        "url_protocol": f"{address.scheme}:",
        "querystring_auth": False,
        "file_overwrite": False,  # two uploads of "photo.jpg" are two objects
        "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
    }
    origin = f"{address.scheme}://{address.netloc}"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, origin


def check_production_settings(*, secret_key: str, allowed_hosts: list[str]) -> None:
    """Refuse to start a production (DEBUG off) site that is configured insecurely."""
    if secret_key in INSECURE_SECRET_KEYS or len(secret_key) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing, a default or shorter than 32 characters; set a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))') or set DEBUG=1 for development."
        )
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty; set it to the comma-separated host names the site answers to."
        )
