"""The demo workspace: loaded once per module through the real imports and services, then inspected: its
network, its warm paths and its year of referral selling."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from warmline.core.choices import Channel, Sharing
from warmline.core.demo import PEOPLE
from warmline.core.models import Membership, Workspace
from warmline.demo import load_demo
from warmline.network import demo as network_demo
from warmline.network.choices import EvidenceSource, ImportFormat, ImportStatus, ReviewStatus
from warmline.network.importers.linkedin import parse_linkedin
from warmline.network.models import (
    Company,
    Employment,
    Evidence,
    ImportRun,
    Interaction,
    MatchCandidate,
    Merge,
    Person,
    Relationship,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def northwind(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        with transaction.atomic():
            workspace, created = load_demo("warmline-demo")
            assert created
            yield workspace
            transaction.set_rollback(True)


def _people(workspace):
    return Person.objects.filter(workspace=workspace, merged_into__isnull=True)


def _employee_person(workspace, local: str) -> Person:
    return Person.objects.get(workspace=workspace, membership__user__email=f"{local}@example.com")


def test_it_loads_thousands_of_people_at_hundreds_of_companies(northwind):
    assert 3000 <= _people(northwind).count() <= 5000
    companies = Company.objects.filter(workspace=northwind)
    assert 250 <= companies.count() <= 350
    described = companies.exclude(industry="")
    assert described.count() >= 250
    assert {"Logistics & Transportation", "Manufacturing", "Healthcare", "Fintech", "Software & SaaS",
            "Energy & Utilities", "Retail & E-commerce"} <= set(described.values_list("industry", flat=True))
    countries = Counter(described.values_list("country", flat=True))
    assert countries.most_common(1)[0][0] == "United States"
    assert {"United Kingdom", "Germany", "Netherlands", "Canada"} <= set(countries)
    assert described.exclude(size_band="").count() == described.count()
    assert sum("customer" in tags for tags in companies.values_list("tags", flat=True)) >= 40
    # Everyone is somewhere: no company without people.
    assert not companies.annotate(n=Count("people")).filter(n=0).exists()


def test_people_have_titles_across_seniorities_and_some_work_emails(northwind):
    people = _people(northwind)
    assert set(people.values_list("seniority", flat=True)) >= {"c_level", "vp", "director", "manager", "entry"}
    assert people.filter(title__in=["CFO", "Chief Financial Officer"]).exists()
    assert people.filter(title__icontains="controller").exists()
    assert people.filter(title__icontains="supply chain").exists()
    assert people.exclude(linkedin_slug="").count() >= 0.9 * people.count()
    with_email = people.filter(emails__isnull=False).distinct()
    assert 300 <= with_email.count() < people.count() / 2
    domains = set(Company.objects.filter(workspace=northwind).exclude(domain="").values_list("domain", flat=True))
    work = [e.split("@")[1] for e in with_email.values_list("emails__email", flat=True)]
    assert sum(d in domains for d in work) >= 200


def test_every_employee_imported_a_linkedin_export_and_the_crm_was_imported(northwind):
    runs = ImportRun.objects.filter(workspace=northwind)
    assert set(runs.values_list("status", flat=True)) == {ImportStatus.DONE}
    assert set(runs.values_list("created_via", flat=True)) == {Channel.DEMO}
    linkedin = runs.filter(format=ImportFormat.LINKEDIN)
    assert linkedin.count() == len(PEOPLE) == len(set(linkedin.values_list("owner", flat=True)))
    rows = [run.summary["rows_read"] for run in linkedin]
    assert min(rows) <= 45 and max(rows) >= 400
    crm = runs.get(format=ImportFormat.SALESFORCE)
    assert crm.owner is None
    assert crm.summary["merged_automatically"] >= 10
    assert 5 <= crm.summary["sent_to_review"] <= 15
    # The hidden member's blank row is reported, not imported.
    reasons = [s["reason"] for run in linkedin for s in run.summary["skipped"]]
    assert reasons and set(reasons) == {"blank row: no name"}


def test_colleagues_share_contacts_so_people_have_several_relationships(northwind):
    employees = set(Person.objects.filter(workspace=northwind, membership__isnull=False).values_list("pk", flat=True))
    known_by = Counter()
    for a, b in Relationship.objects.filter(workspace=northwind).values_list("person_a", "person_b"):
        if (a in employees) != (b in employees):
            known_by[b if a in employees else a] += 1
    assert max(known_by.values()) >= 8
    assert sum(1 for n in known_by.values() if n >= 3) >= 200
    shared = sum(1 for n in known_by.values() if n >= 2) / len(known_by)
    assert 0.08 <= shared <= 0.4


def test_the_crm_adds_ties_between_outside_people(northwind):
    evidence = Evidence.objects.filter(workspace=northwind, source=EvidenceSource.CONTACTS)
    reports = evidence.filter(key="salesforce:reports_to")
    assert reports.count() >= 100
    assert reports.first().relationship.owner is None
    assert evidence.filter(key="salesforce:account").count() >= 300


def test_fuzzy_matching_merged_some_and_left_a_handful_to_review(northwind):
    merges = Merge.objects.filter(workspace=northwind, automatic=True)
    assert merges.count() >= 10
    assert any("same company" in reasons for reasons in merges.values_list("reasons", flat=True))
    nickname = merges.filter(merged__first_name="Bob").select_related("kept").first()
    assert nickname is not None and nickname.kept.first_name == "Robert"
    review = MatchCandidate.objects.filter(workspace=northwind, status=ReviewStatus.OPEN)
    assert 5 <= review.count() <= 15
    reasons = " ".join(r for pair in review for r in pair.reasons)
    assert "initial" in reasons and "company unknown on one side" in reasons and "related company names" in reasons


def test_linkedin_quirks_resolve_to_clean_people(northwind):
    people = _people(northwind)
    assert people.get(first_name="Maya", last_name="Goldberg").full_name == "Maya Goldberg"  # emoji dropped
    assert people.filter(first_name="Rachel", last_name="Smith").count() == 1  # ", CFA" dropped
    jurgen = people.get(first_name="Jürgen", last_name="Müller")
    assert jurgen.linkedin_slug.startswith("jürgen-müller-")
    # Written percent-encoded in one export and plainly in others: one person all the same.
    owners = Relationship.objects.filter(Q(person_a=jurgen) | Q(person_b=jurgen), owner__isnull=False)
    assert owners.count() >= 2
    assert not people.filter(full_name__contains="%").exists()


def test_shared_employers_become_ties(northwind):
    evidence = Evidence.objects.filter(workspace=northwind, source=EvidenceSource.SHARED_EMPLOYER)
    assert evidence.count() >= 50
    dana, priya = _employee_person(northwind, "dana.lee"), _employee_person(northwind, "priya.raman")
    pair = Relationship.objects.get(person_a=min(dana.pk, priya.pk), person_b=max(dana.pk, priya.pk))
    # Dana and Priya overlapped at a previous employer from 2019 to 2022, and work together now.
    spans = {(e.on.year, e.ended_on.year if e.ended_on else None)
             for e in pair.evidence.filter(source=EvidenceSource.SHARED_EMPLOYER)}
    assert (2019, 2022) in spans and (2022, None) in spans
    robert = _employee_person(northwind, "robert.kim")
    former = Relationship.objects.filter(Q(person_a=robert) | Q(person_b=robert), evidence__source="shared_employer",
                                         owner__user__email="robert.kim@example.com")
    assert former.exists()
    people = Employment.objects.filter(workspace=northwind).values("person").distinct().count()
    assert 24 <= people <= 80


def test_interactions_fill_the_last_eighteen_months_more_recently(northwind):
    # The targeting demo adds introductions we made for partners: not conversations.
    interactions = Interaction.objects.filter(workspace=northwind).exclude(kind="introduction")
    assert 200 <= interactions.count() <= 400
    assert set(interactions.values_list("kind", flat=True)) == {"meeting", "call", "email"}
    assert set(interactions.values_list("created_via", flat=True)) == {Channel.DEMO}
    today = date.today()
    ages = [(today - d).days for d in interactions.values_list("occurred_on", flat=True)]
    assert 0 <= min(ages) and max(ages) <= 550
    recent, older = sum(a < 180 for a in ages), sum(a >= 360 for a in ages)
    assert recent > 1.5 * older > 0
    assert interactions.values("membership").distinct().count() >= 15


def test_hand_recorded_ties_between_outside_people(northwind):
    from warmline.targeting.demo import PEER_CIRCLES

    manual = Relationship.objects.filter(workspace=northwind, evidence__source=EvidenceSource.MANUAL).distinct()
    # The targeting demo adds clients' peers the call list suggests; the network's own are the rest.
    assert manual.filter(how_they_know__in=PEER_CIRCLES).count() >= 300
    manual = manual.exclude(how_they_know__in=PEER_CIRCLES)
    assert 30 <= manual.count() <= 60
    assert not manual.filter(Q(person_a__membership__isnull=False) | Q(person_b__membership__isnull=False)).exists()
    assert all(r.how_they_know and r.owner_id is None for r in manual)
    assert manual.filter(how_they_know__contains="CFO round-table").exists()
    assert len(set(manual.values_list("kind", flat=True))) >= 4


def test_owners_rated_some_and_privacy_choices_show(northwind):
    rated = Relationship.objects.filter(workspace=northwind, manual_rating__isnull=False)
    assert 5 <= rated.count() <= 30
    assert all(r.rated_by_id == r.owner_id for r in rated)
    choices = dict(Membership.objects.filter(workspace=northwind).exclude(network_sharing="")
                   .values_list("user__email", "network_sharing"))
    assert sorted(choices.values()) == sorted([Sharing.EXISTENCE, Sharing.EXISTENCE, Sharing.PRIVATE])


def test_loading_again_changes_nothing(northwind):
    def counts():
        return [model.objects.count() for model in (Workspace, Person, Company, Relationship, Evidence, Interaction,
                                                    ImportRun, MatchCandidate, Employment)]

    before = counts()
    assert load_demo("warmline-demo") == (northwind, False)
    members = {m.user.email.split("@")[0]: m for m in Membership.objects.filter(workspace=northwind)}
    again = network_demo.populate(network_demo.DemoWorkspace(northwind, members, {}))
    assert again is False
    assert counts() == before


def test_the_plan_is_deterministic_and_the_exports_are_real_linkedin_files():
    today = date(2026, 6, 1)
    first, second = network_demo.plan(PEOPLE, today), network_demo.plan(PEOPLE, today)
    assert network_demo.salesforce_csv(first) == network_demo.salesforce_csv(second)
    data = network_demo.linkedin_csv(first, "dana.lee")
    assert data == network_demo.linkedin_csv(second, "dana.lee")
    assert data.startswith(b"Notes:\n")
    parsed = parse_linkedin(data)
    assert 400 < parsed.rows_read < 420 and len(parsed.skipped) == 1  # 400, the designed CRM matches, one blank
    assert all(r.connected_on and r.connected_on <= today for r in parsed.records)
    sizes = {local: len(network_demo.linkedin_csv(first, local).splitlines()) for local in first.exports}
    assert min(sizes.values()) >= 40 and max(sizes.values()) >= 400


def test_the_demo_has_warm_paths_of_every_short_shape_and_a_target_account_list(northwind):
    from warmline.paths import queries as path_queries
    from warmline.paths.models import AccountList

    viewer = Membership.objects.get(workspace=northwind, user__email="priya.raman@example.com")
    shapes = Counter()
    sample = _people(northwind).filter(membership__isnull=True).order_by("pk")[::40]
    for person in sample:
        for path in path_queries.person_paths(northwind, viewer, person, limit=5):
            shapes[path.shape] += 1
            assert path.explanation.endswith(".") and "None" not in path.explanation
    assert {"direct", "one_introducer", "insider"} <= set(shapes)
    saved = AccountList.objects.get(workspace=northwind, name="FY27 target accounts")
    rows = path_queries.account_table(northwind, viewer, saved.entries())
    assert len(rows) == 18
    assert sum(1 for r in rows if r.best) >= 12
    assert [r.label for r in rows if r.company is None] == ["Halvorsen Maritime", "Quillon Biotech"]


# --- the year of referral selling ---------------------------------------------------------------------------


def test_the_demo_has_a_year_of_asks_mostly_specific_and_spoken(northwind):
    from warmline.referrals.models import Ask

    asks = Ask.objects.filter(workspace=northwind)
    assert 500 <= asks.count() <= 1000
    first, last = asks.order_by("asked_on").first().asked_on, asks.order_by("asked_on").last().asked_on
    assert (last - first).days >= 350
    months = {a.strftime("%Y-%m") for a in asks.values_list("asked_on", flat=True)}
    assert len(months) >= 12

    def share(condition) -> float:
        return asks.filter(condition).count() / asks.count()

    assert 0.1 <= share(Q(channel__in=["email", "social"])) <= 0.35  # digital asks, reported apart
    assert 0.05 <= share(Q(target__isnull=True)) <= 0.3  # general asks
    assert share(~Q(path=[])) >= 0.5  # most planned along a warm path
    outcomes = Counter(asks.values_list("outcome", flat=True))
    assert set(outcomes) >= {"agreed", "declined", "no_one"}


def test_the_demo_converts_at_a_real_teams_rates_with_real_timings(northwind):
    import statistics

    from warmline.referrals.models import Ask, Referral

    referrals = Referral.objects.filter(workspace=northwind)
    asked = Ask.objects.filter(workspace=northwind).count()
    from_asks = referrals.filter(ask__isnull=False).count()
    assert 0.3 <= from_asks / asked <= 0.6  # ask-to-introduction near the method's 50 %
    closed = referrals.exclude(status="open")
    won = referrals.filter(status="won")
    assert 0.3 <= won.count() / referrals.count() <= 0.55  # introduction-to-client
    assert won.exclude(currency="USD").exists() and won.filter(currency="USD").exists()
    assert all(r.value_minor and r.closed_on for r in won)
    assert all(r.lost_reason for r in closed.filter(status="lost"))
    waits = [r.first_contact_seconds / 3600 for r in referrals if r.first_contact_seconds is not None]
    assert statistics.median(waits) < 24 and max(waits) > 24  # most within the day, some late
    assert 1 <= sum(1 for r in referrals.filter(status="open") if r.overdue) <= 8
    assert referrals.exclude(conflict="").exists()  # duplicates, flagged and linked
    assert referrals.filter(stage_changes__reopened=True).exists()  # a reopened deal


def test_every_demo_referral_has_a_consistent_history(northwind):
    from warmline.referrals.models import Referral, StageChange

    changes = defaultdict(list)
    for change in StageChange.objects.filter(workspace=northwind).order_by("changed_at", "id"):
        changes[change.referral_id].append(change)
    for referral in Referral.objects.filter(workspace=northwind):
        history = changes[referral.pk]
        assert history[0].from_stage_id is None and history[0].changed_at == referral.introduced_at
        assert history[-1].to_stage_id == referral.stage_id
        assert all(a.to_stage_id == b.from_stage_id for a, b in zip(history, history[1:], strict=False))
        assert referral.credits.exists()


def test_the_demo_has_profiles_client_health_and_a_real_call_list_for_every_rep(northwind):
    from warmline.insights.models import Goal
    from warmline.paths.models import AccountList
    from warmline.targeting import queries as targeting

    assert [p.name for p in targeting.profiles(northwind.pk)] == ["Operations finance", "Scale-up finance"]
    clients = Company.objects.filter(workspace=northwind, relation="client")
    assert clients.count() >= 30 and clients.filter(nps__gte=9).exists() and clients.filter(health="at_risk").exists()
    assert AccountList.objects.filter(workspace=northwind, description__startswith="Built from the profile").count() == 3
    reps = Membership.objects.filter(workspace=northwind, role="rep", teams__isnull=False).select_related("user")
    kinds = Counter()
    for rep in reps:
        calls = targeting.call_list(rep)
        # As many people as the rep's weekly goal for asks (set by the demo from their pace, so never the default).
        goal = Goal.objects.filter(membership=rep, metric="asks").order_by("-starts_on").first()
        assert len(calls.entries) == calls.goal == goal.target >= 3, rep
        assert all(e.why and e.suggestions for e in calls.entries), rep
        assert calls.excluded, rep
    # At the method's five a week (no goals set), wins, thanks, happy clients, connectors and quiet sources all
    # feed the lists.
    with transaction.atomic():
        Goal.objects.filter(workspace=northwind, metric="asks").delete()
        for rep in reps:
            calls = targeting.call_list(rep)
            assert len(calls.entries) == calls.goal == 5, rep
            for e in (*calls.entries, *calls.more):
                kinds.update({w.split(" ")[0] for w in e.why})
        transaction.set_rollback(True)
    assert {"Became", "Thanked", "Happy", "Best"} <= set(kinds), kinds


def test_the_demo_followed_up_its_history_and_leaves_a_believable_today_list(northwind):
    from warmline.followups import queries as followups
    from warmline.followups.models import NotificationSettings, OutboxMessage, Task
    from warmline.referrals.models import Referral

    tasks = Task.objects.filter(workspace=northwind)
    # Every introduction made its contact and thank-you tasks as the year went by.
    assert tasks.filter(kind="thank_source").count() == Referral.objects.filter(workspace=northwind).count()
    assert {"contact_prospect", "thank_source", "tell_source", "congratulate", "ask_lost", "reconnect"} <= set(
        tasks.values_list("kind", flat=True))
    # History is done; what is open is recent or coming.
    assert tasks.filter(status="done").count() > 10 * tasks.filter(status="open").count()
    assert not tasks.filter(status="open", due_at__lt=timezone.now() - datetime.timedelta(days=4)).exists()
    lists = [followups.today_list(m) for m in Membership.objects.filter(workspace=northwind)]
    assert sum(len(t.overdue) for t in lists) >= 3 and sum(len(t.upcoming) for t in lists) >= 10
    admin = Membership.objects.get(workspace=northwind, user__email="admin@example.com")
    assert not followups.today_list(admin).empty
    # The demo's history sent no email; everyone reads a daily digest.
    assert not OutboxMessage.objects.filter(workspace=northwind).exists()
    assert set(NotificationSettings.objects.filter(workspace=northwind).values_list("email_mode", flat=True)) == {
        "digest"}


def test_the_demo_dashboards_show_a_plausible_year_with_some_reps_behind_goal(northwind):
    from warmline.core.models import Team
    from warmline.insights import goals, metrics
    from warmline.insights.metrics import Period, Scope

    today = timezone.localdate()
    workspace = Scope.of_workspace(northwind.pk)
    weeks = metrics.per_week(workspace, Period.week(today).start - datetime.timedelta(weeks=52), 52)
    # Activity every week of the year, results across it, more asks than introductions, more of those than wins.
    assert all(w.asks for w in weeks.values())
    year = metrics.totals(workspace, Period(today - datetime.timedelta(days=364), today))
    assert year.asks > year.introductions > year.meetings_held > year.won > 0
    assert 0.2 < year.introductions / year.asks < 0.8 and year.revenue[northwind.currency][1] > 0
    months = metrics.per_month_revenue(workspace, today, 12)
    assert sum(1 for m in months.values() if m) >= 10
    # In the last four whole weeks, some reps missed a weekly goal and some met goals (which reps, in which week,
    # depends on the week: the demo's year is planned back from today).
    behind, met, without = set(), set(), set()
    for weeks_back in range(4):
        sunday = Period.week(today).start - datetime.timedelta(days=1 + 7 * weeks_back)
        for team in Team.objects.filter(workspace=northwind):
            for row in goals.coaching(Scope.of_team(team), sunday, list(team.members.select_related("user"))):
                if row.status == "behind":
                    behind.add(row.member.pk)
                if row.status == "no_goals":
                    without.add(row.member.pk)
                if any(cell is not None and cell.status == "met" for cell in row.cells):
                    met.add(row.member.pk)
    assert len(behind) >= 2 and len(met) >= 2 and not without, (len(behind), len(met), len(without))
    # Teams and the workspace have quarterly goals.
    assert {g.metric for g in goals.goals_in_force(workspace, today).values()} >= {"revenue"}
    # The CRM's deals were imported: referrals win more often than the other channels, on the team's own data.
    from warmline.insights.channels import channel_comparison

    year_of_deals = channel_comparison(northwind.pk, today - datetime.timedelta(days=364), today)
    assert year_of_deals.has_data and 0.1 < year_of_deals.referral_share < 0.9
    assert year_of_deals.referral.win_rate > year_of_deals.other.win_rate
    assert {"Web", "Outbound", "Customer Referral"} <= {r.label for r in year_of_deals.rows}
