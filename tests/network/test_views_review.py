"""The review queue: possible duplicates side by side, merged or kept apart, and merges undone."""

import pytest

from warmline.network import services
from warmline.network.models import MatchCandidate, Merge, Person


def add(actor, first, last, **fields):
    return services.save_person(actor, None, first_name=first, last_name=last, **fields)


@pytest.fixture
def pair(world):
    first = add(world.alice, "Robert", "Smith", title="CFO", company="Initech", emails=["bob@initech.example"])
    second = add(world.alice, "Bob", "Smith", title="Chief Financial Officer", company="Initech Inc",
                 emails=["bob.smith@gmail.example"])
    a, b = sorted((first, second), key=lambda p: p.pk)
    return MatchCandidate.objects.create(workspace=world.acme, person_a=a, person_b=b, score=78.4,
                                         reasons=["nickname Bob = Robert", "same company"])


def test_it_shows_open_pairs_side_by_side_with_score_and_reasons(world, pair):
    html = world.client_for(world.carol).get("/network/review/").content.decode()
    card = html.split(f'id="pair-{pair.public_id}"')[1].split("</article>")[0]
    assert "78<span" in card and "nickname Bob = Robert" in card and "same company" in card
    assert card.index("Robert Smith") < card.index("Bob Smith")
    for detail in ("bob@initech.example", "bob.smith@gmail.example", "Chief Financial Officer", "Initech"):
        assert detail in card
    assert card.count("Merge, keep this one") == 2 and "Keep apart" in card
    assert "1 pair to review" in html


def test_it_merges_a_pair_keeping_the_chosen_record(world, pair):
    client = world.client_for(world.carol)
    keep = pair.person_b
    response = client.post(f"/network/review/{pair.public_id}/merge/", {"keep": keep.public_id})
    assert response.status_code == 302 and response["Location"] == "/network/review/"
    merge = Merge.objects.get()
    assert (merge.kept, merge.merged, merge.created_by) == (keep, pair.person_a, world.carol.user)
    assert Person.objects.get(pk=pair.person_a.pk).merged_into_id == keep.pk
    assert set(keep.emails.values_list("email", flat=True)) == {"bob@initech.example", "bob.smith@gmail.example"}
    html = client.get("/network/review/").content.decode()
    assert "Nothing to review" in html and f'id="merge-{merge.public_id}"' in html


def test_it_answers_htmx_with_the_decided_pair_and_an_undo(world, pair):
    client = world.client_for(world.carol)
    html = client.post(f"/network/review/{pair.public_id}/merge/", {"keep": pair.person_a.public_id},
                       HTTP_HX_REQUEST="true").content.decode()
    merge = Merge.objects.get()
    assert html.startswith(f'<article class="card pair decided" id="pair-{pair.public_id}"')
    assert "Bob Smith is now part of" in html and f'action="/network/merges/{merge.public_id}/undo/"' in html


def test_it_keeps_a_pair_apart(world, pair):
    client = world.client_for(world.carol)
    html = client.post(f"/network/review/{pair.public_id}/keep-apart/", HTTP_HX_REQUEST="true").content.decode()
    assert "stay two people" in html
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == ("kept_apart", world.carol)
    assert not Merge.objects.exists()
    # A decided pair leaves the queue: deciding it again is not found.
    assert client.post(f"/network/review/{pair.public_id}/keep-apart/").status_code == 404


def test_it_asks_which_record_to_keep(world, pair):
    client = world.client_for(world.carol)
    html = client.post(f"/network/review/{pair.public_id}/merge/", {"keep": "someone-else"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Say which of the two records to keep." in html
    assert not Merge.objects.exists()


def test_it_undoes_a_merge_from_the_recent_merges(world, pair):
    client = world.client_for(world.carol)
    client.post(f"/network/review/{pair.public_id}/merge/", {"keep": pair.person_a.public_id})
    merge = Merge.objects.get()
    html = client.post(f"/network/merges/{merge.public_id}/undo/", HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith(f'<tr id="merge-{merge.public_id}">') and ">undone<" in html
    merged = Person.objects.get(pk=pair.person_b.pk)
    assert merged.merged_into_id is None
    assert list(merged.emails.values_list("email", flat=True)) == ["bob.smith@gmail.example"]
    merge.refresh_from_db()
    assert merge.undone_by == world.carol
    # Undone twice: the error is shown, nothing breaks.
    html = client.post(f"/network/merges/{merge.public_id}/undo/", HTTP_HX_REQUEST="true").content.decode()
    assert "already undone" in html
    response = client.post(f"/network/merges/{merge.public_id}/undo/")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == "This merge was already undone."
