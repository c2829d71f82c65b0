"""Gives API 4xx responses that did not come from our handlers (unknown route,
wrong method, CSRF failure) the same JSON error format as the rest."""

from __future__ import annotations

from warmline.api.errors import error_response

API_PREFIX = "/api/"


class ApiErrorFormatMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = error_response(response.status_code, _message_for(response.status_code, request))
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response


def _message_for(status: int, request) -> str | None:
    if status == 404:
        return f"No API route {request.method} {request.path}."
    if status == 405:
        return f"{request.method} is not allowed on {request.path}."
    return None
