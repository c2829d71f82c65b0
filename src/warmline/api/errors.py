"""The one error format of every 4xx API response:

    {"error": {"status": 404, "code": "not_found", "message": "...",
               "fields": [{"field": "body.name", "message": "..."}]}}
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
}


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated"},
                "code": {"type": "string", "enum": sorted(set(CODES.values()) | {"error"})},
                "message": {"type": "string", "description": "What went wrong, for people"},
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        }
    },
}


def error_body(status: int, message: str, fields: list[dict] | None = None, code: str | None = None) -> dict:
    error = {"status": status, "code": code or CODES.get(status, "error"), "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def error_response(status: int, message: str | None = None, fields: list[dict] | None = None, code: str | None = None):
    message = message or HTTPStatus(status).phrase
    response = JsonResponse(error_body(status, message, fields, code), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="warmline"'
    return response


def fields_from_validation(errors: list[dict]) -> list[dict]:
    """Turns pydantic/ninja error entries into {field, message} pairs with a dotted location."""
    fields = []
    for item in errors:
        loc = [str(part) for part in item.get("loc", ()) if part != "__root__"]
        # ninja locates errors as (source, parameter, *path); a body's fields
        # are named by their path, a query or path parameter by its own name.
        if loc and loc[0] == "body":
            name = ".".join(loc[2:]) or "body"
        else:
            name = ".".join(loc[1:]) or (loc[0] if loc else "body")
        fields.append({"field": name, "message": item.get("msg", "Invalid value.")})
    return fields


def fields_from_django(error) -> list[dict]:
    """Turns a django ValidationError into {field, message} pairs."""
    if hasattr(error, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, errors in error.message_dict.items()
            for message in errors
        ]
    return [{"field": "body", "message": message} for message in error.messages]
