"""Targeting pages: This week, the profile editor with its preview, the ask planner's drafts, fit on pages."""

from tests.referrals.builders import person, refer
from warmline.network import services as network
from warmline.referrals import services as referrals
from warmline.referrals.models import Ask
from warmline.targeting.models import AskTemplate, IdealCustomerProfile

PROFILE_POST = {
    "name": "Midwest freight", "who": "CFOs", "industries": "Logistics, Freight", "regions": "Illinois",
    "cities": "", "countries": "", "size_min": "200", "size_max": "2000", "functions": "Finance",
    "seniorities": ["c_level", "vp"], "traits": "", "trait_tags": "", "need": "rising freight costs",
    "need_keywords": "freight costs", "summary": "", "threshold": "60", "weight_industry": "3",
    "weight_geography": "2", "weight_size": "2", "weight_role": "3", "weight_traits": "1", "weight_need": "2",
}


def test_this_week_lists_whom_to_ask_with_why_and_a_plan_the_ask_link(targeting):
    carol, dana = targeting.world.carol, targeting.pipeline.dana
    network.record_tie(carol, network.ensure_person_for(carol), dana, kind="client_contact")
    html = targeting.world.client_for(carol).get("/targeting/").content.decode()
    assert "Whom to ask this week" in html and "0 of 5 asks" in html
    assert "Happy client: Initech (NPS 10, health good)" in html
    assert f"?source={dana.public_id}&amp;target={targeting.carla.public_id}" in html


def test_a_manager_opens_a_teammates_list_and_a_rep_cannot_open_anothers(targeting):
    world = targeting.world
    bob_view = world.client_for(world.bob).get(f"/targeting/?member={world.carol.public_id}")
    assert bob_view.status_code == 200 and "Whom to ask this week: Carol Rep" in bob_view.content.decode()
    assert world.client_for(world.carol).get(f"/targeting/?member={world.bob.public_id}").status_code == 404
    assert world.client_for(world.bob).get(f"/targeting/?member={targeting.pipeline.wendy.public_id}").status_code == 404


def test_an_admin_defines_a_profile_and_others_only_read_it(targeting):
    world = targeting.world
    response = world.client_for(world.alice).post("/targeting/profiles/new/", PROFILE_POST)
    created = IdealCustomerProfile.objects.get(workspace=world.acme, name="Midwest freight")
    assert response.status_code == 302 and response["Location"] == f"/targeting/profiles/{created.public_id}/"
    assert created.industries == ["Logistics", "Freight"] and created.seniorities == ["c_level", "vp"]
    page = world.client_for(world.carol).get(f"/targeting/profiles/{created.public_id}/").content.decode()
    assert "Only an admin can change a profile." in page and "<fieldset class=\"plain\" disabled>" in page
    refused = world.client_for(world.carol).post(f"/targeting/profiles/{created.public_id}/", PROFILE_POST)
    assert refused.status_code == 403
    assert world.client_for(world.carol).post("/targeting/profiles/new/", PROFILE_POST).status_code == 403


