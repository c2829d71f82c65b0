"""Keeping the pre-aggregated figures up to date: per-referral facts and per-rep daily rollups.

Changes are queued (`RollupQueue`) in the transaction that makes them, by the receivers of the pipeline's
events; `refresh` works through the queue before any figure is read, so the dashboards never show stale
numbers and a write costs one insert. `rebuild` recreates everything for a workspace from the pipeline (after a
bulk load, or with `warmline insights_rebuild`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from warmline.followups.choices import RuleKind, TaskStatus
from warmline.followups.models import Task
from warmline.insights.choices import SourceType
from warmline.insights.models import DailyRevenue, DailyStat, ReferralFact, RollupQueue
from warmline.network.choices import CompanyRelation
from warmline.network.models import Person
from warmline.referrals.choices import DIGITAL_CHANNELS, Milestone, StageKind
from warmline.referrals.models import Ask, Referral, Stage, StageChange

# How many queued changes, or referrals in a rebuild, are worked through at once.
BATCH = 2000
STAT_FIELDS = ("asks", "asks_specific", "asks_digital", "introductions", "contacted", "contacted_in_time", "thanked",
               "cohort_won", "cohort_closed", "meetings_scheduled", "meetings_held", "won", "lost", "days_to_close")
CLIENT_RELATIONS = {CompanyRelation.CLIENT, CompanyRelation.FORMER_CLIENT}
PARTNER_RELATIONS = {CompanyRelation.PARTNER, CompanyRelation.VENDOR}

Key = tuple[int, datetime.date]


# --- queueing --------------------------------------------------------------------------------------------


def mark_referrals(workspace_id: int, referral_ids: Iterable[int]) -> None:
    RollupQueue.objects.bulk_create(RollupQueue(workspace_id=workspace_id, referral_id=pk) for pk in set(referral_ids))


def mark_asks(workspace_id: int, keys: Iterable[Key]) -> None:
    RollupQueue.objects.bulk_create(RollupQueue(workspace_id=workspace_id, membership_id=m, day=d)
                                    for m, d in set(keys) if m and d)


# --- facts -----------------------------------------------------------------------------------------------


def reached_stages(stages: list[Stage], milestone: str) -> set[int]:
    """The stages whose entry means the referral has reached `milestone`: the open stages from the milestone's
    stage onwards, and the won stages (a deal is not won without the meeting). Empty when no stage carries the
    milestone."""
    marker = next((s for s in stages if s.milestone == milestone), None)
    if marker is None:
        return set()
    return {s.pk for s in stages if (s.kind == StageKind.OPEN and s.position >= marker.position)
            or s.kind == StageKind.WON}


def source_type(source_member_id: int | None, relation: str | None) -> str:
    if source_member_id:
        return SourceType.EMPLOYEE
    if relation in CLIENT_RELATIONS:
        return SourceType.CLIENT
    if relation in PARTNER_RELATIONS:
        return SourceType.PARTNER
    return SourceType.OTHER


def compute_facts(workspace_id: int, referral_ids: list[int]) -> list[ReferralFact]:
    """The facts of these referrals, read from the pipeline in six queries whatever their number."""
    stages = list(Stage.objects.filter(workspace_id=workspace_id))
    scheduled = reached_stages(stages, Milestone.MEETING_SCHEDULED)
    held = reached_stages(stages, Milestone.MEETING_HELD)
    first: dict[int, dict[str, datetime.date]] = defaultdict(dict)
    if scheduled or held:
        # The referrals' changes by the referral index (a handful each), the milestones picked here: filtering on
        # the stages too lets a database without statistics scan the to-stage index, every change of the stage.
        changes = StageChange.objects.filter(referral_id__in=referral_ids).values_list("referral_id", "to_stage_id",
                                                                                     "changed_at")
        for referral_id, to_stage_id, changed_at in changes:
            day = changed_at.date()
            for name, stage_ids in (("scheduled", scheduled), ("held", held)):
                if to_stage_id in stage_ids and (name not in first[referral_id] or day < first[referral_id][name]):
                    first[referral_id][name] = day
    thanked = set(Task.objects.filter(referral_id__in=referral_ids, kind=RuleKind.THANK_SOURCE,
                                      status=TaskStatus.DONE).values_list("referral_id", flat=True))
    facts = []
    rows = list(Referral.objects.filter(pk__in=referral_ids).values(
        "pk", "owner_id", "source_id", "source__membership_id", "source__company__relation", "introduced_at",
        "contact_due_at", "first_contact_at", "first_contact_seconds", "status", "closed_on", "value_minor",
        "currency", "ask__path"))
    starts = {r["ask__path"][0] for r in rows if r["ask__path"] and not r["source__membership_id"]}
    employee_of = dict(Person.objects.filter(pk__in=starts, membership__isnull=False)
                       .values_list("pk", "membership_id")) if starts else {}
    for r in rows:
        path = r["ask__path"] or []
        introduced_on = r["introduced_at"].date()
        contacted_at = r["first_contact_at"]
        closed_on = r["closed_on"] if r["status"] != StageKind.OPEN else None
        reached = first.get(r["pk"], {})
        facts.append(ReferralFact(
            referral_id=r["pk"], workspace_id=workspace_id, owner_id=r["owner_id"], source_id=r["source_id"],
            source_type=source_type(r["source__membership_id"], r["source__company__relation"]),
            source_member_id=r["source__membership_id"],
            network_member_id=r["source__membership_id"] or (employee_of.get(path[0]) if path else None),
            introduced_on=introduced_on,
            contacted=contacted_at is not None,
            contacted_in_time=contacted_at is not None and contacted_at <= r["contact_due_at"],
            first_contact_seconds=r["first_contact_seconds"], thanked=r["pk"] in thanked,
            meeting_scheduled_on=reached.get("scheduled"), meeting_held_on=reached.get("held"),
            status=r["status"], closed_on=closed_on,
            days_to_close=(closed_on - introduced_on).days if closed_on and r["status"] == StageKind.WON else None,
            value_minor=r["value_minor"], currency=r["currency"],
        ))
    return facts


def _fact_keys(fact: ReferralFact) -> set[Key]:
    days = {fact.introduced_on, fact.meeting_scheduled_on, fact.meeting_held_on, fact.closed_on}
    return {(fact.owner_id, d) for d in days if d is not None}


def _save_facts(facts: list[ReferralFact]) -> None:
    ReferralFact.objects.bulk_create(facts, update_conflicts=True, unique_fields=["referral"],
                                     update_fields=[f.attname for f in ReferralFact._meta.concrete_fields
                                                    if not f.primary_key])


# --- daily rollups ---------------------------------------------------------------------------------------


def _stats_for(workspace_id: int, keys: set[Key]) -> tuple[dict[Key, dict], dict[tuple, list[int]]]:
    """Recount the daily rollups of these (rep, day) keys from the asks and the facts."""
    members = {m for m, _ in keys}
    days = {d for _, d in keys}
    stats: dict[Key, dict] = defaultdict(lambda: dict.fromkeys(STAT_FIELDS, 0))
    asks = (Ask.objects.filter(workspace_id=workspace_id, asked_by_id__in=members, asked_on__in=days)
            .values("asked_by_id", "asked_on").order_by()
            .annotate(n=Count("id"), specific=Count("id", filter=Q(target__isnull=False)),
                      digital=Count("id", filter=Q(channel__in=list(DIGITAL_CHANNELS)))))
    for row in asks:
        s = stats[row["asked_by_id"], row["asked_on"]]
        s.update(asks=row["n"], asks_specific=row["specific"], asks_digital=row["digital"])
    facts = ReferralFact.objects.filter(workspace_id=workspace_id, owner_id__in=members)
    for row in (facts.filter(introduced_on__in=days).values("owner_id", "introduced_on").order_by()
                .annotate(n=Count("pk"), contacted_n=Count("pk", filter=Q(contacted=True)),
                          in_time=Count("pk", filter=Q(contacted_in_time=True)),
                          thanked_n=Count("pk", filter=Q(thanked=True)),
                          won_n=Count("pk", filter=Q(status=StageKind.WON)),
                          closed_n=Count("pk", filter=~Q(status=StageKind.OPEN)))):
        stats[row["owner_id"], row["introduced_on"]].update(
            introductions=row["n"], contacted=row["contacted_n"], contacted_in_time=row["in_time"],
            thanked=row["thanked_n"], cohort_won=row["won_n"], cohort_closed=row["closed_n"])
    for field, column in (("meeting_scheduled_on", "meetings_scheduled"), ("meeting_held_on", "meetings_held")):
        for row in facts.filter(**{f"{field}__in": days}).values("owner_id", field).order_by().annotate(n=Count("pk")):
            stats[row["owner_id"], row[field]][column] = row["n"]
    revenue: dict[tuple, list[int]] = {}
    for row in (facts.filter(closed_on__in=days).values("owner_id", "closed_on", "status", "currency").order_by()
                .annotate(n=Count("pk"), value=Sum("value_minor"), days_n=Sum("days_to_close"))):
        s = stats[row["owner_id"], row["closed_on"]]
        if row["status"] == StageKind.WON:
            s["won"] += row["n"]
            s["days_to_close"] += row["days_n"] or 0
            revenue[row["owner_id"], row["closed_on"], row["currency"]] = [row["n"], row["value"] or 0]
        else:
            s["lost"] += row["n"]
    return stats, revenue


def _write_stats(workspace_id: int, keys: set[Key], stats: dict[Key, dict], revenue: dict[tuple, list[int]]) -> None:
    """Replace the rollups of `keys` (and only those) with the recounted figures; days with nothing go."""
    by_member = defaultdict(set)
    for m, d in keys:
        by_member[m].add(d)
    rows = Q()
    for m, ds in by_member.items():
        rows |= Q(membership_id=m, day__in=ds)
    DailyStat.objects.filter(rows).delete()
    DailyRevenue.objects.filter(rows).delete()
    # Upserts: another process may be recounting the same days at the same time.
    DailyStat.objects.bulk_create(
        [DailyStat(workspace_id=workspace_id, membership_id=m, day=d, **v) for (m, d), v in stats.items()
         if (m, d) in keys and any(v.values())],
        update_conflicts=True, unique_fields=["membership", "day"], update_fields=list(STAT_FIELDS))
    DailyRevenue.objects.bulk_create(
        [DailyRevenue(workspace_id=workspace_id, membership_id=m, day=d, currency=c, won=n, value_minor=v)
         for (m, d, c), (n, v) in revenue.items() if (m, d) in keys],
        update_conflicts=True, unique_fields=["membership", "day", "currency"], update_fields=["won", "value_minor"])


def _recount(workspace_id: int, keys: set[Key]) -> None:
    keys = {k for k in keys if k[0] and k[1]}
    if not keys:
        return
    # Keys are recounted per member in slices, so that a query's IN lists stay short.
    keys_list = sorted(keys)
    for i in range(0, len(keys_list), 500):
        part = set(keys_list[i:i + 500])
        stats, revenue = _stats_for(workspace_id, part)
        _write_stats(workspace_id, part, stats, revenue)


# --- refresh and rebuild ---------------------------------------------------------------------------------


_fresh: contextvars.ContextVar[frozenset] = contextvars.ContextVar("insights_fresh", default=frozenset())


@contextlib.contextmanager
def fresh(workspace_id: int):
    """Within the block, the workspace's figures are brought up to date once: the reads inside skip it."""
    refresh(workspace_id)
    token = _fresh.set(_fresh.get() | {workspace_id})
    try:
        yield
    finally:
        _fresh.reset(token)


