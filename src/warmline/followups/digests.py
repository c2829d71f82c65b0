"""The daily digest of a member's follow-ups and the Monday report to team managers, queued to the outbox by the
worker (jobs.run_periodic). Their keys make each once per day or week, however many workers pass."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import CharField, Count, Exists, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from warmline.core.models import Membership, Team, TeamMember
from warmline.core.money import format_money
from warmline.followups.choices import EmailMode, MessageKind, TaskStatus
from warmline.followups.emails import absolute
from warmline.followups.models import NotificationSettings, OutboxMessage, Task
from warmline.followups.outbox import queue_email
from warmline.insights import rollups
from warmline.insights.choices import GoalMetric
from warmline.insights.goals import weekly_goals
from warmline.insights.models import ReferralFact
from warmline.referrals.choices import DIGITAL_CHANNELS, Milestone, StageKind
from warmline.referrals.models import Ask, Referral, Stage, StageChange
from warmline.targeting.calllist import DEFAULT_GOAL

# The hour (UTC) from which digests, and on Mondays the reports, go out; WARMLINE_DIGEST_HOUR overrides it.
DIGEST_HOUR = 7
# A digest also lists what is due in the next days, so that nothing comes as a surprise.
DAYS_AHEAD = 3
# Overdue referrals listed per team in a report; the rest are counted, with a link to the team's board.
REFERRALS_LISTED = 15

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)


def digest_hour() -> int:
    hour = getattr(settings, "WARMLINE_DIGEST_HOUR", DIGEST_HOUR)
    if not isinstance(hour, int) or isinstance(hour, bool) or not 0 <= hour <= 23:
        raise ImproperlyConfigured(f"WARMLINE_DIGEST_HOUR must be an hour from 0 to 23, not {hour!r}.")
    return hour


def _utc(now: datetime.datetime | None) -> datetime.datetime:
    if now is not None and timezone.is_naive(now):
        raise ValueError("Times must be timezone-aware.")
    return (now or timezone.now()).astimezone(datetime.UTC)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def overdue_by(due_at: datetime.datetime, now: datetime.datetime) -> str:
    """'overdue by 3 days' counting calendar days (UTC); 'overdue since 05:00 UTC' for earlier today."""
    days = (now.date() - due_at.astimezone(datetime.UTC).date()).days
    if days >= 1:
        return f"overdue by {_plural(days, 'day')}"
    return f"overdue since {due_at.astimezone(datetime.UTC):%H:%M} UTC"


def _already_queued(prefix: str, suffix: str) -> Exists:
    """Whether the outbox holds the member's message with key '<prefix>:<member public id>:<suffix>'."""
    key = Concat(Value(f"{prefix}:"), OuterRef("public_id"), Value(f":{suffix}"), output_field=CharField())
    return Exists(OutboxMessage.objects.filter(key=key))


def _links() -> dict[str, str]:
    return {"today_link": absolute(reverse("followups:home")),
            "settings_link": absolute(reverse("followups:notifications"))}


# --- the daily digest ------------------------------------------------------------------------------


@dataclass
class Digest:
    """A member's open tasks on the morning of `day`."""

    member: Membership
    day: datetime.date
    overdue: list[Task] = field(default_factory=list)
    today: list[Task] = field(default_factory=list)
    upcoming: list[Task] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.today or self.upcoming)

    @property
    def subject(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} overdue")
        if self.today:
            parts.append(f"{len(self.today)} due today")
        if not parts:
            parts.append(f"{len(self.upcoming)} coming up")
        return f"Your follow-ups: {', '.join(parts)}"


def digest_key(member: Membership, day: datetime.date) -> str:
    return f"digest:{member.public_id}:{day.isoformat()}"


