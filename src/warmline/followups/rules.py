"""The follow-up rules: what each event asks of whom, by when.

Event rules run inside the pipeline's transaction (see receivers.py), so a task commits with the introduction,
the move or the win that called for it. Time rules (an agreed ask with no introduction, a quiet source) run from
the worker (`run_time_rules`). Every task carries a key naming its rule and its event, so a rule never makes the
same task twice, however often the event is replayed or the worker passes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from warmline.core.choices import Channel, Role
from warmline.core.models import Membership, Workspace
from warmline.followups.choices import DEFAULT_DELAY_HOURS, EmailMode, MessageKind, RuleKind, TaskStatus
from warmline.followups.models import NotificationSettings, Rule, Task
from warmline.followups.outbox import queue_email
from warmline.network.models import Interaction, Person
from warmline.referrals import queries as referral_queries
from warmline.referrals.choices import AskOutcome, Milestone, StageKind
from warmline.referrals.models import Ask, Referral, Stage

# Time rules look back this far past their delay: an ask agreed a year ago is history, not a follow-up.
LOOK_BACK_DAYS = 30
END_OF_DAY = datetime.time(17, 0)


@dataclass(frozen=True)
class RuleSetting:
    kind: str
    enabled: bool
    delay_hours: int

    @property
    def delay(self) -> datetime.timedelta:
        return datetime.timedelta(hours=self.delay_hours)


def settings_of(workspace: Workspace) -> dict[str, RuleSetting]:
    """Each rule's setting in a workspace; a rule without a row runs with its defaults."""
    rows = {rule.kind: rule for rule in Rule.objects.filter(workspace_id=workspace.pk)}
    result = {}
    for kind, default in DEFAULT_DELAY_HOURS.items():
        row = rows.get(kind)
        if kind == RuleKind.CONTACT_PROSPECT:
            delay = workspace.contact_within_hours
        else:
            delay = row.delay_hours if row is not None and row.delay_hours is not None else default
        result[kind] = RuleSetting(kind, row.enabled if row is not None else True, delay)
    return result


def create_default_rules(workspace: Workspace) -> None:
    Rule.objects.bulk_create(
        [Rule(workspace=workspace, kind=kind, delay_hours=delay, created_via=Channel.RULE)
         for kind, delay in DEFAULT_DELAY_HOURS.items()],
        ignore_conflicts=True,
    )


# --- making a task ---------------------------------------------------------------------------------


def email_mode_of(membership: Membership) -> str:
    row = NotificationSettings.objects.filter(membership=membership).values_list("email_mode", flat=True).first()
    return row or EmailMode.IMMEDIATE


def is_present(member: Membership) -> bool:
    """Still here: an active member with an active account."""
    return member.is_active and member.user.is_active


def stand_in(member: Membership) -> Membership | None:
    """Who does a member's follow-ups: the member while they are here; once they have left, the manager of a team
    they were on, else the workspace's longest-standing admin (None only in a workspace with no one left)."""
    if is_present(member):
        return member
    present = Q(is_active=True, user__is_active=True)
    return (Membership.objects.filter(present, managed_teams__team_members__membership=member).exclude(pk=member.pk)
            .select_related("user").order_by("id").first()
            or Membership.objects.filter(present, workspace_id=member.workspace_id, role=Role.ADMIN)
            .select_related("user").order_by("id").first())


def _handed_over(reason: str, left: Membership) -> str:
    note = f" (Handed over from {left.user.display_name}, who has left.)"
    return reason[:500 - len(note)] + note


