"""The /api/v1 JSON API, assembled from each app's api.py router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from warmline.api.auth import api_auth, signed_in_or_token
from warmline.api.errors import error_response, fields_from_django, fields_from_validation

api = NinjaAPI(
    title="Warmline API",
    version="1",
    description=(
        "The Warmline REST API. Authenticate with a personal token "
        "(`Authorization: Bearer wl_...`) or, from the browser, with the session. "
        "Every 4xx response has the body `{\"error\": {\"status\", \"code\", \"message\", \"fields\"?}}`."
    ),
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=signed_in_or_token,
)


@api.exception_handler(NinjaValidationError)
def on_invalid(request, exc: NinjaValidationError):
    return error_response(422, "The request is not valid; see fields.", fields_from_validation(exc.errors))


@api.exception_handler(ValidationError)
def on_domain_invalid(request, exc: ValidationError):
    return error_response(422, "The request is not valid; see fields.", fields_from_django(exc))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error_response(401, "Authentication required: send a bearer token or sign in.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error_response(403, str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(404, str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(exc.status_code, str(exc))


def _mount() -> None:
    from warmline.core.api import router as core_router

    api.add_router("", core_router)


_mount()
