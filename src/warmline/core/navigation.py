"""The areas in the main navigation. An area appears once its app provides its
landing page; areas not built yet stay hidden rather than show an empty page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Area:
    label: str
    url_name: str
    # URL prefix that marks the area as current.
    prefix: str


AREAS = [
    Area("Home", "home", "/"),
    Area("Network", "network:home", "/network/"),
    Area("Paths", "paths:home", "/paths/"),
    Area("Targeting", "targeting:home", "/targeting/"),
    Area("Referrals", "referrals:home", "/referrals/"),
    Area("Follow-ups", "followups:home", "/followups/"),
    Area("Insights", "insights:home", "/insights/"),
    Area("Settings", "settings_home", "/settings/"),
]


def areas_for(path: str) -> list[dict]:
    items = []
    for area in AREAS:
        try:
            url = reverse(area.url_name)
        except NoReverseMatch:
            continue
        current = path == "/" if area.prefix == "/" else path.startswith(area.prefix)
        items.append({"label": area.label, "url": url, "current": current})
    return items
