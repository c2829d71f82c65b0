"""The follow-up rules: each event makes its tasks once, at exact due times, with the outbox in its transaction."""

import pytest
from django.db import transaction

from tests.referrals.builders import T0, ask, build_pipeline, refer
from warmline.core.choices import Channel
from warmline.core.models import Membership, Workspace
from warmline.followups import rules, services
from warmline.followups.models import NotificationSettings, Rule, Task
from warmline.network import services as network
from warmline.referrals import services as referrals
from warmline.referrals.choices import AskOutcome
from warmline.referrals.models import Referral

from .builders import DAY, HOUR, kinds, open_kinds, outbox, tasks


@pytest.fixture
def pipeline(world):
    return build_pipeline(world)


def test_an_introduction_makes_contact_and_thank_tasks_due_within_the_sla(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)

    contact, thank = tasks(referral=referral)
    assert (contact.kind, thank.kind) == ("contact_prospect", "thank_source")
    assert contact.assignee == thank.assignee == world.carol
    assert contact.due_at == T0 + 24 * HOUR == referral.contact_due_at
    assert contact.person == pipeline.bob_smith and thank.person == pipeline.dana
    assert thank.due_at == T0 + DAY
    assert thank.title == "Thank Dana Client"
    assert "introduced you to Bob Smith" in thank.reason
    assert contact.created_via == "rule"


def test_the_contact_task_follows_the_workspace_sla(world, pipeline):
    Workspace.objects.filter(pk=world.acme.pk).update(contact_within_hours=4)
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    assert Task.objects.get(referral=referral, kind="contact_prospect").due_at == T0 + 4 * HOUR


def test_tasks_and_their_emails_commit_with_the_event_or_not_at_all(world, pipeline):
    with pytest.raises(RuntimeError), transaction.atomic():
        refer(world.carol, pipeline.dana, pipeline.bob_smith)
        assert len(tasks()) == 2 and len(outbox()) == 2
        raise RuntimeError("the request failed after recording")
    assert tasks() == [] and outbox() == []


