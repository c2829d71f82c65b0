"""How strong a relationship between two people is: a number 0..1 and a one-line reason, from its evidence.

Pure Python (no Django), so it can be unit-tested and benchmarked alone; docs/strength.md explains it to users.

The formula, in short (constants below):

- Each kind of evidence gives one signal s in 0..1:
    * interactions: every interaction weighs 0.5 ** (age_days / 90); the weights are summed and
      saturated: s = 1 - exp(-sum / 2). One meeting today gives 0.39, three recent ones about 0.78.
    * LinkedIn connection: 0.15. In a CRM/contact import or a vCard (an address book): 0.25.
      A hand-recorded tie ("they know each other because..."): 0.40.
    * shared employer: 0.60 * (1 - exp(-months / 24)), then halved for every 5 years since the overlap ended.
- Repeated evidence of one kind counts once (the best one); interactions are the exception and add up.
- Signals are independent, so they combine as a noisy-OR: value = 1 - product(1 - s), capped at 0.95
  because evidence alone never proves a relationship is as strong as it gets.
- A manual rating 1..5 by the relationship's owner overrides all of that: value = rating / 5.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class EvidenceSource(StrEnum):
    LINKEDIN = "linkedin"  # a LinkedIn connection
    CONTACTS = "contacts"  # in a CRM or contact-list import
    VCARD = "vcard"  # in an address book (vCard)
    INTERACTION = "interaction"  # a meeting, call or email exchange
    SHARED_EMPLOYER = "shared_employer"  # worked at the same company at the same time
    MANUAL = "manual"  # a hand-recorded tie, e.g. "I know Bob from the CFO round-table"


@dataclass(frozen=True, slots=True)
class Evidence:
    source: str  # an EvidenceSource value
    on: date | None  # when it happened or was observed; a future date counts as today
    detail: str = ""  # interaction: what it was; shared_employer: the company; manual: why they know each other
    months: int | None = None  # shared_employer only: length of the overlap in months
    ended_on: date | None = None  # shared_employer only: when the overlap ended (None = still together)


@dataclass(frozen=True, slots=True)
class Strength:
    value: float  # 0..1, rounded to 3 decimals
    reason: str  # one line, plain words


# --- The constants of the formula (docs/strength.md shows them to users; keep both in step). ---

INTERACTION_HALF_LIFE_DAYS = 90.0  # an interaction counts half as much after 3 months, a quarter after 6
INTERACTION_SATURATION = 2.0  # k in 1 - exp(-sum / k): about 3 recent interactions make a strong tie
UNDATED_INTERACTION_WEIGHT = 0.25  # an interaction with no date counts like one about 6 months old
LINKEDIN_SIGNAL = 0.15  # accepting a connection request is cheap
ADDRESS_BOOK_SIGNAL = 0.25  # someone bothered to keep their details (CRM, contacts, vCard)
MANUAL_TIE_SIGNAL = 0.40  # a colleague vouches for the tie, but did not rate it
EMPLOYER_MAX_SIGNAL = 0.60  # the most a long overlap at one employer can give
EMPLOYER_OVERLAP_SCALE_MONTHS = 24.0  # 1 year of overlap gives 39% of the maximum, 3 years 78%
EMPLOYER_DEFAULT_MONTHS = 12  # overlap of unknown length
EMPLOYER_FADE_HALF_LIFE_YEARS = 5.0  # after the overlap ended, the signal halves every 5 years
EVIDENCE_CAP = 0.95  # evidence alone never reaches 1; only a 5/5 rating does

# Precomputed so the hot path does no divisions or lookups by name.
_DECAY_PER_DAY = math.log(2) / INTERACTION_HALF_LIFE_DAYS
_FADE_PER_DAY = math.log(2) / (EMPLOYER_FADE_HALF_LIFE_YEARS * 365.25)
_LINKEDIN = EvidenceSource.LINKEDIN.value
_CONTACTS = EvidenceSource.CONTACTS.value
_VCARD = EvidenceSource.VCARD.value
_INTERACTION = EvidenceSource.INTERACTION.value
_SHARED_EMPLOYER = EvidenceSource.SHARED_EMPLOYER.value
_MANUAL = EvidenceSource.MANUAL.value
_SOURCES = frozenset(EvidenceSource)
_SEQUENCES = (list, tuple)

NO_EVIDENCE = Strength(0.0, "No evidence yet")
_LINKEDIN_UNDATED = Strength(round(LINKEDIN_SIGNAL, 3), "LinkedIn connection")
# Most calls in an import are "one LinkedIn connection": the answer depends only on the year, so it is cached.
_linkedin_by_year: dict[int, Strength] = {}


def strength(
    evidence: Iterable[Evidence], *, today: date, manual_rating: int | None = None, rated_by: str = ""
) -> Strength:
    """The strength of one relationship from its evidence, or from its owner's rating when there is one."""
    if manual_rating is None:
        if type(evidence) in _SEQUENCES and len(evidence) == 1:  # type: ignore[arg-type]
            only = evidence[0]  # type: ignore[index]
            if only.source == _LINKEDIN:
                on = only.on
                if on is None:
                    return _LINKEDIN_UNDATED
                year = today.year if on > today else on.year
                cached = _linkedin_by_year.get(year)
                if cached is None:
                    cached = _linkedin_by_year[year] = Strength(
                        _LINKEDIN_UNDATED.value, f"LinkedIn connection since {year}"
                    )
                return cached
        value, parts = _from_evidence(evidence, today)
        if not parts:
            return NO_EVIDENCE
        return Strength(value, _sentence("; ".join(parts)))

    if type(manual_rating) is not int or not 1 <= manual_rating <= 5:
        raise ValueError(f"a manual rating must be a whole number from 1 to 5, not {manual_rating!r}")
    rated_by = _one_line(rated_by)
    reason = f"Rated {manual_rating}/5 by {rated_by}" if rated_by else f"Rated {manual_rating}/5"
    _, parts = _from_evidence(evidence, today)
    if parts:
        reason += "; evidence: " + "; ".join(parts)
    return Strength(round(manual_rating / 5, 3), reason)