def hand_over(workspace: Workspace, now: datetime.datetime) -> int:
    """Open tasks of members who left go to their stand-in, saying whose they were: nothing is dropped."""
    tasks = (Task.objects.filter(workspace_id=workspace.pk, status=TaskStatus.OPEN)
             .filter(Q(assignee__is_active=False) | Q(assignee__user__is_active=False))
             .select_related("assignee__user").order_by("id"))
    moved, heirs = [], {}
    for task in tasks:
        left = task.assignee
        if left.pk not in heirs:
            heirs[left.pk] = stand_in(left)
        if heirs[left.pk] is None:
            continue
        task.assignee, task.reason, task.updated_at = heirs[left.pk], _handed_over(task.reason, left), now
        moved.append(task)
    Task.objects.bulk_update(moved, ["assignee", "reason", "updated_at"])
    return len(moved)


def make_task(*, workspace_id: int, kind: str, key: str, assignee: Membership, title: str, reason: str,
              due_at: datetime.datetime, at: datetime.datetime, person: Person | None = None,
              referral: Referral | None = None, ask: Ask | None = None, via: str = Channel.RULE,
              created_by=None, notify: bool = True) -> Task | None:
    """A task, once per key (None when the key exists: the rule already made it). It goes to the assignee's
    stand-in when they have left. Emails the assignee at once when they chose so, in the same transaction."""
    if not is_present(assignee):
        left, assignee = assignee, stand_in(assignee)
        if assignee is None:
            return None
        reason = _handed_over(reason, left)
    if key and Task.objects.filter(workspace_id=workspace_id, key=key).exists():
        return None
    try:
        with transaction.atomic():
            task = Task.objects.create(
                workspace_id=workspace_id, kind=kind, key=key, assignee=assignee, title=title[:300],
                reason=reason[:500], due_at=due_at, person=person, referral=referral, ask=ask, created_at=at,
                updated_at=at, created_via=via, created_by=created_by,
            )
    except IntegrityError:  # made by a concurrent pass of the same rule
        return None
    if notify and email_mode_of(assignee) == EmailMode.IMMEDIATE:
        from warmline.followups import emails

        subject, body = emails.task_email(task)
        queue_email(assignee, kind=MessageKind.TASK, key=f"task:{task.public_id}", subject=subject, body=body,
                    at=max(at, timezone.now()))
    return task


def close_tasks(tasks, *, outcome: str, at: datetime.datetime, by: Membership | None = None) -> int:
    """Close open tasks that no longer need doing, saying why."""
    return tasks.filter(status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, completed_at=at, completed_by=by, outcome=outcome[:200], updated_at=at)


def _key(kind: str, *parts) -> str:
    return ":".join([kind, *(str(p) for p in parts)])


# --- event rules -----------------------------------------------------------------------------------


def on_introduction(referral: Referral, *, at: datetime.datetime, via: str) -> list[Task]:
    settings = settings_of(referral.workspace)
    made = []
    source, prospect, owner = referral.source, referral.prospect, referral.owner
    notify = via != Channel.DEMO
    if settings[RuleKind.CONTACT_PROSPECT].enabled:
        made.append(make_task(
            workspace_id=referral.workspace_id, kind=RuleKind.CONTACT_PROSPECT,
            key=_key(RuleKind.CONTACT_PROSPECT, referral.public_id), assignee=owner,
            title=f"Contact {prospect.full_name}",
            reason=f"{source.full_name} introduced {prospect.full_name}: reach out while the introduction is warm.",
            due_at=referral.contact_due_at, at=at, person=prospect, referral=referral, notify=notify))
    if settings[RuleKind.THANK_SOURCE].enabled:
        made.append(make_task(
            workspace_id=referral.workspace_id, kind=RuleKind.THANK_SOURCE,
            key=_key(RuleKind.THANK_SOURCE, referral.public_id), assignee=owner,
            title=f"Thank {source.full_name}",
            reason=f"{source.full_name} introduced you to {prospect.full_name}: thank them.",
            due_at=referral.introduced_at + settings[RuleKind.THANK_SOURCE].delay, at=at, person=source,
            referral=referral, notify=notify))
    if referral.ask_id:
        close_tasks(Task.objects.filter(ask_id=referral.ask_id, kind=RuleKind.FOLLOW_UP_ASK),
                    outcome=f"Closed: {source.full_name} introduced {prospect.full_name}", at=at)
    if settings[RuleKind.RECIPROCATE].enabled:
        balance = referral_queries.partner_balances(referral.workspace_id, at.date(), person_ids=[source.pk])
        if source.pk in balance:
            made.append(reciprocate(referral.workspace_id, source, balance[source.pk], referral, now=at,
                                    setting=settings[RuleKind.RECIPROCATE], notify=notify))
    return [task for task in made if task is not None]


