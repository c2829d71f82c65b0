"""Every write to the referral pipeline, as verbs that own their transaction.

Callers pass objects they obtained through the access_* queries, so that the
actor may see them; the verbs check what the actor may change. Time is
injectable (`at=`), so rules are tested at exact times and the demo can write
a year of history.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from warmline.core.choices import AttributionPolicy, Channel, ReferralEditScope, Role
from warmline.core.models import Membership, Workspace
from warmline.core.money import Money, MoneyError, check_currency
from warmline.network import changes
from warmline.network.models import Company, Person
from warmline.referrals import attribution, events, queries
from warmline.referrals.choices import (
    DEFAULT_STAGES,
    AskChannel,
    AskOutcome,
    Confirmation,
    Conflict,
    Milestone,
    Moment,
    ReferralOrigin,
    StageKind,
    SuggestionStatus,
)
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

INTEL_FIELDS = ("intel_how_they_know", "intel_what_matters", "intel_challenges", "intel_communication",
                "intel_obstacles")
ASK_FIELDS = ("target_description", "reason", "intro_text", "talking_points", "channel", "asked_on", "outcome", "follow_up_on",
              *INTEL_FIELDS)


class StaleVersion(Exception):
    """The record changed since the caller read it: their update would overwrite someone else's."""

    def __init__(self, kind: str, current: int):
        super().__init__(f"This {kind} was changed by someone else since you loaded it (it is at version "
                         f"{current} now). Reload it and make your change again.")
        self.current = current


def _now(at: datetime.datetime | None) -> datetime.datetime:
    if at is not None and timezone.is_naive(at):
        raise ValueError("Times must be timezone-aware.")
    return at or timezone.now()


