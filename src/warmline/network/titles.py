"""Seniority and business function read from a job title, for filters and path ranking. Pure, no Django."""

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


_FUNCTIONS = [
    ("finance", re.compile(r"\b(cfo|finance|financial|fp&a|controller|comptroller|treasur\w*|accounting|accountant|"
                           r"audit\w*|tax)\b")),
    ("sales", re.compile(r"\b(sales|cro|account executive|account manager|business development|bdr|sdr|revenue|"
                         r"revops|partnerships?)\b")),
    ("marketing", re.compile(r"\b(cmo|marketing|brand|growth|demand generation|communications?)\b")),
    ("operations", re.compile(r"\b(coo|operations|ops|supply chain|logistics|procurement|purchasing|"
                              r"manufacturing|facilities)\b")),
    ("technology", re.compile(r"\b(cto|cio|ciso|engineer\w*|developer|it|technology|software|data|security|"
                              r"architect|devops)\b")),
    ("product", re.compile(r"\b(cpo|product)\b")),
    ("people", re.compile(r"\b(hr|human resources|people|talent|recruit\w*|chro)\b")),
    ("legal", re.compile(r"\b(legal|counsel|attorney|lawyer|compliance)\b")),
    ("executive", re.compile(r"\b(ceo|founder|co-founder|president|managing director|general manager|owner)\b")),
]


@lru_cache(maxsize=65536)
def function_for(function: str, title: str = "") -> str:
    """The business function of a person: their stated function or department, else one read from the title.

    'Finance', 'VP Finance' and 'CFO' are all 'finance'; a stated function with no family stays itself
    ('Widgets' -> 'widgets'); '' when nothing says.
    """
    stated = function.strip().lower()
    if stated:
        return _family(stated) or stated[:60]
    return _family(title.strip().lower())


def _family(text: str) -> str:
    if text:
        for name, pattern in _FUNCTIONS:
            if pattern.search(text):
                return name
    return ""