def _meeting_held_position(workspace_id: int) -> int | None:
    stage = Stage.objects.filter(workspace_id=workspace_id, milestone=Milestone.MEETING_HELD).first()
    return stage.position if stage is not None else None


def on_move(referral: Referral, from_stage: Stage, to_stage: Stage, *, at: datetime.datetime, via: str) -> list:
    settings = settings_of(referral.workspace)
    made = []
    source, prospect, owner = referral.source, referral.prospect, referral.owner
    notify = via != Channel.DEMO
    if referral.first_contact_at is not None or to_stage.kind != StageKind.OPEN:
        outcome = (f"Closed: {prospect.full_name} was contacted" if referral.first_contact_at is not None
                   else f"Closed: the referral was {to_stage.get_kind_display().lower()}")
        close_tasks(Task.objects.filter(referral=referral, kind=RuleKind.CONTACT_PROSPECT), outcome=outcome, at=at)
    held = _meeting_held_position(referral.workspace_id)
    reached_meeting = (
        held is not None and to_stage.kind != StageKind.LOST
        and (to_stage.kind == StageKind.WON or to_stage.position >= held)
        and from_stage.kind == StageKind.OPEN and from_stage.position < held
    )
    if reached_meeting and to_stage.kind == StageKind.OPEN and settings[RuleKind.TELL_SOURCE].enabled:
        made.append(make_task(
            workspace_id=referral.workspace_id, kind=RuleKind.TELL_SOURCE,
            key=_key(RuleKind.TELL_SOURCE, referral.public_id), assignee=owner,
            title=f"Tell {source.full_name} how the meeting with {prospect.full_name} went",
            reason=f"You met {prospect.full_name}, whom {source.full_name} introduced: sources who hear back "
                   "introduce again.",
            due_at=at + settings[RuleKind.TELL_SOURCE].delay, at=at, person=source, referral=referral,
            notify=notify))
    if to_stage.kind == StageKind.WON and settings[RuleKind.CONGRATULATE].enabled:
        made.append(make_task(
            workspace_id=referral.workspace_id, kind=RuleKind.CONGRATULATE,
            key=_key(RuleKind.CONGRATULATE, referral.public_id), assignee=owner,
            title=f"Thank {source.full_name}: {prospect.full_name} became a client",
            reason=f"The deal with {prospect.full_name} is won. Tell {source.full_name}, thank them, and ask "
                   "who else they know.",
            due_at=at + settings[RuleKind.CONGRATULATE].delay, at=at, person=source, referral=referral,
            notify=notify))
    if to_stage.kind == StageKind.LOST and settings[RuleKind.ASK_LOST].enabled:
        made.append(make_task(
            workspace_id=referral.workspace_id, kind=RuleKind.ASK_LOST,
            key=_key(RuleKind.ASK_LOST, referral.public_id), assignee=owner,
            title=f"Ask {prospect.full_name} for referrals",
            reason=f"The deal with {prospect.full_name} was lost ({referral.lost_reason or to_stage.name}). "
                   "They know you now: ask whom else they know who might need you.",
            due_at=at + settings[RuleKind.ASK_LOST].delay, at=at, person=prospect, referral=referral,
            notify=notify))
    return [task for task in made if task is not None]