def _same_workspace(actor: Membership, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.workspace_id != actor.workspace_id:
            raise PermissionDenied("That belongs to another workspace.")


def _live(person: Person, field: str) -> None:
    if person.merged_into_id:
        raise ValidationError({field: f"{person.full_name} was merged into someone else; pick that person."})


def _check_version(obj, version: int | None, kind: str) -> None:
    if version is not None and obj.version != version:
        raise StaleVersion(kind, obj.version)


# --- stages ----------------------------------------------------------------------------------------


def create_default_stages(workspace: Workspace) -> None:
    """The default pipeline; the caller holds the transaction that created the workspace."""
    if Stage.objects.filter(workspace=workspace).exists():
        return
    Stage.objects.bulk_create(
        Stage(workspace=workspace, name=name, position=(i + 1) * 10, kind=kind, probability=probability,
              milestone=milestone, created_via=Channel.RULE)
        for i, (name, kind, probability, milestone) in enumerate(DEFAULT_STAGES)
    )


def _require_admin(actor: Membership) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("Only workspace admins can change the pipeline and its settings.")


@transaction.atomic
def save_stage(actor: Membership, stage: Stage | None, *, name: str, kind: str, probability: int,
               milestone: str = "", channel: str = Channel.UI) -> Stage:
    """Create (stage=None, placed before the closed stages if open, else last) or edit a stage."""
    _require_admin(actor)
    _same_workspace(actor, stage)
    _lock_stages(actor.workspace_id)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "A stage needs a name."
    if kind not in StageKind.values:
        errors["kind"] = f"'{kind}' is not a stage kind: use open, won or lost."
    if not isinstance(probability, int) or not 0 <= probability <= 100:
        errors["probability"] = "Probability is a whole percentage from 0 to 100."
    if milestone and milestone not in Milestone.values:
        errors["milestone"] = f"'{milestone}' is not a milestone."
    elif milestone and kind != StageKind.OPEN:
        errors["milestone"] = "Only open stages mark a milestone."
    others = Stage.objects.filter(workspace_id=actor.workspace_id).exclude(pk=stage.pk if stage else None)
    if name and others.filter(name__iexact=name).exists():
        errors["name"] = f"There is already a stage called {name}."
    if milestone and others.filter(milestone=milestone).exists():
        errors["milestone"] = f"Another stage already marks '{Milestone(milestone).label}'."
    if errors:
        raise ValidationError(errors)
    if stage is None:
        positions = others.aggregate(last=Max("position"))["last"] or 0
        stage = Stage(workspace_id=actor.workspace_id, created_by=actor.user, created_via=channel,
                      position=positions + 10)
        if kind == StageKind.OPEN:
            first_closed = others.exclude(kind=StageKind.OPEN).order_by("position").first()
            if first_closed is not None:
                others.filter(position__gte=first_closed.position).update(position=F("position") + 10)
                stage.position = first_closed.position
    elif stage.kind != kind and stage.referrals.exists():
        raise ValidationError({"kind": f"Referrals are in {stage.name}: its kind cannot change. Add a new stage "
                                       "instead and move them."})
    stage.name, stage.kind, stage.probability, stage.milestone = name, kind, probability, milestone
    stage.save()
    _check_pipeline(actor.workspace_id)
    return stage


@transaction.atomic
def move_stage(actor: Membership, stage: Stage, offset: int) -> None:
    """Swap a stage with its neighbour: offset -1 moves it left (earlier), +1 right."""
    _require_admin(actor)
    _same_workspace(actor, stage)
    stages = [s for s in _lock_stages(actor.workspace_id) if not s.archived or s.pk == stage.pk]
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    other = index + offset
    if not 0 <= other < len(stages):
        return
    stages[index], stages[other] = stages[other], stages[index]
    for position, item in enumerate(stages, start=1):
        Stage.objects.filter(pk=item.pk).update(position=position * 10)


@transaction.atomic
def archive_stage(actor: Membership, stage: Stage, archived: bool = True) -> Stage:
    """Archived stages keep their history but take no new referrals; their open referrals must move first."""
    _require_admin(actor)
    _same_workspace(actor, stage)
    _lock_stages(actor.workspace_id)
    if archived and stage.referrals.filter(status=StageKind.OPEN).exists():
        count = stage.referrals.filter(status=StageKind.OPEN).count()
        raise ValidationError(f"{count} open referral{'s are' if count != 1 else ' is'} in {stage.name}: "
                              "move them to another stage first.")
    stage.archived = archived
    stage.save(update_fields=["archived"])
    _check_pipeline(actor.workspace_id)
    return stage


@transaction.atomic
def delete_stage(actor: Membership, stage: Stage) -> None:
    """Only a stage no referral was ever in can go; others are archived, so history stays true."""
    _require_admin(actor)
    _same_workspace(actor, stage)
    _lock_stages(actor.workspace_id)
    used = StageChange.objects.filter(to_stage=stage).exists() or Referral.objects.filter(stage=stage).exists()
    if used:
        raise ValidationError(f"Referrals have been in {stage.name}, so its history needs it: archive it instead.")
    stage.delete()
    _check_pipeline(actor.workspace_id)


def _lock_stages(workspace_id: int) -> list[Stage]:
    # Pipeline edits of one workspace run one at a time (the checks below read all stages).
    Workspace.objects.select_for_update().filter(pk=workspace_id).first()
    return list(Stage.objects.filter(workspace_id=workspace_id).order_by("position", "id"))


def _check_pipeline(workspace_id: int) -> None:
    kinds = set(Stage.objects.filter(workspace_id=workspace_id, archived=False).values_list("kind", flat=True))
    missing = [label for kind, label in StageKind.choices if kind not in kinds]
    if missing:
        raise ValidationError(f"The pipeline needs at least one active {' and one '.join(missing).lower()} stage.")


@transaction.atomic
def update_pipeline_settings(actor: Membership, *, contact_within_hours: int, attribution_policy: str,
                             referral_edit_scope: str, currency: str, at=None) -> Workspace:
    """The follow-up clock, attribution policy, who may move team referrals, and the default currency.

    A new follow-up time applies to every open referral still waiting for its first contact.
    """
    _require_admin(actor)
    now = _now(at)
    errors = {}
    if not isinstance(contact_within_hours, int) or not 1 <= contact_within_hours <= 720:
        errors["contact_within_hours"] = "Use a whole number of hours from 1 to 720 (30 days)."
    if attribution_policy not in AttributionPolicy.values:
        errors["attribution_policy"] = f"'{attribution_policy}' is not a policy: use first_source or shared."
    if referral_edit_scope not in ReferralEditScope.values:
        errors["referral_edit_scope"] = f"'{referral_edit_scope}' is not a choice: use team or own."
    try:
        currency = check_currency(currency)
    except MoneyError as error:
        errors["currency"] = str(error)
    if errors:
        raise ValidationError(errors)
    workspace = Workspace.objects.select_for_update().get(pk=actor.workspace_id)
    previous_hours = workspace.contact_within_hours
    changed_clock = previous_hours != contact_within_hours
    workspace.contact_within_hours = contact_within_hours
    workspace.attribution_policy = attribution_policy
    workspace.referral_edit_scope = referral_edit_scope
    workspace.currency = currency
    workspace.save(update_fields=["contact_within_hours", "attribution_policy", "referral_edit_scope", "currency"])
    if changed_clock:
        Referral.objects.filter(workspace=workspace, status=StageKind.OPEN, first_contact_at__isnull=True).update(
            contact_due_at=F("introduced_at") + datetime.timedelta(hours=contact_within_hours), updated_at=now)
        events.contact_time_changed.send(Workspace, workspace=workspace, actor=actor, at=now,
                                         previous_hours=previous_hours)
    actor.workspace = workspace
    return workspace


# --- asks ------------------------------------------------------------------------------------------


def _clean_path(path: Iterable, source: Person, target: Person | None) -> list[int]:
    try:
        ids = [int(pk) for pk in path]
    except (TypeError, ValueError):
        raise ValidationError({"path": "A path is a list of person ids."}) from None
    if not ids:
        return []
    if len(ids) < 2 or len(ids) > 4 or len(set(ids)) != len(ids):
        raise ValidationError({"path": "A warm path runs from an employee to the target through at most two "
                                       "introducers."})
    if source.pk not in ids[:-1]:
        raise ValidationError({"path": f"{source.full_name} is not on this path: ask the path's introducer."})
    if target is not None and ids[-1] != target.pk:
        raise ValidationError({"path": f"This path does not lead to {target.full_name}."})
    return ids


@transaction.atomic
def record_ask(
    actor: Membership, *, source: Person, target: Person | None = None, target_company: Company | None = None,
    target_description: str = "", reason: str = "", intro_text: str = "", talking_points: str = "", channel: str,
    asked_on: datetime.date | None = None, outcome: str = AskOutcome.PENDING,
    follow_up_on: datetime.date | None = None, path: Iterable = (), suggestion: AskSuggestion | None = None,
    asked_by: Membership | None = None, via: str = Channel.UI, at=None, **intel: str,
) -> Ask:
    """A rep asked `source` for an introduction to `target` (or to someone described)."""
    now = _now(at)
    asked_by = asked_by or actor
    _same_workspace(actor, source, target, target_company, suggestion, asked_by)
    if asked_by.pk != actor.pk and actor.role == Role.REP:
        raise PermissionDenied("Reps record their own asks.")
    unknown = set(intel) - set(INTEL_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    errors = {}
    _live(source, "source")
    if target is not None:
        _live(target, "target")
        if target.pk == source.pk:
            errors["target"] = "The person asked and the person to meet must be different people."
    target_description = (target_description or "").strip()
    if target is None and not target_description:
        errors["target"] = "Name the person to meet, or describe whom you would like to meet."
    if channel not in AskChannel.values:
        errors["channel"] = f"'{channel}' is not a channel: use {', '.join(AskChannel.values)}."
    if outcome not in AskOutcome.values:
        errors["outcome"] = f"'{outcome}' is not an outcome: use {', '.join(AskOutcome.values)}."
    asked_on = asked_on or timezone.localdate(now)
    if asked_on > timezone.localdate(now):
        errors["asked_on"] = "An ask is recorded once it has happened: the date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    clean_path = _clean_path(path, source, target)
    ask = Ask.objects.create(
        workspace_id=actor.workspace_id, created_by=actor.user, created_via=via, created_at=now, updated_at=now,
        asked_by=asked_by, source=source, target=target, target_company=target_company or (
            target.company if target is not None else None),
        target_description=target_description, reason=reason.strip(), intro_text=intro_text.strip(),
        talking_points=talking_points.strip(),
        channel=channel, asked_on=asked_on, outcome=outcome, follow_up_on=follow_up_on,
        outcome_at=now if outcome != AskOutcome.PENDING else None, path=clean_path,
        **{name: (value or "").strip() for name, value in intel.items()},
    )
    if suggestion is not None:
        AskSuggestion.objects.filter(pk=suggestion.pk).update(status=SuggestionStatus.ASKED, ask=ask)
    # The warm-path ranking counts asks per connector.
    changes.note(actor.workspace_id, people=[source.pk])
    events.ask_recorded.send(Ask, ask=ask, actor=actor, at=now, via=via)
    return ask


@transaction.atomic
def update_ask(actor: Membership, ask: Ask, *, version: int | None = None, via: str = Channel.UI, at=None,
               **fields) -> Ask:
    """Record the outcome, the intel, a follow-up date... `version` guards against overwriting a newer edit."""
    now = _now(at)
    unknown = set(fields) - set(ASK_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
    ask = Ask.objects.select_for_update().get(pk=ask.pk)
    queries.require_can_change_ask(actor, ask)
    _check_version(ask, version, "ask")
    asked_on_before = ask.asked_on
    errors = {}
    if "channel" in fields and fields["channel"] not in AskChannel.values:
        errors["channel"] = f"'{fields['channel']}' is not a channel: use {', '.join(AskChannel.values)}."
    if "outcome" in fields and fields["outcome"] not in AskOutcome.values:
        errors["outcome"] = f"'{fields['outcome']}' is not an outcome: use {', '.join(AskOutcome.values)}."
    if fields.get("asked_on") and fields["asked_on"] > timezone.localdate(now):
        errors["asked_on"] = "The date cannot be in the future."
    if "asked_on" in fields and not fields["asked_on"]:
        errors["asked_on"] = "An ask has a date."
    if "target_description" in fields:
        fields["target_description"] = (fields["target_description"] or "").strip()
        if ask.target_id is None and not fields["target_description"]:
            errors["target_description"] = "Describe whom you would like to meet."
    if fields.get("outcome", AskOutcome.AGREED) != AskOutcome.AGREED and ask.referrals.exists():
        errors["outcome"] = "An introduction came of this ask: its outcome stays 'agreed'."
    if errors:
        raise ValidationError(errors)
    if "outcome" in fields and fields["outcome"] != ask.outcome:
        ask.outcome_at = now if fields["outcome"] != AskOutcome.PENDING else None
    for name, value in fields.items():
        setattr(ask, name, value.strip() if isinstance(value, str) and name not in ("channel", "outcome") else value)
    ask.version += 1
    ask.updated_at = now
    ask.save(update_fields=[*fields, "outcome_at", "version", "updated_at"])
    events.ask_updated.send(Ask, ask=ask, asked_on_before=asked_on_before, actor=actor, at=now, via=via)
    return ask


# --- referrals -------------------------------------------------------------------------------------


def _money(value: Money | None, field: str = "value") -> Money | None:
    if value is not None and not isinstance(value, Money):
        raise ValidationError({field: "A value is an amount with a currency."})
    return value


def _check_owner(actor: Membership, owner: Membership) -> None:
    _same_workspace(actor, owner)
    if not owner.is_active:
        raise ValidationError({"owner": f"{owner.user.display_name} is no longer active in this workspace."})
    if not queries.owner_choices(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": f"You cannot assign referrals to {owner.user.display_name}: reps own "
                                        "their referrals; managers assign within their teams."})


def _contacts(stage: Stage) -> bool:
    """Whether entering `stage` means the prospect was contacted: winning, or an open stage at or after the
    one marked 'contacted' (or, without one, after the first open stage)."""
    if stage.kind != StageKind.OPEN:
        return stage.kind == StageKind.WON
    stages = queries.stages_of(stage.workspace_id, include_archived=True)
    contacted = next((s for s in stages if s.milestone == Milestone.CONTACTED), None)
    if contacted is None:
        open_stages = [s for s in stages if s.kind == StageKind.OPEN]
        contacted = open_stages[1] if len(open_stages) > 1 else None
    return contacted is not None and stage.position >= contacted.position


@transaction.atomic
def record_referral(
    actor: Membership, *, source: Person | None = None, prospect: Person | None = None,
    owner: Membership | None = None, ask: Ask | None = None, origin: str | None = None,
    earned_by: Membership | None = None, company: Company | None = None, value: Money | None = None,
    introduced_at: datetime.datetime | None = None, note: str = "", via: str = Channel.UI, at=None,
) -> Referral:
    """An introduction happened: from an agreed ask, or unasked. Duplicates are flagged and linked, not merged."""
    now = _now(at)
    _same_workspace(actor, source, prospect, owner, ask, earned_by, company)
    errors = {}
    if ask is not None:
        ask = Ask.objects.select_for_update(of=("self",)).select_related("source", "target").get(pk=ask.pk)
        if source is not None and source.pk != ask.source_id:
            errors["source"] = f"An introduction from this ask comes from {ask.source.full_name}, who was asked."
        source = ask.source
        prospect = prospect or ask.target
        if ask.outcome in (AskOutcome.DECLINED, AskOutcome.NO_ONE):
            errors["ask"] = (f"{ask.source.full_name} {ask.get_outcome_display().lower()}: change the ask's outcome "
                             "first if they introduced someone after all.")
        if origin not in (None, ReferralOrigin.ASKED):
            errors["origin"] = "An introduction recorded from an ask was asked for."
        origin = ReferralOrigin.ASKED
    else:
        origin = origin or ReferralOrigin.UNASKED
        if origin not in (ReferralOrigin.UNASKED, ReferralOrigin.VERBAL):
            errors["origin"] = "Without an ask, an introduction arrived unasked or verbally."
    if source is None:
        errors["source"] = "Who made the introduction? A referral always has a source."
    if prospect is None:
        errors["prospect"] = "Whom were you introduced to?"
    if errors:
        raise ValidationError(errors)
    _live(source, "source")
    _live(prospect, "prospect")
    if source.pk == prospect.pk:
        raise ValidationError({"prospect": "The source cannot introduce themselves: a referral needs two people."})
    # One introduction at a time per workspace, so that two of the same prospect cannot both miss each other.
    workspace = Workspace.objects.select_for_update().get(pk=actor.workspace_id)
    owner = owner or (ask.asked_by if ask is not None and actor.role != Role.REP else actor)
    _check_owner(actor, owner)
    value = _money(value)
    introduced_at = introduced_at or now
    if timezone.is_naive(introduced_at):
        raise ValueError("Times must be timezone-aware.")
    if introduced_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"introduced_at": "The introduction has happened: its time cannot be in the future."})
    earned_by_id = earned_by.pk if earned_by is not None else (
        source.membership_id or (ask.asked_by_id if ask is not None else None))
    if ask is not None and ask.outcome == AskOutcome.PENDING:
        ask.outcome, ask.outcome_at, ask.version, ask.updated_at = AskOutcome.AGREED, now, ask.version + 1, now
        ask.save(update_fields=["outcome", "outcome_at", "version", "updated_at"])
    stage = queries.entry_stage(workspace.pk)
    referral = Referral(
        workspace=workspace, created_by=actor.user, created_via=via, created_at=now, updated_at=now, ask=ask,
        origin=origin, source=source, earned_by_id=earned_by_id, prospect=prospect, owner=owner,
        company_id=company.pk if company is not None else prospect.company_id,
        value_minor=value.minor if value else None, currency=value.currency if value else workspace.currency,
        stage=stage, status=stage.kind,
        stage_entered_at=introduced_at, introduced_at=introduced_at,
        contact_due_at=introduced_at + datetime.timedelta(hours=workspace.contact_within_hours),
        attribution=workspace.attribution_policy,
    )
    group = _flag_conflict(referral)
    referral.save()
    _set_credits(referral, group)
    StageChange.objects.create(workspace=workspace, referral=referral, to_stage=stage, actor=actor,
                               changed_at=introduced_at, created_by=actor.user, created_via=via, created_at=now)
    if note.strip():
        Note.objects.create(workspace=workspace, author=actor, body=note.strip(), referral=referral,
                            created_by=actor.user, created_via=via, created_at=now)
    # The warm-path ranking counts introductions per connector.
    changes.note(workspace.pk, people=[source.pk])
    events.introduction_recorded.send(Referral, referral=referral, actor=actor, at=now, via=via)
    return referral


