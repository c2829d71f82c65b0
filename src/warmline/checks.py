"""Refuses to serve with an unsafe configuration."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def assert_safe_to_serve() -> None:
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY: refusing to serve with DEBUG off and the default secret key. "
            "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
