"""The daily digest and the Monday manager report: what they say, to whom, when, only once, and at a bounded
number of queries however many members there are."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.personas import _member
from tests.referrals.builders import T0, ask, build_pipeline, person, refer
from warmline.core.choices import Role
from warmline.core.models import Membership, Team, TeamMember
from warmline.core.money import Money
from warmline.followups import digests, services
from warmline.followups.choices import RuleKind
from warmline.insights import rollups
from warmline.referrals import services as referrals
from warmline.referrals.choices import AskChannel

from .builders import DAY, HOUR, outbox

MINUTE = datetime.timedelta(minutes=1)
TUESDAY_7AM = T0 + DAY - 2 * HOUR  # Tuesday 3 March 2026, 07:00 UTC
NEXT_MONDAY_7AM = T0 + 7 * DAY - 2 * HOUR  # Monday 9 March 2026, 07:00 UTC: the report on 2-8 March
SITE = "https://warmline.test"
# What queuing one message costs: the outbox's key check, then its insert in a savepoint.
QUERIES_PER_MESSAGE = 4


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def pipeline(world):
    return build_pipeline(world)


def _digest_mode(*members, mode="digest"):
    for member in members:
        services.save_notification_settings(member, email_mode=mode, at=T0 - 7 * DAY)


def _rep(world, team: Team, email: str, name: str) -> Membership:
    member = _member(world.acme, email, name, Role.REP)
    TeamMember.objects.create(workspace=world.acme, team=team, membership=member)
    return member


# --- the daily digest ------------------------------------------------------------------------------


@pytest.fixture
def carols_week(world, pipeline):
    """Carol chose the digest. On Tuesday at 07:00: three tasks overdue, one due today, one on Friday; one on
    Saturday (past the next three days) and one done, neither in the digest."""
    carol = world.carol
    _digest_mode(carol)
    referral = refer(carol, pipeline.dana, pipeline.bob_smith, at=T0 - 2 * DAY)  # contact and thank, due Sunday
    services.add_task(carol, title="Send the case study", due_at=TUESDAY_7AM - HOUR, at=T0)
    services.add_task(carol, title="Call Erin about the event", due_at=T0 + 30 * HOUR, person=pipeline.erin,
                      reason="She offered to introduce us at the conference.", at=T0)
    services.add_task(carol, title="Prepare the QBR", due_at=T0 + 4 * DAY + 8 * HOUR + 30 * MINUTE, at=T0)
    services.add_task(carol, title="Renew the contract", due_at=T0 + 4 * DAY + 15 * HOUR, at=T0)
    done = services.add_task(carol, title="Already done", due_at=T0, at=T0)
    services.complete_task(carol, done, at=T0 + HOUR)
    return referral


def test_the_digest_lists_what_is_overdue_due_today_and_in_the_next_days(world, pipeline, carols_week):
    assert digests.queue_due_digests(TUESDAY_7AM) == 1
    [message] = outbox(kind="digest")
    assert (message.to, message.membership, message.status) == ("carol@acme.test", world.carol, "queued")
    assert message.key == f"digest:{world.carol.public_id}:2026-03-03"
    assert message.next_attempt_at == TUESDAY_7AM
    assert message.subject == "Your follow-ups: 3 overdue, 1 due today"
    referral = f"{SITE}/referrals/{carols_week.public_id}/"
    assert message.body == f"""Hello Carol Rep,

Your follow-ups in Acme on Tuesday 3 March 2026:

OVERDUE (3)

- Contact Bob Smith: overdue by 2 days
  Dana Client introduced Bob Smith: reach out while the introduction is warm.
  {referral}

- Thank Dana Client: overdue by 2 days
  Dana Client introduced you to Bob Smith: thank them.
  {referral}

- Send the case study: overdue since 06:00 UTC
  {SITE}/followups/

DUE TODAY (1)

- Call Erin about the event: due 15:00 UTC
  She offered to introduce us at the conference.
  {SITE}/network/people/{pipeline.erin.public_id}/