def _flag_conflict(referral: Referral) -> list[Referral]:
    """Link a referral to the earlier one of its prospect; returns the group sharing credit, first one first."""
    earlier = Referral.objects.filter(workspace_id=referral.workspace_id, prospect=referral.prospect).exclude(
        pk=referral.pk)
    first_open = earlier.filter(status=StageKind.OPEN).order_by("introduced_at", "id").first()
    if first_open is not None:
        root_id = first_open.duplicate_of_id if first_open.conflict == Conflict.OPEN_REFERRAL else first_open.pk
        root = Referral.objects.get(pk=root_id or first_open.pk)
        referral.conflict, referral.duplicate_of = Conflict.OPEN_REFERRAL, root
        siblings = Referral.objects.filter(duplicate_of=root, conflict=Conflict.OPEN_REFERRAL, status=StageKind.OPEN)
        return [root, *siblings.order_by("introduced_at", "id")]
    # An existing client: the prospect, or their company, has a won referral.
    client = Q(prospect=referral.prospect)
    if referral.company_id:
        client |= Q(company_id=referral.company_id)
    won = Referral.objects.filter(client, workspace_id=referral.workspace_id, status=StageKind.WON).exclude(
        pk=referral.pk).order_by("closed_on", "id").first()
    if won is not None:
        referral.conflict, referral.duplicate_of = Conflict.EXISTING_CLIENT, won
        return [won]
    return []