def refresh(workspace_id: int) -> int:
    """Work through the queued changes of a workspace; returns how many were applied. One query when there are
    none, so every page that shows figures calls it first."""
    if workspace_id in _fresh.get():
        return 0
    done = 0
    while True:
        rows = list(RollupQueue.objects.filter(workspace_id=workspace_id).order_by("id")
                    .values_list("id", "referral_id", "membership_id", "day")[:BATCH])
        if not rows:
            return done
        with transaction.atomic():
            referral_ids = sorted({r for _, r, _, _ in rows if r})
            keys: set[Key] = {(m, d) for _, r, m, d in rows if not r}
            if referral_ids:
                for old in ReferralFact.objects.filter(referral_id__in=referral_ids):
                    keys |= _fact_keys(old)
                facts = compute_facts(workspace_id, referral_ids)
                ReferralFact.objects.filter(referral_id__in=set(referral_ids) - {f.referral_id for f in facts}).delete()
                _save_facts(facts)
                for fact in facts:
                    keys |= _fact_keys(fact)
            _recount(workspace_id, keys)
            RollupQueue.objects.filter(id__in=[pk for pk, *_ in rows]).delete()
        done += len(rows)
        if len(rows) < BATCH:
            return done


def refresh_all() -> int:
    """Bring every workspace up to date (the worker's periodic job)."""
    workspace_ids = RollupQueue.objects.values_list("workspace_id", flat=True).distinct().order_by()
    return sum(refresh(pk) for pk in list(workspace_ids))


