"""Every figure Warmline reports, defined once.

The dashboard, the API and the CSV export all read `values()` (and the source tables below), so a number means
the same thing wherever it is shown. Each metric's docstring is its definition; `docs/insights.md` repeats them
in plain words. Days are UTC days; a week starts on Monday.

Who a figure belongs to:
- asks count for the rep who asked;
- everything about a referral counts for its current owner (reassigning it moves its figures);
- a team's figures are its members' figures on the days they were on the team (`TeamSpell`), so a rep who
  changed team mid-period counts for each team for their time on it;
- the workspace's figures are everyone's.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from warmline.core.models import Membership, Team, TeamSpell
from warmline.insights import rollups
from warmline.insights.choices import SourceType
from warmline.insights.models import DailyRevenue, DailyStat, ReferralFact
from warmline.referrals.choices import StageKind
from warmline.referrals.models import Credit, Referral

ACTIVITY, RESULTS, DISCIPLINE = "activity", "results", "discipline"
KIND_LABELS = {ACTIVITY: "Activity", RESULTS: "Results", DISCIPLINE: "Discipline"}
PERIOD_KINDS = ("week", "month", "quarter", "year", "custom")
# A custom range is at most this long: longer views are years.
MAX_DAYS = 3 * 366


# --- periods ---------------------------------------------------------------------------------------------


FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


class PeriodError(ValueError):
    """A period that cannot be read; the message names the field and the value."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class Period:
    """A range of whole days, `start` to `end` inclusive."""

    start: datetime.date
    end: datetime.date
    kind: str = "custom"

    @classmethod
    def week(cls, day: datetime.date) -> Period:
        start = day - datetime.timedelta(days=day.weekday())
        return cls(start, start + datetime.timedelta(days=6), "week")

    @classmethod
    def month(cls, day: datetime.date) -> Period:
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(day.replace(day=1), day.replace(day=last), "month")

    @classmethod
    def quarter(cls, day: datetime.date) -> Period:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = datetime.date(day.year, first_month, 1)
        end_month = first_month + 2
        return cls(start, datetime.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1]), "quarter")

    @classmethod
    def year(cls, day: datetime.date) -> Period:
        return cls(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31), "year")

    @classmethod
    def parse(cls, kind: str | None, on: str | datetime.date | None = None, start=None, end=None,
              today: datetime.date | None = None) -> Period:
        """A period from request parameters: a kind and a day in it, or a custom `start` and `end`."""
        today = today or timezone.localdate()
        kind = (kind or "week").strip().lower()
        if kind not in PERIOD_KINDS:
            raise PeriodError("period", f"'{kind}' is not a period: use {', '.join(PERIOD_KINDS)}.")
        if kind == "custom":
            first, last = _date("start", start), _date("end", end)
            if first is None or last is None:
                raise PeriodError("start" if first is None else "end", "A custom period needs a start and an end date.")
            if last < first:
                raise PeriodError("end", f"The end ({last}) is before the start ({first}).")
            if (last - first).days >= MAX_DAYS:
                raise PeriodError("end", "A custom period is at most three years long.")
            return cls(first, last, "custom")
        return getattr(cls, kind)(_date("on", on) or today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind == "week":
            return f"Week of {self.start:%-d %b %Y}"
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "quarter":
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}"

    def shifted(self, steps: int) -> Period:
        """The period `steps` before (negative) or after this one, of the same kind."""
        if self.kind == "week":
            return Period.week(self.start + datetime.timedelta(weeks=steps))
        if self.kind in ("month", "quarter", "year"):
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind] * steps
            index = self.start.year * 12 + self.start.month - 1 + months
            return getattr(Period, self.kind)(datetime.date(index // 12, index % 12 + 1, 1))
        length = datetime.timedelta(days=self.days * steps)
        return Period(self.start + length, self.end + length, "custom")

    def week_starts(self) -> list[datetime.date]:
        first = self.start - datetime.timedelta(days=self.start.weekday())
        return [first + datetime.timedelta(weeks=i) for i in range((self.end - first).days // 7 + 1)]


def _date(name: str, value) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PeriodError(name, f"'{value}' is not a date: use YYYY-MM-DD.") from None
    # Far enough from the calendar's ends that a period, the one before it and its trend all stay in it.
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PeriodError(name, f"'{day}' is out of range: use a date from {FIRST_DAY} to {LAST_DAY}.")
    return day


# --- scopes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose figures: one rep, one team (its members on the days they were on it), or the whole workspace."""

    workspace_id: int
    kind: str  # rep, team, workspace
    member: Membership | None = None
    team: Team | None = None
    spells: tuple[tuple[int, datetime.date | None, datetime.date | None], ...] = ()

    @classmethod
    def of_workspace(cls, workspace_id: int) -> Scope:
        return cls(workspace_id, "workspace")

    @classmethod
    def of_rep(cls, member: Membership) -> Scope:
        return cls(member.workspace_id, "rep", member=member)

    @classmethod
    def of_team(cls, team: Team) -> Scope:
        spells = tuple(TeamSpell.objects.filter(team=team).order_by("membership_id", "id")
                       .values_list("membership_id", "joined_on", "left_on"))
        return cls(team.workspace_id, "team", team=team, spells=spells)

    @property
    def label(self) -> str:
        if self.kind == "rep":
            return self.member.user.display_name
        if self.kind == "team":
            return self.team.name
        return "Whole workspace"

    @property
    def key(self) -> str:
        if self.kind == "rep":
            return f"rep:{self.member.public_id}"
        if self.kind == "team":
            return f"team:{self.team.public_id}"
        return "workspace"

    def rows(self, start: datetime.date, end: datetime.date, member: str = "membership_id",
             day: str = "day") -> Q:
        """The filter of this scope's rows from `start` to `end`, given the names of the member and day fields."""
        base = Q(workspace_id=self.workspace_id, **{f"{day}__gte": start, f"{day}__lte": end})
        if self.kind == "rep":
            return base & Q(**{member: self.member.pk})
        if self.kind == "workspace":
            return base
        # Members on the team for the whole range share one IN; the others get their own days. A small filter
        # keeps the query cheap to build and lets the database use the (workspace, day) index.
        whole, parts = [], Q(pk__in=[])
        for member_id, joined, left in self.spells:
            first = max(start, joined) if joined else start
            last = min(end, left - datetime.timedelta(days=1)) if left else end
            if (first, last) == (start, end):
                whole.append(member_id)
            elif first <= last:
                parts |= Q(**{member: member_id, f"{day}__gte": first, f"{day}__lte": last})
        spans = parts | Q(**{f"{member}__in": sorted(set(whole))}) if whole else parts
        return base & spans

    def member_ids_on(self, day: datetime.date) -> list[int] | None:
        """Who is in the scope on `day` (None: everyone in the workspace)."""
        if self.kind == "rep":
            return [self.member.pk]
        if self.kind == "workspace":
            return None
        return sorted({m for m, joined, left in self.spells if (joined is None or joined <= day)
                       and (left is None or day < left)})


# --- totals ----------------------------------------------------------------------------------------------


@dataclass
class Totals:
    """The sums a scope's metrics are computed from, for one period."""

    asks: int = 0
    asks_specific: int = 0
    asks_digital: int = 0
    introductions: int = 0
    contacted: int = 0
    contacted_in_time: int = 0
    thanked: int = 0
    cohort_won: int = 0
    cohort_closed: int = 0
    meetings_scheduled: int = 0
    meetings_held: int = 0
    won: int = 0
    lost: int = 0
    days_to_close: int = 0
    # currency -> [deals won, value in minor units]
    revenue: dict[str, list[int]] = field(default_factory=dict)
    # Introductions of the period still within their time to be contacted, and not contacted yet.
    awaiting_contact: int = 0
    median_first_contact_seconds: int | None = None


SUMS = {name: Sum(name) for name in rollups.STAT_FIELDS}


def totals(scope: Scope, period: Period, *, now: datetime.datetime | None = None) -> Totals:
    """The scope's sums for the period: six queries, whatever the number of reps, referrals or days."""
    rollups.refresh(scope.workspace_id)
    now = now or timezone.now()
    row = DailyStat.objects.filter(scope.rows(period.start, period.end)).aggregate(**SUMS)
    result = Totals(**{name: value or 0 for name, value in row.items()})
    result.revenue = revenue_by_currency(scope, period)
    facts = ReferralFact.objects.filter(scope.rows(period.start, period.end, "owner_id", "introduced_on"))
    waiting = Referral.objects.filter(
        workspace_id=scope.workspace_id, first_contact_at__isnull=True, contact_due_at__gt=now,
        status=StageKind.OPEN, pk__in=facts.filter(contacted=False).values("referral_id"))
    result.awaiting_contact = waiting.count()
    result.median_first_contact_seconds = _median(facts.filter(first_contact_seconds__isnull=False),
                                                  "first_contact_seconds")
    return result


def revenue_by_currency(scope: Scope, period: Period) -> dict[str, list[int]]:
    rows = (DailyRevenue.objects.filter(scope.rows(period.start, period.end)).values("currency").order_by("currency")
            .annotate(n=Sum("won"), value=Sum("value_minor")))
    return {r["currency"]: [r["n"], r["value"]] for r in rows}


def _median(queryset, name: str) -> int | None:
    """The median of a column, exact, on any database: count, then read the middle row(s) in order."""
    n = queryset.count()
    if n == 0:
        return None
    ordered = queryset.order_by(name).values_list(name, flat=True)
    middle = list(ordered[(n - 1) // 2: n // 2 + 1])
    return round(sum(middle) / len(middle))


def per_member(scope: Scope, period: Period) -> dict[int, Totals]:
    """Each rep's sums for the period within the scope, in two queries (no live discipline figures)."""
    rollups.refresh(scope.workspace_id)
    result: dict[int, Totals] = defaultdict(Totals)
    for row in (DailyStat.objects.filter(scope.rows(period.start, period.end)).values("membership_id").order_by()
                .annotate(**SUMS)):
        member_id = row.pop("membership_id")
        result[member_id] = Totals(**{k: v or 0 for k, v in row.items()})
    for row in (DailyRevenue.objects.filter(scope.rows(period.start, period.end))
                .values("membership_id", "currency").order_by().annotate(n=Sum("won"), value=Sum("value_minor"))):
        result[row["membership_id"]].revenue[row["currency"]] = [row["n"], row["value"]]
    return dict(result)


def per_week(scope: Scope, first_week: datetime.date, weeks: int) -> dict[datetime.date, Totals]:
    """The scope's sums week by week (keyed by Monday), from `first_week` for `weeks` weeks, in two queries."""
    rollups.refresh(scope.workspace_id)
    last = first_week + datetime.timedelta(weeks=weeks, days=-1)
    result = {first_week + datetime.timedelta(weeks=i): Totals() for i in range(weeks)}
    for row in DailyStat.objects.filter(scope.rows(first_week, last)).values("day").order_by().annotate(**SUMS):
        day = row.pop("day")
        week = result[day - datetime.timedelta(days=day.weekday())]
        for name, value in row.items():
            setattr(week, name, getattr(week, name) + (value or 0))
    for row in (DailyRevenue.objects.filter(scope.rows(first_week, last)).values("day", "currency").order_by()
                .annotate(n=Sum("won"), value=Sum("value_minor"))):
        week = result[row["day"] - datetime.timedelta(days=row["day"].weekday())]
        won, value = week.revenue.get(row["currency"], [0, 0])
        week.revenue[row["currency"]] = [won + row["n"], value + row["value"]]
    return result


def per_month_revenue(scope: Scope, last_month: datetime.date, months: int) -> dict[datetime.date, dict[str, int]]:
    """Revenue from referrals won, month by month (keyed by the first of the month), per currency, in one query."""
    rollups.refresh(scope.workspace_id)
    firsts = [Period.month(last_month).shifted(-i).start for i in reversed(range(months))]
    result: dict[datetime.date, dict[str, int]] = {m: {} for m in firsts}
    end = Period.month(last_month).end
    for row in (DailyRevenue.objects.filter(scope.rows(firsts[0], end)).values("day", "currency").order_by()
                .annotate(value=Sum("value_minor"))):
        month = result[row["day"].replace(day=1)]
        month[row["currency"]] = month.get(row["currency"], 0) + row["value"]
    return result


# --- the metrics -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str
    unit: str  # count, share (0..1), money (currency -> minor units), days, hours
    definition: str
    compute: Callable[[Totals], object]

    def value(self, t: Totals):
        return self.compute(t)


METRICS: dict[str, Metric] = {}


def metric(key: str, label: str, kind: str, unit: str = "count"):
    def register(fn: Callable[[Totals], object]) -> Callable[[Totals], object]:
        METRICS[key] = Metric(key, label, kind, unit, " ".join(fn.__doc__.split()), fn)
        return fn
    return register


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@metric("asks", "People asked", ACTIVITY)
def _asks(t: Totals) -> int:
    """Asks for an introduction with an ask date in the period, by the rep who asked: specific and general
    asks, in person and in writing."""
    return t.asks


@metric("asks_specific", "Specific asks", ACTIVITY)
def _asks_specific(t: Totals) -> int:
    """Asks in the period that named the person to meet."""
    return t.asks_specific


@metric("asks_general", "General asks", ACTIVITY)
def _asks_general(t: Totals) -> int:
    """Asks in the period that described whom to meet without naming anyone."""
    return t.asks - t.asks_specific


@metric("asks_digital", "Digital asks", ACTIVITY)
def _asks_digital(t: Totals) -> int:
    """Asks in the period made by email or social media (also counted in People asked)."""
    return t.asks_digital


@metric("introductions", "Referrals received", ACTIVITY)
def _introductions(t: Totals) -> int:
    """Introductions (referrals) recorded with an introduction date in the period, counted for their current
    owner, duplicates included."""
    return t.introductions


@metric("meetings_scheduled", "Meetings scheduled", ACTIVITY)
def _meetings_scheduled(t: Totals) -> int:
    """Referrals that first reached the 'meeting scheduled' milestone in the period: entered that stage, a later
    open stage, or a won stage. A referral moved back and forward again counts once, on the first day."""
    return t.meetings_scheduled


@metric("meetings_held", "Meetings held", ACTIVITY)
def _meetings_held(t: Totals) -> int:
    """Referrals that first reached the 'meeting held' milestone in the period, counted as meetings scheduled
    are."""
    return t.meetings_held


@metric("won", "Referred leads won", RESULTS)
def _won(t: Totals) -> int:
    """Referrals in a won stage now whose close date is in the period. A deal reopened after winning no longer
    counts until it is won again, on its new close date."""
    return t.won


@metric("close_ratio", "Close ratio (won ÷ introduced)", RESULTS, "share")
def _close_ratio(t: Totals) -> float | None:
    """Of the referrals introduced in the period, the share won so far."""
    return _share(t.cohort_won, t.introductions)


@metric("win_rate", "Win rate (won ÷ closed)", RESULTS, "share")
def _win_rate(t: Totals) -> float | None:
    """Of the referrals introduced in the period that are closed now (won or lost), the share won."""
    return _share(t.cohort_won, t.cohort_closed)


@metric("revenue", "Revenue from referrals", RESULTS, "money")
def _revenue(t: Totals) -> dict[str, int]:
    """The value of the referred leads won in the period, per currency: amounts in different currencies are
    never added together."""
    return {currency: value for currency, (_, value) in sorted(t.revenue.items())}


@metric("average_deal", "Average deal size", RESULTS, "money")
def _average_deal(t: Totals) -> dict[str, int]:
    """Revenue from referrals divided by the referred leads won, per currency, rounded to the minor unit."""
    return {currency: round(value / won) for currency, (won, value) in sorted(t.revenue.items()) if won}


@metric("days_to_close", "Days from introduction to close", RESULTS, "days")
def _days_to_close(t: Totals) -> float | None:
    """For the referred leads won in the period, the average number of days from the introduction to the close
    date."""
    return t.days_to_close / t.won if t.won else None


@metric("contacted_in_time", "Contacted within the agreed time", DISCIPLINE, "share")
def _contacted_in_time(t: Totals) -> float | None:
    """Of the introductions in the period whose time to contact has run out or who were contacted, the share
    first contacted by their deadline (the workspace's contact time after the introduction). Introductions
    still within their time and not contacted yet are left out until they are."""
    return _share(t.contacted_in_time, t.introductions - t.awaiting_contact)


@metric("first_contact_hours", "Median time to first contact", DISCIPLINE, "hours")
def _first_contact_hours(t: Totals) -> float | None:
    """The median time from introduction to first contact, in hours, of the introductions in the period that
    have been contacted."""
    return None if t.median_first_contact_seconds is None else t.median_first_contact_seconds / 3600


@metric("thanked", "Sources thanked", DISCIPLINE, "share")
def _thanked(t: Totals) -> float | None:
    """Of the introductions in the period, the share whose 'thank the source' follow-up has been done."""
    return _share(t.thanked, t.introductions)


def values(scope: Scope, period: Period, *, now: datetime.datetime | None = None) -> list[tuple[Metric, object]]:
    """Every metric of the scope for the period, in the order they are shown."""
    t = totals(scope, period, now=now)
    return [(m, m.value(t)) for m in METRICS.values()]


# --- sources ---------------------------------------------------------------------------------------------


@dataclass
class SourceRow:
    key: object
    introductions: int = 0
    won: int = 0
    # currency -> minor units credited
    revenue: dict[str, int] = field(default_factory=dict)


def _source_facts(scope: Scope, period: Period):
    rollups.refresh(scope.workspace_id)
    return ReferralFact.objects.filter(scope.rows(period.start, period.end, "owner_id", "introduced_on"))


def _credited_revenue(scope: Scope, period: Period, sources=None) -> dict[int, dict[str, int]]:
    """Revenue of the referrals won in the period, split between their sources by their credits."""
    won = ReferralFact.objects.filter(scope.rows(period.start, period.end, "owner_id", "closed_on"),
                                      status=StageKind.WON).values("referral_id")
    credits = Credit.objects.filter(referral_id__in=won)
    if sources is not None:
        credits = credits.filter(source_id__in=sources)
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in credits.values("source_id", "referral__currency", "percent", "referral__value_minor"):
        money = result[row["source_id"]]
        currency = row["referral__currency"]
        money[currency] = money.get(currency, 0) + (row["referral__value_minor"] or 0) * row["percent"] // 100
    return result


def by_source(scope: Scope, period: Period, limit: int = 20, *, order: str = "introductions",
              currency: str = "USD") -> list[SourceRow]:
    """Referral sources with the introductions they made in the period (to the scope's reps), the deals won among
    those, and the revenue credited to them for deals won in the period (a shared credit is split by its
    percentages). The top `limit` by introductions, or by revenue in `currency`."""
    facts = _source_facts(scope, period)
    counted = (facts.values("source_id").order_by()
               .annotate(n=Count("referral_id"), won=Count("referral_id", filter=Q(status=StageKind.WON))))
    if order == "introductions":
        rows = {r["source_id"]: SourceRow(r["source_id"], r["n"], r["won"])
                for r in counted.order_by("-n", "source_id")[:limit]}
        for source_id, money in _credited_revenue(scope, period, sources=list(rows)).items():
            rows[source_id].revenue = money
        return list(rows.values())
    money = _credited_revenue(scope, period)
    top = sorted((pk for pk in money if money[pk].get(currency)), key=lambda pk: (-money[pk][currency], pk))[:limit]
    rows = {pk: SourceRow(pk, revenue=money[pk]) for pk in top}
    for r in counted.filter(source_id__in=top):
        rows[r["source_id"]].introductions, rows[r["source_id"]].won = r["n"], r["won"]
    return list(rows.values())


def by_source_type(scope: Scope, period: Period) -> list[SourceRow]:
    """Per kind of source (employee, client, partner or vendor, other contact): the introductions made in the
    period, the deals won among them, and the value of the deals won in the period, each deal's whole value under
    the kind of the source who introduced it (shared credits are not split here)."""
    rows = {t: SourceRow(t) for t in SourceType.values}
    for r in (_source_facts(scope, period).values("source_type").order_by()
              .annotate(n=Count("referral_id"), won=Count("referral_id", filter=Q(status=StageKind.WON)))):
        rows[r["source_type"]].introductions, rows[r["source_type"]].won = r["n"], r["won"]
    won = ReferralFact.objects.filter(scope.rows(period.start, period.end, "owner_id", "closed_on"),
                                      status=StageKind.WON)
    for r in won.values("source_type", "currency").order_by().annotate(value=Sum("value_minor")):
        rows[r["source_type"]].revenue[r["currency"]] = r["value"] or 0
    return list(rows.values())


def outside_sales_ids(workspace_id: int) -> set[int]:
    """Members outside sales: on no sales team and managing none."""
    in_sales = set(Team.objects.filter(workspace_id=workspace_id).values_list("team_members__membership_id",
                                                                              flat=True))
    in_sales |= set(Team.objects.filter(workspace_id=workspace_id).values_list("manager_id", flat=True))
    return set(Membership.objects.filter(workspace_id=workspace_id).exclude(pk__in=in_sales - {None})
               .values_list("pk", flat=True))


def by_employee(scope: Scope, period: Period, limit: int = 20) -> list[SourceRow]:
    """Employees outside sales (on no sales team, managing none) by the introductions in the period that came
    through their network: made by them as the source, or by a contact of theirs on the warm path an ask was
    planned from. With the deals won among them."""
    outside = outside_sales_ids(scope.workspace_id)
    rows = (_source_facts(scope, period).filter(network_member_id__in=outside).values("network_member_id")
            .order_by().annotate(n=Count("referral_id"), won=Count("referral_id", filter=Q(status=StageKind.WON)))
            .order_by("-n", "network_member_id"))
    return [SourceRow(r["network_member_id"], r["n"], r["won"]) for r in rows[:limit]]