def _set_credits(referral: Referral, group: list[Referral]) -> None:
    """Credits of the new referral; under a shared policy, of the open referrals of its group too."""
    sources = [r.source_id for r in group] + [referral.source_id]
    shares = attribution.credits(referral.attribution, sources)
    recipients = [referral]
    if referral.attribution == AttributionPolicy.SHARED and referral.conflict == Conflict.OPEN_REFERRAL:
        # Never a closed deal's: its credit was settled when it closed.
        recipients += [r for r in group if r.status == StageKind.OPEN]
    Credit.objects.filter(referral__in=recipients).delete()
    Credit.objects.bulk_create(
        Credit(workspace_id=referral.workspace_id, referral=r, source_id=source, percent=percent,
               created_via=Channel.RULE)
        for r in recipients for source, percent in shares.items()
    )


def _locked(referral: Referral, actor: Membership, version: int | None) -> Referral:
    locked = Referral.objects.select_for_update(of=("self",)).select_related("stage").get(pk=referral.pk)
    queries.require_can_change(actor, locked)
    _check_version(locked, version, "referral")
    return locked


def _bump(referral: Referral, now, *fields: str) -> None:
    referral.version += 1
    referral.updated_at = now
    referral.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def move_referral(
    actor: Membership, referral: Referral, stage: Stage, *, version: int | None = None, value: Money | None = None,
    closed_on: datetime.date | None = None, lost_reason: str = "", via: str = Channel.UI, at=None,
) -> Referral:
    """Move a referral to another stage. Won needs a value and a close date, lost a reason; a closed referral
    must be reopened (reopen_referral) before it moves again."""
    now = _now(at)
    _same_workspace(actor, stage)
    referral = _locked(referral, actor, version)
    if referral.is_closed:
        raise ValidationError({"stage": f"This referral is {referral.get_status_display().lower()} "
                                        f"({referral.stage.name}): reopen it before moving it."})
    if stage.pk == referral.stage_id:
        raise ValidationError({"stage": f"The referral is already in {stage.name}."})
    if stage.archived:
        raise ValidationError({"stage": f"{stage.name} is archived: pick an active stage."})
    value = _money(value)
    today = timezone.localdate(now)
    fields = ["stage", "status", "stage_entered_at"]
    if stage.kind == StageKind.WON:
        errors = {}
        if value is None and referral.value_minor is None:
            errors["value"] = "A won referral needs its value."
        if closed_on is None:
            errors["closed_on"] = "A won referral needs its close date."
        elif closed_on > today:
            errors["closed_on"] = "The close date cannot be in the future."
        if errors:
            raise ValidationError(errors)
        if value is not None:
            referral.value_minor, referral.currency = value.minor, value.currency
        referral.closed_on = closed_on
        fields += ["value_minor", "currency", "closed_on"]
    elif stage.kind == StageKind.LOST:
        lost_reason = (lost_reason or "").strip()
        if not lost_reason:
            raise ValidationError({"lost_reason": "Say why it was lost: the team learns from it."})
        if closed_on is not None and closed_on > today:
            raise ValidationError({"closed_on": "The close date cannot be in the future."})
        referral.lost_reason, referral.closed_on = lost_reason, closed_on or today
        fields += ["lost_reason", "closed_on"]
    if referral.first_contact_at is None and _contacts(stage):
        referral.first_contact_at = max(now, referral.introduced_at)
        referral.first_contact_seconds = int((referral.first_contact_at - referral.introduced_at).total_seconds())
        fields += ["first_contact_at", "first_contact_seconds"]
    StageChange.objects.create(
        workspace_id=referral.workspace_id, referral=referral, from_stage=referral.stage, to_stage=stage,
        actor=actor, changed_at=now, seconds_in_from=max(0, int((now - referral.stage_entered_at).total_seconds())),
        created_by=actor.user, created_via=via, created_at=now,
    )
    from_stage = referral.stage
    referral.stage, referral.status, referral.stage_entered_at = stage, stage.kind, now
    _bump(referral, now, *fields)
    if stage.kind in (StageKind.WON, StageKind.LOST):
        # A moment of value: the new client, or even the lost prospect, may know others.
        moment = Moment.WON if stage.kind == StageKind.WON else Moment.LOST
        AskSuggestion.objects.get_or_create(
            referral=referral, moment=moment,
            defaults={"workspace_id": referral.workspace_id, "person_id": referral.prospect_id,
                      "membership_id": referral.owner_id, "occurred_on": today, "created_by": actor.user,
                      "created_via": Channel.RULE},
        )
    events.referral_moved.send(Referral, referral=referral, from_stage=from_stage, to_stage=stage, actor=actor, at=now,
                               via=via)
    return referral


