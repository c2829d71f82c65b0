"""Who is on the other end of a request, and as whom they try to sign in,
for login throttling."""

from django.conf import settings


def login_username(request, credentials) -> str | None:
    """The email a sign-in attempt is for, as sign-in matches it (case and
    surrounding spaces ignored), so "Carol@" and "carol@" share one count."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return value.strip().lower() if isinstance(value, str) else value


def client_ip(request) -> str | None:
    """The client's address. Behind our reverse proxy it is the rightmost
    X-Forwarded-For entry: the one our proxy appended, which a client cannot
    forge (entries to its left can be)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
