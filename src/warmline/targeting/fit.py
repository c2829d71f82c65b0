"""How well a person at a company fits an ideal customer profile: a score from 0 to 100, and what matched. Pure.

Six dimensions, each with a weight: industry, geography, company size, role (function and seniority),
type of person (traits), situation or need. Each criterion comes out as a match, a partial match, a
mismatch, or unknown. Unknown (the data is missing) counts neither for nor against: the score is the
weighted share of credit over the criteria we could judge, and `coverage` says how much of the profile
that was. With nothing to judge there is no score at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from warmline.network.titles import function_for, seniority_for

INDUSTRY, GEOGRAPHY, SIZE, ROLE, TRAITS, NEED = "industry", "geography", "size", "role", "traits", "need"
DIMENSIONS = (INDUSTRY, GEOGRAPHY, SIZE, ROLE, TRAITS, NEED)
LABELS = {INDUSTRY: "Industry", GEOGRAPHY: "Geography", SIZE: "Company size", ROLE: "Function and seniority",
          TRAITS: "Type of person", NEED: "Situation or need"}
# Dimensions that describe the company; the others describe the person, and a company alone is not judged on them.
COMPANY_DIMENSIONS = (INDUSTRY, GEOGRAPHY, SIZE, NEED)
DEFAULT_WEIGHTS = {INDUSTRY: 3, GEOGRAPHY: 2, SIZE: 2, ROLE: 3, TRAITS: 1, NEED: 2}
MAX_WEIGHT = 10

MATCH, PARTIAL, MISMATCH, UNKNOWN = "match", "partial", "mismatch", "unknown"
CREDIT = {MATCH: 1.0, PARTIAL: 0.5, MISMATCH: 0.0}
# A size this close outside the range (as a share of the bound) is a partial match: 190 people for "200–2,000".
SIZE_SLACK = 0.2

STRONG, MODERATE, WEAK = 70, 40, 0


def band(score: int | None) -> str:
    """'strong' (70 and up), 'moderate' (40–69), 'weak' (below 40) or 'unknown'."""
    if score is None:
        return "unknown"
    if score >= STRONG:
        return "strong"
    return "moderate" if score >= MODERATE else "weak"


# Spellings of the same country, so that 'USA' matches 'United States'.
_COUNTRY_ALIASES = {
    "us": "united states", "usa": "united states", "u s": "united states", "u s a": "united states",
    "united states of america": "united states", "america": "united states",
    "uk": "united kingdom", "u k": "united kingdom", "great britain": "united kingdom", "gb": "united kingdom",
    "england": "united kingdom", "britain": "united kingdom",
    "deutschland": "germany", "de": "germany", "holland": "netherlands", "the netherlands": "netherlands",
    "uae": "united arab emirates", "espana": "spain", "españa": "spain",
}


def norm(text: str) -> str:
    """Case, punctuation and spacing folded: 'Logistics & Supply-Chain' → 'logistics and supply chain'."""
    text = text.casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _country(text: str) -> str:
    folded = norm(text)
    return _COUNTRY_ALIASES.get(folded, folded)


def _contains(haystack: str, needle: str) -> bool:
    """Whole-word containment of normalised texts: 'freight' is in 'rail freight', 'art' is not in 'smart'."""
    return bool(needle) and f" {needle} " in f" {haystack} "


@dataclass(frozen=True)
class Profile:
    """The criteria of an ideal customer profile; empty criteria are not judged."""

    industries: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    size_min: int | None = None
    size_max: int | None = None
    functions: tuple[str, ...] = ()
    seniorities: tuple[str, ...] = ()
    trait_tags: tuple[str, ...] = ()
    need_keywords: tuple[str, ...] = ()
    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def weight(self, dimension: str) -> int:
        return max(0, min(MAX_WEIGHT, int(self.weights.get(dimension, DEFAULT_WEIGHTS[dimension]))))

    def has_criteria(self, dimension: str) -> bool:
        return {
            INDUSTRY: bool(self.industries),
            GEOGRAPHY: bool(self.countries or self.regions or self.cities),
            SIZE: self.size_min is not None or self.size_max is not None,
            ROLE: bool(self.functions or self.seniorities),
            TRAITS: bool(self.trait_tags),
            NEED: bool(self.need_keywords),
        }[dimension]


@dataclass(frozen=True)
class Subject:
    """What we know of a person and their company ('' or None where we do not know).

    `is_person` False judges a company alone, on the company dimensions only. `text` is what has been
    written about them (notes, challenges a source told us of), searched for traits and needs.
    """

    is_person: bool = True
    industry: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    company_city: str = ""
    company_region: str = ""
    company_country: str = ""
    employee_count: int | None = None
    size_band: str = ""
    title: str = ""
    function: str = ""
    seniority: str = ""
    tags: tuple[str, ...] = ()
    company_tags: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Criterion:
    dimension: str
    outcome: str  # match, partial, mismatch or unknown
    weight: int
    detail: str  # in words, for the reader: "Logistics is one of Logistics, Freight"

    @property
    def label(self) -> str:
        return LABELS[self.dimension]


@dataclass(frozen=True)
class Fit:
    score: int | None  # None when no criterion could be judged
    coverage: float  # the share of the profile's weight that could be judged, 0..1
    criteria: tuple[Criterion, ...]

    @property
    def band(self) -> str:
        return band(self.score)

    @property
    def matched(self) -> list[Criterion]:
        return [c for c in self.criteria if c.outcome in (MATCH, PARTIAL)]

    @property
    def unmatched(self) -> list[Criterion]:
        return [c for c in self.criteria if c.outcome == MISMATCH]

    @property
    def unknown(self) -> list[Criterion]:
        return [c for c in self.criteria if c.outcome == UNKNOWN]

    @property
    def judged(self) -> int:
        return sum(1 for c in self.criteria if c.outcome != UNKNOWN)

    def as_dict(self) -> dict:
        return {
            "score": self.score, "band": self.band, "coverage": round(self.coverage, 3),
            "criteria": [{"dimension": c.dimension, "label": c.label, "outcome": c.outcome, "weight": c.weight,
                          "detail": c.detail} for c in self.criteria],
        }


def _listing(values) -> str:
    values = list(values)
    return ", ".join(values[:6]) + (f" and {len(values) - 6} more" if len(values) > 6 else "")


def _industry(p: Profile, s: Subject) -> tuple[str, str]:
    if not s.industry.strip():
        return UNKNOWN, "Industry not known"
    have = norm(s.industry)
    if any(_contains(have, norm(wanted)) for wanted in p.industries):
        return MATCH, f"{s.industry} is one of {_listing(p.industries)}"
    return MISMATCH, f"{s.industry} is not one of {_listing(p.industries)}"


def _geography(p: Profile, s: Subject) -> tuple[str, str]:
    city, region, country = (s.city or s.company_city, s.region or s.company_region, s.country or s.company_country)
    levels = [(p.cities, city, norm), (p.regions, region, norm), (p.countries, country, _country)]
    known_any = False
    for wanted, have, fold in levels:
        if not wanted or not have.strip():
            continue
        known_any = True
        if fold(have) in {fold(w) for w in wanted}:
            return MATCH, f"{have} is one of {_listing(wanted)}"
    place = ", ".join(part for part in (city, region, country) if part.strip())
    wanted_all = [*p.cities, *p.regions, *p.countries]
    if known_any:
        return MISMATCH, f"{place} is outside {_listing(wanted_all)}"
    if place:
        return UNKNOWN, f"{place}: not enough to tell whether it is in {_listing(wanted_all)}"
    return UNKNOWN, "Location not known"


# Size bands as employee ranges (None: no upper bound), matching network.choices.SizeBand.
_BANDS = {"1-10": (1, 10), "11-50": (11, 50), "51-200": (51, 200), "201-500": (201, 500),
          "501-1000": (501, 1000), "1001-5000": (1001, 5000), "5001-10000": (5001, 10000), "10001+": (10001, None)}


def size_range_label(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low:,}–{high:,}"
    if low is not None:
        return f"{low:,} or more"
    return f"up to {high:,}" if high is not None else "any size"


def _size(p: Profile, s: Subject) -> tuple[str, str]:
    low, high = p.size_min, p.size_max
    wanted = f"{size_range_label(low, high)} people"
    if s.employee_count:
        n = s.employee_count
        if (low is None or n >= low) and (high is None or n <= high):
            return MATCH, f"{n:,} people is within {wanted}"
        near = (low is not None and n < low and n >= low * (1 - SIZE_SLACK)) or (
            high is not None and n > high and n <= high * (1 + SIZE_SLACK))
        return (PARTIAL if near else MISMATCH), f"{n:,} people, {'just ' if near else ''}outside {wanted}"
    if s.size_band in _BANDS:
        b_low, b_high = _BANDS[s.size_band]
        inside = (low is None or b_low >= low) and (high is None or (b_high is not None and b_high <= high))
        apart = (high is not None and b_low > high) or (low is not None and b_high is not None and b_high < low)
        label = f"{s.size_band.replace('-', '–')} people"
        if inside:
            return MATCH, f"{label} is within {wanted}"
        if apart:
            return MISMATCH, f"{label} is outside {wanted}"
        return PARTIAL, f"{label} overlaps {wanted}"
    return UNKNOWN, "Company size not known"


def _role(p: Profile, s: Subject) -> tuple[str, str]:
    parts: list[tuple[bool, str]] = []
    unknown: list[str] = []
    if p.functions:
        have = function_for(s.function, s.title)
        wanted = {function_for(f) for f in p.functions}
        if have:
            parts.append((have in wanted, f"function {have} {'is' if have in wanted else 'is not'} "
                                          f"one of {_listing(p.functions)}"))
        else:
            unknown.append("function")
    if p.seniorities:
        have = s.seniority or seniority_for(s.title)
        if have:
            ok = have in set(p.seniorities)
            parts.append((ok, f"seniority {have.replace('_', '-')} {'is' if ok else 'is not'} one of "
                              f"{_listing(x.replace('_', '-') for x in p.seniorities)}"))
        else:
            unknown.append("seniority")
    if not parts:
        return UNKNOWN, f"{' and '.join(unknown).capitalize()} not known"
    detail = "; ".join(text for _, text in parts)
    if unknown:
        detail += f"; {' and '.join(unknown)} not known"
    detail = detail[0].upper() + detail[1:]
    hits = sum(1 for ok, _ in parts if ok)
    if hits == len(parts):
        return (PARTIAL if unknown else MATCH), detail
    return (PARTIAL if hits else MISMATCH), detail


def _mentions(keywords, tags, text: str) -> list[str]:
    folded_tags = {norm(t) for t in tags}
    folded_text = norm(text)
    return [k for k in keywords if norm(k) and (norm(k) in folded_tags or _contains(folded_text, norm(k)))]


def _traits(p: Profile, s: Subject) -> tuple[str, str]:
    # Nobody writes down that a person lacks a trait: no mention is unknown, never a mismatch.
    found = _mentions(p.trait_tags, s.tags, s.text)
    if found:
        return MATCH, f"Described as {_listing(found)}"
    return UNKNOWN, f"Nothing recorded says {_listing(p.trait_tags)}"


def _need(p: Profile, s: Subject) -> tuple[str, str]:
    found = _mentions(p.need_keywords, (*s.tags, *s.company_tags), s.text)
    if found:
        return MATCH, f"Known to face {_listing(found)}"
    return UNKNOWN, f"Nothing recorded about {_listing(p.need_keywords)}"


_JUDGES = {INDUSTRY: _industry, GEOGRAPHY: _geography, SIZE: _size, ROLE: _role, TRAITS: _traits, NEED: _need}


def fit(profile: Profile, subject: Subject) -> Fit:
    """Score `subject` against `profile`: the weighted share of credit over the criteria that could be judged."""
    dimensions = DIMENSIONS if subject.is_person else COMPANY_DIMENSIONS
    criteria = []
    for dimension in dimensions:
        weight = profile.weight(dimension)
        if weight == 0 or not profile.has_criteria(dimension):
            continue
        outcome, detail = _JUDGES[dimension](profile, subject)
        criteria.append(Criterion(dimension, outcome, weight, detail))
    total = sum(c.weight for c in criteria)
    known = [c for c in criteria if c.outcome != UNKNOWN]
    known_weight = sum(c.weight for c in known)
    if not known_weight:
        return Fit(None, 0.0, tuple(criteria))
    earned = sum(c.weight * CREDIT[c.outcome] for c in known)
    return Fit(round(100 * earned / known_weight), known_weight / total, tuple(criteria))


SENIORITY_WORDS = {"c_level": "C-level", "vp": "VP", "director": "director", "manager": "manager",
                   "senior": "senior", "entry": "individual-contributor"}


def _either(values) -> str:
    values = [v for v in values if v]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def sentence(profile: Profile, *, who: str = "", need: str = "") -> str:
    """The profile in one sentence: 'CFOs of Logistics companies of 200–2,000 people in the Midwest, facing …'."""
    if not who:
        ranks = _either([SENIORITY_WORDS.get(s, s) for s in profile.seniorities]) if profile.seniorities else ""
        functions = _either([f.lower() for f in profile.functions]) if profile.functions else ""
        who = " ".join(part for part in (ranks, functions, "leaders" if ranks or functions else "People") if part)
        who = who[0].upper() + who[1:]
    text = who
    sized = profile.size_min is not None or profile.size_max is not None
    if profile.industries or sized:
        text += f" of {_either(profile.industries)} companies" if profile.industries else " of companies"
    if sized:
        text += f" of {size_range_label(profile.size_min, profile.size_max)} people"
    places = [*profile.cities, *profile.regions, *profile.countries]
    if places:
        text += f" in {_either(places)}"
    if need.strip():
        text += f", facing {need.strip().rstrip('.')}"
    return text
