"""Seniority read from a job title, for filters and (later) path ranking. Pure, no Django."""

from __future__ import annotations

import re
from functools import lru_cache

_RULES = [
    ("c_level", re.compile(
        r"\b(chief|ceo|cfo|cto|coo|cmo|cro|cio|ciso|cpo|(?<!vice )(?<!vice-)president|founder|co-founder|cofounder|owner|"
        r"managing partner|managing director|general partner)\b")),
    ("c_level", re.compile(r"^(senior |managing |equity |general )?partner\b")),
    ("vp", re.compile(r"\b(vp|svp|evp|avp|vice president|vice-president|head of|general counsel)\b")),
    ("director", re.compile(r"\b(director|dir\.?|controller|comptroller|treasurer)\b")),
    ("manager", re.compile(r"\b(manager|mgr|lead|supervisor|team lead)\b")),
    ("senior", re.compile(r"\b(senior|sr\.?|principal|staff|expert|architect)\b")),
]


@lru_cache(maxsize=65536)
def seniority_for(title: str) -> str:
    """The seniority band a title suggests, or '' when there is no title."""
    text = title.strip().lower()
    if not text:
        return ""
    for band, pattern in _RULES:
        if pattern.search(text):
            return band
    return "entry"