@transaction.atomic
def reopen_referral(actor: Membership, referral: Referral, stage: Stage | None = None, *,
                    version: int | None = None, via: str = Channel.UI, at=None) -> Referral:
    """Bring a won or lost referral back to an open stage (by default the one it closed from)."""
    now = _now(at)
    _same_workspace(actor, stage)
    referral = _locked(referral, actor, version)
    if not referral.is_closed:
        raise ValidationError({"stage": "This referral is open: move it instead."})
    if stage is None:
        last = referral.stage_changes.filter(to_stage=referral.stage).select_related("from_stage").order_by(
            "-changed_at", "-id").first()
        stage = last.from_stage if last and last.from_stage and last.from_stage.kind == StageKind.OPEN \
            and not last.from_stage.archived else queries.entry_stage(actor.workspace_id)
    if stage.kind != StageKind.OPEN or stage.archived:
        raise ValidationError({"stage": "Reopen into an active open stage."})
    StageChange.objects.create(
        workspace_id=referral.workspace_id, referral=referral, from_stage=referral.stage, to_stage=stage,
        actor=actor, changed_at=now, seconds_in_from=max(0, int((now - referral.stage_entered_at).total_seconds())),
        reopened=True, created_by=actor.user, created_via=via, created_at=now,
    )
    from_stage = referral.stage
    referral.stage, referral.status, referral.stage_entered_at = stage, stage.kind, now
    referral.closed_on, referral.lost_reason = None, ""
    _bump(referral, now, "stage", "status", "stage_entered_at", "closed_on", "lost_reason")
    events.referral_moved.send(Referral, referral=referral, from_stage=from_stage, to_stage=stage, actor=actor, at=now,
                               via=via)
    return referral


