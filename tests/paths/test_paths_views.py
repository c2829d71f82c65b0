"""The warm-path pages: search, a person's paths, an account map, target-account lists."""

import pytest

from warmline.paths.models import AccountList

from .test_paths_queries import net  # noqa: F401 - the fixture


@pytest.fixture
def bob_client(net):  # noqa: F811
    world, *_ = net
    return world.client_for(world.bob)


def test_search_finds_people_and_companies_and_one_person_goes_straight_to_their_paths(bob_client, net):  # noqa: F811
    world, priya, target, dan = net
    page = bob_client.get("/paths/?q=globex")
    assert page.status_code == 200
    assert b"Globex" in page.content
    direct = bob_client.get("/paths/?q=Bob Smith")
    assert direct.status_code == 302 and direct["Location"] == f"/paths/people/{target.public_id}/"


def test_a_person_page_shows_ranked_explained_paths(bob_client, net, django_assert_max_num_queries):  # noqa: F811
    world, priya, target, dan = net
    bob_client.get(f"/paths/people/{target.public_id}/")  # loads the index
    with django_assert_max_num_queries(20):
        page = bob_client.get(f"/paths/people/{target.public_id}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Paths to Bob Smith" in text
    assert text.index("Priya Patel") < text.index("Dan Insider")
    assert "worked with Priya Patel at Initech 2019–2022" in text
    assert "Try this next" in text and "Plan the ask" in text


def test_an_account_map_and_an_account_list(bob_client, net):  # noqa: F811
    world, priya, target, dan = net
    page = bob_client.get(f"/paths/accounts/{target.company.public_id}/")
    assert "2 of 2 people reachable through 2 employees" in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("accounts.csv", b"Account\nGlobex\nNowhere Ltd\n", content_type="text/csv")
    saved = bob_client.post("/paths/lists/", {"name": "Q3 targets", "file": upload})
    assert saved.status_code == 302
    listing = bob_client.get(saved["Location"]).content.decode()
    assert "Q3 targets" in listing and "1 of 2 accounts with a warm path" in listing
    assert "Not in the network (line 3)" in listing


def test_a_bad_account_list_is_refused_with_the_reason_and_saves_nothing(bob_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("accounts.csv", b"Region,Owner\nEast,Ann\n", content_type="text/csv")
    page = bob_client.post("/paths/lists/", {"name": "Broken", "file": upload})
    assert page.status_code == 400
    assert "Line 1: No account column" in page.content.decode()
    assert not AccountList.objects.exists()


def test_other_workspaces_and_unknown_ids_are_not_found(net):  # noqa: F811
    world, priya, target, dan = net
    client = world.client_for(world.charlie)
    assert client.get(f"/paths/people/{target.public_id}/").status_code == 404
    assert client.get(f"/paths/accounts/{target.company.public_id}/").status_code == 404
    assert client.get("/paths/lists/nope/").status_code == 404


def test_a_large_account_map_comes_in_pages(bob_client, net, monkeypatch):  # noqa: F811
    from warmline.paths import views

    world, priya, target, dan = net
    monkeypatch.setattr(views, "ACCOUNT_PAGE", 1)
    url = f"/paths/accounts/{target.company.public_id}/"
    first = bob_client.get(url).content.decode()
    assert "Showing 1–1 of 2, reachable first." in first and "Page 1 of 2" in first
    second = bob_client.get(url + "?page=2").content.decode()
    assert "Showing 2–2 of 2" in second
    assert bob_client.get(url + "?page=9")["Location"] == url + "?page=2"
    assert "2 of 2 people reachable" in second
