"""API authentication: personal bearer tokens for scripts, the session for the browser.

Either way the request ends up with request.membership: who is calling, in which workspace.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from warmline.api.errors import error_response
from warmline.core import queries, services


class BearerToken(HttpBearer):
    openapi_description = "A personal API token: `Authorization: Bearer wl_...`. Create one under Settings → API tokens or with `warmline token create`."

    def authenticate(self, request: HttpRequest, token: str):
        found = queries.membership_for_token(token)
        if found is None:
            return None
        api_token, membership = found
        services.touch_token(api_token)
        request.auth_method = "token"
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
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(
                403,
                "CSRF check failed: a browser session must send the X-CSRFToken header; scripts should use a bearer token.",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        if key is None or not request.user.is_authenticated:
            return None
        membership = getattr(request, "membership", None)
        if not membership:
            raise HttpError(403, "You are not an active member of any workspace.")
        request.auth_method = "session"
        return membership


api_auth = [BearerToken(), BrowserSession()]


def signed_in_or_token(view):
    """Guards the OpenAPI document and the interactive docs: a signed-in
    browser or a valid bearer token may read them. A browser is sent to sign
    in; a script gets the API's 401."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer ") and BearerToken().authenticate(request, header[7:].strip()):
            return view(request, *args, **kwargs)
        if "text/html" in request.headers.get("Accept", ""):
            return redirect_to_login(request.get_full_path())
        return error_response(401, "Authentication required: send a bearer token or sign in.")

    return guarded
