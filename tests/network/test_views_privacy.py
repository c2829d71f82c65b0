"""What colleagues see of an employee's imported network in each sharing mode, and the page that sets it.

Bob imports his LinkedIn connections. Carol is his colleague: she sees them fully when Bob shares, only that
Bob knows them when he shares existence only, and not at all when his network is private. Bob always sees his own.
"""

import pytest
from django.utils.html import escape

from warmline.network import services
from warmline.network.models import Person, Relationship
from warmline.worker import Worker

CONNECTIONS = (
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Jane,Doe,https://www.linkedin.com/in/janedoe,jane@initech.example,Initech,VP Finance,26 Dec 2021\n"
)


@pytest.fixture
def jane(world):
    services.queue_import(world.bob, fmt="linkedin", data=CONNECTIONS, filename="Connections.csv", owner=world.bob)
    Worker().run_once()
    return Person.objects.get(full_name="Jane Doe")


def sharing(world, mode):
    services.set_network_sharing(world.bob, mode)


def get(world, who, url):
    return world.client_for(getattr(world, who)).get(url)


def test_it_hides_a_private_network_from_colleagues(world, jane):
    sharing(world, "private")
    initech = jane.company
    assert get(world, "carol", f"/network/people/{jane.public_id}/").status_code == 404
    assert get(world, "carol", f"/network/people/{jane.public_id}/edit/").status_code == 404
    for url in ("/network/", "/network/?q=jane", f"/network/?known_by={world.bob.public_id}",
                f"/network/companies/{initech.public_id}/", "/network/companies/",
                "/network/people/suggestions/?other_name=jane"):
        html = get(world, "carol", url).content.decode()
        assert "Jane Doe" not in html and jane.public_id not in html, url
    html = get(world, "carol", "/network/").content.decode()
    assert '<div class="value">1</div><div class="label">person</div>' in html  # Bob himself
    assert '<div class="value">0</div><div class="label">relationships</div>' in html


def test_it_shows_only_that_a_path_exists_when_the_owner_shares_existence(world, jane):
    sharing(world, "existence")
    relationship = Relationship.objects.get()
    listing = get(world, "carol", "/network/").content.decode()
    row = listing.split(">Jane Doe</a>")[1].split("</tr>")[0]
    assert "Bob Manager" in row and "private" in row and f"{relationship.strength:.2f}" not in row

    html = get(world, "carol", f"/network/people/{jane.public_id}/").content.decode()
    assert "<h1>Jane Doe</h1>" in html and "VP Finance" in html and "Initech" in html
    assert "knows Jane Doe <span class=\"muted\">(details private)</span>" in html
    assert "Contact details are private to Bob Manager's network" in html
    for secret in ("jane@initech.example", "linkedin.com/in/janedoe", "LinkedIn import",
                   escape(relationship.strength_reason), f"{relationship.strength:.2f}", "Your rating"):
        assert secret not in html, secret
    assert f"/network/people/{jane.public_id}/edit/" not in html
    assert get(world, "carol", f"/network/people/{jane.public_id}/edit/").status_code == 403

    company = get(world, "carol", f"/network/companies/{jane.company.public_id}/").content.decode()
    assert "knows them, details private" in company and relationship.strength_reason not in company


def test_it_shows_everything_when_the_owner_shares(world, jane):
    sharing(world, "share")
    relationship = Relationship.objects.get()
    html = get(world, "carol", f"/network/people/{jane.public_id}/").content.decode()
    known_by = html.split('id="known-by-heading"')[1].split("</section>")[0]
    assert "Bob Manager" in known_by and "Social connection" in known_by
    assert f"{relationship.strength:.2f}" in known_by and relationship.strength_reason in known_by
    assert "LinkedIn import" in known_by and "26 Dec 2021" in known_by
    assert "jane@initech.example" in html and "https://www.linkedin.com/in/janedoe" in html
    assert "details private" not in html and "Your rating" not in html  # only Bob rates his tie


@pytest.mark.parametrize("mode", ["private", "existence", "share"])
def test_it_always_shows_an_employee_their_own_network(world, jane, mode):
    sharing(world, mode)
    html = get(world, "bob", f"/network/people/{jane.public_id}/").content.decode()
    assert "jane@initech.example" in html and "LinkedIn import" in html and "Your rating" in html
    assert "details private" not in html
    assert "Jane Doe" in get(world, "bob", "/network/").content.decode()


def test_it_follows_the_workspace_default_until_the_member_chooses(world, jane):
    alice = world.client_for(world.alice)
    response = alice.post("/network/sharing/workspace/", {"network_sharing": "private"})
    assert response.status_code == 302
    assert get(world, "carol", f"/network/people/{jane.public_id}/").status_code == 404

    bob = world.client_for(world.bob)
    page = bob.get("/network/sharing/").content.decode()
    assert "Workspace default (currently: private)" in page
    assert bob.post("/network/sharing/", {"network_sharing": "share"}).status_code == 302
    assert get(world, "carol", f"/network/people/{jane.public_id}/").status_code == 200
    assert bob.post("/network/sharing/", {"network_sharing": ""}).status_code == 302
    assert get(world, "carol", f"/network/people/{jane.public_id}/").status_code == 404


def test_it_shows_admins_what_each_member_chose(world):
    sharing(world, "existence")
    html = world.client_for(world.alice).get("/network/sharing/").content.decode()
    assert "What each member chose" in html
    assert '<td>Bob Manager</td><td><span class="badge sharing-existence">Existence only</span>' in html
    assert "Workspace default" in html
    carol = world.client_for(world.carol).get("/network/sharing/").content.decode()
    assert "What each member chose" not in carol and "/network/sharing/workspace/" not in carol


def test_it_refuses_an_unknown_sharing_choice(world):
    html = world.client_for(world.carol).post("/network/sharing/", {"network_sharing": "everyone"}).content.decode()
    assert "Select a valid choice" in html
    world.carol.refresh_from_db()
    assert world.carol.network_sharing == ""