IN THE NEXT DAYS (1)

- Prepare the QBR: due Fri 6 Mar, 17:30 UTC
  {SITE}/followups/

Your follow-ups for today: {SITE}/followups/

— Warmline
(You get this digest each morning when something is due. Choose one email per task or no email: \
{SITE}/followups/notifications/)
"""


def test_a_digest_of_only_the_next_days_says_so(world, pipeline):
    _digest_mode(world.carol)
    services.add_task(world.carol, title="Prepare the QBR", due_at=T0 + 3 * DAY, at=T0)
    services.add_task(world.carol, title="Book the venue", due_at=T0 + 3 * DAY + HOUR, at=T0)
    digests.queue_due_digests(TUESDAY_7AM)
    [message] = outbox(kind="digest")
    assert message.subject == "Your follow-ups: 2 coming up"
    assert "OVERDUE" not in message.body and "DUE TODAY" not in message.body
    assert "IN THE NEXT DAYS (2)" in message.body


def test_the_digest_goes_from_the_digest_hour(world, pipeline, carols_week, settings):
    assert digests.queue_due_digests(TUESDAY_7AM - MINUTE) == 0
    assert digests.queue_due_digests(TUESDAY_7AM) == 1
    settings.WARMLINE_DIGEST_HOUR = 9
    wednesday_9am = TUESDAY_7AM + DAY + 2 * HOUR
    assert digests.queue_due_digests(wednesday_9am - MINUTE) == 0
    assert digests.queue_due_digests(wednesday_9am) == 1


def test_a_bad_digest_hour_is_a_configuration_error(settings):
    settings.WARMLINE_DIGEST_HOUR = 24
    with pytest.raises(ImproperlyConfigured, match="WARMLINE_DIGEST_HOUR must be an hour from 0 to 23"):
        digests.queue_due_digests(TUESDAY_7AM)


def test_the_digest_goes_once_a_day(world, pipeline, carols_week):
    assert digests.queue_due_digests(TUESDAY_7AM) == 1
    assert digests.queue_due_digests(TUESDAY_7AM + MINUTE) == 0
    assert digests.queue_due_digests(TUESDAY_7AM + 16 * HOUR) == 0
    assert digests.queue_due_digests(TUESDAY_7AM + DAY) == 1
    assert [m.key.rsplit(":", 1)[1] for m in outbox(kind="digest")] == ["2026-03-03", "2026-03-04"]


def test_no_digest_without_something_to_do_nor_for_other_email_modes(world, pipeline):
    dave = _rep(world, world.east, "dave@acme.test", "Dave Idle")
    eve = _rep(world, world.east, "eve@acme.test", "Eve Later")
    gone = _rep(world, world.east, "gone@acme.test", "Gone User")
    left = _rep(world, world.east, "left@acme.test", "Left Acme")
    _digest_mode(dave, eve, gone, left)
    _digest_mode(world.alice, mode="off")
    # Bob never chose: he gets an email per task, not a digest.
    for member in (world.bob, world.alice, gone, left):
        services.add_task(member, title="Overdue work", due_at=T0 - DAY, at=T0 - 2 * DAY)
    services.add_task(eve, title="Far away", due_at=T0 + 5 * DAY, at=T0)  # past the next three days
    services.complete_task(eve, services.add_task(eve, title="Done", due_at=T0 - DAY, at=T0 - 2 * DAY), at=T0)
    gone.user.is_active = False
    gone.user.save(update_fields=["is_active"])
    left.is_active = False
    left.save(update_fields=["is_active"])
    assert digests.queue_due_digests(TUESDAY_7AM) == 0
    assert outbox(kind="digest") == []


def test_the_digest_reads_a_fixed_number_of_queries_however_many_members(world, pipeline, django_assert_num_queries,
                                                                        django_assert_max_num_queries):
    def add_members(count: int) -> None:
        for _ in range(count):
            n = Membership.objects.count()
            member = _rep(world, world.east, f"rep{n}@acme.test", f"Rep {n}")
            _digest_mode(member)
            prospect = person(world.alice, f"Prospect{n}", "Many", f"Company {n}")
            refer(member, pipeline.dana, prospect, at=T0 - DAY)  # tasks on a referral and on a person
            services.add_task(member, title="Later today", due_at=T0 + 22 * HOUR, person=pipeline.erin, at=T0)
            # And a member in digest mode with nothing to say, who costs nothing more.
            _digest_mode(_rep(world, world.east, f"idle{n}@acme.test", f"Idle {n}"))

    for added, total in ((1, 1), (5, 6)):
        add_members(added)
        with django_assert_num_queries(2):  # the members due a digest, their tasks
            bodies = [digests.digest_email(digest, now=TUESDAY_7AM)[1] for digest in digests.due_digests(TUESDAY_7AM)]
        assert len(bodies) == total
        assert all("/referrals/" in body and "/network/people/" in body for body in bodies)
    with django_assert_max_num_queries(2 + QUERIES_PER_MESSAGE * 6):
        assert digests.queue_due_digests(TUESDAY_7AM) == 6
    with django_assert_num_queries(2):  # everyone had theirs; the idle are looked at again
        assert digests.queue_due_digests(TUESDAY_7AM + HOUR) == 0


# --- the weekly manager report ---------------------------------------------------------------------


@pytest.fixture
def east_week(world, pipeline):
    """The week of 2-8 March 2026 in East (Bob manages Carol and Dave) and West (Walter manages Wendy).

    The rules that would add thank-you, tell and congratulate tasks are off, so that the overdue tasks are the
    ones made here. Carol: 3 asks that week (one the Sunday before and one on the report's Monday are outside
    it); 2 introductions (Bob Smith and Heidi; Grace came on Sunday 1 March, Ivan the week before, Judy on the
    Monday of the report); 3 meetings held (Bob Smith's, moved into the stage twice; Ivan's, who skipped it for
    the proposal; and Kate's, won straight from the introduction); 2 deals won ($12,000 and €5,000; Kate's win was recorded that week but closed the week
    before). Grace was never contacted. Dave did nothing and has a task overdue since Friday. Wendy made her 5
    asks. Alice, in no team, and Bob asked too.
    """
    carol = world.carol
    for kind in (RuleKind.THANK_SOURCE, RuleKind.TELL_SOURCE, RuleKind.CONGRATULATE):
        services.save_rule(world.alice, kind, enabled=False, at=T0 - 30 * DAY)
    dave = _rep(world, world.east, "dave@acme.test", "Dave Newrep")
    people = {name: person(world.alice, name, last, company, "VP")
              for name, last, company in [("Frank", "Target", "Umbrella"), ("Grace", "Prospect", "Vandelay"),
                                          ("Heidi", "Buyer", "Massive"), ("Ivan", "Lead", "Soylent"),
                                          ("Judy", "Early", "Cyberdyne"), ("Kate", "Closer", "Tyrell")]}
    dana, erin = pipeline.dana, pipeline.erin

    ask(carol, dana, pipeline.bob_smith, at=T0 - DAY)
    ask(carol, dana, pipeline.bob_smith, at=T0)
    ask(carol, erin, None, target_description="A CFO at a fintech", channel=AskChannel.EMAIL, at=T0 + DAY)
    ask(carol, dana, people["Frank"], channel=AskChannel.SOCIAL, at=T0 + 2 * DAY)
    ask(carol, erin, people["Frank"], at=NEXT_MONDAY_7AM - HOUR)
    ask(world.bob, erin, people["Frank"], at=T0)
    ask(world.alice, dana, people["Frank"], at=T0)
    for i in range(5):
        ask(pipeline.wendy, erin, None, target_description=f"A buyer #{i}", at=T0 + i * HOUR)

    def move(referral, stage, at, **kwargs):
        referral.refresh_from_db()
        referrals.move_referral(carol, referral, pipeline.stage(stage), at=at, **kwargs)

    bob_smith = refer(carol, dana, pipeline.bob_smith, at=T0)
    move(bob_smith, "Meeting held", T0 + 2 * DAY)
    move(bob_smith, "Proposal", T0 + 2 * DAY + HOUR)
    move(bob_smith, "Meeting held", T0 + 2 * DAY + 2 * HOUR)
    move(bob_smith, "Won", T0 + 3 * DAY, value=Money(1_200_000, "USD"), closed_on=datetime.date(2026, 3, 5))
    refer(carol, erin, people["Grace"], at=T0 - 10 * HOUR)
    refer(carol, erin, people["Heidi"], at=T0 + 6 * DAY)
    ivan = refer(carol, dana, people["Ivan"], at=T0 - 7 * DAY)
    move(ivan, "Meeting scheduled", T0 - 5 * DAY)
    move(ivan, "Proposal", T0 + 4 * DAY)
    move(ivan, "Won", T0 + 6 * DAY, value=Money(500_000, "EUR"), closed_on=datetime.date(2026, 3, 8))
    kate = refer(carol, erin, people["Kate"], at=T0 - 6 * DAY)
    move(kate, "Won", T0 + DAY, value=Money(900_000, "USD"), closed_on=datetime.date(2026, 2, 27))
    refer(carol, dana, people["Judy"], at=NEXT_MONDAY_7AM - HOUR)
    services.add_task(dave, title="Call the new lead", due_at=T0 + 4 * DAY + HOUR, at=T0)
    refer(pipeline.wendy, erin, people["Frank"], at=T0 + DAY)
    return {"dave": dave, "grace": carol.referrals_owned.get(prospect=people["Grace"])}


def test_the_report_gives_each_reps_week_against_the_weekly_goals(world, pipeline, east_week):
    from warmline.insights import services as insights

    insights.set_goal(world.bob, metric="introductions", target=3, member=world.carol,
                      starts_on=datetime.date(2026, 2, 23))
    assert digests.queue_due_reports(NEXT_MONDAY_7AM) == 2
    message = outbox(kind="report", to="bob@acme.test")[0]
    assert message.membership == world.bob and message.status == "queued"
    assert message.key == f"report:{world.bob.public_id}:2026-W10"
    assert message.subject == "Weekly referral report for East: week of 2 March 2026"
    dave, grace = east_week["dave"], east_week["grace"]
    assert message.body == f"""Hello Bob Manager,

