"""Reads of the referral pipeline, with each role's view applied inside the query.

Who sees what: admins see every ask and referral of the workspace; managers see
their own and those of everyone on the teams they manage or belong to; reps see
their own and their teams'. A referral outside the viewer's view is not found
(404), exactly like one that does not exist. Who may change a visible referral
is `can_change`: its owner, managers and admins, and teammates when the
workspace lets reps move their team's referrals.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from warmline.core.choices import ReferralEditScope, Role
from warmline.core.models import Membership, Team, TeamMember
from warmline.network import queries as network_queries
from warmline.network.choices import CompanyRelation, InteractionKind
from warmline.network.models import Company, Interaction, Person
from warmline.referrals.choices import AskOutcome, Confirmation, StageKind, SuggestionStatus
from warmline.referrals.models import (
    Ask,
    AskSuggestion,
    Credit,
    Note,
    OwnerChange,
    Referral,
    Stage,
    StageChange,
)

# --- whose work the viewer sees ----------------------------------------------------------------


def owner_scope(viewer: Membership) -> list[int] | None:
    """Members whose asks and referrals the viewer sees; None for everyone (admins). Cached on the viewer."""
    cached = getattr(viewer, "_referral_scope", False)
    if cached is not False:
        return cached
    if viewer.role == Role.ADMIN:
        scope = None
    else:
        teams = Team.objects.filter(workspace_id=viewer.workspace_id).filter(
            Q(manager=viewer) | Q(team_members__membership=viewer)
        )
        ids = set(TeamMember.objects.filter(team__in=teams).values_list("membership_id", flat=True))
        ids |= {pk for pk in teams.values_list("manager_id", flat=True) if pk}
        ids.add(viewer.pk)
        scope = sorted(ids)
    viewer._referral_scope = scope
    return scope


def _scoped(queryset: QuerySet, viewer: Membership, owner_field: str) -> QuerySet:
    queryset = queryset.filter(workspace_id=viewer.workspace_id)
    scope = owner_scope(viewer)
    if scope is not None:
        queryset = queryset.filter(**{f"{owner_field}__in": scope})
    return queryset


def can_change(viewer: Membership, referral: Referral) -> bool:
    """Whether the viewer may move, edit or confirm a referral they can see."""
    if viewer.role in (Role.ADMIN, Role.MANAGER) or referral.owner_id == viewer.pk:
        return True
    return viewer.workspace.referral_edit_scope == ReferralEditScope.TEAM


def require_can_change(viewer: Membership, referral: Referral) -> None:
    scope = owner_scope(viewer)
    if referral.workspace_id != viewer.workspace_id or (scope is not None and referral.owner_id not in scope):
        raise Http404("No such referral.")
    if not can_change(viewer, referral):
        raise PermissionDenied(
            f"Only {referral.owner.user.display_name}, their manager or an admin may change this referral: "
            "this workspace lets reps change only their own referrals."
        )


def owner_choices(viewer: Membership) -> QuerySet[Membership]:
    """Whom the viewer may assign a referral to: themselves for reps; their teams for managers; anyone for admins."""
    members = Membership.objects.filter(workspace_id=viewer.workspace_id, is_active=True).select_related("user")
    if viewer.role == Role.REP:
        members = members.filter(pk=viewer.pk)
    elif viewer.role == Role.MANAGER:
        members = members.filter(pk__in=owner_scope(viewer))
    return members.order_by("user__full_name", "user__email")


def members_in_view(viewer: Membership) -> list[Membership]:
    """Members whose referrals the viewer sees, to filter by."""
    members = Membership.objects.filter(workspace_id=viewer.workspace_id).select_related("user")
    scope = owner_scope(viewer)
    if scope is not None:
        members = members.filter(pk__in=scope)
    return list(members.order_by("-is_active", "user__full_name", "user__email"))


def teams_in_view(viewer: Membership) -> list[Team]:
    """Teams to filter by: all of them for admins, the viewer's own for everyone else."""
    teams = Team.objects.filter(workspace_id=viewer.workspace_id)
    if viewer.role != Role.ADMIN:
        teams = teams.filter(Q(manager=viewer) | Q(team_members__membership=viewer)).distinct()
    return list(teams.order_by("name"))


