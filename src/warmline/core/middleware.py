"""Puts the signed-in user's active membership (workspace and role) on the request."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from warmline.core import queries

SESSION_KEY = "warmline_workspace_id"
# Pages a signed-in user without any workspace may still reach.
_NO_WORKSPACE_PATHS = (
    "logout", "no_workspace", "open_invitation", "accept_invitation", "password_change", "password_change_done"
)


class ActiveMembershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            user = request.user
            request.membership = SimpleLazyObject(
                lambda: queries.membership_in(user, request.session.get(SESSION_KEY)) or _NoMembership()
            )
        else:
            request.membership = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or request.path.startswith("/api/"):
            return None
        if getattr(view_func, "login_required", True) is False:
            return None
        match = request.resolver_match
        if match and match.url_name in _NO_WORKSPACE_PATHS:
            return None
        if not request.membership:
            return redirect(reverse("no_workspace"))
        return None


class _NoMembership:
    """Stands in for a membership when a user belongs to no workspace."""

    def __bool__(self) -> bool:
        return False


class RejectNulMiddleware:
    """A NUL character in the address is never meaningful, and PostgreSQL refuses it in a query:
    answer 400 rather than fail later with a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest("The address contains a NUL character.", content_type="text/plain")
        return self.get_response(request)