def digest_email(digest: Digest, *, now: datetime.datetime) -> tuple[str, str]:
    def line(task: Task, when: str) -> dict:
        return {"task": task, "when": when, "link": absolute(task.subject_path)}

    context = {
        "name": digest.member.user.display_name,
        "workspace": digest.member.workspace.name,
        "day": digest.day,
        "overdue": [line(task, overdue_by(task.due_at, now)) for task in digest.overdue],
        "today": [line(task, f"due {task.due_at:%H:%M} UTC") for task in digest.today],
        "upcoming": [line(task, f"due {task.due_at:%a %-d %b, %H:%M} UTC") for task in digest.upcoming],
        **_links(),
    }
    return digest.subject, render_to_string("followups/emails/digest.txt", context).strip() + "\n"


def due_digests(now: datetime.datetime) -> list[Digest]:
    """The digests due at `now` and not queued yet, each with something in it. Two queries, however many members."""
    today = now.date()
    if now < _midnight(today) + datetime.timedelta(hours=digest_hour()):
        return []
    members = (
        Membership.objects.filter(is_active=True, user__is_active=True,
                                  notification_settings__email_mode=EmailMode.DIGEST)
        .exclude(user__email="")
        .exclude(_already_queued("digest", today.isoformat()))
    )
    digests = {member.pk: Digest(member, today) for member in members.select_related("user", "workspace")}
    if not digests:
        return []
    tomorrow = _midnight(today + DAY)
    tasks = (
        Task.objects.filter(assignee__in=members.values("pk"), status=TaskStatus.OPEN,
                            due_at__lt=_midnight(today + (DAYS_AHEAD + 1) * DAY))
        .select_related("referral", "ask", "person").order_by("due_at", "id")
    )
    for task in tasks:
        digest = digests.get(task.assignee_id)
        if digest is None:  # a member who chose the digest since the first query
            continue
        if task.due_at < now:
            digest.overdue.append(task)
        elif task.due_at < tomorrow:
            digest.today.append(task)
        else:
            digest.upcoming.append(task)
    return [digest for digest in digests.values() if not digest.empty]


def queue_due_digests(now: datetime.datetime | None = None) -> int:
    """Queue today's digest to every member who chose digests and has something overdue, due today or in the
    next days, once `now` is past the digest hour. Returns how many were queued."""
    now = _utc(now)
    queued = 0
    for digest in due_digests(now):
        subject, body = digest_email(digest, now=now)
        message = queue_email(digest.member, kind=MessageKind.DIGEST, key=digest_key(digest.member, digest.day),
                              subject=subject, body=body, at=now)
        queued += message is not None
    return queued


# --- the weekly manager report ---------------------------------------------------------------------


@dataclass
class RepWeek:
    """What a rep did in the week, against their weekly goals (insights), and what they have overdue now."""

    member: Membership | None  # None for a team's totals
    goal: int  # asks: the rep's goal, or the method's default
    asks: int = 0
    specific: int = 0
    digital: int = 0
    introductions: int = 0
    meetings_scheduled: int = 0
    meetings_held: int = 0
    # The rep's weekly goals for introductions and meetings scheduled; None when none is set.
    introductions_goal: int | None = None
    meetings_goal: int | None = None
    won: int = 0
    won_minor: dict[str, int] = field(default_factory=dict)
    overdue_tasks: int = 0
    oldest_overdue_task: datetime.datetime | None = None

    @property
    def name(self) -> str:
        return self.member.user.display_name

    @property
    def general(self) -> int:
        return self.asks - self.specific

    @property
    def missed(self) -> list[str]:
        """Each weekly goal missed: '2 of 5 asks', '0 of 1 introductions'."""
        result = [f"{self.asks} of {self.goal} asks"] if self.asks < self.goal else []
        for done, goal, noun in ((self.introductions, self.introductions_goal, "introductions"),
                                 (self.meetings_scheduled, self.meetings_goal, "meetings scheduled")):
            if goal is not None and done < goal:
                result.append(f"{done} of {goal} {noun}")
        return result

    @property
    def behind(self) -> bool:
        return bool(self.missed)

    @staticmethod
    def _of(done: int, goal: int | None) -> str:
        return f"{done}" if goal is None else f"{done} of {goal}"

    @property
    def introductions_text(self) -> str:
        return self._of(self.introductions, self.introductions_goal)

    @property
    def meetings_text(self) -> str:
        return self._of(self.meetings_scheduled, self.meetings_goal)

    @property
    def asks_text(self) -> str:
        """'3 of 5 (2 specific, 1 general; 1 digital)'."""
        if not self.asks:
            return f"0 of {self.goal}"
        digital = f"; {self.digital} digital" if self.digital else ""
        return f"{self.asks} of {self.goal} ({self.specific} specific, {self.general} general{digital})"

    @property
    def won_text(self) -> str:
        """'2 ($12,000.00, €5,000.00)'."""
        if not self.won:
            return "0"
        values = ", ".join(format_money(minor, currency) for currency, minor in sorted(self.won_minor.items()))
        return f"{self.won} ({values})"