def sources_in_view(viewer: Membership, limit: int = 300) -> list[Person]:
    """People who introduced the viewer's visible referrals, to filter by."""
    ids = referrals_for(viewer).order_by().values("source_id")
    return list(Person.objects.filter(pk__in=ids).order_by("full_name", "pk")[:limit])


# --- stages ---------------------------------------------------------------------------------------


def stages_of(workspace_id: int, *, include_archived: bool = False) -> list[Stage]:
    stages = Stage.objects.filter(workspace_id=workspace_id)
    if not include_archived:
        stages = stages.filter(archived=False)
    return list(stages.order_by("position", "id"))


def counts_by_stage(workspace_id: int) -> dict[int, int]:
    """How many referrals are in each stage now."""
    return _count_by(Referral.objects.filter(workspace_id=workspace_id), "stage_id")


def access_stage(viewer: Membership, public_id: str) -> Stage:
    try:
        return Stage.objects.get(workspace_id=viewer.workspace_id, public_id=public_id)
    except Stage.DoesNotExist:
        raise Http404("No such stage.") from None


def entry_stage(workspace_id: int) -> Stage:
    """Where a new introduction starts: the first open stage."""
    stage = Stage.objects.filter(workspace_id=workspace_id, kind=StageKind.OPEN, archived=False).order_by(
        "position", "id").first()
    if stage is None:
        raise Http404("This workspace has no open pipeline stage.")
    return stage


# --- referrals -------------------------------------------------------------------------------------


@dataclass
class ReferralFilters:
    """The filters of the board, the lists and the API: all optional."""

    owner: Membership | None = None
    team: Team | None = None
    source: Person | None = None
    stage: Stage | None = None
    status: str = ""  # open, won, lost
    introduced_from: datetime.date | None = None
    introduced_to: datetime.date | None = None
    overdue: bool | None = None
    confirmation: str = ""  # reported, source, prospect: at least this sure
    prospect: Person | None = None
    company: Company | None = None


def referrals_for(viewer: Membership, filters: ReferralFilters | None = None, *, now=None) -> QuerySet[Referral]:
    """Visible referrals with what a list shows, filtered. One query, whatever the number of rows."""
    qs = _scoped(Referral.objects.all(), viewer, "owner_id").select_related(
        "prospect", "company", "source", "source__company", "owner__user", "stage"
    )
    f = filters or ReferralFilters()
    if f.owner is not None:
        qs = qs.filter(owner=f.owner)
    if f.team is not None:
        qs = qs.filter(Q(owner__team_members__team=f.team) | Q(owner__managed_teams=f.team)).distinct()
    if f.source is not None:
        qs = qs.filter(source=f.source)
    if f.prospect is not None:
        qs = qs.filter(prospect=f.prospect)
    if f.company is not None:
        qs = qs.filter(company=f.company)
    if f.stage is not None:
        qs = qs.filter(stage=f.stage)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.introduced_from is not None:
        qs = qs.filter(introduced_at__gte=start_of(f.introduced_from))
    if f.introduced_to is not None:
        qs = qs.filter(introduced_at__lt=start_of(f.introduced_to + datetime.timedelta(days=1)))
    if f.overdue is not None:
        late = Q(status=StageKind.OPEN, first_contact_at__isnull=True, contact_due_at__lt=now or timezone.now())
        qs = qs.filter(late) if f.overdue else qs.exclude(late)
    if f.confirmation == Confirmation.SOURCE:
        qs = qs.filter(Q(source_confirmed_at__isnull=False) | Q(prospect_confirmed_at__isnull=False))
    elif f.confirmation == Confirmation.PROSPECT:
        qs = qs.filter(prospect_confirmed_at__isnull=False)
    return qs


def start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def access_referral(viewer: Membership, public_id: str) -> Referral:
    try:
        return referrals_for(viewer).select_related("ask", "earned_by__user", "duplicate_of__prospect",
                                                    "duplicate_of__source").get(public_id=public_id)
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None


def mine(viewer: Membership, *, now=None) -> list[Referral]:
    """The viewer's open referrals, overdue first (most overdue first), then by how long they have waited."""
    now = now or timezone.now()
    rows = list(referrals_for(viewer, ReferralFilters(owner=viewer, status=StageKind.OPEN)))
    rows.sort(key=lambda r: (not r.is_overdue(now), r.contact_due_at if r.is_overdue(now) else r.stage_entered_at))
    return rows


