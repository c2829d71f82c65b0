"""The calendar feed: public, because calendar apps cannot sign in; the secret in its URL is the key."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from warmline.followups import calendar


@login_not_required
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    membership = calendar.member_for_token(token.removesuffix(".ics"))
    if membership is None:
        # Unknown, revoked or of a deactivated member: the same answer, so a guess learns nothing.
        raise Http404("No such calendar.")
    response = HttpResponse(calendar.build_feed(membership), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="warmline-follow-ups.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
