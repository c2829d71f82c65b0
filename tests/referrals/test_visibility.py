"""Reps see their own and their team's referrals, managers their teams', admins all; moving follows the setting."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.personas import _member
from tests.referrals.builders import T0, ask, refer
from warmline.core.choices import AttributionPolicy, ReferralEditScope, Role
from warmline.core.models import TeamMember
from warmline.referrals import queries, services


@pytest.fixture
def referrals(pipeline):
    world = pipeline.world
    return {
        "carol": refer(world.carol, pipeline.dana, pipeline.bob_smith),
        "wendy": refer(pipeline.wendy, pipeline.erin, pipeline.dana),
        "bob": refer(world.bob, pipeline.dana, pipeline.erin),
    }


def _seen(viewer):
    return {r.owner.user.full_name.split()[0] for r in queries.referrals_for(viewer)}


def test_each_role_sees_whose_referrals_it_should(pipeline, referrals):
    world = pipeline.world
    assert _seen(world.alice) == {"Carol", "Wendy", "Bob"}  # admin: everyone
    assert _seen(world.bob) == {"Carol", "Bob"}  # East's manager: his team and himself
    assert _seen(pipeline.walter) == {"Wendy"}  # West's manager
    assert _seen(world.carol) == {"Carol", "Bob"}  # a rep: her own and her team's (its manager's too)
    assert _seen(pipeline.wendy) == {"Wendy"}
    assert _seen(world.charlie) == set()  # another workspace


def test_a_referral_outside_the_view_is_not_found(pipeline, referrals):
    with pytest.raises(Http404):
        queries.access_referral(pipeline.world.carol, referrals["wendy"].public_id)
    with pytest.raises(Http404):
        queries.access_referral(pipeline.world.charlie, referrals["carol"].public_id)
    assert queries.access_referral(pipeline.walter, referrals["wendy"].public_id) == referrals["wendy"]


def test_a_rep_cannot_move_another_teams_referral(pipeline, referrals):
    with pytest.raises(Http404):
        services.move_referral(pipeline.world.carol, referrals["wendy"], pipeline.stage("Contacted"), at=T0)
    referrals["wendy"].refresh_from_db()
    assert referrals["wendy"].stage.name == "Introduced"


def test_a_rep_moves_a_teammates_referral_unless_the_workspace_restricts_it(pipeline, referrals):
    world = pipeline.world
    dave = _member(world.acme, "dave@acme.test", "Dave Rep", Role.REP)
    TeamMember.objects.create(workspace=world.acme, team=world.east, membership=dave)
    services.move_referral(dave, referrals["carol"], pipeline.stage("Contacted"), at=T0)
    services.update_pipeline_settings(world.alice, contact_within_hours=24,
                                      attribution_policy=AttributionPolicy.FIRST_SOURCE,
                                      referral_edit_scope=ReferralEditScope.OWN, currency="USD")
    dave.workspace.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.move_referral(dave, referrals["carol"], pipeline.stage("Meeting held"), at=T0)
    referrals["carol"].refresh_from_db()
    assert referrals["carol"].stage.name == "Contacted"
    # Her manager and the owner still may.
    world.bob.workspace.refresh_from_db()
    services.move_referral(world.bob, referrals["carol"], pipeline.stage("Meeting held"), at=T0)
    assert queries.access_referral(dave, referrals["carol"].public_id).stage.name == "Meeting held"


def test_reps_assign_referrals_only_to_themselves(pipeline, referrals):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        refer(pipeline.world.carol, pipeline.dana, pipeline.erin, owner=pipeline.world.bob)
    assert "owner" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.reassign_referral(pipeline.world.carol, referrals["bob"], pipeline.world.carol)


def test_asks_follow_the_same_view(pipeline):
    world = pipeline.world
    mine = ask(world.carol, pipeline.dana, pipeline.bob_smith)
    theirs = ask(pipeline.wendy, pipeline.erin, pipeline.dana)
    assert set(queries.asks_for(world.carol)) == {mine}
    assert set(queries.asks_for(world.alice)) == {mine, theirs}
    with pytest.raises(Http404):
        queries.access_ask(world.carol, theirs.public_id)