@dataclass
class BoardColumn:
    stage: Stage
    cards: list[Referral] = field(default_factory=list)
    total_minor: dict[str, int] = field(default_factory=dict)  # value per currency
    more: int = 0  # closed cards not shown


CLOSED_ON_BOARD_DAYS = 90
CLOSED_CARDS_SHOWN = 5


def board(viewer: Membership, filters: ReferralFilters | None = None, *, now=None,
          stages: list[Stage] | None = None) -> list[BoardColumn]:
    """Columns of active stages with their cards: every open referral, and those closed in the last 90 days.

    Two queries (stages, unless the caller has them, and referrals) whatever the number of cards.
    """
    now = now or timezone.now()
    stages = stages_of(viewer.workspace_id) if stages is None else [s for s in stages if not s.archived]
    columns = {s.pk: BoardColumn(stage=s) for s in stages}
    recent = now - datetime.timedelta(days=CLOSED_ON_BOARD_DAYS)
    qs = referrals_for(viewer, filters, now=now).filter(
        Q(status=StageKind.OPEN) | Q(stage_entered_at__gte=recent)).order_by("stage_entered_at", "id")
    for referral in qs:
        column = columns.get(referral.stage_id)
        if column is None:
            continue  # in an archived stage: listed, not on the board
        column.cards.append(referral)
        if referral.value_minor:
            column.total_minor[referral.currency] = column.total_minor.get(referral.currency, 0) + referral.value_minor
    for column in columns.values():
        if column.stage.kind == StageKind.OPEN:
            # Overdue first, then the longest waiting.
            column.cards.sort(key=lambda r: (not r.is_overdue(now), r.stage_entered_at))
        else:
            # Closed ones are the record, not the work: the latest few, and a count.
            column.cards.sort(key=lambda r: r.stage_entered_at, reverse=True)
            column.more = max(0, len(column.cards) - CLOSED_CARDS_SHOWN)
            column.cards = column.cards[:CLOSED_CARDS_SHOWN]
    return list(columns.values())


def stage_history(referral: Referral) -> list[StageChange]:
    return list(referral.stage_changes.select_related("from_stage", "to_stage", "actor__user").order_by(
        "changed_at", "id"))


def time_in_stages(referral: Referral, *, now=None) -> list[tuple[Stage, int]]:
    """(stage, seconds) for every stage the referral has been in, summed over visits, in pipeline order."""
    now = now or timezone.now()
    totals: dict[int, int] = defaultdict(int)
    stages: dict[int, Stage] = {}
    changes = stage_history(referral)
    for current, following in zip(changes, [*changes[1:], None], strict=True):
        if following is None and referral.is_closed:
            break  # time in a won or lost stage is not time in the pipeline
        end = following.changed_at if following else now
        totals[current.to_stage_id] += max(0, int((end - current.changed_at).total_seconds()))
        stages[current.to_stage_id] = current.to_stage
    return sorted(((stages[pk], seconds) for pk, seconds in totals.items()),
                  key=lambda pair: (pair[0].position, pair[0].pk))


def credits_of(referral: Referral) -> list[Credit]:
    return list(referral.credits.select_related("source"))


def duplicates_of(viewer: Membership, referral: Referral) -> list[Referral]:
    """Other referrals of the same prospect linked to this one, that the viewer can see."""
    root = referral.duplicate_of_id or referral.pk
    return list(referrals_for(viewer).filter(Q(pk=root) | Q(duplicate_of_id=root)).exclude(pk=referral.pk)
                .order_by("introduced_at", "id"))


# --- asks ------------------------------------------------------------------------------------------


@dataclass
class AskFilters:
    asked_by: Membership | None = None
    source: Person | None = None
    target: Person | None = None
    outcome: str = ""
    channel: str = ""
    digital: bool | None = None
    specific: bool | None = None
    asked_from: datetime.date | None = None
    asked_to: datetime.date | None = None


