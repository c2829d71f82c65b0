"""API authentication: personal bearer tokens for scripts, the session for the browser.

Either way the request ends up with request.membership: who is calling, in which workspace.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from warmline.core import queries, services


class BearerToken(HttpBearer):
    openapi_description = "A personal API token: `Authorization: Bearer wl_...`. Create one under Settings → API tokens or with `warmline token create`."

    def authenticate(self, request: HttpRequest, token: str):
        found = queries.membership_for_token(token)
        if found is None:
            return None
        api_token, membership = found
        services.touch_token(api_token)
        request.membership = membership
        request.user = membership.user
        return membership


class BrowserSession(SessionAuth):
    """The signed-in browser session; writes need the CSRF header, as in the UI."""

    def _get_key(self, request: HttpRequest):
        # Check CSRF only for a signed-in browser, so that an anonymous call
        # gets "authentication required" rather than a CSRF failure.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        if key is None or not request.user.is_authenticated:
            return None
        membership = getattr(request, "membership", None)
        if not membership:
            return None
        return membership


api_auth = [BearerToken(), BrowserSession()]
