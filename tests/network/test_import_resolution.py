"""Entity resolution during imports: deterministic keys, CRM ids, companies, fuzzy matches, ties."""

from warmline.network.choices import ReviewStatus
from warmline.network.models import Company, ExternalId, MatchCandidate, Merge, Person, Relationship

from .builders import csv_bytes, linkedin_csv, run_import

SALESFORCE = ["Id", "FirstName", "LastName", "Email", "Title", "Department", "AccountId", "Account.Name",
              "ReportsToId"]


def test_it_matches_a_person_by_email_across_formats(world):
    run_import(world.alice, "hubspot", csv_bytes(
        ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Job Title"],
        [["101", "Priya", "Shah", "Priya.Shah@Initech.com", "Initech", "CFO"]],
    ))
    summary = run_import(world.alice, "linkedin", linkedin_csv([
        ("Priya", "Shah", "https://www.linkedin.com/in/priya-shah/", "priya.shah@initech.com", "Initech", "CFO",
         "01 Feb 2024"),
    ]), owner=world.bob)
    assert (summary.people_created, summary.people_matched) == (0, 1)
    priya = Person.objects.get(full_name="Priya Shah")
    assert priya.linkedin_slug == "priya-shah"  # the LinkedIn row filled in what the CRM lacked
    assert priya.listed  # CRM data is the workspace's


def test_it_updates_a_crm_contact_in_place_on_reimport(world):
    header = ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Job Title"]
    run_import(world.alice, "hubspot", csv_bytes(header, [["7", "Dev", "Rao", "", "Globex", "Analyst"]]))
    again = run_import(world.alice, "hubspot", csv_bytes(header, [["7", "Dev", "Rao", "dev@globex.com", "Globex",
                                                                   "Analyst"]]))
    assert (again.people_created, again.people_matched) == (0, 1)
    person = Person.objects.get()
    assert list(person.emails.values_list("email", flat=True)) == ["dev@globex.com"]
    assert ExternalId.objects.get(person=person).value == "7"


def test_it_resolves_companies_by_normalised_name_and_domain(world):
    run_import(world.alice, "linkedin", linkedin_csv([
        ("A", "One", "https://www.linkedin.com/in/a-one", "", "Acme, Inc.", "CFO", "01 Jan 2024"),
        ("B", "Two", "https://www.linkedin.com/in/b-two", "", "ACME Inc", "COO", "01 Jan 2024"),
        ("C", "Three", "https://www.linkedin.com/in/c-three", "", "acme inc.", "CEO", "01 Jan 2024"),
    ]), owner=world.bob)
    assert Company.objects.filter(workspace=world.acme, name_key="acme").count() == 1
    summary = run_import(world.alice, "hubspot", csv_bytes(
        ["Record ID", "First Name", "Last Name", "Company Name", "Company Domain Name"],
        [["1", "D", "Four", "Acme Incorporated", "https://www.acme.com/"]],
    ))
    assert summary.companies_created == 0
    assert Company.objects.get(workspace=world.acme, name_key="acme").domain == "acme.com"


def test_it_records_reporting_lines_and_small_accounts_as_ties_between_outside_people(world):
    rows = [
        ["0031", "Ana", "Lima", "ana@globex.com", "CFO", "Finance", "0011", "Globex", ""],
        ["0032", "Ben", "Ode", "ben@globex.com", "Controller", "Finance", "0011", "Globex", "0031"],
        ["0033", "Cy", "Park", "cy@hooli.com", "COO", "Ops", "0012", "Hooli", ""],
    ]
    summary = run_import(world.alice, "salesforce", csv_bytes(SALESFORCE, rows))
    assert summary.relationships_created == 1
    tie = Relationship.objects.get()
    reasons = set(tie.evidence.values_list("key", flat=True))
    assert reasons == {"salesforce:reports_to", "salesforce:account"}
    assert tie.owner_id is None
    assert Company.objects.filter(workspace=world.acme).count() == 2
    assert ExternalId.objects.filter(company__isnull=False).count() == 2


def test_it_merges_a_confident_fuzzy_match_and_the_merge_can_be_undone(world):
    from warmline.network.services import undo_merge

    run_import(world.alice, "hubspot", csv_bytes(
        ["Record ID", "First Name", "Last Name", "Company Name", "Job Title"],
        [["55", "Jonathan", "Smith", "Initech", "VP Finance"]],
    ))
    summary = run_import(world.alice, "linkedin", linkedin_csv([
        ("Jonathan", "Smith", "https://www.linkedin.com/in/jsmith", "", "Initech", "VP Finance", "03 Mar 2023"),
    ]), owner=world.bob)
    assert summary.merged_automatically == 1
    assert (summary.people_created, summary.people_matched) == (0, 1)
    kept = Person.objects.get(merged_into__isnull=True, full_name="Jonathan Smith")
    assert kept.linkedin_slug == "jsmith"
    merge = Merge.objects.get()
    assert merge.automatic

    undo_merge(world.alice, merge)

    people = Person.objects.filter(full_name="Jonathan Smith", merged_into__isnull=True)
    assert people.count() == 2
    restored = people.get(linkedin_slug="jsmith")
    crm = people.exclude(pk=restored.pk).get()
    assert crm.linkedin_slug == ""
    assert Relationship.objects.filter(person_b=restored).exists() or Relationship.objects.filter(
        person_a=restored).exists()
    assert MatchCandidate.objects.get().status == ReviewStatus.KEPT_APART


def test_it_sends_an_uncertain_pair_to_the_review_queue(world):
    run_import(world.alice, "hubspot", csv_bytes(
        ["Record ID", "First Name", "Last Name", "Company Name"],
        [["9", "Maria", "Gonzalez", ""]],
    ))
    summary = run_import(world.alice, "linkedin", linkedin_csv([
        ("Maria", "Gonzalez", "https://www.linkedin.com/in/mgonzalez", "", "Umbrella", "CFO", "03 Mar 2023"),
    ]), owner=world.bob)
    assert summary.sent_to_review == 1
    assert summary.people_created == 1
    pair = MatchCandidate.objects.get()
    assert pair.status == ReviewStatus.OPEN
    assert pair.reasons


def test_it_skips_the_owners_own_entry(world):
    summary = run_import(world.alice, "linkedin", linkedin_csv([
        ("Bob", "Manager", "", "bob@acme.test", "Acme", "Sales Manager", "01 Jan 2020"),
    ]), owner=world.bob)
    assert summary.rows_skipped == 1
    assert "own entry" in summary.skipped[0]["reason"]
    assert summary.skipped[0]["line"] == 5


def test_it_ties_two_employees_as_colleagues_not_as_a_private_network(world):
    from warmline.network.services import ensure_person_for

    ensure_person_for(world.carol)
    run_import(world.alice, "linkedin", linkedin_csv([
        ("Carol", "Rep", "", "carol@acme.test", "Acme", "Account Executive", "01 Jan 2020"),
    ]), owner=world.bob)
    tie = Relationship.objects.get()
    assert (tie.kind, tie.owner_id) == ("colleague", None)