def on_reassign(referral: Referral, from_owner: Membership, *, at: datetime.datetime) -> int:
    """The referral's open tasks follow it to its new owner."""
    return Task.objects.filter(referral=referral, assignee=from_owner, status=TaskStatus.OPEN).update(
        assignee=referral.owner, updated_at=at)


def on_contact_time_changed(workspace: Workspace, *, previous_hours: int, at: datetime.datetime) -> int:
    """Open "contact the prospect" tasks of referrals still waiting for a first contact follow their referral's new
    deadline, unless someone moved the task to another time (snoozed it): that choice stands."""
    previous = datetime.timedelta(hours=previous_hours)
    waiting = Task.objects.filter(workspace_id=workspace.pk, kind=RuleKind.CONTACT_PROSPECT, status=TaskStatus.OPEN,
                                  referral__status=StageKind.OPEN, referral__first_contact_at__isnull=True)
    on_schedule = [pk for pk, due_at, introduced_at in waiting.values_list("pk", "due_at", "referral__introduced_at")
                   if due_at == introduced_at + previous]
    deadline = Referral.objects.filter(pk=OuterRef("referral_id")).values("contact_due_at")[:1]
    return Task.objects.filter(pk__in=on_schedule).update(due_at=Subquery(deadline), updated_at=at)


def on_ask_updated(ask: Ask, *, at: datetime.datetime) -> int:
    """A follow-up is moot once the source declines or has no one in mind."""
    if ask.outcome in (AskOutcome.DECLINED, AskOutcome.NO_ONE):
        return close_tasks(Task.objects.filter(ask=ask, kind=RuleKind.FOLLOW_UP_ASK),
                           outcome=f"Closed: {ask.get_outcome_display().lower()}", at=at)
    return 0


# --- time rules ------------------------------------------------------------------------------------


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def end_of_working_day(at: datetime.datetime) -> datetime.datetime:
    """Tasks that fall due as time passes are due by 17:00 UTC that day (or at once, when found later), so that the
    worker's finding one is not already "overdue"."""
    close = datetime.datetime.combine(at.date(), END_OF_DAY, tzinfo=datetime.UTC)
    return max(close, at)


def follow_up_asks(workspace: Workspace, now: datetime.datetime, setting: RuleSetting) -> int:
    """Agreed asks with no introduction after the rule's delay; asks agreed or still unanswered on the follow-up
    date the rep set."""
    threshold = now - setting.delay
    oldest = threshold - datetime.timedelta(days=LOOK_BACK_DAYS)
    asks = (
        Ask.objects.filter(workspace_id=workspace.pk, referrals__isnull=True)
        .filter(Q(outcome=AskOutcome.AGREED, follow_up_on__isnull=True, outcome_at__lte=threshold,
                  outcome_at__gte=oldest)
                | Q(outcome__in=[AskOutcome.AGREED, AskOutcome.PENDING], follow_up_on__isnull=False,
                    follow_up_on__lte=now.date(), follow_up_on__gte=oldest.date()))
        .exclude(tasks__kind=RuleKind.FOLLOW_UP_ASK)
        .select_related("source", "target", "asked_by__user")
        .order_by("id")
    )
    made = 0
    for ask in asks:
        due = end_of_working_day(max(_start(ask.follow_up_on) if ask.follow_up_on else ask.outcome_at + setting.delay,
                                     now))
        days = (now.date() - (ask.outcome_at.date() if ask.outcome == AskOutcome.AGREED and ask.outcome_at
                              else ask.asked_on)).days
        task = make_task(
            workspace_id=workspace.pk, kind=RuleKind.FOLLOW_UP_ASK, key=_key(RuleKind.FOLLOW_UP_ASK, ask.public_id),
            assignee=ask.asked_by, title=f"Follow up with {ask.source.full_name}",
            reason=(f"{ask.source.full_name} agreed to introduce you to {ask.target_label} {days} days ago; no "
                    "introduction yet." if ask.outcome == AskOutcome.AGREED else
                    f"You asked {ask.source.full_name} for an introduction to {ask.target_label} {days} days ago "
                    "and planned to follow up today; no answer yet."),
            due_at=due, at=now, person=ask.source, ask=ask)
        made += task is not None
    return made


