"""Whom to ask this week: a rep's ranked call list of referral sources, each with the reasons it is on it.

Pure, no Django: the caller gathers candidates from the database and passes them to `rank`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

DEFAULT_GOAL = 5
RECENT_ASK_DAYS = 30  # sources asked (by anyone in the workspace) this recently are excluded
DORMANT_DAYS = 90  # the caller's threshold for a dormant source, kept beside the rules it feeds

WON = "won"
THANKED = "thanked"
LOST = "lost"
HAPPY_CLIENT = "happy_client"
PARTNER_OWED = "partner_owed"
CONNECTOR = "connector"
DORMANT = "dormant"
KINDS = (WON, THANKED, PARTNER_OWED, LOST, HAPPY_CLIENT, CONNECTOR, DORMANT)

BASE_WEIGHTS = {WON: 90, THANKED: 80, PARTNER_OWED: 70, LOST: 60, HAPPY_CLIENT: 55, CONNECTOR: 50, DORMANT: 45}
# A moment of value is worth asking about only while it is fresh.
MOMENTS = frozenset({WON, THANKED, LOST})
FULL_FOR_DAYS = 14
FADED_AT_DAYS = 60
FADED_FACTOR = 0.4
GONE_AFTER_DAYS = 90

PROMOTER_NPS = 9
PASSIVE_NPS = 7
OTHER_REASONS_SHARE = 0.15

YOU = "You"
DO_NOT_ASK = "Asked not to be asked"
OPEN_ASK = "Your team has an open ask with them"


@dataclass(frozen=True)
class Reason:
    kind: str  # one of KINDS
    detail: str  # human sentence from the caller, e.g. "Won Globex with you on 12 Nov"
    on: date | None = None  # when it happened (moments), for freshness
    score: float | None = None  # NPS, partner balance, path strength or earlier successes, by kind


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    reasons: tuple[Reason, ...]
    last_asked_on: date | None = None  # latest ask of this person by anyone in the workspace
    do_not_ask: bool = False  # the person asked not to be asked
    open_ask: bool = False  # the rep's team has an open ask with this person (pending, or agreed, not introduced)
    is_self: bool = False  # the rep themself


@dataclass(frozen=True)
class Entry:
    candidate: Candidate
    score: float  # 0..100, rounded to 1 decimal
    why: tuple[str, ...]  # the reasons' details, strongest first
    kind: str = ""  # the kind of the strongest reason


@dataclass(frozen=True)
class Excluded:
    candidate: Candidate
    why: str  # the first exclusion that applied, e.g. "Asked 12 days ago"


@dataclass(frozen=True)
class CallList:
    entries: tuple[Entry, ...]  # at most `goal`, best first
    more: tuple[Entry, ...]  # the next best (up to `goal` more), for when an entry does not work out
    excluded: tuple[Excluded, ...]  # every excluded candidate, in the same order as the ranking


def reason_score(reason: Reason, today: date) -> float:
    """How strongly one reason argues for asking this person now, 0..100: the kind's base weight times a factor.

    ============  ====  ===========================================================================
    kind          base  factor
    ============  ====  ===========================================================================
    won           90    age in days of `on`: 1 up to 14 days, then linearly down to 0.4 at 60 days,
    thanked       80    0.4 up to 90 days, 0 beyond. A future date counts as today; an undated
    lost          60    moment cannot be shown to be fresh and counts 0.4.
    partner_owed  70    1 + 0.1 × (balance − 1), at most 1.3; no balance counts as 1
    happy_client  55    NPS 9–10: 1.0; 7–8: 0.8; 6 or below: 0.5; no NPS (health "good"): 0.8
    connector     50    0.5 + 0.5 × path strength (clamped to 0..1); no strength counts as 0
    dormant       45    1 + 0.15 × (earlier successes − 1), at most 1.45; none given counts as 1
    ============  ====  ===========================================================================

    The result is clamped to 0..100; a reason scoring 0 does not count. An unknown kind raises ValueError.
    """
    if reason.kind not in BASE_WEIGHTS:
        raise ValueError(f"Unknown reason kind {reason.kind!r}; expected one of {', '.join(KINDS)}")
    base = BASE_WEIGHTS[reason.kind]
    value = reason.score
    if reason.kind in MOMENTS:
        factor = _freshness(reason.on, today)
    elif reason.kind == HAPPY_CLIENT:
        if value is None:
            factor = 0.8
        elif value >= PROMOTER_NPS:
            factor = 1.0
        elif value >= PASSIVE_NPS:
            factor = 0.8
        else:
            factor = 0.5
    elif reason.kind == PARTNER_OWED:
        factor = min(1.3, 1 + 0.1 * ((1 if value is None else value) - 1))
    elif reason.kind == CONNECTOR:
        factor = 0.5 + 0.5 * min(max(value or 0.0, 0.0), 1.0)
    else:
        factor = min(1.45, 1 + 0.15 * ((1 if value is None else value) - 1))
    return min(max(base * factor, 0.0), 100.0)


def _freshness(on: date | None, today: date) -> float:
    if on is None:
        return FADED_FACTOR
    age = max((today - on).days, 0)
    if age <= FULL_FOR_DAYS:
        return 1.0
    if age <= FADED_AT_DAYS:
        return 1 - (1 - FADED_FACTOR) * (age - FULL_FOR_DAYS) / (FADED_AT_DAYS - FULL_FOR_DAYS)
    if age <= GONE_AFTER_DAYS:
        return FADED_FACTOR
    return 0.0


def rank(candidates: Iterable[Candidate], *, today: date, goal: int = DEFAULT_GOAL) -> CallList:
    """The call list for one rep: the best `goal` sources to ask, the next `goal` in reserve, and who was left out.

    Candidates for the same person are merged first. A candidate's score is its best reason's score plus 15 %
    of each other counting reason's, at most 100, rounded to 1 decimal. Ties go to the freshest reason date
    (undated last), then the name (case-insensitive), then the person id. Candidates with no reason that counts
    are left out silently: there is nothing to say about them. The entries mix kinds of reasons: the best
    candidate of each kind first, then the second best of each, and so on, shown in rank order.
    """
    if goal < 1:
        raise ValueError(f"The weekly ask goal must be at least 1, not {goal}")
    ranked = sorted(
        (scored for candidate in _merged(candidates, today) if (scored := _scored(candidate, today)) is not None),
        key=_order,
    )
    eligible: list[Entry] = []
    excluded: list[Excluded] = []
    for scored in ranked:
        why = _exclusion(scored.entry.candidate, today)
        if why is None:
            eligible.append(scored.entry)
        else:
            excluded.append(Excluded(scored.entry.candidate, why))
    entries = _mixed(eligible, goal)
    rest = [entry for entry in eligible if entry not in entries]
    return CallList(entries=tuple(entries), more=tuple(rest[:goal]), excluded=tuple(excluded))


def _mixed(eligible: list[Entry], goal: int) -> list[Entry]:
    """`goal` entries, round by round: in each round the best remaining candidate of every kind of leading
    reason, strongest first. A list of five recent wins says less than a win, a happy client and a connector."""
    picked: list[int] = []
    per_kind: dict[str, int] = {}
    cap = 0
    while len(picked) < min(goal, len(eligible)):
        cap += 1
        for n, entry in enumerate(eligible):
            if len(picked) == goal:
                break
            if n not in picked and per_kind.get(entry.kind, 0) < cap:
                picked.append(n)
                per_kind[entry.kind] = per_kind.get(entry.kind, 0) + 1
    return [eligible[n] for n in sorted(picked)]


@dataclass(frozen=True)
class _Scored:
    entry: Entry
    freshest: date | None


def _merged(candidates: Iterable[Candidate], today: date) -> list[Candidate]:
    """One candidate per person, in order of first appearance, keeping the first name given."""
    by_person: dict[int, Candidate] = {}
    for candidate in candidates:
        seen = by_person.get(candidate.person_id)
        if seen is None:
            by_person[candidate.person_id] = candidate
            continue
        asked = [d for d in (seen.last_asked_on, candidate.last_asked_on) if d is not None]
        by_person[candidate.person_id] = replace(
            seen,
            reasons=tuple(seen.reasons) + tuple(candidate.reasons),
            last_asked_on=max(asked) if asked else None,
            do_not_ask=seen.do_not_ask or candidate.do_not_ask,
            open_ask=seen.open_ask or candidate.open_ask,
            is_self=seen.is_self or candidate.is_self,
        )
    return [_without_duplicate_reasons(candidate, today) for candidate in by_person.values()]


def _without_duplicate_reasons(candidate: Candidate, today: date) -> Candidate:
    # The same fact reached through two queries may carry different dates: keep the copy that scores best, then
    # the freshest, so the ranking does not depend on the order the caller gathered them in.
    def strength(reason: Reason) -> tuple[float, int]:
        return reason_score(reason, today), -_newest_first(reason.on)

    unique: dict[tuple[str, str], Reason] = {}
    for reason in candidate.reasons:
        key = (reason.kind, reason.detail)
        if key not in unique or strength(reason) > strength(unique[key]):
            unique[key] = reason
    return replace(candidate, reasons=tuple(unique.values()))


def _scored(candidate: Candidate, today: date) -> _Scored | None:
    counted = [(reason_score(r, today), r) for r in candidate.reasons]
    counted = [(score, r) for score, r in counted if score > 0]
    if not counted:
        return None
    # Stable: among equally strong reasons the fresher comes first, then the caller's order.
    counted.sort(key=lambda pair: (-pair[0], _newest_first(pair[1].on)))
    best = counted[0][0]
    total = min(best + OTHER_REASONS_SHARE * sum(score for score, _ in counted[1:]), 100.0)
    dates = [r.on for _, r in counted if r.on is not None]
    return _Scored(
        entry=Entry(candidate=candidate, score=round(total, 1), why=tuple(r.detail for _, r in counted),
                    kind=counted[0][1].kind),
        freshest=max(dates) if dates else None,
    )


def _newest_first(on: date | None) -> int:
    # Undated sorts after every date.
    return -on.toordinal() if on is not None else 1


def _order(scored: _Scored) -> tuple[float, int, str, int]:
    # The rounded score is what the rep sees: ordering by it keeps equal-looking scores in tie-break order.
    candidate = scored.entry.candidate
    return (-scored.entry.score, _newest_first(scored.freshest), candidate.name.casefold(), candidate.person_id)


def _exclusion(candidate: Candidate, today: date) -> str | None:
    if candidate.is_self:
        return YOU
    if candidate.do_not_ask:
        return DO_NOT_ASK
    if candidate.last_asked_on is not None:
        days = (today - candidate.last_asked_on).days
        if days < 0:
            return "Asked recently"
        if days <= RECENT_ASK_DAYS:
            return _asked(days)
    if candidate.open_ask:
        return OPEN_ASK
    return None


def _asked(days: int) -> str:
    if days == 0:
        return "Asked today"
    if days == 1:
        return "Asked yesterday"
    return f"Asked {days} days ago"
