"""Reading configuration from the environment (12-factor), with clear failures."""

import os

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