Here is last week in East (Acme), from Monday 2 March to Sunday 8 March 2026 (UTC).

Goals are each rep's weekly goals for asks (5 a week), introductions and meetings scheduled, set on Insights > \
Goals; a rep without an ask goal aims at 5 asks a week.

==== East ====

ACTIVITY

Carol Rep
  Asks: 3 of 5 (2 specific, 1 general; 2 digital)
  Introductions received: 2 of 3
  Meetings scheduled: 2
  Meetings held: 3
  Deals won: 2 (€5,000.00, $12,000.00)

Dave Newrep
  Asks: 0 of 5
  Introductions received: 0
  Meetings scheduled: 0
  Meetings held: 0
  Deals won: 0

Whole team
  Asks: 3 of 10 (2 specific, 1 general; 2 digital)
  Introductions received: 2 of 3
  Meetings scheduled: 2
  Meetings held: 3
  Deals won: 2 (€5,000.00, $12,000.00)

WHO IS BEHIND
- Carol Rep: 3 of 5 asks, 2 of 3 introductions
- Dave Newrep: 0 of 5 asks

OVERDUE REFERRALS (introduced and not contacted in time, as of Mon 9 Mar, 07:00 UTC)
- Grace Prospect (Vandelay), introduced by Erin Partner, owner Carol Rep: overdue by 7 days
  {SITE}/referrals/{grace.public_id}/

