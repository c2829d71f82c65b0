"""Who is on the other end of a request, for login throttling."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address. Behind our reverse proxy it is the rightmost
    X-Forwarded-For entry: the one our proxy appended, which a client cannot
    forge (entries to its left can be)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