@dataclass
class TeamWeek:
    team: Team
    reps: list[RepWeek]
    overdue_referrals: list[Referral]

    @property
    def behind(self) -> list[RepWeek]:
        return [rep for rep in self.reps if rep.behind]

    @property
    def with_overdue_tasks(self) -> list[RepWeek]:
        return [rep for rep in self.reps if rep.overdue_tasks]

    @property
    def totals(self) -> RepWeek:
        """The team's sums, as one more row (the goal is the sum of the reps' goals)."""
        total = RepWeek(member=None, goal=sum(rep.goal for rep in self.reps))
        for name in ("introductions_goal", "meetings_goal"):
            goals = [getattr(rep, name) for rep in self.reps if getattr(rep, name) is not None]
            setattr(total, name, sum(goals) if goals else None)
        won_minor: dict[str, int] = defaultdict(int)
        for rep in self.reps:
            total.asks += rep.asks
            total.specific += rep.specific
            total.digital += rep.digital
            total.introductions += rep.introductions
            total.meetings_scheduled += rep.meetings_scheduled
            total.meetings_held += rep.meetings_held
            total.won += rep.won
            for currency, minor in rep.won_minor.items():
                won_minor[currency] += minor
        total.won_minor = dict(won_minor)
        return total


@dataclass
class Report:
    manager: Membership
    start: datetime.datetime  # Monday 00:00 UTC of the week reported
    end: datetime.datetime  # the next Monday 00:00 UTC
    teams: list[TeamWeek]

    @property
    def subject(self) -> str:
        names = [team_week.team.name for team_week in self.teams]
        teams = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"Weekly referral report for {teams}: week of {self.start:%-d %B %Y}"