@transaction.atomic
def reassign_referral(actor: Membership, referral: Referral, owner: Membership, *, version: int | None = None,
                      via: str = Channel.UI, at=None) -> Referral:
    """Give a referral to another rep; the change is kept in its history."""
    now = _now(at)
    referral = _locked(referral, actor, version)
    if actor.role == Role.REP and referral.owner_id != actor.pk:
        raise PermissionDenied("Reps hand over only their own referrals; ask a manager.")
    if owner.pk == referral.owner_id:
        raise ValidationError({"owner": f"{owner.user.display_name} already owns this referral."})
    _same_workspace(actor, owner)
    if not owner.is_active:
        raise ValidationError({"owner": f"{owner.user.display_name} is no longer active in this workspace."})
    if actor.role == Role.MANAGER and owner.pk not in (queries.owner_scope(actor) or []):
        raise ValidationError({"owner": f"{owner.user.display_name} is not on your teams."})
    OwnerChange.objects.create(workspace_id=referral.workspace_id, referral=referral, from_owner=referral.owner,
                               to_owner=owner, actor=actor, changed_at=now, created_by=actor.user, created_via=via,
                               created_at=now)
    from_owner = referral.owner
    referral.owner = owner
    _bump(referral, now, "owner")
    events.referral_reassigned.send(Referral, referral=referral, from_owner=from_owner, actor=actor, at=now, via=via)
    return referral