def test_a_refused_profile_shows_the_errors_and_saves_nothing(targeting):
    world = targeting.world
    response = world.client_for(world.alice).post("/targeting/profiles/new/", {
        **PROFILE_POST, "name": "logistics finance", "size_min": "900", "size_max": "100"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Another profile is already called" in html and "is below the smallest" in html
    assert IdealCustomerProfile.objects.filter(workspace=world.acme).count() == 1


def test_the_preview_shows_how_companies_fit_criteria_not_saved_yet(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    html = client.post("/targeting/profiles/preview/", PROFILE_POST, HTTP_HX_REQUEST="true").content.decode()
    assert "CFOs of Logistics or Freight companies of 200–2,000 people in Illinois" in html
    assert "Globex" in html and 'class="histogram"' in html
    assert IdealCustomerProfile.objects.filter(workspace=targeting.world.acme).count() == 1


def test_saving_the_fitting_companies_as_a_list_opens_its_account_table(targeting):
    client = targeting.world.client_for(targeting.world.carol)
    response = client.post(f"/targeting/profiles/{targeting.profile.public_id}/list/",
                           {"name": "Carol's freight accounts", "threshold": "60"})
    assert response.status_code == 302 and response["Location"].startswith("/paths/lists/")
    assert "Globex" in client.get(response["Location"]).content.decode()


def test_the_ask_planner_starts_from_the_drafts_and_saves_them_on_the_ask(targeting):
    carol, dana, bob_smith = targeting.world.carol, targeting.pipeline.dana, targeting.pipeline.bob_smith
    client = targeting.world.client_for(carol)
    html = client.get(f"/referrals/asks/new/?source={dana.public_id}&target={bob_smith.public_id}").content.decode()
    assert "What to say" in html and "Hi Bob," in html and targeting.profile.sentence in html
    redrawn = client.post("/targeting/draft/", {"source": dana.public_id, "target": bob_smith.public_id,
                                                "reason": "They are renegotiating freight."}).content.decode()
    assert "They are renegotiating freight." in redrawn and 'id="ask-drafts"' in redrawn
    response = client.post("/referrals/asks/new/", {
        "source": dana.public_id, "source_name": "Dana Client", "target": bob_smith.public_id,
        "target_name": "Bob Smith", "channel": "phone", "asked_on": "2026-03-02", "outcome": "pending",
        "reason": "They are renegotiating freight.", "talking_points": "- Thank Dana\n- Ask about Bob",
        "intro_text": "Hi Bob, meet Carol."})
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Ask.objects.get(workspace=targeting.world.acme, source=dana)
    assert saved.talking_points == "- Thank Dana\n- Ask about Bob" and saved.intro_text == "Hi Bob, meet Carol."
    assert "- Thank Dana" in client.get(f"/referrals/asks/{saved.public_id}/").content.decode()


def test_a_general_ask_from_the_call_list_comes_described(targeting):
    client = targeting.world.client_for(targeting.world.carol)
    html = client.get(f"/referrals/asks/new/?source={targeting.pipeline.dana.public_id}&describe=CFOs+of+freight+firms"
                      ).content.decode()
    assert 'value="CFOs of freight firms"' in html


def test_the_draft_asks_for_a_source_first(targeting):
    html = targeting.world.client_for(targeting.world.carol).post("/targeting/draft/", {}).content.decode()
    assert "Pick whom you are asking" in html


def test_admins_edit_the_templates_and_a_sandbox_escape_is_refused_on_the_page(targeting):
    world = targeting.world
    client = world.client_for(world.alice)
    assert "Subject: Introduction: Bob, meet Carol" in client.get("/targeting/templates/").content.decode()
    refused = client.post("/targeting/templates/", {"kind": "intro_text",
                                                    "intro_text-body": "{{ source.__class__.__mro__ }}"})
    assert refused.status_code == 400 and "which templates may not use" in refused.content.decode()
    assert not AskTemplate.objects.exists()
    saved = client.post("/targeting/templates/", {"kind": "intro_text", "intro_text-body": "Hi {{ target.name }}."})
    assert saved.status_code == 302 and AskTemplate.objects.get().body == "Hi {{ target.name }}."
    assert world.client_for(world.bob).post("/targeting/templates/", {"kind": "intro_text",
                                                                      "intro_text-body": "x"}).status_code == 403


def test_fit_shows_on_people_companies_path_targets_and_referrals(targeting):
    carol, bob_smith = targeting.world.carol, targeting.pipeline.bob_smith
    client = targeting.world.client_for(carol)
    person_page = client.get(f"/network/people/{bob_smith.public_id}/").content.decode()
    assert 'class="fit-score fit-strong">100<' in person_page and "Logistics is one of Logistics, Freight" in person_page
    company_page = client.get(f"/network/companies/{targeting.globex.public_id}/").content.decode()
    assert "Fit with your ideal customer profiles" in company_page and "Prospect" in company_page
    assert 'fit-badge fit-strong' in client.get(f"/paths/people/{bob_smith.public_id}/").content.decode()
    referral = refer(carol, targeting.pipeline.dana, bob_smith)
    assert "fit with Logistics finance" in client.get(f"/referrals/{referral.public_id}/").content.decode()
    assert 'fit-badge fit-strong' in client.get("/referrals/list/").content.decode()


def test_a_source_who_keeps_introducing_poor_fits_shows_it(targeting):
    carol, erin = targeting.world.carol, targeting.pipeline.erin
    for n in range(3):
        refer(carol, erin, person(carol, "Poor", f"Fit{n}", "Initech", "Intern"))
    html = targeting.world.client_for(carol).get(f"/network/people/{erin.public_id}/").content.decode()
    assert "Mostly poor fits:" in html and "3 of 3 were weak fits" in html


def test_this_week_reads_the_database_a_fixed_number_of_times(targeting, django_assert_max_num_queries):
    carol = targeting.world.carol
    client = targeting.world.client_for(carol)

    made = iter(range(1000))

    def grow(n):
        for _ in range(n):
            referrals.log_moment(carol, person(carol, "Thankful", f"Client{next(made)}", "Initech"), note="thanks")

    grow(3)
    client.get("/targeting/")
    with django_assert_max_num_queries(60) as captured:
        assert client.get("/targeting/").status_code == 200
    grow(20)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        assert client.get("/targeting/").status_code == 200
