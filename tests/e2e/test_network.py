"""The network in the browser: import a LinkedIn file and follow it to the end without reloading, open a person
and see who knows them and how well; every network page fits a phone."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import field, login, screenshot
from tests.e2e.test_shell import PHONE_WIDTH, TOLERANCE, _page_width
from warmline.network import services
from warmline.network.models import MatchCandidate, Person
from warmline.worker import Worker

CONNECTIONS = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Jane,Doe,https://www.linkedin.com/in/janedoe,jane@initech.example,Initech,VP Finance,26 Dec 2023\n"
    ",,https://www.linkedin.com/in/nameless,,Globex,,01 Jan 2024\n"
    "Rita,Moreau,https://www.linkedin.com/in/rita-moreau,,Globex,Chief Technology Officer,14 Feb 2022\n"
).encode()


def test_it_imports_a_linkedin_file_and_shows_who_knows_whom(page: Page, live_server, e2e_world):
    login(page, live_server, "bob@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Network", exact=True).click()
    expect(page.get_by_role("heading", name="Your network is empty")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Import contacts").first.click()

    expect(page.get_by_role("heading", name="Imports", level=1)).to_be_visible()
    field(page, "File").set_input_files({"name": "Connections.csv", "mimeType": "text/csv", "buffer": CONNECTIONS})
    expect(field(page, "Format")).to_have_value("linkedin")
    expect(field(page, "Whose network is it?")).to_have_value(e2e_world.bob.public_id)
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("heading", name="Connections.csv", level=1)).to_be_visible()
    expect(page.get_by_text("Waiting for the worker to pick it up")).to_be_visible()
    screenshot(page, "network-import-waiting")
    # A mark on the page that a reload would wipe: the summary must arrive by polling.
    page.evaluate("window.stillTheSamePage = true")

    assert Worker(periodic=False).run_once() == 1

    summary = page.locator("#import-progress")
    expect(summary.get_by_text("Done", exact=True)).to_be_visible()
    expect(summary.get_by_role("row", name="People created")).to_have_text(re.compile(r"People created\s*2"))
    expect(summary.get_by_role("row", name="Rows skipped")).to_have_text(re.compile(r"Rows skipped\s*1"))
    skipped = page.get_by_role("table").filter(has_text="Reason")
    expect(skipped.get_by_role("row").nth(1)).to_have_text(
        re.compile(r"6\s*no first or last name \(URL https://www.linkedin.com/in/nameless\)")
    )
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot(page, "network-import-done")

    page.get_by_role("link", name="See the people").click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    page.get_by_role("link", name="Jane Doe").click()

    expect(page.get_by_role("heading", name="Jane Doe", level=1)).to_be_visible()
    known_by = page.locator("section", has=page.get_by_role("heading", name="Who on our team knows Jane"))
    tie = known_by.locator(".tie")
    expect(tie.get_by_role("link", name="Bob Manager")).to_be_visible()
    expect(tie.get_by_text("Social connection")).to_be_visible()
    expect(tie.locator(".strength-value")).to_have_text("0.15")
    expect(tie.get_by_text("LinkedIn connection since 2023")).to_be_visible()
    expect(tie.get_by_text("LinkedIn import")).to_be_visible()
    expect(page.get_by_role("link", name="jane@initech.example")).to_be_visible()
    screenshot(page, "network-person")

    # Bob rates his own relationship; the strength follows his rating.
    tie.get_by_label("Your rating").select_option("4")
    tie.get_by_role("button", name="Save rating of Jane Doe and Bob Manager").click()
    expect(page.get_by_role("status")).to_have_text("Rated 4 of 5.")
    expect(tie.locator(".strength-value")).to_have_text("0.80")
    expect(tie.get_by_text(re.compile(r"^Rated 4/5 by Bob Manager"))).to_be_visible()


def test_it_records_that_someone_knows_a_person_picked_from_suggestions(page: Page, live_server, e2e_world):
    jane = services.save_person(e2e_world.alice, None, first_name="Jane", last_name="Doe", company="Initech")
    services.save_person(e2e_world.alice, None, first_name="Rita", last_name="Moreau", title="CTO", company="Globex")
    login(page, live_server, "carol@acme.test")
    page.goto(f"/network/people/{jane.public_id}/")

    field(page, "Who do they know?").press_sequentially("rit")
    page.get_by_label(re.compile("Rita Moreau")).check()
    field(page, "Relationship").select_option(label="Former colleague")
    field(page, "How they know each other").fill("Both at Initech until 2019")
    page.get_by_role("button", name="Record relationship").click()

    expect(page.get_by_role("status")).to_have_text("Recorded that Jane Doe knows Rita Moreau.")
    knows = page.locator("section", has=page.get_by_role("heading", name="People Jane knows"))
    expect(knows.get_by_role("link", name="Rita Moreau")).to_be_visible()
    expect(knows.get_by_text("“Both at Initech until 2019”")).to_be_visible()


def test_it_merges_a_pair_in_place_and_undoes_it(page: Page, live_server, e2e_world):
    robert = services.save_person(e2e_world.alice, None, first_name="Robert", last_name="Smith", company="Initech")
    bob = services.save_person(e2e_world.alice, None, first_name="Bob", last_name="Smith", company="Initech")
    MatchCandidate.objects.create(workspace=e2e_world.acme, person_a=robert, person_b=bob, score=81,
                                  reasons=["nickname Bob = Robert", "same company"])
    login(page, live_server, "carol@acme.test")
    page.goto("/network/review/")

    page.get_by_role("button", name="Merge, keep this one (left: Robert Smith)").click()
    expect(page.get_by_text("Bob Smith is now part of Robert Smith.")).to_be_visible()
    assert Person.objects.get(pk=bob.pk).merged_into_id == robert.pk

    page.reload()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Undo merge of Bob Smith").click()
    expect(page.get_by_role("row", name=re.compile("Robert Smith")).get_by_text("undone")).to_be_visible()
    assert Person.objects.get(pk=bob.pk).merged_into_id is None


def _realistic_network(world) -> dict:
    """A small, believable network: two employees' LinkedIn exports, CRM contacts, companies with details."""
    alice, bob, carol = world.alice, world.bob, world.carol
    rows = [
        ("Jane", "Doe", "Initech", "VP Finance", "jane@initech.example", "26 Dec 2023"),
        ("Rita", "Moreau", "Globex", "Chief Technology Officer", "", "14 Feb 2022"),
        ("Omar", "Haddad", "Globex", "Head of Procurement", "omar.haddad@globex.example", "03 Mar 2021"),
        ("Lena", "Fischer", "Umbrella Health", "Director of Revenue Operations", "", "19 Sep 2020"),
        ("Tom", "Becker", "Initech", "Senior Data Engineer", "", "07 Jul 2019"),
        ("Priya", "Nair", "Hooli", "Chief Financial Officer", "priya@hooli.example", "11 Nov 2024"),
        ("Marco", "Bianchi", "Vandelay Industries", "Sales Manager, EMEA", "", "02 May 2023"),
        ("Sofia", "Alvarez", "Stark Logistics", "VP Operations", "", "30 Jan 2018"),
    ]
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    bob_file = header + "".join(
        f"{f},{last},https://www.linkedin.com/in/{f.lower()}-{last.lower()},{e},{c},\"{t}\",{d}\n"
        for f, last, c, t, e, d in rows
    ) + ",,https://www.linkedin.com/in/no-name,,Globex,,01 Jan 2024\n"
    carol_file = header + "".join(
        f"{f},{last},https://www.linkedin.com/in/{f.lower()}-{last.lower()},,{c},\"{t}\",{d}\n"
        for f, last, c, t, e, d in rows[:3] + rows[5:]
    )
    services.queue_import(bob, fmt="linkedin", data=bob_file.encode(), filename="Connections.csv", owner=bob)
    services.queue_import(carol, fmt="linkedin", data=carol_file.encode(), filename="Connections (Carol).csv",
                          owner=carol)
    services.queue_import(alice, fmt="hubspot", filename="hubspot-contacts.csv", data=(
        "Record ID,First Name,Last Name,Email,Company Name,Job Title,City,Country/Region\n"
        "101,Robert,Smith,robert.smith@initech.example,Initech,Controller,Austin,United States\n"
        "102,Grace,Okoye,grace@globex.example,Globex,VP Sales,Berlin,Germany\n"
    ).encode())
    services.queue_import(alice, fmt="linkedin", owner=alice, filename="export.zip",
                          data=b"PK\x03\x04 not a csv at all\n")
    Worker(periodic=False).run_once()
    for name, domain, industry, count, city, country, tags in (
        ("Initech", "initech.example", "Software", 350, "Austin", "United States", ["target account"]),
        ("Globex", "globex.example", "Energy", 12000, "Berlin", "Germany", ["target account", "enterprise"]),
        ("Hooli", "hooli.example", "Internet", 8000, "Palo Alto", "United States", []),
    ):
        company = services.resolve_company(world.acme, name)
        services.save_company(alice, company, name=name, domain=domain, industry=industry, employee_count=count,
                              city=city, country=country, tags=tags)
    jane = Person.objects.get(full_name="Jane Doe")
    services.save_person(alice, jane, phone="+1 512 555 0142", city="Austin", country="United States",
                         notes="Met Bob at SaaStr 2023; prefers email.")
    services.log_interaction(bob, jane, kind="meeting", occurred_on=datetime.date.today() - datetime.timedelta(days=12),
                             summary="Lunch in Austin: budget planning for next year")
    services.log_interaction(carol, jane, kind="call", occurred_on=datetime.date.today() - datetime.timedelta(days=40),
                             summary="Intro call about the analytics pilot")
    services.record_employment(alice, jane, services.resolve_company(world.acme, "Umbrella Health"),
                               title="Finance Director", started_on=datetime.date(2016, 3, 1),
                               ended_on=datetime.date(2020, 8, 31))
    lena = Person.objects.get(full_name="Lena Fischer")
    services.record_employment(alice, lena, lena.company, title="RevOps Manager", started_on=datetime.date(2018, 1, 1))
    robert = Person.objects.get(full_name="Robert Smith")
    twin = services.save_person(alice, None, first_name="Bob", last_name="Smith", title="Financial Controller",
                                company="Initech", emails=["bsmith@gmail.example"])
    a, b = sorted((robert, twin), key=lambda p: p.pk)
    MatchCandidate.objects.get_or_create(workspace=world.acme, person_a=a, person_b=b,
                                         defaults={"score": 74, "reasons": ["nickname Bob = Robert", "same company"]})
    services.set_network_sharing(carol, "existence")
    return {"jane": jane, "initech": jane.company}