@transaction.atomic
def rebuild(workspace_id: int) -> int:
    """Recreate the facts and the daily rollups of a workspace from its pipeline; returns the referrals counted.

    The facts are computed in batches; the daily rollups are recounted with GROUP BY queries over the whole
    workspace, not key by key."""
    RollupQueue.objects.filter(workspace_id=workspace_id).delete()
    ReferralFact.objects.filter(workspace_id=workspace_id).delete()
    DailyStat.objects.filter(workspace_id=workspace_id).delete()
    DailyRevenue.objects.filter(workspace_id=workspace_id).delete()
    ids = list(Referral.objects.filter(workspace_id=workspace_id).order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        ReferralFact.objects.bulk_create(compute_facts(workspace_id, ids[i:i + BATCH]), batch_size=BATCH)
    _rebuild_stats(workspace_id)
    return len(ids)


def _rebuild_stats(workspace_id: int) -> None:
    """The daily rollups of the whole workspace, recounted by the database: one INSERT … SELECT … GROUP BY for the
    counts and one for the revenue, the same sums `_stats_for` makes key by key (a test checks they agree)."""
    ask, fact = Ask._meta.db_table, ReferralFact._meta.db_table
    zeros = {name: "0" for name in STAT_FIELDS}

    def part(table: str, member: str, day: str, where: str, **sums: str) -> str:
        columns = ", ".join(f"{sums.get(name, zeros[name])} AS {name}" for name in STAT_FIELDS)
        return (f"SELECT {member} AS membership_id, {day} AS day, {columns} FROM {table} "
                f"WHERE workspace_id = %s AND {member} IS NOT NULL AND {day} IS NOT NULL{where} "
                f"GROUP BY {member}, {day}")

    def count_if(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    channels = sorted(str(c.value if hasattr(c, "value") else c) for c in DIGITAL_CHANNELS)
    digital = ", ".join(["%s"] * len(channels))
    won, open_ = str(StageKind.WON.value), str(StageKind.OPEN.value)
    parts = [
        part(ask, "asked_by_id", "asked_on", "", asks="COUNT(*)", asks_specific=count_if("target_id IS NOT NULL"),
             asks_digital=count_if(f"channel IN ({digital})")),
        part(fact, "owner_id", "introduced_on", "", introductions="COUNT(*)", contacted=count_if("contacted"),
             contacted_in_time=count_if("contacted_in_time"), thanked=count_if("thanked"),
             cohort_won=count_if("status = %s"), cohort_closed=count_if("status <> %s")),
        part(fact, "owner_id", "meeting_scheduled_on", "", meetings_scheduled="COUNT(*)"),
        part(fact, "owner_id", "meeting_held_on", "", meetings_held="COUNT(*)"),
        part(fact, "owner_id", "closed_on", "", won=count_if("status = %s"), lost=count_if("status <> %s"),
             days_to_close="SUM(CASE WHEN status = %s THEN COALESCE(days_to_close, 0) ELSE 0 END)"),
    ]
    params = [*channels, workspace_id, won, open_, workspace_id, workspace_id, workspace_id,
              won, won, won, workspace_id]
    names = ", ".join(STAT_FIELDS)
    totals = ", ".join(f"SUM({name})" for name in STAT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DailyStat._meta.db_table} (workspace_id, membership_id, day, {names}) "
            f"SELECT %s, membership_id, day, {totals} FROM ({' UNION ALL '.join(parts)}) AS parts "
            f"GROUP BY membership_id, day", [workspace_id, *params])
        cursor.execute(
            f"INSERT INTO {DailyRevenue._meta.db_table} (workspace_id, membership_id, day, currency, won, value_minor) "
            f"SELECT workspace_id, owner_id, closed_on, currency, COUNT(*), SUM(COALESCE(value_minor, 0)) FROM {fact} "
            f"WHERE workspace_id = %s AND status = %s AND closed_on IS NOT NULL "
            f"GROUP BY workspace_id, owner_id, closed_on, currency", [workspace_id, won])
