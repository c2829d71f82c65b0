"""The referral pages: the board (HTMX and plain forms), a referral, the forms to record asks and introductions."""

import datetime

from django.utils import timezone

from tests.referrals.builders import ask, refer
from warmline.referrals.choices import AskOutcome, StageKind
from warmline.referrals.models import Ask, Referral, StageChange


def _recent():
    return timezone.now() - datetime.timedelta(hours=2)


def test_the_board_shows_cards_by_stage_with_the_overdue_flag(pipeline):
    world = pipeline.world
    late = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=timezone.now() - datetime.timedelta(days=2))
    fresh = refer(world.carol, pipeline.erin, pipeline.dana, at=_recent())
    response = world.client_for(world.carol).get("/referrals/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bob Smith" in body and "Dana Client" in body
    assert body.count('class="ref-card overdue"') == 1
    assert late.public_id in body and fresh.public_id in body
    for name in ("Introduced", "Contacted", "Meeting scheduled", "Won", "Lost"):
        assert f">{name}</h2>" in body


def test_a_card_moves_with_htmx_and_the_board_comes_back(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    contacted = pipeline.stage("Contacted")
    response = world.client_for(world.carol).post(
        f"/referrals/{referral.public_id}/move/", {"stage": contacted.pk, "from": "board", "version": 1,
                                                   "filters": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="board"' in response.content.decode() and "Moved Bob Smith to Contacted." in response.content.decode()
    referral.refresh_from_db()
    assert referral.stage == contacted and referral.first_contact_at is not None


def test_a_card_moves_without_javascript_and_keeps_the_filters(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    response = world.client_for(world.carol).post(
        f"/referrals/{referral.public_id}/move/",
        {"stage": pipeline.stage("Proposal").pk, "from": "board", "version": 1, "filters": "status=open"})
    assert response.status_code == 302 and response["Location"] == "/referrals/?status=open"
    referral.refresh_from_db()
    assert referral.stage.name == "Proposal"


def test_winning_from_the_board_continues_on_the_referral_page(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    won = pipeline.stage("Won")
    client = world.client_for(world.carol)
    response = client.post(f"/referrals/{referral.public_id}/move/",
                           {"stage": won.pk, "from": "board", "version": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/referrals/{referral.public_id}/?move={won.public_id}#move"
    page = client.get(f"/referrals/{referral.public_id}/?move={won.public_id}")
    assert f'<option value="{won.pk}" selected data-kind="won">Won</option>' in page.content.decode()
    done = client.post(f"/referrals/{referral.public_id}/move/", {
        "stage": won.pk, "version": 1, "value": "48,000", "currency": "EUR",
        "closed_on": timezone.localdate().isoformat()})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.value_minor, referral.currency) == (StageKind.WON, 4_800_000, "EUR")


def test_a_refused_move_shows_the_reason_next_to_the_field_and_changes_nothing(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    response = world.client_for(world.carol).post(f"/referrals/{referral.public_id}/move/", {
        "stage": pipeline.stage("Lost").pk, "version": 1, "lost_reason": ""})
    assert response.status_code == 400
    assert "Say why it was lost" in response.content.decode()
    assert StageChange.objects.filter(referral=referral).count() == 1


def test_a_stale_move_is_refused_with_a_clear_message(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    client = world.client_for(world.carol)
    client.post(f"/referrals/{referral.public_id}/move/", {"stage": pipeline.stage("Contacted").pk, "version": 1})
    response = client.post(f"/referrals/{referral.public_id}/move/",
                           {"stage": pipeline.stage("Proposal").pk, "version": 1})
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()


def test_the_referral_page_shows_history_credit_timeline_and_actions(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent(), note="Call after 10am")
    body = world.client_for(world.carol).get(f"/referrals/{referral.public_id}/").content.decode()
    for text in ("Stage history", "Dana Client 100%", "Call after 10am", "Move to another stage",
                 "Did the introduction happen?", "Reassign"):
        assert text in body, text


def test_an_introduction_is_recorded_from_the_form_by_picking_people(pipeline):
    world = pipeline.world
    client = world.client_for(world.carol)
    form = client.get(f"/referrals/new/?source={pipeline.dana.public_id}")
    assert 'value="Dana Client"' in form.content.decode()
    response = client.post("/referrals/new/", {
        "source": pipeline.dana.public_id, "source_name": "Dana Client", "prospect_name": "Bob Smith",
        "origin": "verbal", "owner": world.carol.pk, "introduced_on": timezone.localdate().isoformat(),
        "value": "12000", "currency": "USD", "note": "",
    })
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.public_id}/"
    assert (referral.source, referral.prospect, referral.origin, referral.value_minor) == (
        pipeline.dana, pipeline.bob_smith, "verbal", 1_200_000)


def test_an_ambiguous_name_asks_to_pick_and_saves_nothing(pipeline):
    from tests.referrals.builders import person

    person(world_alice := pipeline.world.alice, "Bob", "Smithers", "Initech")
    assert world_alice
    client = pipeline.world.client_for(pipeline.world.carol)
    response = client.post("/referrals/new/", {
        "source_name": "Dana Client", "prospect_name": "Bob Smit", "origin": "unasked",
        "owner": pipeline.world.carol.pk, "introduced_on": timezone.localdate().isoformat(), "currency": "USD"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "2 people match “Bob Smit”: pick one." in body
    assert 'type="radio" name="prospect"' in body
    assert Referral.objects.count() == 0


def test_an_ask_is_planned_from_a_warm_path_and_leads_to_an_introduction(pipeline):
    world = pipeline.world
    from warmline.network.services import ensure_person_for

    carol_person = ensure_person_for(world.carol)
    client = world.client_for(world.carol)
    path = f"{carol_person.public_id},{pipeline.dana.public_id},{pipeline.bob_smith.public_id}"
    page = client.get(f"/referrals/asks/new/?source={pipeline.dana.public_id}&target={pipeline.bob_smith.public_id}"
                      f"&path={path}")
    assert "Plan the ask" in page.content.decode()
    response = client.post("/referrals/asks/new/", {
        "source": pipeline.dana.public_id, "source_name": "Dana Client", "target": pipeline.bob_smith.public_id,
        "target_name": "Bob Smith", "channel": "in_person", "asked_on": timezone.localdate().isoformat(),
        "outcome": "agreed", "path": path, "reason": "Globex is consolidating suppliers",
    })
    recorded = Ask.objects.get()
    assert response.status_code == 302 and recorded.path == [carol_person.pk, pipeline.dana.pk, pipeline.bob_smith.pk]
    intro = client.post(f"/referrals/asks/{recorded.public_id}/introduction/", {
        "prospect": pipeline.bob_smith.public_id, "prospect_name": "Bob Smith", "owner": world.carol.pk,
        "introduced_on": timezone.localdate().isoformat(), "currency": "USD"})
    assert intro.status_code == 302
    referral = Referral.objects.get()
    assert referral.ask == recorded and referral.origin == "asked"


def test_the_asks_list_marks_digital_and_general_asks(pipeline):
    world = pipeline.world
    ask(world.carol, pipeline.dana, None, channel="email", target_description="A CFO in retail",
        at=_recent())
    body = world.client_for(world.carol).get("/referrals/asks/").content.decode()
    assert ">general</span>" in body and ">digital</span>" in body


def test_an_ask_outcome_is_updated_on_its_page(pipeline):
    world = pipeline.world
    recorded = ask(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    response = world.client_for(world.carol).post(f"/referrals/asks/{recorded.public_id}/update/", {
        "version": 1, "outcome": "declined", "intel_how_they_know": "Old colleagues"})
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert (recorded.outcome, recorded.intel_how_they_know) == (AskOutcome.DECLINED, "Old colleagues")


def test_my_referrals_lists_overdue_first_with_follow_ups_and_moments(pipeline):
    world = pipeline.world
    refer(world.carol, pipeline.erin, pipeline.dana, at=_recent())
    refer(world.carol, pipeline.dana, pipeline.bob_smith, at=timezone.now() - datetime.timedelta(days=3))
    body = world.client_for(world.carol).get("/referrals/mine/").content.decode()
    assert "1 overdue" in body
    assert body.index("Bob Smith") < body.index("Dana Client</strong>")


def test_the_person_page_shows_the_source_record_and_timeline(pipeline):
    from warmline.core.money import Money
    from warmline.referrals import services

    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    services.move_referral(world.carol, referral, pipeline.stage("Won"), value=Money(2_500_000, "USD"),
                           closed_on=timezone.localdate())
    client = world.client_for(world.carol)
    body = client.get(f"/network/people/{pipeline.dana.public_id}/").content.decode()
    assert "As a referral source" in body and "$25,000.00" in body
    assert "Dana Client introduced Bob Smith to Carol Rep" in body
    client.post(f"/referrals/people/{pipeline.dana.public_id}/notes/", {"body": "Prefers mornings"})
    client.post(f"/referrals/people/{pipeline.dana.public_id}/moments/", {"note": "the treasury benchmark"})
    body = client.get(f"/network/people/{pipeline.dana.public_id}/").content.decode()
    assert "Prefers mornings" in body and "thanked us for an insight" in body


def test_admins_edit_the_pipeline_and_others_cannot(pipeline):
    world = pipeline.world
    admin = world.client_for(world.alice)
    assert admin.get("/settings/pipeline/").status_code == 200
    response = admin.post("/settings/pipeline/stages/", {"name": "Discovery call", "kind": "open", "probability": 25,
                                                          "milestone": ""})
    assert response.status_code == 302
    stage = pipeline.stage("Discovery call")
    assert stage.position < pipeline.stage("Won").position
    assert world.client_for(world.carol).get("/settings/pipeline/").status_code == 403
    assert world.client_for(world.carol).post(f"/settings/pipeline/stages/{stage.public_id}/delete/").status_code == 403
    admin.post("/settings/pipeline/save/", {"contact_within_hours": 8, "attribution_policy": "shared",
                                            "referral_edit_scope": "own", "currency": "EUR"})
    world.acme.refresh_from_db()
    assert (world.acme.contact_within_hours, world.acme.attribution_policy, world.acme.currency) == (8, "shared", "EUR")