def test_a_rule_never_makes_the_same_task_twice(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    assert rules.on_introduction(referral, at=T0, via=Channel.UI) == []
    assert len(tasks()) == 2 and len(outbox()) == 2


def test_immediate_email_is_queued_in_the_event_transaction(world, pipeline):
    refer(world.carol, pipeline.dana, pipeline.bob_smith)
    messages = outbox()
    assert [m.to for m in messages] == ["carol@acme.test", "carol@acme.test"]
    assert {m.subject for m in messages} == {"To do: Contact Bob Smith", "To do: Thank Dana Client"}
    assert all(m.status == "queued" for m in messages)
    assert "/referrals/" in messages[0].body


@pytest.mark.parametrize("mode", ["digest", "off"])
def test_members_who_chose_a_digest_or_no_email_get_no_email_per_task(world, pipeline, mode):
    services.save_notification_settings(world.carol, email_mode=mode)
    refer(world.carol, pipeline.dana, pipeline.bob_smith)
    assert len(tasks()) == 2 and outbox() == []


def test_the_demo_history_sends_no_email(world, pipeline):
    refer(world.carol, pipeline.dana, pipeline.bob_smith, via=Channel.DEMO)
    assert len(tasks()) == 2 and outbox() == []


def test_contacting_the_prospect_closes_the_contact_task_only(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    referrals.move_referral(world.carol, referral, pipeline.stage("Contacted"), at=T0 + 3 * HOUR)
    contact = Task.objects.get(kind="contact_prospect")
    assert contact.status == "done" and contact.completed_at == T0 + 3 * HOUR
    assert contact.outcome == "Closed: Bob Smith was contacted"
    assert open_kinds() == ["thank_source"]


def test_a_meeting_held_asks_to_tell_the_source_once(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    at = T0 + 2 * DAY
    referrals.move_referral(world.carol, referral, pipeline.stage("Meeting held"), at=at)
    tell = Task.objects.get(kind="tell_source")
    assert tell.due_at == at + DAY and tell.person == pipeline.dana
    assert tell.title == "Tell Dana Client how the meeting with Bob Smith went"
    # Back and forth: still one.
    referrals.move_referral(world.carol, referral, pipeline.stage("Contacted"), at=at + HOUR)
    referrals.move_referral(world.carol, referral, pipeline.stage("Proposal"), at=at + 2 * HOUR)
    assert kinds().count("tell_source") == 1


def test_jumping_past_the_meeting_counts_as_held(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    referrals.move_referral(world.carol, referral, pipeline.stage("Proposal"), at=T0 + DAY)
    assert "tell_source" in kinds()


def test_a_win_asks_to_congratulate_and_ask_again(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, value=5000)
    at = T0 + 10 * DAY
    referrals.move_referral(world.carol, referral, pipeline.stage("Won"), closed_on=at.date(), at=at)
    task = Task.objects.get(kind="congratulate")
    assert task.person == pipeline.dana and task.due_at == at + DAY
    assert "ask who else they know" in task.reason
    # The contact task closes with the deal; reopening and winning again makes no second task.
    assert Task.objects.get(kind="contact_prospect").status == "done"
    referrals.reopen_referral(world.carol, referral, at=at + HOUR)
    referrals.move_referral(world.carol, referral, pipeline.stage("Won"), closed_on=at.date(), at=at + 2 * HOUR)
    assert kinds().count("congratulate") == 1


def test_a_loss_asks_the_lost_prospect_for_referrals(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    at = T0 + 5 * DAY
    referrals.move_referral(world.carol, referral, pipeline.stage("Lost"), lost_reason="No budget", at=at)
    task = Task.objects.get(kind="ask_lost")
    assert task.person == pipeline.bob_smith and task.due_at == at + 3 * DAY
    assert "No budget" in task.reason


def test_rules_switched_off_or_retimed(world, pipeline):
    services.save_rule(world.alice, "thank_source", enabled=True, delay_hours=48)
    services.save_rule(world.alice, "contact_prospect", enabled=False, delay_hours=8)
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    assert kinds() == ["thank_source"]
    assert Task.objects.get().due_at == T0 + 48 * HOUR
    assert Workspace.objects.get(pk=world.acme.pk).contact_within_hours == 8
    assert referral.contact_due_at == T0 + 8 * HOUR


def test_only_admins_change_rules_and_delays_are_checked(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.save_rule(world.bob, "thank_source", enabled=False)
    with pytest.raises(ValidationError) as error:
        services.save_rule(world.alice, "reconnect", enabled=True, delay_hours=12)
    assert "Between 1 and 365 days" in str(error.value)
    with pytest.raises(ValidationError):
        services.save_rule(world.alice, "no_such_rule", enabled=True)
    assert Rule.objects.get(workspace=world.acme, kind="reconnect").delay_hours == 90 * 24


def test_new_workspaces_get_every_rule(world):
    assert sorted(Rule.objects.filter(workspace=world.bravo).values_list("kind", flat=True)) == sorted(
        rules.DEFAULT_DELAY_HOURS)


def test_reassigning_moves_the_open_tasks(world, pipeline):
    referral = refer(world.bob, pipeline.dana, pipeline.bob_smith)
    referrals.move_referral(world.bob, referral, pipeline.stage("Contacted"), at=T0 + HOUR)
    referrals.reassign_referral(world.bob, referral, world.carol, at=T0 + 2 * HOUR)
    assert {(t.kind, t.assignee_id) for t in tasks()} == {("contact_prospect", world.bob.pk),
                                                          ("thank_source", world.carol.pk)}


# --- time rules --------------------------------------------------------------------------------------


def _agreed_ask(world, pipeline):
    return ask(world.carol, pipeline.dana, pipeline.bob_smith, outcome=AskOutcome.AGREED)


def test_an_agreed_ask_without_introduction_gets_a_follow_up_at_exactly_seven_days(world, pipeline):
    asked = _agreed_ask(world, pipeline)
    assert rules.run_time_rules(T0 + 7 * DAY - HOUR) == 0
    assert rules.run_time_rules(T0 + 7 * DAY) == 1
    task = Task.objects.get(kind="follow_up_ask")
    assert (task.ask, task.person, task.assignee) == (asked, pipeline.dana, world.carol)
    assert task.due_at == T0 + 7 * DAY + 8 * HOUR  # by 17:00 UTC that day
    assert "agreed to introduce you to Bob Smith 7 days ago" in task.reason
    assert rules.run_time_rules(T0 + 8 * DAY) == 0
    # The introduction comes: the follow-up is closed.
    referrals.record_referral(world.carol, ask=asked, at=T0 + 9 * DAY, introduced_at=T0 + 9 * DAY)
    assert Task.objects.get(kind="follow_up_ask").outcome == "Closed: Dana Client introduced Bob Smith"


def test_the_follow_up_date_set_on_the_ask_wins(world, pipeline):
    asked = _agreed_ask(world, pipeline)
    referrals.update_ask(world.carol, asked, follow_up_on=(T0 + 3 * DAY).date(), at=T0)
    assert rules.run_time_rules(T0 + 2 * DAY) == 0
    assert rules.run_time_rules(T0 + 3 * DAY) == 1
    assert Task.objects.get(kind="follow_up_ask").due_at == T0 + 3 * DAY + 8 * HOUR


def test_a_task_found_after_the_end_of_the_day_is_due_at_once(world, pipeline):
    _agreed_ask(world, pipeline)
    rules.run_time_rules(T0 + 7 * DAY + 10 * HOUR)
    assert Task.objects.get(kind="follow_up_ask").due_at == T0 + 7 * DAY + 10 * HOUR


def test_asks_with_an_introduction_or_declined_get_no_follow_up(world, pipeline):
    first = _agreed_ask(world, pipeline)
    referrals.record_referral(world.carol, ask=first, at=T0 + DAY, introduced_at=T0 + DAY)
    declined = ask(world.carol, pipeline.erin, pipeline.bob_smith, outcome=AskOutcome.AGREED)
    rules.run_time_rules(T0 + 7 * DAY)
    assert [t.ask for t in tasks(kind="follow_up_ask")] == [declined]
    referrals.update_ask(world.carol, declined, outcome=AskOutcome.DECLINED, at=T0 + 8 * DAY)
    assert open_kinds(kind="follow_up_ask") == []


def test_old_asks_are_history_not_follow_ups(world, pipeline):
    _agreed_ask(world, pipeline)
    assert rules.run_time_rules(T0 + 7 * DAY + (rules.LOOK_BACK_DAYS + 1) * DAY) == 0


def test_a_quiet_source_gets_a_reconnect_task_once_per_quiet_spell(world, pipeline):
    refer(world.carol, pipeline.dana, pipeline.bob_smith)
    Task.objects.update(status="done", completed_at=T0)
    assert rules.run_time_rules(T0 + 89 * DAY) == 0
    assert rules.run_time_rules(T0 + 90 * DAY) == 1
    task = Task.objects.get(kind="reconnect")
    assert (task.person, task.assignee) == (pipeline.dana, world.carol)
    assert task.due_at == T0 + 90 * DAY + 8 * HOUR
    assert "nobody has been in touch for 90 days" in task.reason
    assert rules.run_time_rules(T0 + 91 * DAY) == 0
    # Someone gets in touch: the task closes; a new quiet spell makes a new one.
    network.log_interaction(world.carol, pipeline.dana, kind="call", occurred_on=(T0 + 92 * DAY).date())
    rules.run_time_rules(T0 + 93 * DAY)
    assert Task.objects.get(kind="reconnect").outcome == "Closed: you were back in touch"
    assert rules.run_time_rules(T0 + 182 * DAY) == 1
    assert kinds(kind="reconnect") == ["reconnect", "reconnect"]


def test_employees_are_not_reconnected_with(world, pipeline):
    from warmline.network.services import ensure_person_for

    refer(world.carol, ensure_person_for(world.bob), pipeline.bob_smith)
    assert rules.run_time_rules(T0 + 100 * DAY) == 0


def test_switched_off_time_rules_make_nothing(world, pipeline):
    services.save_rule(world.alice, "follow_up_ask", enabled=False)
    services.save_rule(world.alice, "reconnect", enabled=False)
    _agreed_ask(world, pipeline)
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    assert rules.run_time_rules(T0 + 120 * DAY) == 0


def test_email_mode_defaults_to_immediate(world):
    assert not NotificationSettings.objects.exists()
    assert rules.email_mode_of(world.carol) == "immediate"


def test_an_unanswered_ask_gets_a_follow_up_on_the_date_the_rep_planned(world, pipeline):
    ask(world.carol, pipeline.dana, pipeline.bob_smith, follow_up_on=(T0 + 4 * DAY).date())
    assert rules.run_time_rules(T0 + 3 * DAY) == 0
    assert rules.run_time_rules(T0 + 4 * DAY) == 1
    assert "no answer yet" in Task.objects.get(kind="follow_up_ask").reason


def test_day_rules_take_whole_days(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.save_rule(world.alice, "reconnect", enabled=True, delay_hours=90 * 24 + 1)
    assert "multiple of 24 hours" in str(error.value) and "delay_hours" in error.value.message_dict


def test_a_new_contact_time_re_times_waiting_referrals_and_their_tasks(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    services.save_rule(world.alice, "contact_prospect", enabled=True, delay_hours=6, at=T0 + HOUR)
    referral.refresh_from_db()
    assert referral.contact_due_at == T0 + 6 * HOUR
    assert Task.objects.get(kind="contact_prospect").due_at == T0 + 6 * HOUR
    # The same from the pipeline settings.
    referrals.update_pipeline_settings(world.alice, contact_within_hours=48, attribution_policy="first_source",
                                       referral_edit_scope="team", currency="USD", at=T0 + 2 * HOUR)
    assert Task.objects.get(kind="contact_prospect").due_at == T0 + 48 * HOUR


def test_a_new_contact_time_leaves_snoozed_tasks_and_contacted_referrals_alone(world, pipeline):
    snoozed = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    contacted = refer(world.carol, pipeline.erin, pipeline.bob_smith)
    services.snooze_task(world.carol, Task.objects.get(referral=snoozed, kind="contact_prospect"),
                         until=T0 + 5 * DAY, at=T0 + HOUR)
    # Contacted, but its contact task still open (closed by hand later, say): it keeps its time.
    Referral.objects.filter(pk=contacted.pk).update(first_contact_at=T0 + 2 * HOUR)
    waiting = refer(world.carol, pipeline.dana, pipeline.erin)
    services.save_rule(world.alice, "contact_prospect", enabled=True, delay_hours=48, at=T0 + 3 * HOUR)
    due = {t.referral_id: t.due_at for t in tasks(kind="contact_prospect")}
    assert due == {snoozed.pk: T0 + 5 * DAY, contacted.pk: T0 + 24 * HOUR, waiting.pk: T0 + 48 * HOUR}


def test_the_follow_up_counts_the_days_since_the_source_agreed(world, pipeline):
    asked = ask(world.carol, pipeline.dana, pipeline.bob_smith)
    referrals.update_ask(world.carol, asked, outcome=AskOutcome.AGREED, at=T0 + 20 * DAY)
    assert rules.run_time_rules(T0 + 27 * DAY) == 1
    assert "agreed to introduce you to Bob Smith 7 days ago" in Task.objects.get(kind="follow_up_ask").reason


# --- members who leave -------------------------------------------------------------------------------


def _leave(member, *, account=False):
    target = member.user if account else member
    target.is_active = False
    target.save(update_fields=["is_active"])


@pytest.mark.parametrize("account", [False, True])
def test_open_tasks_of_a_member_who_left_go_to_their_team_manager(world, pipeline, account):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    _leave(world.carol, account=account)
    assert rules.run_time_rules(T0 + HOUR) == 0  # it makes no task, it hands over
    for task in tasks(referral=referral):
        assert task.assignee == world.bob
        assert task.reason.endswith("(Handed over from Carol Rep, who has left.)")
    # Closed tasks stay with whoever did them.
    Task.objects.update(status="done", completed_at=T0 + HOUR)
    _leave(world.bob)
    rules.run_time_rules(T0 + 2 * HOUR)
    assert {t.assignee for t in tasks()} == {world.bob}


def test_rules_give_the_tasks_of_a_member_who_left_to_their_stand_in(world, pipeline):
    asked = _agreed_ask(world, pipeline)
    referral = refer(world.carol, pipeline.erin, pipeline.bob_smith, value=5000)
    Task.objects.update(status="done", completed_at=T0)
    _leave(world.carol)
    # An event on the referral they still own...
    referrals.move_referral(world.bob, referral, pipeline.stage("Won"), closed_on=(T0 + DAY).date(), at=T0 + DAY)
    # ...an ask they made, a source they brought in.
    rules.run_time_rules(T0 + 7 * DAY)
    rules.run_time_rules(T0 + 91 * DAY)
    made = {t.kind: t for t in tasks(status="open")}
    assert set(made) >= {"congratulate", "follow_up_ask", "reconnect"}
    assert {t.assignee for t in made.values()} == {world.bob}
    assert made["follow_up_ask"].ask == asked
    assert all("Handed over from Carol Rep" in t.reason for t in made.values())
    # No one on a team to stand in: an admin does.
    _leave(world.bob)
    rules.run_time_rules(T0 + 92 * DAY)
    assert {t.assignee for t in tasks(status="open")} == {world.alice}


def test_rules_make_nothing_when_no_one_is_left_to_do_it(world, pipeline):
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    Membership.objects.filter(workspace=world.acme).update(is_active=False)
    world.carol.refresh_from_db()
    assert rules.stand_in(world.carol) is None
    assert rules.make_task(workspace_id=world.acme.pk, kind="tell_source", key="k", assignee=world.carol,
                           title="t", reason="r", due_at=T0, at=T0, referral=referral) is None
    rules.run_time_rules(T0 + HOUR)
    assert {t.assignee for t in tasks()} == {world.carol}