OVERDUE TASKS
- Carol Rep: 1 open task overdue, the oldest overdue by 7 days
  {SITE}/followups/?member={world.carol.public_id}
- Dave Newrep: 1 open task overdue, the oldest overdue by 3 days
  {SITE}/followups/?member={dave.public_id}

The team's board: {SITE}/referrals/?team={world.east.public_id}

— Warmline
(You get this report on Monday mornings as a team manager. Turn it off: {SITE}/followups/notifications/)
"""


def test_the_report_shows_the_managers_own_teams_only(world, pipeline, east_week):
    digests.queue_due_reports(NEXT_MONDAY_7AM)
    assert [m.to for m in outbox(kind="report")] == ["bob@acme.test", "walter@acme.test"]
    west = outbox(kind="report", to="walter@acme.test")[0].body
    assert "Wendy Westrep\n  Asks: 5 of 5 (0 specific, 5 general)\n  Introductions received: 1\n" in west
    assert "WHO IS BEHIND\nNo one: every rep reached their weekly goals.\n" in west
    assert "- Frank Target (Umbrella), introduced by Erin Partner, owner Wendy Westrep: overdue by 5 days" in west
    assert "Carol" not in west and "Grace" not in west
    east = outbox(kind="report", to="bob@acme.test")[0].body
    assert "Wendy" not in east and "Frank" not in east and "Alice" not in east and "Bob Manager\n" not in east


def test_a_manager_of_two_teams_gets_one_report_with_a_section_each(world, pipeline, east_week):
    pipeline.west.manager = world.bob
    pipeline.west.save(update_fields=["manager"])
    assert digests.queue_due_reports(NEXT_MONDAY_7AM) == 1
    [message] = outbox(kind="report")
    assert message.to == "bob@acme.test"
    assert message.subject == "Weekly referral report for East and West: week of 2 March 2026"
    assert message.body.index("==== East ====") < message.body.index("Carol Rep") < message.body.index(
        "==== West ====") < message.body.index("Wendy Westrep")


def test_a_long_list_of_overdue_referrals_is_cut(world, pipeline, east_week, monkeypatch):
    monkeypatch.setattr(digests, "REFERRALS_LISTED", 1)
    refer(world.carol, pipeline.dana, pipeline.erin, at=T0)  # not contacted either, due a day after Grace
    digests.queue_due_reports(NEXT_MONDAY_7AM)
    body = outbox(kind="report", to="bob@acme.test")[0].body
    overdue = body[body.index("OVERDUE REFERRALS"):body.index("OVERDUE TASKS")]
    assert overdue.count("\n- ") == 1 and "- Grace Prospect" in overdue
    assert overdue.endswith("… and 1 more: see the team's board.\n\n")


def test_reports_go_on_mondays_from_the_digest_hour_once_a_week(world, pipeline, east_week):
    for at in (NEXT_MONDAY_7AM - DAY, NEXT_MONDAY_7AM - MINUTE, NEXT_MONDAY_7AM + DAY):
        assert digests.queue_due_reports(at) == 0, at
    assert digests.queue_due_reports(NEXT_MONDAY_7AM) == 2
    assert digests.queue_due_reports(NEXT_MONDAY_7AM + 10 * HOUR) == 0
    assert digests.queue_due_reports(NEXT_MONDAY_7AM + 7 * DAY) == 2
    assert sorted(m.key.rsplit(":", 1)[1] for m in outbox(kind="report")) == ["2026-W10"] * 2 + ["2026-W11"] * 2
    later = outbox(kind="report", to="bob@acme.test", key__endswith="W11")[0]
    assert "from Monday 9 March to Sunday 15 March 2026" in later.body
    assert "Carol Rep\n  Asks: 1 of 5 (1 specific, 0 general)\n  Introductions received: 1\n" in later.body


def test_managers_who_turned_it_off_get_no_report(world, pipeline, east_week):
    services.save_notification_settings(world.bob, email_mode="digest", weekly_report=False)
    services.save_notification_settings(pipeline.walter, email_mode="off")
    assert digests.queue_due_reports(NEXT_MONDAY_7AM) == 0
    services.save_notification_settings(world.bob, email_mode="immediate", weekly_report=True)
    pipeline.walter.is_active = False
    pipeline.walter.save(update_fields=["is_active"])
    assert digests.queue_due_reports(NEXT_MONDAY_7AM) == 1
    assert [m.to for m in outbox(kind="report")] == ["bob@acme.test"]


def test_a_team_without_reps_makes_no_report(world, pipeline):
    TeamMember.objects.filter(team=pipeline.west).delete()
    ask(world.carol, pipeline.dana, pipeline.bob_smith, at=T0)
    assert digests.queue_due_reports(NEXT_MONDAY_7AM) == 1
    assert [m.to for m in outbox(kind="report")] == ["bob@acme.test"]


@pytest.mark.parametrize("teams, reps", [(1, 1), (3, 4)])
def test_the_report_reads_a_fixed_number_of_queries_however_many_teams_and_reps(
        world, pipeline, teams, reps, django_assert_num_queries, django_assert_max_num_queries):
    Team.objects.filter(workspace=world.acme).delete()
    for t in range(teams):
        manager = _member(world.acme, f"manager{t}@acme.test", f"Manager {t}", Role.MANAGER)
        team = Team.objects.create(workspace=world.acme, name=f"Team {t}", manager=manager)
        for r in range(reps):
            rep = _rep(world, team, f"rep{t}-{r}@acme.test", f"Rep {t}-{r}")
            prospect = person(world.alice, f"Prospect{t}-{r}", "Many", f"Company {t}-{r}")
            ask(rep, pipeline.dana, prospect, at=T0 + DAY, channel=AskChannel.EMAIL)
            refer(rep, pipeline.erin, prospect, at=T0 + DAY)  # never contacted: overdue, with an overdue task
            won = refer(rep, pipeline.dana, person(world.alice, f"Client{t}-{r}", "Many"), at=T0)
            referrals.move_referral(rep, won, pipeline.stage("Meeting held"), at=T0 + DAY)
            won.refresh_from_db()
            referrals.move_referral(rep, won, pipeline.stage("Won"), value=Money(100_000, "USD"),
                                    closed_on=datetime.date(2026, 3, 4), at=T0 + 2 * DAY)
    rollups.refresh_all()  # the worker keeps the insights rollups up to date between reports
    # ...and one for every rep's weekly goals, one to see the rollups are up to date, one for meetings scheduled.
    with django_assert_num_queries(12):
        bodies = [digests.report_email(report, now=NEXT_MONDAY_7AM)[1]
                  for report in digests.due_reports(NEXT_MONDAY_7AM)]
    assert len(bodies) == teams
    team = (f"Whole team\n  Asks: {reps} of {5 * reps} ({reps} specific, 0 general; {reps} digital)\n"
            f"  Introductions received: {2 * reps}\n  Meetings scheduled: {reps}\n  Meetings held: {reps}\n  Deals won: {reps} (${1000 * reps:,}.00)\n")
    assert all(team in body and body.count("/referrals/") == reps + 1 for body in bodies)
    with django_assert_max_num_queries(12 + QUERIES_PER_MESSAGE * teams):
        assert digests.queue_due_reports(NEXT_MONDAY_7AM) == teams
    with django_assert_num_queries(1):  # every manager had theirs
        assert digests.queue_due_reports(NEXT_MONDAY_7AM + HOUR) == 0


# --- delivery --------------------------------------------------------------------------------------


def test_the_queued_digest_is_delivered_over_smtp(world, pipeline, carols_week, smtp_server):
    from warmline.followups import outbox as sender

    digests.queue_due_digests(TUESDAY_7AM)
    [message] = outbox(kind="digest")
    sender.send_due(now=TUESDAY_7AM)
    mail = smtp_server.wait_for(lambda m: m.is_to("carol@acme.test"))
    assert mail.subject == "Your follow-ups: 3 overdue, 1 due today"
    assert mail.text.replace("\r\n", "\n") == message.body
    assert f"{SITE}/referrals/{carols_week.public_id}/" in mail.urls
    assert mail.urls[-2:] == [f"{SITE}/followups/", f"{SITE}/followups/notifications/"]
    message.refresh_from_db()
    assert message.status == "sent"