def describe_kind_strength(value: float) -> str:
    """One word for a strength value, for lists and badges."""
    if value >= 0.7:
        return "strong"
    if value >= 0.4:
        return "medium"
    if value > 0:
        return "weak"
    return "none"


def _from_evidence(evidence: Iterable[Evidence], today: date) -> tuple[float, list[str]]:
    """The capped noisy-OR value and the reason parts (one per contributing signal, in a fixed order)."""
    interaction_sum = 0.0
    interactions = 0
    newest_age: int | None = None
    linkedin_year: int | None = None
    linkedin = False
    contacts = vcard = False
    manual = False
    manual_detail = ""
    employer_signal = 0.0
    employer_part = ""

    for item in evidence:
        source = item.source
        on = item.on
        if on is not None and on > today:
            on = today
        if source == _INTERACTION:
            interactions += 1
            if on is None:
                interaction_sum += UNDATED_INTERACTION_WEIGHT
            else:
                age = (today - on).days
                interaction_sum += math.exp(-age * _DECAY_PER_DAY)
                if newest_age is None or age < newest_age:
                    newest_age = age
        elif source == _LINKEDIN:
            linkedin = True
            if on is not None and (linkedin_year is None or on.year < linkedin_year):
                linkedin_year = on.year
        elif source == _CONTACTS:
            contacts = True
        elif source == _VCARD:
            vcard = True
        elif source == _MANUAL:
            manual = True
            if not manual_detail:
                manual_detail = _one_line(item.detail)
        elif source == _SHARED_EMPLOYER:
            signal, part = _employer(item, today)
            # Several overlaps count once: the strongest one (ties keep the first, for a stable reason).
            if signal > employer_signal:
                employer_signal, employer_part = signal, part
        elif source not in _SOURCES:
            raise ValueError(f"unknown evidence source {source!r}")

    parts: list[str] = []
    remaining = 1.0  # product of (1 - s) over the signals
    if interactions:
        remaining *= math.exp(-interaction_sum / INTERACTION_SATURATION)
        parts.append(_interactions_part(interactions, newest_age))
    if employer_signal > 0:
        remaining *= 1 - employer_signal
        parts.append(employer_part)
    if manual:
        remaining *= 1 - MANUAL_TIE_SIGNAL
        parts.append(
            f'marked as knowing each other ("{manual_detail}")' if manual_detail else "marked as knowing each other"
        )
    if contacts or vcard:
        # A CRM record and a vCard say the same thing (someone kept their details), so they count once.
        remaining *= 1 - ADDRESS_BOOK_SIGNAL
        if contacts and vcard:
            parts.append("in a CRM/contact list and an address book")
        else:
            parts.append("in a CRM/contact list" if contacts else "in an address book")
    if linkedin:
        remaining *= 1 - LINKEDIN_SIGNAL
        parts.append(f"LinkedIn connection since {linkedin_year}" if linkedin_year else "LinkedIn connection")
    return round(min(1.0 - remaining, EVIDENCE_CAP), 3), parts


def _employer(item: Evidence, today: date) -> tuple[float, str]:
    months = EMPLOYER_DEFAULT_MONTHS if item.months is None else max(item.months, 0)
    signal = EMPLOYER_MAX_SIGNAL * (1 - math.exp(-months / EMPLOYER_OVERLAP_SCALE_MONTHS))
    ended = item.ended_on
    if ended is not None and ended < today:
        signal *= math.exp(-(today - ended).days * _FADE_PER_DAY)
    else:
        ended = None  # still together (an end date in the future has not happened yet)
    company = _one_line(item.detail)
    at = f" at {company}" if company else ""
    length = "" if item.months is None else f" for {_duration(months)}"
    if ended is None:
        part = f"work together{at}" + (f" ({_duration(months)} so far)" if item.months is not None else "")
    else:
        part = f"worked together{at}{length}, until {ended.year}"
    return signal, part


def _interactions_part(count: int, newest_age: int | None) -> str:
    times = "once" if count == 1 else f"{count} times"
    if newest_age is None:
        return f"met {times}"
    when = _ago(newest_age)
    if count == 1:
        return f"met {times}, {when}"
    # "last 12 days ago" reads well; "last today" does not.
    return f"met {times}, most recently {when}" if newest_age < 2 else f"met {times}, last {when}"


def _ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 45:
        return f"{days} days ago"
    if days < 730:
        months = round(days / 30.44)
        return "1 month ago" if months == 1 else f"{months} months ago"
    return f"{days // 365} years ago"


def _duration(months: int) -> str:
    if months < 12:
        return "1 month" if months == 1 else f"{months} months"
    years = round(months / 12)
    return "1 year" if years == 1 else f"{years} years"


def _one_line(text: str) -> str:
    # Details are typed by people; the reason must stay one line.
    return " ".join(text.split())


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