def report_week(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The last whole week before `now`: Monday 00:00 UTC to the next Monday 00:00 UTC."""
    end = _midnight(now.date() - datetime.timedelta(days=now.weekday()))
    return end - WEEK, end


def week_label(start: datetime.datetime) -> str:
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def report_key(manager: Membership, start: datetime.datetime) -> str:
    """One report per manager and week reported (the ISO week of `start`, the week before the Monday it goes)."""
    return f"report:{manager.public_id}:{week_label(start)}"


def _rep_weeks(members: dict[int, Membership], start: datetime.datetime, end: datetime.datetime,
               now: datetime.datetime) -> dict[int, RepWeek]:
    """Each rep's week, from one aggregate query per measure (not one per rep)."""
    # The weekly ask goal each rep had that week (insights), or the method's default: one query for everyone.
    goals = weekly_goals(list(members.values()), start.date())
    reps = {pk: RepWeek(member, goal=goals[pk].get(GoalMetric.ASKS, DEFAULT_GOAL),
                        introductions_goal=goals[pk].get(GoalMetric.INTRODUCTIONS),
                        meetings_goal=goals[pk].get(GoalMetric.MEETINGS))
            for pk, member in members.items()}
    member_ids = list(members)
    asks = (
        Ask.objects.filter(asked_by_id__in=member_ids, asked_on__gte=start.date(), asked_on__lt=end.date())
        .values("asked_by_id")
        .annotate(n=Count("id"), specific=Count("id", filter=Q(target__isnull=False)),
                  digital=Count("id", filter=Q(channel__in=DIGITAL_CHANNELS)))
        .order_by()
    )
    for row in asks:
        rep = reps[row["asked_by_id"]]
        rep.asks, rep.specific, rep.digital = row["n"], row["specific"], row["digital"]
    introductions = (
        Referral.objects.filter(owner_id__in=member_ids, introduced_at__gte=start, introduced_at__lt=end)
        .values("owner_id").annotate(n=Count("id")).order_by()
    )
    for row in introductions:
        reps[row["owner_id"]].introductions = row["n"]
    # As for the "tell the source" rule, a meeting was held when a referral moved from before the "meeting held"
    # stage to it, past it or to a win (a rep may skip the stage); moved back and forth, it had one meeting.
    held = Stage.objects.filter(workspace_id=OuterRef("workspace_id"), milestone=Milestone.MEETING_HELD)
    meetings = (
        StageChange.objects.filter(referral__owner_id__in=member_ids, changed_at__gte=start, changed_at__lt=end)
        .annotate(held=Subquery(held.values("position")[:1]))
        .filter(from_stage__kind=StageKind.OPEN, from_stage__position__lt=F("held"))
        .filter(Q(to_stage__kind=StageKind.WON) | Q(to_stage__kind=StageKind.OPEN, to_stage__position__gte=F("held")))
        .values("referral__owner_id").annotate(n=Count("referral_id", distinct=True)).order_by()
    )
    for row in meetings:
        reps[row["referral__owner_id"]].meetings_held = row["n"]
    # Meetings scheduled, as the dashboards count them (the goal's measure): referrals that first reached the
    # milestone that week, from the insights facts, brought up to date first.
    workspaces = {member.workspace_id for member in members.values()}
    for workspace_id in workspaces:
        rollups.refresh(workspace_id)
    scheduled = (ReferralFact.objects.filter(owner_id__in=member_ids, meeting_scheduled_on__gte=start.date(),
                                             meeting_scheduled_on__lt=end.date())
                 .values("owner_id").annotate(n=Count("pk")).order_by())
    for row in scheduled:
        reps[row["owner_id"]].meetings_scheduled = row["n"]
    won = (
        Referral.objects.filter(owner_id__in=member_ids, status=StageKind.WON, closed_on__gte=start.date(),
                                closed_on__lt=end.date())
        .values("owner_id", "currency").annotate(n=Count("id"), minor=Sum("value_minor")).order_by()
    )
    for row in won:
        rep = reps[row["owner_id"]]
        rep.won += row["n"]
        rep.won_minor[row["currency"]] = row["minor"] or 0
    overdue = (
        Task.objects.filter(assignee_id__in=member_ids, status=TaskStatus.OPEN, due_at__lt=now)
        .values("assignee_id").annotate(n=Count("id"), oldest=Min("due_at")).order_by()
    )
    for row in overdue:
        rep = reps[row["assignee_id"]]
        rep.overdue_tasks, rep.oldest_overdue_task = row["n"], row["oldest"]
    return reps


def due_reports(now: datetime.datetime) -> list[Report]:
    """The Monday reports due at `now` and not queued yet: to each manager who wants them, on the teams they
    manage. A bounded number of queries, however many managers, teams and reps."""
    if now.weekday() != 0 or now < _midnight(now.date()) + datetime.timedelta(hours=digest_hour()):
        return []
    start, end = report_week(now)
    opted_out = NotificationSettings.objects.filter(membership=OuterRef("pk")).filter(
        Q(email_mode=EmailMode.OFF) | Q(weekly_report=False))
    staffed = Team.objects.filter(manager__isnull=False, team_members__membership__is_active=True,
                                  team_members__membership__user__is_active=True)
    managers = {
        member.pk: member for member in
        Membership.objects.filter(is_active=True, user__is_active=True, pk__in=staffed.values("manager_id"))
        .exclude(user__email="").exclude(Exists(opted_out)).exclude(_already_queued("report", week_label(start)))
        .select_related("user", "workspace")
    }
    if not managers:
        return []
    teams = list(Team.objects.filter(manager_id__in=managers).order_by("name", "id"))
    team_reps: dict[int, list[Membership]] = defaultdict(list)
    members: dict[int, Membership] = {}
    for row in (TeamMember.objects.filter(team__in=teams, membership__is_active=True,
                                          membership__user__is_active=True)
                .select_related("membership__user")):
        team_reps[row.team_id].append(row.membership)
        members[row.membership_id] = row.membership
    reps = _rep_weeks(members, start, end, now)
    overdue_referrals: dict[int, list[Referral]] = defaultdict(list)
    for referral in (Referral.objects.filter(owner_id__in=members, status=StageKind.OPEN,
                                             first_contact_at__isnull=True, contact_due_at__lt=now)
                     .select_related("prospect__company", "source", "owner__user")
                     .order_by("contact_due_at", "id")):
        overdue_referrals[referral.owner_id].append(referral)
    reports: dict[int, Report] = {}
    for team in teams:
        in_team = sorted(team_reps[team.pk], key=lambda m: (m.user.display_name.casefold(), m.pk))
        if not in_team:
            continue
        team_referrals = sorted((r for m in in_team for r in overdue_referrals[m.pk]),
                                key=lambda r: (r.contact_due_at, r.pk))
        report = reports.setdefault(team.manager_id, Report(managers[team.manager_id], start, end, []))
        report.teams.append(TeamWeek(team, [reps[m.pk] for m in in_team], team_referrals))
    return list(reports.values())


def report_email(report: Report, *, now: datetime.datetime) -> tuple[str, str]:
    def referral_line(referral: Referral) -> dict:
        return {"referral": referral, "when": overdue_by(referral.contact_due_at, now),
                "link": absolute(reverse("referrals:detail", args=[referral.public_id]))}

    board = absolute(reverse("referrals:home"))
    today = absolute(reverse("followups:home"))
    sections = [
        {
            "team": team_week.team, "reps": team_week.reps, "totals": team_week.totals, "behind": team_week.behind,
            "overdue_referrals": [referral_line(r) for r in team_week.overdue_referrals[:REFERRALS_LISTED]],
            "more_referrals": max(0, len(team_week.overdue_referrals) - REFERRALS_LISTED),
            "overdue_tasks": [
                {"rep": rep, "oldest": overdue_by(rep.oldest_overdue_task, now),
                 "link": f"{today}?member={rep.member.public_id}"}
                for rep in team_week.with_overdue_tasks
            ],
            "board_link": f"{board}?team={team_week.team.public_id}",
        }
        for team_week in report.teams
    ]
    goals = sorted({rep.goal for team_week in report.teams for rep in team_week.reps})
    context = {
        "name": report.manager.user.display_name,
        "workspace": report.manager.workspace.name,
        "start": report.start,
        "last_day": report.end - DAY,
        "now": now,
        "goal": goals[0] if len(goals) == 1 else None,
        "default_goal": DEFAULT_GOAL,
        "sections": sections,
        "team_names": [team_week.team.name for team_week in report.teams],
        **_links(),
    }
    return report.subject, render_to_string("followups/emails/report.txt", context).strip() + "\n"


def queue_due_reports(now: datetime.datetime | None = None) -> int:
    """On Mondays past the digest hour, queue last week's report to each manager of a team who has not turned it
    off (weekly report unticked, or no email at all). Returns how many were queued."""
    now = _utc(now)
    queued = 0
    for report in due_reports(now):
        subject, body = report_email(report, now=now)
        message = queue_email(report.manager, kind=MessageKind.REPORT, key=report_key(report.manager, report.start),
                              subject=subject, body=body, at=now)
        queued += message is not None
    return queued
