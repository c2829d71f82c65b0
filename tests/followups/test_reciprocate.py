"""The reciprocate rule: a partner who introduced us to more people than we introduced them to, over the last year,
gets one open task at a time asking the rep to give an introduction back; it closes once we owe nothing."""

import pytest
from django.core.exceptions import ValidationError

from tests.referrals.builders import T0, refer
from tests.referrals.builders import build_pipeline as _build_pipeline
from warmline.followups import rules, services
from warmline.followups.models import Task
from warmline.network import services as network
from warmline.network.models import Company, Interaction
from warmline.referrals.queries import partner_balances

from .builders import DAY, HOUR, kinds, open_kinds

FIVE_PM = 8 * HOUR  # T0 is 09:00; tasks found as time passes are due by 17:00 UTC


@pytest.fixture
def pipeline(world):
    pipeline = _build_pipeline(world)
    Company.objects.filter(name="Hooli").update(relation="partner")  # Erin's company
    return pipeline


def _we_introduced(world, pipeline, day):
    network.log_interaction(world.carol, pipeline.erin, kind="introduction", occurred_on=(T0 + day * DAY).date(),
                            summary="Introduced Erin to our CFO's old firm")


def test_a_partners_introduction_makes_a_task_to_return_the_favour(world, pipeline):
    referral = refer(world.carol, pipeline.erin, pipeline.bob_smith)
    assert kinds(referral=referral) == ["contact_prospect", "thank_source"]
    task = Task.objects.get(kind="reciprocate")
    assert (task.person, task.assignee, task.referral) == (pipeline.erin, world.carol, None)
    assert task.title == "Return the favour: introduce Erin Partner to someone"
    assert task.reason == ("Erin Partner (Hooli, a partner) made 1 introduction to us in the last year; we made 0 for "
                           "them. Introduce them to someone who could use them.")
    assert task.due_at == T0 + 14 * DAY + FIVE_PM
    assert task.subject_path == f"/network/people/{pipeline.erin.public_id}/"


def test_sources_who_are_not_partners_get_no_reciprocate_task(world, pipeline):
    refer(world.carol, pipeline.dana, pipeline.bob_smith)
    assert rules.run_time_rules(T0 + DAY) == 0
    assert "reciprocate" not in kinds()


def test_one_open_reciprocate_task_at_a_time_saying_the_balance(world, pipeline):
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    refer(world.carol, pipeline.erin, pipeline.dana, at=T0 + DAY)
    assert kinds(kind="reciprocate") == ["reciprocate"]
    assert partner_balances(world.acme.pk, (T0 + DAY).date())[pipeline.erin.pk].owed == 2


def test_it_closes_by_itself_once_we_have_given_back_as_many(world, pipeline):
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    refer(world.carol, pipeline.erin, pipeline.dana, at=T0 + DAY)
    _we_introduced(world, pipeline, 2)
    rules.run_time_rules(T0 + 3 * DAY)
    assert open_kinds(kind="reciprocate") == ["reciprocate"]  # two received, one given
    _we_introduced(world, pipeline, 4)
    rules.run_time_rules(T0 + 5 * DAY)
    task = Task.objects.get(kind="reciprocate")
    assert (task.status, task.outcome) == ("done", "Closed: we no longer owe them an introduction")
    assert task.completed_at == T0 + 5 * DAY


def test_completing_it_can_log_the_introduction_we_made(world, pipeline):
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    task = services.complete_task(world.carol, Task.objects.get(kind="reciprocate"), log="introduction",
                                  at=T0 + 3 * DAY)
    assert task.outcome == "Done: introduction logged"
    interaction = Interaction.objects.get(pk=task.interaction_id)
    assert (interaction.kind, interaction.person, interaction.summary) == (
        "introduction", pipeline.erin, "Introduced them to someone who could use them")
    assert partner_balances(world.acme.pk, (T0 + 3 * DAY).date()) == {}
    assert rules.run_time_rules(T0 + 4 * DAY) == 0


def test_only_a_reciprocate_task_logs_an_introduction_we_made(world, pipeline):
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    thank = Task.objects.get(kind="thank_source")
    with pytest.raises(ValidationError) as error:
        services.complete_task(world.carol, thank, log="introduction")
    assert "reciprocate task only" in error.value.message_dict["log"][0]
    thank.refresh_from_db()
    assert thank.status == "open" and not Interaction.objects.exists()


def test_the_time_rule_finds_partners_we_owe_from_before(world, pipeline):
    Company.objects.filter(name="Hooli").update(relation="")
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    assert "reciprocate" not in kinds()
    Company.objects.filter(name="Hooli").update(relation="partner")  # marked a partner later
    assert rules.run_time_rules(T0 + 20 * DAY + 10 * HOUR) == 1
    task = Task.objects.get(kind="reciprocate")
    assert task.due_at == T0 + 20 * DAY + 10 * HOUR  # its 14 days had passed: due at once
    assert rules.run_time_rules(T0 + 21 * DAY) == 0
    # Marked done without an introduction: no new task for the same introduction of theirs...
    services.complete_task(world.carol, task, at=T0 + 21 * DAY)
    assert rules.run_time_rules(T0 + 22 * DAY) == 0
    # ...but their next introduction asks again, since we still owe them.
    refer(world.carol, pipeline.erin, pipeline.dana, at=T0 + 30 * DAY)
    assert open_kinds(kind="reciprocate") == ["reciprocate"]


def test_a_partner_who_is_owed_after_we_gave_one_back_is_asked_about_their_latest_introduction(world, pipeline):
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    refer(world.carol, pipeline.erin, pipeline.dana, at=T0 + DAY)
    first = Task.objects.get(kind="reciprocate")
    services.complete_task(world.carol, first, log="introduction", at=T0 + 2 * DAY)
    assert rules.run_time_rules(T0 + 3 * DAY) == 1  # still one owed: a task for the second introduction
    second = Task.objects.get(kind="reciprocate", status="open")
    assert second.due_at == T0 + DAY + 14 * DAY + FIVE_PM
    assert "made 2 introductions to us in the last year; we made 1 for them" in second.reason


def test_introductions_older_than_a_year_no_longer_count(world, pipeline):
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    rules.run_time_rules(T0 + 366 * DAY)
    assert Task.objects.get(kind="reciprocate").outcome == "Closed: we no longer owe them an introduction"
    assert rules.run_time_rules(T0 + 367 * DAY) == 0


def test_switched_off_or_retimed(world, pipeline):
    services.save_rule(world.alice, "reciprocate", enabled=False)
    refer(world.carol, pipeline.erin, pipeline.bob_smith)
    assert rules.run_time_rules(T0 + 20 * DAY) == 0
    assert "reciprocate" not in kinds()
    services.save_rule(world.alice, "reciprocate", enabled=True, delay_hours=3 * 24)
    refer(world.carol, pipeline.erin, pipeline.dana, at=T0 + 21 * DAY)
    assert Task.objects.get(kind="reciprocate").due_at == T0 + 24 * DAY + FIVE_PM
    with pytest.raises(ValidationError) as error:
        services.save_rule(world.alice, "reciprocate", enabled=True, delay_hours=30)
    assert "multiple of 24 hours" in error.value.message_dict["delay_hours"][0]
