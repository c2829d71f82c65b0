"""Merging two records of one person keeps their asks, referrals, credits and notes; undo gives them back."""

import pytest
from django.core.exceptions import ValidationError

from tests.referrals.builders import ask, person, refer
from warmline.network import services as network
from warmline.referrals import queries, services
from warmline.referrals.models import Ask, Credit, Referral


def test_a_merge_moves_the_pipeline_to_the_kept_person_and_undo_moves_it_back(pipeline):
    alice, carol = pipeline.world.alice, pipeline.world.carol
    twin = person(alice, "Dana", "Client", "Initech")
    asked = ask(carol, twin, pipeline.bob_smith)
    referral = refer(carol, twin, pipeline.bob_smith)
    note = services.add_note(carol, "Met at the CFO dinner", person=twin)
    merge = network.merge_people(pipeline.world.acme, kept_id=pipeline.dana.pk, merged_id=twin.pk, actor=alice)
    assert Ask.objects.get(pk=asked.pk).source == pipeline.dana
    assert Referral.objects.get(pk=referral.pk).source == pipeline.dana
    assert Credit.objects.get(referral=referral).source == pipeline.dana
    assert queries.source_record(carol, pipeline.dana).introductions == 1
    network.undo_merge(alice, merge)
    assert Ask.objects.get(pk=asked.pk).source == twin
    assert Referral.objects.get(pk=referral.pk).source == twin
    note.refresh_from_db()
    assert note.person == twin


def test_two_records_on_one_referral_as_source_and_prospect_cannot_be_merged(pipeline):
    alice, carol = pipeline.world.alice, pipeline.world.carol
    twin = person(alice, "Dana", "Client", "Initech")
    refer(carol, pipeline.dana, twin)
    with pytest.raises(ValidationError) as error:
        network.merge_people(pipeline.world.acme, kept_id=pipeline.dana.pk, merged_id=twin.pk, actor=alice)
    assert "cannot be merged" in error.value.messages[0]
