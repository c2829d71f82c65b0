"""Pinned query counts: the board, the lists and the list endpoints never run a query per card or row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.referrals.builders import ask, person, refer
from warmline.core.money import Money
from warmline.referrals import services
from warmline.referrals.models import Referral


def _cards(pipeline, count: int) -> None:
    """`count` more open referrals of Carol's, written at once (the board is what is measured here)."""
    world = pipeline.world
    template = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=timezone.now() - datetime.timedelta(hours=3))
    people = [person(world.alice, f"Prospect{i}", "Many", f"Company {i % 7}") for i in range(10)]
    fields = {f.attname: getattr(template, f.attname) for f in Referral._meta.concrete_fields
              if f.attname not in ("id", "public_id")}
    Referral.objects.bulk_create(
        Referral(**{**fields, "prospect_id": people[i % 10].pk, "company_id": people[i % 10].company_id,
                    "stage_id": pipeline.stage(["Introduced", "Contacted", "Proposal"][i % 3]).pk})
        for i in range(count - 1)
    )


@pytest.mark.parametrize("path", ["/referrals/", "/referrals/list/", "/referrals/mine/", "/api/v1/referrals"])
def test_a_page_of_referrals_costs_the_same_queries_for_1_or_500_cards(pipeline, path, django_assert_num_queries):
    client = pipeline.world.client_for(pipeline.world.carol)
    won = refer(pipeline.world.carol, pipeline.erin, pipeline.dana, value=10_000)
    services.move_referral(pipeline.world.carol, won, pipeline.stage("Won"), closed_on=timezone.localdate())
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    _cards(pipeline, 500)
    with django_assert_num_queries(len(few)):
        body = client.get(path).content.decode()
    if path == "/referrals/":
        assert body.count('<li class="ref-card') == 501  # every open card, and the won one
    assert len(few) <= 30, [q["sql"][:120] for q in few.captured_queries]


@pytest.mark.parametrize("path", ["/referrals/asks/", "/api/v1/asks"])
def test_a_page_of_asks_costs_the_same_queries_for_1_or_40_asks(pipeline, path, django_assert_num_queries):
    client = pipeline.world.client_for(pipeline.world.carol)
    ask(pipeline.world.carol, pipeline.dana, pipeline.bob_smith, path=[pipeline.dana.pk, pipeline.bob_smith.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for i in range(40):
        target = person(pipeline.world.alice, f"T{i}", "Target", f"Co {i}")
        # Half planned along a path, whose people the API names by their ids.
        ask(pipeline.world.carol, pipeline.erin, target, channel="email",
            path=[pipeline.erin.pk, target.pk] if i % 2 else [])
    with django_assert_num_queries(len(few)):
        assert client.get(path).status_code == 200


def test_a_referral_page_costs_the_same_queries_however_long_its_history(pipeline, django_assert_num_queries):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith, at=timezone.now() - datetime.timedelta(days=30))
    client = pipeline.world.client_for(carol)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/referrals/{referral.public_id}/")
    at = timezone.now() - datetime.timedelta(days=29)
    for i in range(6):
        for stage in ("Contacted", "Meeting scheduled"):
            at += datetime.timedelta(hours=5)
            services.move_referral(carol, referral, pipeline.stage(stage), at=at)
        services.add_note(carol, f"Note {i}", referral=referral, at=at)
    services.update_referral(carol, referral, value=Money(100_000, "USD"))
    with django_assert_num_queries(len(few)):
        assert client.get(f"/referrals/{referral.public_id}/").status_code == 200