@transaction.atomic
def confirm_referral(actor: Membership, referral: Referral, *, by: str, version: int | None = None,
                     via: str = Channel.UI, at=None) -> Referral:
    """The source, or the prospect, confirmed that the introduction happened. Confirming twice changes nothing."""
    now = _now(at)
    if by not in (Confirmation.SOURCE, Confirmation.PROSPECT):
        raise ValidationError({"by": "Confirmed by whom: 'source' or 'prospect'."})
    referral = _locked(referral, actor, version)
    field = f"{by}_confirmed_at"
    if getattr(referral, field) is None:
        setattr(referral, field, now)
        setattr(referral, f"{by}_confirmed_via", via)
        _bump(referral, now, field, f"{by}_confirmed_via")
    return referral


@transaction.atomic
def update_referral(actor: Membership, referral: Referral, *, version: int | None = None, via: str = Channel.UI,
                    at=None, **fields) -> Referral:
    """Change the value, the company or who earned it. The source and the prospect are fixed."""
    now = _now(at)
    allowed = {"value", "company", "earned_by"}
    fixed = set(fields) & {"source", "prospect"}
    if fixed:
        raise ValidationError({name: "Fixed once the referral is recorded." for name in sorted(fixed)})
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    referral = _locked(referral, actor, version)
    changed = []
    if "value" in fields:
        value = _money(fields["value"])
        if value is None and referral.status == StageKind.WON:
            raise ValidationError({"value": "A won referral keeps a value."})
        referral.value_minor = value.minor if value else None
        referral.currency = value.currency if value else referral.currency
        changed += ["value_minor", "currency"]
    if "company" in fields:
        _same_workspace(actor, fields["company"])
        referral.company = fields["company"]
        changed.append("company")
    if "earned_by" in fields:
        _same_workspace(actor, fields["earned_by"])
        referral.earned_by = fields["earned_by"]
        changed.append("earned_by")
    if changed:
        _bump(referral, now, *changed)
        events.referral_updated.send(Referral, referral=referral, actor=actor, at=now, via=via)
    return referral