def asks_for(viewer: Membership, filters: AskFilters | None = None) -> QuerySet[Ask]:
    qs = _scoped(Ask.objects.all(), viewer, "asked_by_id").select_related(
        "source", "source__company", "target", "target__company", "target_company", "asked_by__user")
    f = filters or AskFilters()
    if f.asked_by is not None:
        qs = qs.filter(asked_by=f.asked_by)
    if f.source is not None:
        qs = qs.filter(source=f.source)
    if f.target is not None:
        qs = qs.filter(target=f.target)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.digital is not None:
        digital = Q(channel__in=["email", "social"])
        qs = qs.filter(digital) if f.digital else qs.exclude(digital)
    if f.specific is not None:
        qs = qs.filter(target__isnull=not f.specific)
    if f.asked_from is not None:
        qs = qs.filter(asked_on__gte=f.asked_from)
    if f.asked_to is not None:
        qs = qs.filter(asked_on__lte=f.asked_to)
    return qs


def access_ask(viewer: Membership, public_id: str) -> Ask:
    try:
        return asks_for(viewer).get(public_id=public_id)
    except Ask.DoesNotExist:
        raise Http404("No such ask.") from None


def require_can_change_ask(viewer: Membership, ask: Ask) -> None:
    scope = owner_scope(viewer)
    if ask.workspace_id != viewer.workspace_id or (scope is not None and ask.asked_by_id not in scope):
        raise Http404("No such ask.")
    if viewer.role == Role.REP and ask.asked_by_id != viewer.pk:
        raise PermissionDenied(f"Only {ask.asked_by.user.display_name}, their manager or an admin may change "
                               "this ask.")


def follow_ups_due(viewer: Membership, *, today: datetime.date | None = None) -> QuerySet[Ask]:
    """The viewer's asks whose follow-up date has come, still waiting for an answer or an introduction."""
    today = today or timezone.now().date()
    return asks_for(viewer, AskFilters(asked_by=viewer)).filter(
        follow_up_on__lte=today, outcome__in=[AskOutcome.PENDING, AskOutcome.AGREED], referrals__isnull=True,
    ).order_by("follow_up_on", "id")


# --- moments to ask --------------------------------------------------------------------------------


MOMENT_LASTS_DAYS = 60


def suggestions_for(viewer: Membership, *, today: datetime.date | None = None) -> QuerySet[AskSuggestion]:
    """Open moments to ask, for the viewer's own action. A moment passes: after 60 days it is no longer shown."""
    today = today or timezone.now().date()
    return AskSuggestion.objects.filter(
        workspace_id=viewer.workspace_id, membership=viewer, status=SuggestionStatus.OPEN,
        person__merged_into__isnull=True, occurred_on__gte=today - datetime.timedelta(days=MOMENT_LASTS_DAYS),
    ).select_related("person", "person__company", "referral").order_by("-occurred_on", "-id")


def access_suggestion(viewer: Membership, public_id: str) -> AskSuggestion:
    try:
        return AskSuggestion.objects.select_related("person").get(
            workspace_id=viewer.workspace_id, membership=viewer, public_id=public_id)
    except AskSuggestion.DoesNotExist:
        raise Http404("No such suggestion.") from None


# --- what a source has done for us ---------------------------------------------------------------------


@dataclass
class SourceRecord:
    """A referral source's record: introductions made, what became of them, and the revenue credited."""

    asked: int = 0
    introductions: int = 0
    open: int = 0
    won: int = 0
    lost: int = 0
    revenue_minor: dict[str, int] = field(default_factory=dict)  # credited revenue per currency
    referrals: list[Referral] = field(default_factory=list)  # the visible ones, newest first


