"""The areas in the main navigation. An area appears once its app provides its
landing page; areas not built yet stay hidden rather than show an empty page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Area:
    label: str
    url_name: str
    # URL prefix that marks the area as current.
    prefix: str
    # A function of the membership giving a number to show beside the label ("3 due"), as a dotted path.
    count: str = ""


AREAS = [
    Area("Home", "home", "/"),
    Area("Network", "network:home", "/network/"),
    Area("Paths", "paths:home", "/paths/"),
    Area("Targeting", "targeting:home", "/targeting/"),
    Area("Referrals", "referrals:home", "/referrals/"),
    Area("Follow-ups", "followups:home", "/followups/", count="warmline.followups.queries.due_count"),
    Area("Insights", "insights:home", "/insights/"),
    Area("Settings", "settings_home", "/settings/"),
]


def areas_for(path: str, membership=None) -> list[dict]:
    items = []
    for area in AREAS:
        try:
            url = reverse(area.url_name)
        except NoReverseMatch:
            continue
        current = path == "/" if area.prefix == "/" else path.startswith(area.prefix)
        # Lazy: counted when the navigation is drawn, not for every partial rendered with a request.
        count = partial(import_string(area.count), membership) if area.count and membership is not None else 0
        items.append({"label": area.label, "url": url, "current": current, "counted": bool(area.count),
                      "count": count})
    return items