def quiet_sources(workspace: Workspace, now: datetime.datetime, setting: RuleSetting) -> int:
    """Referral sources outside the company whom nobody has been in touch with for the rule's delay."""
    last_referral = Referral.objects.filter(source=OuterRef("pk")).order_by("-introduced_at", "-id")
    last_interaction = Interaction.objects.filter(person=OuterRef("pk")).order_by("-occurred_on", "-id")
    last_ask = Ask.objects.filter(source=OuterRef("pk")).order_by("-asked_on", "-id")
    sources = (
        Person.objects.filter(workspace_id=workspace.pk, merged_into__isnull=True, membership__isnull=True,
                              pk__in=Referral.objects.filter(workspace_id=workspace.pk).values("source_id"))
        .annotate(
            last_introduced=Subquery(last_referral.values("introduced_at")[:1]),
            last_owner=Subquery(last_referral.values("owner_id")[:1]),
            last_interaction=Subquery(last_interaction.values("occurred_on")[:1]),
            last_asked=Subquery(last_ask.values("asked_on")[:1]),
        )
        .order_by("id")
    )
    cutoff = (now - setting.delay).date()
    candidates = []
    for person in sources:
        days = [person.last_introduced.date() if person.last_introduced else None, person.last_interaction,
                person.last_asked]
        last = max(day for day in days if day is not None)
        if last <= cutoff:
            candidates.append((person, last))
    if not candidates:
        return 0
    keys = {_key(RuleKind.RECONNECT, person.public_id, last.isoformat()): (person, last)
            for person, last in candidates}
    existing = set(Task.objects.filter(workspace_id=workspace.pk, key__in=list(keys)).values_list("key", flat=True))
    owners = Membership.objects.select_related("user").in_bulk({person.last_owner for person, _ in candidates})
    made = 0
    for key, (person, last) in keys.items():
        owner = owners.get(person.last_owner)
        if key in existing or owner is None:
            continue
        days = (now.date() - last).days
        task = make_task(
            workspace_id=workspace.pk, kind=RuleKind.RECONNECT, key=key, assignee=owner,
            title=f"Reconnect with {person.full_name}",
            reason=f"{person.full_name} has introduced clients to us; nobody has been in touch for {days} days.",
            due_at=end_of_working_day(max(_start(last) + setting.delay, now)), at=now, person=person)
        made += task is not None
    return made


def close_reconnected(workspace: Workspace, now: datetime.datetime) -> int:
    """A reconnect is done once anyone is back in touch: an interaction, an ask or an introduction since."""
    since = OuterRef("created_at")
    person = OuterRef("person_id")
    touched = (Exists(Interaction.objects.filter(person=person, created_at__gte=since))
               | Exists(Ask.objects.filter(source=person, created_at__gte=since))
               | Exists(Referral.objects.filter(source=person, created_at__gte=since)))
    tasks = Task.objects.filter(workspace_id=workspace.pk, kind=RuleKind.RECONNECT, status=TaskStatus.OPEN)
    return close_tasks(Task.objects.filter(pk__in=tasks.filter(touched).values("pk")),
                       outcome="Closed: you were back in touch", at=now)


