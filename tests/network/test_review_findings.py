"""Regressions found in review: duplicates within one file, merges undone after edits, and what colleagues see.

Bob imports his LinkedIn connections; Carol is his colleague and sees them by Bob's sharing choice.
"""

import pytest
from django.utils import timezone

from tests.network.builders import csv_bytes, linkedin_csv, run_import
from warmline.network import services
from warmline.network.models import MatchCandidate, Merge, Person

CONNECTIONS = (
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Jane,Doe,https://www.linkedin.com/in/janedoe,jane@initech.example,Initech,VP Finance,26 Dec 2021\n"
)


def test_it_merges_two_records_of_one_person_within_one_file(world):
    summary = run_import(world.alice, "hubspot", csv_bytes(
        ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Job Title"],
        [["1", "Jonathan", "Smith", "js@a.test", "Initech", "VP Finance"],
         ["2", "Jonathan", "Smith", "js@b.test", "Initech", "VP Finance"]],
    ))
    assert summary.merged_automatically == 1
    kept = Person.objects.get(full_name="Jonathan Smith", merged_into__isnull=True)
    assert set(kept.emails.values_list("email", flat=True)) == {"js@a.test", "js@b.test"}


def test_it_chains_a_within_file_merge_onto_a_record_already_merged_away(world):
    run_import(world.alice, "hubspot", csv_bytes(
        ["Record ID", "First Name", "Last Name", "Company Name", "Job Title"],
        [["55", "Jonathan", "Smith", "Initech", ""]],
    ))
    # The second row is closest to the first, which is itself merged into the CRM record.
    summary = run_import(world.alice, "hubspot", csv_bytes(
        ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Job Title"],
        [["1", "Jonathan", "Smith", "js@a.test", "Initech", "VP Finance"],
         ["2", "Jon", "Smith", "js@b.test", "Initech", "VP Finance"]],
    ))
    assert summary.merged_automatically == 2
    assert Person.objects.filter(full_name="Jonathan Smith", merged_into__isnull=True).count() == 1


def test_it_sends_an_uncertain_pair_within_one_file_to_review(world):
    summary = run_import(world.alice, "hubspot", csv_bytes(
        ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Job Title"],
        [["1", "Maria", "Gonzalez", "m@a.test", "", ""],
         ["2", "Maria", "Gonzalez", "m@b.test", "Umbrella", "CFO"]],
    ))
    assert summary.sent_to_review == 1
    pair = MatchCandidate.objects.get()
    assert {pair.person_a.full_name, pair.person_b.full_name} == {"Maria Gonzalez"}


def test_it_gives_a_linkedin_profile_found_twice_in_a_file_to_one_person(world):
    ann = services.save_person(world.alice, None, first_name="Ann", last_name="Lee", emails=["ann1@x.test"])
    services.save_person(world.alice, None, first_name="Ann", last_name="Lee", emails=["ann2@x.test"])
    summary = run_import(world.alice, "linkedin", linkedin_csv([
        ("Ann", "Lee", "https://www.linkedin.com/in/annlee", "ann1@x.test", "Initech", "CFO", "03 Mar 2023"),
        ("Ann", "Lee", "https://www.linkedin.com/in/annlee", "ann2@x.test", "Initech", "CFO", "03 Mar 2023"),
        ("Ann", "Lee", "https://www.linkedin.com/in/annlee/", "", "Initech", "CFO", "03 Mar 2023"),
    ]), owner=world.bob)
    assert summary.people_created == 0
    assert Person.objects.get(linkedin_slug="annlee") == ann


def test_it_keeps_an_edit_of_the_kept_person_when_a_merge_is_undone(world):
    jo1 = services.save_person(world.alice, None, first_name="Jo", last_name="Park", emails=["jo@initech.com"])
    jo2 = services.save_person(world.alice, None, first_name="Joanne", last_name="Park", title="CFO", city="Oslo")
    a, b = sorted((jo1.pk, jo2.pk))
    pair = MatchCandidate.objects.create(workspace=world.acme, person_a_id=a, person_b_id=b, score=85, reasons=[])
    merge = services.merge_candidate(world.alice, pair, keep=jo1)
    services.save_person(world.alice, Person.objects.get(pk=jo1.pk), title="Chief Executive")

    services.undo_merge(world.alice, Merge.objects.get(pk=merge.pk))

    jo1.refresh_from_db()
    assert (jo1.title, jo1.city) == ("Chief Executive", "")


def test_it_keeps_apart_two_salesforce_accounts_whose_ids_differ_only_by_case(world):
    rows = [["0035g00000AAAAA", "Ann", "Lee", "a@x.test", "0015g00000AbCdE"],
            ["0035g00000BBBBB", "Bo", "Kim", "b@y.test", "0015g00000aBcDe"]]
    summary = run_import(world.alice, "salesforce", csv_bytes(["Id", "FirstName", "LastName", "Email", "AccountId"],
                                                              rows))
    assert summary.companies_created == 2
    again = run_import(world.alice, "generic", csv_bytes(["Email", "Account"], [["a@x.test", "0015g00000AbCdE"]]),
                       mapping={"Email": "email", "Account": "account_id"})
    assert again.companies_created == 0


@pytest.fixture
def jane(world):
    run_import(world.bob, "linkedin", CONNECTIONS, owner=world.bob)
    return Person.objects.get(full_name="Jane Doe")


def test_it_keeps_emails_out_of_the_review_queue_for_an_existence_only_network(world, jane):
    services.set_network_sharing(world.bob, "existence")
    other = services.save_person(world.alice, None, first_name="Jane", last_name="Doe")
    a, b = sorted((jane, other), key=lambda p: p.pk)
    MatchCandidate.objects.create(workspace=world.acme, person_a=a, person_b=b, score=80, reasons=["same name"])
    html = world.client_for(world.carol).get("/network/review/").content.decode()
    assert "Jane Doe" in html and "jane@initech.example" not in html
    assert "jane@initech.example" in world.client_for(world.bob).get("/network/review/").content.decode()


@pytest.mark.parametrize("sharing", ["existence", "private"])
def test_it_hides_a_colleagues_interactions_unless_their_network_is_shared(world, jane, sharing):
    Person.objects.filter(pk=jane.pk).update(listed=True)  # known to the workspace another way too
    services.log_interaction(world.bob, jane, kind="meeting", occurred_on=timezone.now().date(),
                             summary="Talked about the acquisition")
    services.set_network_sharing(world.bob, sharing)
    html = world.client_for(world.carol).get(f"/network/people/{jane.public_id}/").content.decode()
    assert "acquisition" not in html
    services.set_network_sharing(world.bob, "share")
    html = world.client_for(world.carol).get(f"/network/people/{jane.public_id}/").content.decode()
    assert "acquisition" in html


def test_it_suggests_people_whatever_is_typed_nul_included(world, jane):
    client = world.client_for(world.bob)
    response = client.get("/network/people/suggestions/?other_name=ja%00ne&exclude=x%00")
    assert response.status_code == 400  # RejectNulMiddleware, before any query
    response = client.get("/network/people/suggestions/?other_name=jane")
    assert response.status_code == 200 and "Jane Doe" in response.content.decode()

