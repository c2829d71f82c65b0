"""The demo's insights: the figures of the pipeline's year, and goals a sales leader would have set.

Each rep's weekly goals follow their own pace, set half a year ago and raised a quarter ago; some reps were given
a stretch they do not keep up with, so the coaching view has someone behind. Teams have quarterly new-client
goals and the workspace a revenue goal, a little above what the last quarter brought.
"""

from __future__ import annotations

import csv
import datetime
import io
import random

from django.utils import timezone

from warmline.core.choices import Channel
from warmline.core.demo import DemoWorkspace
from warmline.core.models import Membership
from warmline.insights import metrics, rollups
from warmline.insights.choices import GoalMetric, GoalPeriod
from warmline.insights.metrics import Period, Scope
from warmline.insights.models import Goal

SEED = 20261202
WEEKS_MEASURED = 12
# Reps whose goals are a stretch they do not keep up with (the rest get goals near their pace).
STRETCHED = {"tom.becker", "diego.santos", "noah.johnson", "oliver.brown"}


def populate(demo: DemoWorkspace) -> None:
    workspace = demo.workspace
    rollups.rebuild(workspace.pk)
    today = timezone.localdate()
    rng = random.Random(SEED)
    this_week = Period.week(today).start
    first = this_week - datetime.timedelta(weeks=WEEKS_MEASURED)
    goals = []
    admin = demo.members["admin"]

    def goal(metric, target, starts_on, member=None, team=None, currency=""):
        period = GoalPeriod.WEEK if metric in (GoalMetric.ASKS, GoalMetric.INTRODUCTIONS, GoalMetric.MEETINGS) \
            else GoalPeriod.QUARTER
        goals.append(Goal(workspace=workspace, metric=metric, period=period, membership=member, team=team,
                          target=max(1, int(target)), currency=currency, starts_on=starts_on,
                          created_by=admin.user, created_via=Channel.DEMO))

    # Everyone on a sales team, managers who sell included.
    reps = [m for m in demo.members.values() if _on_a_team(m)]
    locals_of = {m.pk: local for local, m in demo.members.items()}
    half_year = this_week - datetime.timedelta(weeks=26)
    quarter = this_week - datetime.timedelta(weeks=13)
    for rep in reps:
        weeks = metrics.per_week(Scope.of_rep(rep), first, WEEKS_MEASURED)
        done = list(weeks.values())[:-1]  # whole weeks only
        stretch = 1.45 if locals_of[rep.pk] in STRETCHED else rng.uniform(0.85, 1.05)
        # No manager sets fewer than three asks a week (the method's default is five).
        for metric, attr, least in ((GoalMetric.ASKS, "asks", 3), (GoalMetric.INTRODUCTIONS, "introductions", 1),
                                    (GoalMetric.MEETINGS, "meetings_scheduled", 1)):
            pace = sum(getattr(w, attr) for w in done) / len(done)
            goal(metric, max(least, round(pace * 0.85)), half_year, member=rep)
            goal(metric, max(least, round(pace * stretch + (0.6 if stretch > 1.2 else 0))), quarter, member=rep)
    last_quarter = Period.quarter(today).shifted(-1)
    for team in demo.teams.values():
        won = metrics.totals(Scope.of_team(team), last_quarter).won
        goal(GoalMetric.NEW_CLIENTS, round(won * 1.2) or 3, last_quarter.start, team=team)
    revenue = metrics.totals(Scope.of_workspace(workspace.pk), last_quarter).revenue.get(workspace.currency, [0, 0])[1]
    goal(GoalMetric.REVENUE, round(revenue * 1.15 / 100_000) * 100_000 or 100_000_00, last_quarter.start,
         currency=workspace.currency)
    Goal.objects.bulk_create(goals)
    import_crm_deals(demo, today, rng)


# Other channels of the year: (lead source, deals closed in the year, win rate, typical deal in dollars).
OTHER_CHANNELS = (("Web", 160, 0.14, 18_000), ("Outbound", 120, 0.11, 24_000), ("Trade Show", 45, 0.2, 30_000),
                  ("Paid Search", 70, 0.09, 12_000), ("", 12, 0.16, 15_000))
OPEN_STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review")
HEADER = ["Opportunity ID", "Opportunity Name", "Lead Source", "Stage", "Amount", "Close Date", "Created Date"]


def import_crm_deals(demo: DemoWorkspace, today: datetime.date, rng: random.Random) -> None:
    """A year of the CRM's opportunities, as a Salesforce report exports them, imported as a manager would."""
    from warmline.insights.deals import import_deals
    from warmline.network.models import Company
    from warmline.referrals.models import Referral

    rows = []

    def row(name, lead_source, stage, amount, closed, created):
        rows.append([f"006Dn00000{len(rows) + 1:07d}AAA", name, lead_source, stage,
                     "" if amount is None else f"{amount:,.2f}", f"{closed.month}/{closed.day}/{closed.year}",
                     f"{created.month}/{created.day}/{created.year}"])

    kinds = {"employee": "Employee Referral", "partner": "Partner Referral"}
    referrals = (Referral.objects.filter(workspace=demo.workspace, status__in=["won", "lost"])
                 .select_related("company", "prospect", "source__company").order_by("pk"))
    for r in referrals:
        if r.source.membership_id:
            source = kinds["employee"]
        elif r.source.company and r.source.company.relation in ("partner", "vendor"):
            source = kinds["partner"]
        else:
            source = "Customer Referral"
        name = f"{r.company.name if r.company else r.prospect.full_name} - referral"
        row(name, source, "Closed Won" if r.status == "won" else "Closed Lost",
            None if r.value_minor is None else r.value_minor / 100, r.closed_on, r.introduced_at.date())
    companies = list(Company.objects.filter(workspace=demo.workspace, relation="").order_by("pk")
                     .values_list("name", flat=True)[:400]) or ["Acme"]
    for lead_source, count, win_rate, typical in OTHER_CHANNELS:
        for _ in range(count):
            closed = today - datetime.timedelta(days=rng.randrange(1, 365))
            created = closed - datetime.timedelta(days=rng.randrange(20, 120))
            won = rng.random() < win_rate
            amount = round(typical * rng.lognormvariate(0, 0.45), -2)
            row(f"{rng.choice(companies)} - {lead_source.lower() or 'new business'}", lead_source,
                "Closed Won" if won else "Closed Lost", amount, closed, created)
        for _ in range(count // 6):  # still open
            created = today - datetime.timedelta(days=rng.randrange(1, 90))
            row(f"{rng.choice(companies)} - {lead_source.lower() or 'new business'}", lead_source,
                rng.choice(OPEN_STAGES), round(typical * rng.lognormvariate(0, 0.45), -2),
                today + datetime.timedelta(days=rng.randrange(10, 90)), created)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    manager = next(m for m in demo.members.values() if m.role == "manager")
    import_deals(manager, out.getvalue().encode(), filename="northwind-opportunities.csv", day_first=False,
                 at=timezone.now())


def _on_a_team(member: Membership) -> bool:
    return member.team_members.exists()