# --- notes and moments --------------------------------------------------------------------------------


@transaction.atomic
def add_note(actor: Membership, body: str, *, person: Person | None = None, company: Company | None = None,
             referral: Referral | None = None, via: str = Channel.UI, at=None) -> Note:
    now = _now(at)
    _same_workspace(actor, person, company, referral)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "A note needs some text."})
    if person is None and company is None and referral is None:
        raise ValidationError("A note is about a person, a company or a referral.")
    return Note.objects.create(workspace_id=actor.workspace_id, author=actor, body=body, person=person,
                               company=company, referral=referral, created_by=actor.user, created_via=via,
                               created_at=now)


@transaction.atomic
def log_moment(actor: Membership, person: Person, *, moment: str = Moment.THANKED, note: str = "",
               occurred_on: datetime.date | None = None, via: str = Channel.UI, at=None) -> AskSuggestion:
    """Someone thanked the rep for an insight: a moment to ask them for referrals."""
    now = _now(at)
    _same_workspace(actor, person)
    _live(person, "person")
    if moment != Moment.THANKED:
        raise ValidationError({"moment": "Won and lost deals suggest asking by themselves; log a thank-you here."})
    occurred_on = occurred_on or timezone.localdate(now)
    if occurred_on > timezone.localdate(now):
        raise ValidationError({"occurred_on": "The date cannot be in the future."})
    return AskSuggestion.objects.create(
        workspace_id=actor.workspace_id, person=person, membership=actor, moment=moment, occurred_on=occurred_on,
        note=(note or "").strip(), created_by=actor.user, created_via=via, created_at=now)


@transaction.atomic
def dismiss_suggestion(actor: Membership, suggestion: AskSuggestion) -> None:
    if suggestion.membership_id != actor.pk:
        raise PermissionDenied("This suggestion is someone else's.")
    AskSuggestion.objects.filter(pk=suggestion.pk).update(status=SuggestionStatus.DISMISSED)