@pytest.fixture
def network(e2e_world):
    return _realistic_network(e2e_world)


def test_it_filters_people_as_one_types(page: Page, live_server, e2e_world, network):
    login(page, live_server, "alice@acme.test")
    page.goto("/network/")
    results = page.locator("#people-results")
    expect(results.get_by_role("link", name="Jane Doe")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    field(page, "Search").press_sequentially("globex")

    expect(results.get_by_role("link", name="Jane Doe")).to_have_count(0)
    expect(results.get_by_role("link", name="Rita Moreau")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/network/\?q=globex"))
    field(page, "Seniority").select_option(label="C-level")
    expect(results.get_by_text("1 match", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Rita Moreau")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True


def _pages(network, run_ids):
    return [
        ("people", "/network/"),
        ("people-search", "/network/?q=globex"),
        ("person", f"/network/people/{network['jane'].public_id}/"),
        ("companies", "/network/companies/"),
        ("company", f"/network/companies/{network['initech'].public_id}/"),
        ("imports", "/network/imports/"),
        *((f"import-{i}", f"/network/imports/{run_id}/") for i, run_id in enumerate(run_ids)),
        ("review", "/network/review/"),
        ("sharing", "/network/sharing/"),
        ("person-new", "/network/people/new/"),
        ("company-edit", f"/network/companies/{network['initech'].public_id}/edit/"),
    ]


def _run_ids(e2e_world):
    from warmline.network.models import ImportRun

    return list(ImportRun.objects.filter(workspace=e2e_world.acme).order_by("pk").values_list("public_id", flat=True))


def test_it_shows_every_network_page_on_a_desktop(page: Page, live_server, e2e_world, network):
    login(page, live_server, "alice@acme.test")
    for name, path in _pages(network, _run_ids(e2e_world)):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        screenshot(page, f"network-{name}")


def test_it_fits_every_network_page_on_a_phone(phone_page: Page, live_server, e2e_world, network):
    page = phone_page
    login(page, live_server, "alice@acme.test")
    for name, path in _pages(network, _run_ids(e2e_world)):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        screenshot(page, f"network-{name}-mobile")
        width = _page_width(page)
        assert width <= PHONE_WIDTH + TOLERANCE, f"{path} is {width}px wide on a {PHONE_WIDTH}px screen"
