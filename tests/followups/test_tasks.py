"""Tasks: the Today list at exact times, completing (with an interaction logged), dismissing, snoozing, adding,
and who may touch whose tasks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.referrals.builders import T0, build_pipeline, refer
from warmline.followups import queries, services
from warmline.followups.models import Task
from warmline.network.models import Interaction

from .builders import DAY, HOUR


@pytest.fixture
def pipeline(world):
    return build_pipeline(world)


@pytest.fixture
def introduced(world, pipeline):
    return refer(world.carol, pipeline.dana, pipeline.bob_smith)


def _task(kind):
    return Task.objects.get(kind=kind)


def test_the_today_list_splits_overdue_today_and_upcoming_at_exact_times(world, pipeline, introduced):
    manual = services.add_task(world.carol, title="Send the case study", due_at=T0 + 3 * DAY, at=T0)
    # Both rule tasks are due at T0 + 24 h (Tuesday 09:00).
    just_before = queries.today_list(world.carol, now=T0 + 24 * HOUR - datetime.timedelta(seconds=1))
    assert just_before.overdue == [] and len(just_before.today) == 2 and just_before.upcoming == [manual]
    at_due = queries.today_list(world.carol, now=T0 + 24 * HOUR + datetime.timedelta(seconds=1))
    assert len(at_due.overdue) == 2 and at_due.today == []
    day_before = queries.today_list(world.carol, now=T0)
    assert day_before.today == [] and len(day_before.upcoming) == 3
    assert queries.due_count(world.carol, now=T0) == 0
    assert queries.due_count(world.carol, now=T0 + 15 * HOUR) == 2  # Tuesday 00:00: due today
    assert queries.today_list(world.bob, now=T0 + 2 * DAY).empty


def test_completing_a_task_can_log_the_interaction(world, pipeline, introduced):
    thank = _task("thank_source")
    done = services.complete_task(world.carol, thank, log="email", at=T0 + 2 * HOUR)
    assert done.status == "done" and done.completed_by == world.carol and done.completed_at == T0 + 2 * HOUR
    interaction = Interaction.objects.get()
    assert done.interaction == interaction
    assert (interaction.person, interaction.kind) == (pipeline.dana, "email")
    assert interaction.summary == "Thanked them for introducing Bob Smith"
    assert done.outcome == "Done: email logged"
    # Done twice changes nothing and logs nothing more.
    services.complete_task(world.carol, thank, log="call", at=T0 + 3 * HOUR)
    assert Interaction.objects.count() == 1


def test_completing_without_logging_and_with_a_note(world, pipeline, introduced):
    services.complete_task(world.carol, _task("contact_prospect"), at=T0 + HOUR)
    assert Interaction.objects.count() == 0
    services.complete_task(world.carol, _task("thank_source"), log="call", summary="Called, she was delighted")
    assert Interaction.objects.get().summary == "Called, she was delighted"


def test_bad_completion_input_is_refused_and_changes_nothing(world, pipeline, introduced):
    with pytest.raises(ValidationError) as error:
        services.complete_task(world.carol, _task("thank_source"), log="fax")
    assert "'fax' is not a way to get in touch" in str(error.value)
    with pytest.raises(ValidationError):
        services.complete_task(world.carol, _task("thank_source"), log="call", summary="x" * 501)
    assert _task("thank_source").status == "open" and Interaction.objects.count() == 0


def test_dismiss_snooze_and_reopen(world, pipeline, introduced):
    thank = services.dismiss_task(world.carol, _task("thank_source"), reason="Thanked in person", at=T0 + HOUR)
    assert thank.status == "dismissed" and thank.outcome == "Dismissed: Thanked in person"
    with pytest.raises(ValidationError):
        services.dismiss_task(world.carol, thank)
    reopened = services.reopen_task(world.carol, thank)
    assert reopened.status == "open" and reopened.completed_at is None
    snoozed = services.snooze_task(world.carol, reopened, until=T0 + 3 * DAY, at=T0 + HOUR)
    assert snoozed.due_at == T0 + 3 * DAY
    with pytest.raises(ValidationError):
        services.snooze_task(world.carol, snoozed, until=T0, at=T0 + HOUR)
    with pytest.raises(ValidationError):
        services.snooze_task(world.carol, snoozed, until=T0 + 400 * DAY, at=T0 + HOUR)


def test_who_may_touch_whose_tasks(world, pipeline):
    refer(pipeline.wendy, pipeline.dana, pipeline.bob_smith)
    wendys = _task("thank_source")
    with pytest.raises(PermissionDenied):
        services.complete_task(world.carol, wendys)
    with pytest.raises(Http404):
        queries.access_task(world.carol, wendys.public_id)
    with pytest.raises(Http404):
        queries.access_task(world.bob, wendys.public_id)  # Bob manages East, not West
    assert queries.access_task(pipeline.walter, wendys.public_id) == wendys
    assert queries.access_task(world.alice, wendys.public_id) == wendys
    with pytest.raises(Http404):
        queries.access_task(world.charlie, wendys.public_id)
    services.complete_task(pipeline.walter, wendys)
    assert _task("thank_source").completed_by == pipeline.walter


def test_adding_a_task_by_hand(world, pipeline):
    mine = services.add_task(world.carol, title="  Call Dana about the renewal ", due_at=T0 + DAY, at=T0,
                             person=pipeline.dana)
    assert (mine.kind, mine.title, mine.key, mine.assignee) == ("manual", "Call Dana about the renewal", "",
                                                               world.carol)
    for_carol = services.add_task(world.bob, title="Prepare the QBR", due_at=T0 + DAY, assignee=world.carol, at=T0)
    assert for_carol.assignee == world.carol
    with pytest.raises(ValidationError) as error:
        services.add_task(world.carol, title="For Bob", due_at=T0 + DAY, assignee=world.bob)
    assert "You cannot give tasks to Bob Manager" in str(error.value)
    with pytest.raises(ValidationError):
        services.add_task(world.carol, title="   ", due_at=T0 + DAY)
    with pytest.raises(PermissionDenied):
        services.add_task(world.charlie, title="Sneaky", due_at=T0 + DAY, person=pipeline.dana)


def test_logging_the_first_call_on_the_contact_task_moves_the_referral_to_contacted(world, pipeline, introduced):
    services.complete_task(world.carol, _task("contact_prospect"), log="call", at=T0 + 2 * HOUR)
    introduced.refresh_from_db()
    assert introduced.stage == pipeline.stage("Contacted")
    assert introduced.first_contact_at == T0 + 2 * HOUR and introduced.first_contact_seconds == 7200
    assert _task("contact_prospect").outcome == "Done: call logged"


def test_marking_the_contact_task_done_without_a_log_leaves_the_pipeline_alone(world, pipeline, introduced):
    services.complete_task(world.carol, _task("contact_prospect"), at=T0 + 2 * HOUR)
    introduced.refresh_from_db()
    assert introduced.stage == pipeline.stage("Introduced") and introduced.first_contact_at is None