def source_record(viewer: Membership, person: Person) -> SourceRecord:
    """Counts and credited revenue over the whole workspace (what the source did is no secret), with the
    referrals themselves only as far as the viewer may see them."""
    record = SourceRecord()
    ws = viewer.workspace_id
    record.asked = Ask.objects.filter(workspace_id=ws, source=person).count()
    for status, count in _count_by(Referral.objects.filter(workspace_id=ws, source=person), "status").items():
        setattr(record, status, count)
        record.introductions += count
    credited = Credit.objects.filter(workspace_id=ws, source=person, referral__status=StageKind.WON).values(
        "referral__currency", "referral__value_minor", "percent")
    for row in credited:
        currency = row["referral__currency"]
        record.revenue_minor[currency] = (record.revenue_minor.get(currency, 0)
                                          + (row["referral__value_minor"] or 0) * row["percent"] // 100)
    record.referrals = list(referrals_for(viewer, ReferralFilters(source=person))[:50])
    return record


def _count_by(queryset: QuerySet, column: str) -> dict[str, int]:
    return {row[column]: row["n"] for row in queryset.values(column).annotate(n=Count("id")).order_by()}


def referral_counts_by_person(workspace_id: int, person_ids=None) -> dict[int, tuple[int, int]]:
    """(introductions made, asked of them) per source person: the warm-path ranking's connector reliability."""
    asked: dict[int, int] = {}
    made: dict[int, int] = {}
    ids = sorted(person_ids) if person_ids is not None else None
    for start in range(0, len(ids), 900) if ids is not None else [None]:
        asks = Ask.objects.filter(workspace_id=workspace_id)
        referrals = Referral.objects.filter(workspace_id=workspace_id)
        if start is not None:
            chunk = ids[start:start + 900]
            asks, referrals = asks.filter(source_id__in=chunk), referrals.filter(source_id__in=chunk)
        asked.update(asks.values("source_id").annotate(n=Count("id")).order_by().values_list("source_id", "n"))
        made.update(referrals.values("source_id").annotate(n=Count("id")).order_by().values_list("source_id", "n"))
    return {pk: (made.get(pk, 0), max(asked.get(pk, 0), made.get(pk, 0))) for pk in {*asked, *made}}


def path_statuses(workspace_id: int, target: Person) -> dict[tuple, str]:
    """Each warm path's status (path key -> not_asked / pending / declined / introduced) from the asks made
    along it: the newest ask of a path decides, and an introduction of the target through it wins."""
    from warmline.paths.queries import DECLINED, INTRODUCED, PENDING  # paths imports this module: not at the top

    statuses: dict[tuple, str] = {}
    asks = Ask.objects.filter(workspace_id=workspace_id, target=target).exclude(path=[]).order_by("asked_on", "id")
    introduced = set(Referral.objects.filter(workspace_id=workspace_id, prospect=target, ask__in=asks)
                     .values_list("ask_id", flat=True))
    for ask in asks.only("id", "path", "outcome"):
        key = tuple(int(pk) for pk in ask.path)
        if ask.pk in introduced:
            statuses[key] = INTRODUCED
        elif statuses.get(key) != INTRODUCED:
            statuses[key] = {AskOutcome.DECLINED: DECLINED, AskOutcome.NO_ONE: DECLINED}.get(ask.outcome, PENDING)
    return statuses


# --- timelines --------------------------------------------------------------------------------------


@dataclass
class Entry:
    at: datetime.datetime
    kind: str  # ask, outcome, introduction, stage, owner, confirmation, interaction, note, moment
    text: str
    actor: str = ""
    channel: str = ""
    url: str = ""
    detail: str = ""
    flag: str = ""  # e.g. "overdue", "digital", "general"

    def as_dict(self) -> dict:
        return {"at": self.at, "kind": self.kind, "text": self.text, "actor": self.actor or None,
                "channel": self.channel or None, "url": self.url or None, "detail": self.detail or None,
                "flag": self.flag or None}


TIMELINE_LIMIT = 100


def _day(value: datetime.date, recorded: datetime.datetime | None = None) -> datetime.datetime:
    """When something dated by day happened, for ordering: when it was recorded, if that was the same day."""
    if recorded is not None and recorded.astimezone(datetime.UTC).date() == value:
        return recorded
    return datetime.datetime.combine(value, datetime.time(12), tzinfo=datetime.UTC)


def _name(membership: Membership | None) -> str:
    return membership.user.display_name if membership is not None else ""


def _ask_entries(asks) -> list[Entry]:
    entries = []
    for ask in asks:
        url = reverse("referrals:ask", args=[ask.public_id])
        flags = [f for f, on in (("digital", ask.is_digital), ("general", not ask.is_specific)) if on]
        entries.append(Entry(_day(ask.asked_on, ask.created_at), "ask",
                             f"{_name(ask.asked_by)} asked {ask.source.full_name} for an introduction to "
                             f"{ask.target_label} ({ask.get_channel_display().lower()})",
                             _name(ask.asked_by), ask.get_created_via_display(), url, ask.reason,
                             " ".join(flags)))
        if ask.outcome != AskOutcome.PENDING and ask.outcome_at:
            entries.append(Entry(ask.outcome_at, "outcome",
                                 f"{ask.source.full_name}: {ask.get_outcome_display().lower()}", url=url))
    return entries


def _referral_entries(referrals, now) -> list[Entry]:
    entries = []
    for r in referrals:
        url = reverse("referrals:detail", args=[r.public_id])
        entries.append(Entry(r.introduced_at, "introduction",
                             f"{r.source.full_name} introduced {r.prospect.full_name} to {_name(r.owner)}",
                             _name(r.owner), r.get_created_via_display(), url,
                             flag="overdue" if r.is_overdue(now) else ""))
        for when, via, who in ((r.source_confirmed_at, r.source_confirmed_via, r.source.full_name),
                               (r.prospect_confirmed_at, r.prospect_confirmed_via, r.prospect.full_name)):
            if when:
                entries.append(Entry(when, "confirmation", f"{who} confirmed the introduction", url=url,
                                     channel=dict(Referral._meta.get_field("source_confirmed_via").choices).get(
                                         via, via)))
    return entries


def _change_entries(changes, owner_changes) -> list[Entry]:
    entries = []
    for c in changes:
        if c.from_stage_id is None:
            continue  # the introduction itself
        url = reverse("referrals:detail", args=[c.referral.public_id])
        verb = "Reopened" if c.reopened else "Moved"
        entries.append(Entry(c.changed_at, "stage",
                             f"{verb} {c.referral.prospect.full_name} from {c.from_stage.name} to {c.to_stage.name}",
                             _name(c.actor), c.get_created_via_display(), url))
    for o in owner_changes:
        url = reverse("referrals:detail", args=[o.referral.public_id])
        entries.append(Entry(o.changed_at, "owner",
                             f"{o.referral.prospect.full_name} reassigned from {_name(o.from_owner)} to "
                             f"{_name(o.to_owner)}", _name(o.actor), o.get_created_via_display(), url))
    return entries


def _other_entries(interactions, notes, moments) -> list[Entry]:
    entries = []
    for i in interactions:
        entries.append(Entry(_day(i.occurred_on, i.created_at), "interaction",
                             f"{i.get_kind_display()} with {i.person.full_name}", _name(i.membership),
                             i.get_created_via_display(), reverse("network:person", args=[i.person.public_id]),
                             i.summary))
    for n in notes:
        entries.append(Entry(n.created_at, "note", "Note", _name(n.author), n.get_created_via_display(),
                             detail=n.body))
    for m in moments:
        entries.append(Entry(_day(m.occurred_on, m.created_at), "moment",
                             f"A moment to ask {m.person.full_name} for referrals: {m.get_moment_display().lower()}",
                             _name(m.membership), m.get_created_via_display(), detail=m.note))
    return entries


def _newest(queryset, order: str):
    return list(queryset.order_by(f"-{order}", "-id")[:TIMELINE_LIMIT])


_CHANGE_RELATED = ("referral__prospect", "from_stage", "to_stage", "actor__user")


def timeline_for_person(viewer: Membership, person: Person, *, now=None) -> list[Entry]:
    """Asks, introductions, stage changes, interactions, notes and moments about one person, newest first."""
    now = now or timezone.now()
    asks = asks_for(viewer).filter(Q(source=person) | Q(target=person))
    referrals = referrals_for(viewer).filter(Q(source=person) | Q(prospect=person))
    changes = StageChange.objects.filter(referral__in=referrals.values("pk")).select_related(*_CHANGE_RELATED)
    owners = OwnerChange.objects.filter(referral__in=referrals.values("pk")).select_related(
        "referral__prospect", "from_owner__user", "to_owner__user", "actor__user")
    notes = Note.objects.filter(workspace_id=viewer.workspace_id, person=person).select_related("author__user")
    moments = AskSuggestion.objects.filter(workspace_id=viewer.workspace_id, person=person).select_related(
        "person", "membership__user")
    entries = [
        *_ask_entries(_newest(asks, "asked_on")),
        *_referral_entries(_newest(referrals, "introduced_at"), now),
        *_change_entries(_newest(changes, "changed_at"), _newest(owners, "changed_at")),
        *_other_entries(network_queries.interactions_with(viewer, person)[:TIMELINE_LIMIT],
                        _newest(notes, "created_at"), _newest(moments, "occurred_on")),
    ]
    return _sorted(entries)


def timeline_for_company(viewer: Membership, company: Company, *, now=None) -> list[Entry]:
    now = now or timezone.now()
    asks = asks_for(viewer).filter(Q(target_company=company) | Q(target__company=company))
    referrals = referrals_for(viewer).filter(company=company)
    changes = StageChange.objects.filter(referral__in=referrals.values("pk")).select_related(*_CHANGE_RELATED)
    owners = OwnerChange.objects.filter(referral__in=referrals.values("pk")).select_related(
        "referral__prospect", "from_owner__user", "to_owner__user", "actor__user")
    notes = Note.objects.filter(workspace_id=viewer.workspace_id, company=company).select_related("author__user")
    people = network_queries.people_for(viewer).filter(company=company)
    interactions = Interaction.objects.filter(
        network_queries.visible_interactions_q(viewer), workspace_id=viewer.workspace_id, person__in=people,
    ).select_related("person", "membership__user")
    entries = [
        *_ask_entries(_newest(asks, "asked_on")),
        *_referral_entries(_newest(referrals, "introduced_at"), now),
        *_change_entries(_newest(changes, "changed_at"), _newest(owners, "changed_at")),
        *_other_entries(_newest(interactions, "occurred_on"), _newest(notes, "created_at"), []),
    ]
    return _sorted(entries)


def timeline_for_referral(viewer: Membership, referral: Referral, *, now=None) -> list[Entry]:
    now = now or timezone.now()
    entries = _referral_entries([referral], now)
    if referral.ask_id:
        entries += _ask_entries(asks_for(viewer).filter(pk=referral.ask_id))
    changes = StageChange.objects.filter(referral=referral).select_related(*_CHANGE_RELATED)
    owners = OwnerChange.objects.filter(referral=referral).select_related(
        "referral__prospect", "from_owner__user", "to_owner__user", "actor__user")
    notes = Note.objects.filter(referral=referral).select_related("author__user")
    since = referral.introduced_at.date()
    interactions = network_queries.interactions_with(viewer, referral.prospect)
    entries += _change_entries(_newest(changes, "changed_at"), _newest(owners, "changed_at"))
    entries += _other_entries([i for i in interactions[:TIMELINE_LIMIT] if i.occurred_on >= since],
                              _newest(notes, "created_at"), [])
    return _sorted(entries)


def _sorted(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.at, reverse=True)[:TIMELINE_LIMIT]


def with_credits(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.prefetch_related(Prefetch("credits", queryset=Credit.objects.select_related("source")))


# --- reciprocity with partners -------------------------------------------------------------------

# How far back introductions count, both ways, in a partner's balance.
RECIPROCITY_DAYS = 365


@dataclass(frozen=True)
class Balance:
    """Introductions a partner gave us, and introductions we made for them, over the reciprocity window."""

    received: int
    given: int

    @property
    def owed(self) -> int:
        return self.received - self.given


def partner_balances(workspace_id: int, today: datetime.date, *, person_ids=None,
                     owed_only: bool = True) -> dict[int, Balance]:
    """The balance of each person at a partner company who introduced us to someone in the last
    RECIPROCITY_DAYS: by person id, only those we owe unless `owed_only` is false. Two queries."""
    since = today - datetime.timedelta(days=RECIPROCITY_DAYS)
    referrals = Referral.objects.filter(workspace_id=workspace_id, source__company__relation=CompanyRelation.PARTNER,
                                        introduced_at__date__gte=since)
    if person_ids is not None:
        referrals = referrals.filter(source_id__in=list(person_ids))
    received = dict(referrals.values("source_id").annotate(n=Count("id")).order_by().values_list("source_id", "n"))
    if not received:
        return {}
    given = dict(
        Interaction.objects.filter(workspace_id=workspace_id, person_id__in=list(received),
                                   kind=InteractionKind.INTRODUCTION, occurred_on__gte=since)
        .values("person_id").annotate(n=Count("id")).order_by().values_list("person_id", "n")
    )
    balances = {pk: Balance(n, given.get(pk, 0)) for pk, n in received.items()}
    return {pk: b for pk, b in balances.items() if b.owed > 0} if owed_only else balances