def reciprocate(workspace_id: int, partner: Person, balance: referral_queries.Balance, latest: Referral, *,
                now: datetime.datetime, setting: RuleSetting, notify: bool = True) -> Task | None:
    """One task to give a partner we owe an introduction back, made for the introduction of theirs (`latest`)
    that left us in their debt, unless one is open already. For the owner of that introduction."""
    if Task.objects.filter(workspace_id=workspace_id, kind=RuleKind.RECIPROCATE, person=partner,
                           status=TaskStatus.OPEN).exists():
        return None
    company = partner.company.name if partner.company_id else "a partner"
    plural = "s" if balance.received != 1 else ""
    return make_task(
        workspace_id=workspace_id, kind=RuleKind.RECIPROCATE,
        key=_key(RuleKind.RECIPROCATE, partner.public_id, latest.public_id), assignee=latest.owner,
        title=f"Return the favour: introduce {partner.full_name} to someone",
        reason=f"{partner.full_name} ({company}, a partner) made {balance.received} introduction{plural} to us in "
               f"the last year; we made {balance.given} for them. Introduce them to someone who could use them.",
        due_at=end_of_working_day(max(latest.introduced_at + setting.delay, now)), at=now, person=partner,
        notify=notify)


def partners_owed(workspace: Workspace, now: datetime.datetime, setting: RuleSetting) -> int:
    """Partners we owe introductions to with no open reciprocate task: one for their latest introduction, unless
    that introduction had one already (done or dismissed: the next introduction from them asks again)."""
    owed = referral_queries.partner_balances(workspace.pk, now.date())
    waiting = set(Task.objects.filter(workspace_id=workspace.pk, kind=RuleKind.RECIPROCATE, status=TaskStatus.OPEN,
                                      person_id__in=list(owed)).values_list("person_id", flat=True))
    latest = Referral.objects.filter(source=OuterRef("pk")).order_by("-introduced_at", "-id").values("pk")[:1]
    partners = list(Person.objects.filter(pk__in=[pk for pk in owed if pk not in waiting])
                    .annotate(latest_id=Subquery(latest)).select_related("company").order_by("id"))
    if not partners:
        return 0
    introductions = Referral.objects.select_related("owner").in_bulk([p.latest_id for p in partners])
    asked = set(Task.objects.filter(workspace_id=workspace.pk, key__in=[
        _key(RuleKind.RECIPROCATE, p.public_id, introductions[p.latest_id].public_id) for p in partners])
        .values_list("key", flat=True))
    made = 0
    for partner in partners:
        introduction = introductions[partner.latest_id]
        if _key(RuleKind.RECIPROCATE, partner.public_id, introduction.public_id) in asked:
            continue
        made += reciprocate(workspace.pk, partner, owed[partner.pk], introduction, now=now, setting=setting) is not None
    return made


def close_reciprocated(workspace: Workspace, now: datetime.datetime) -> int:
    """A reciprocate task is done once we owe the partner nothing: we introduced them as often as they introduced
    us over the last year (or they are no longer a partner)."""
    tasks = Task.objects.filter(workspace_id=workspace.pk, kind=RuleKind.RECIPROCATE, status=TaskStatus.OPEN)
    people = set(tasks.values_list("person_id", flat=True))
    if not people:
        return 0
    still_owed = referral_queries.partner_balances(workspace.pk, now.date(), person_ids=people)
    return close_tasks(tasks.exclude(person_id__in=list(still_owed)),
                       outcome="Closed: we no longer owe them an introduction", at=now)


def run_time_rules(now: datetime.datetime | None = None) -> int:
    """The rules that fire when time passes, for every workspace; returns the tasks made."""
    now = now or timezone.now()
    made = 0
    for workspace in Workspace.objects.order_by("id"):
        settings = settings_of(workspace)
        with transaction.atomic():
            hand_over(workspace, now)
            if settings[RuleKind.FOLLOW_UP_ASK].enabled:
                made += follow_up_asks(workspace, now, settings[RuleKind.FOLLOW_UP_ASK])
            close_reconnected(workspace, now)
            if settings[RuleKind.RECONNECT].enabled:
                made += quiet_sources(workspace, now, settings[RuleKind.RECONNECT])
            close_reciprocated(workspace, now)
            if settings[RuleKind.RECIPROCATE].enabled:
                made += partners_owed(workspace, now, settings[RuleKind.RECIPROCATE])
    return made
