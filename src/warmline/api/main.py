"""The /api/v1 JSON API, assembled from each app's api.py router."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from warmline.api.auth import api_auth, signed_in_or_token
from warmline.api.errors import ERROR_SCHEMA, error_response, fields_from_django, fields_from_validation
from warmline.referrals.services import StaleVersion


class WarmlineAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Documents the one error format on every operation, as `4XX`."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {})["4XX"] = {
                    "description": "Any client error, in the one error format",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
        return schema


api = WarmlineAPI(
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


@api.exception_handler(RequestDataTooBig)
def on_too_large(request, exc):
    return error_response(413, f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error_response(401, "Authentication required: send a bearer token or sign in.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error_response(403, str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(404, str(exc) or "Not found.")


@api.exception_handler(StaleVersion)
def on_stale(request, exc: StaleVersion):
    return error_response(409, str(exc))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(exc.status_code, str(exc))


def _mount() -> None:
    from warmline.core.api import router as core_router
    from warmline.followups.api import router as followups_router
    from warmline.insights.api import router as insights_router
    from warmline.network.api import router as network_router
    from warmline.paths.api import router as paths_router
    from warmline.referrals.api import router as referrals_router
    from warmline.targeting.api import router as targeting_router

    api.add_router("", core_router)
    api.add_router("", network_router)
    api.add_router("", paths_router)
    # Before the pipeline's: /asks/draft must not be taken for the ask with id "draft".
    api.add_router("", targeting_router)
    api.add_router("", referrals_router)
    api.add_router("", followups_router)
    api.add_router("", insights_router)


_mount()
