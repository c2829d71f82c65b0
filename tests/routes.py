"""Every route of the app, read from the URL configuration and the API schema,
so a new route is covered by the authorisation tests without being listed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from warmline.api.main import api

# Routes anyone may open without signing in, by URL name.
PUBLIC_ROUTES = {
    "login",
    "healthz",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "open_invitation",
    "accept_invitation",
    "calendar_feed",
}

_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. "settings/teams/<str:team_id>/"
    name: str | None
    methods: tuple[str, ...]
    is_api: bool

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in _PARAM.finditer(self.pattern)]

    def url(self, values: dict[str, str]) -> str:
        return "/" + _PARAM.sub(lambda m: values[m.group("name")], self.pattern)


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def all_routes() -> list[Route]:
    api_methods = _api_methods()
    routes = []
    for pattern, entry in _walk(get_resolver().url_patterns):
        if pattern.startswith("api/"):
            key = "/" + _PARAM.sub(lambda m: "{" + m.group("name") + "}", pattern)
            methods = api_methods.get(key.rstrip("/"), ("GET",))
            routes.append(Route(pattern, entry.name, methods, is_api=True))
        else:
            routes.append(Route(pattern, entry.name, ("GET", "POST"), is_api=False))
    return routes


def _api_methods() -> dict[str, tuple[str, ...]]:
    schema = api.get_openapi_schema()
    prefix = "/api/v1"
    result = {}
    for path, operations in schema["paths"].items():
        key = path if path.startswith(prefix) else prefix + path
        result[key.rstrip("/")] = tuple(sorted(m.upper() for m in operations))
    return result
