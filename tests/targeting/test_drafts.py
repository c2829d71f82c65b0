"""The specific ask: talking points and introduction text drafted from the workspace's sandboxed templates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.referrals.builders import refer
from warmline.core.money import Money
from warmline.referrals import services as referrals
from warmline.referrals.models import Ask, Stage
from warmline.targeting import queries, services
from warmline.targeting.models import AskTemplate


def test_the_drafts_name_whom_to_meet_why_and_what_the_source_has_had_from_us(targeting):
    carol, dana, bob_smith = targeting.world.carol, targeting.pipeline.dana, targeting.pipeline.bob_smith
    won = refer(carol, dana, targeting.carla, at=timezone.now() - datetime.timedelta(days=40))
    referrals.move_referral(carol, won, Stage.objects.get(workspace=targeting.world.acme, name="Won"),
                            value=Money(4_800_000, "USD"), closed_on=timezone.localdate())
    drafted = queries.draft(carol, dana, bob_smith, reason="Globex is renegotiating freight contracts.")
    points = drafted.talking_points
    assert "Bob Smith" in points and "Globex is renegotiating freight contracts." in points
    assert targeting.profile.sentence in points
    assert "$48,000.00" in points and "1 became a client" in points
    assert drafted.intro_text.startswith("Subject: Introduction")
    assert "Hi Bob," in drafted.intro_text and drafted.intro_text.rstrip().endswith("Dana")
    assert drafted.profile == targeting.profile and drafted.target_fit.score == 100 and drafted.errors == {}


def test_a_general_ask_describes_the_profile(targeting):
    drafted = queries.draft(targeting.world.carol, targeting.pipeline.dana, None)
    assert targeting.profile.sentence in drafted.talking_points
    assert "None" not in drafted.talking_points + drafted.intro_text


def test_a_workspace_template_replaces_the_default(targeting):
    services.save_template(targeting.world.alice, "intro_text", "Hi {{ target.first_name }}, meet {{ rep.name }}.")
    drafted = queries.draft(targeting.world.carol, targeting.pipeline.dana, targeting.pipeline.bob_smith)
    assert drafted.intro_text == "Hi Bob, meet Carol Rep."


@pytest.mark.parametrize("body", [
    "{{ source.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ source.name.__class__.__init__.__globals__ }}",
    "{{ '{0.__class__}'.format(source) }}",
    "{% include 'base.html' %}",
])
def test_a_template_reaching_outside_the_sandbox_is_refused_with_a_clear_message(targeting, body):
    with pytest.raises(ValidationError) as caught:
        services.save_template(targeting.world.alice, "talking_points", body)
    message = caught.value.message_dict["body"][0]
    assert "may not" in message or "cannot" in message, message
    assert "Traceback" not in message and "<class" not in message
    assert not AskTemplate.objects.filter(workspace=targeting.world.acme).exists()


def test_a_template_with_a_syntax_error_names_its_line(targeting):
    with pytest.raises(ValidationError) as caught:
        services.save_template(targeting.world.alice, "talking_points", "- one\n- two\n- {{ source.name }\n")
    assert caught.value.message_dict["body"][0].startswith("Line 3:")


def test_only_an_admin_edits_templates_and_empty_goes_back_to_the_default(targeting):
    with pytest.raises(PermissionDenied):
        services.save_template(targeting.world.bob, "intro_text", "Hi.")
    services.save_template(targeting.world.alice, "intro_text", "Hi {{ target.first_name }}.")
    assert queries.templates_of(targeting.world.acme.pk) == {"intro_text": "Hi {{ target.first_name }}."}
    services.save_template(targeting.world.alice, "intro_text", "  ")
    assert queries.templates_of(targeting.world.acme.pk) == {}


def test_a_template_broken_since_it_was_saved_falls_back_to_the_default_and_says_so(targeting):
    # Saved before a check existed, say: the draft must still come, with the reason.
    AskTemplate.objects.create(workspace=targeting.world.acme, kind="talking_points", body="{{ 1 / 0 }}")
    drafted = queries.draft(targeting.world.carol, targeting.pipeline.dana, targeting.pipeline.bob_smith)
    assert "division by zero" in drafted.errors["talking_points"]
    assert "Bob Smith" in drafted.talking_points


def test_the_saved_ask_keeps_its_talking_points(targeting):
    drafted = queries.draft(targeting.world.carol, targeting.pipeline.dana, targeting.pipeline.bob_smith)
    saved = referrals.record_ask(targeting.world.carol, source=targeting.pipeline.dana,
                                 target=targeting.pipeline.bob_smith, channel="phone",
                                 talking_points=drafted.talking_points, intro_text=drafted.intro_text)
    saved = Ask.objects.get(pk=saved.pk)
    assert saved.talking_points == drafted.talking_points.strip() and saved.intro_text == drafted.intro_text.strip()
