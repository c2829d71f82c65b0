"""Reading HubSpot, Salesforce and Google Contacts exports, and any CSV with a column mapping."""

import codecs

import pytest

from warmline.network.importers.contacts import FIELDS, parse_contacts, parse_mapping
from warmline.network.importers.records import ImportFormatError, MappingError, SkippedRow

HUBSPOT = (
    b"Record ID,First Name,Last Name,Email,Additional email addresses,Phone Number,Mobile Phone Number,"
    b"Company Name,Company Domain Name,Job Title,Department,City,State/Region,Country/Region,LinkedIn URL,"
    b"Lifecycle Stage\n"
    b"51,Jane,Doe,jane@acme.com,jd@acme.com;jane.doe@gmail.com,+1 555 0100,+1 555 0199,"
    b"Acme,acme.com,VP Sales,Sales,Boston,MA,United States,https://www.linkedin.com/in/janedoe,customer\n"
)

LINKEDIN = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\nJane,Doe,,,Acme,VP,26 Dec 2025\n"


def test_it_reads_a_hubspot_export():
    result = parse_contacts(HUBSPOT, "hubspot")
    assert result.source == "hubspot" and result.rows_read == 1 and result.skipped == []
    (record,) = result.records
    assert record.line == 2 and record.external_id == "51"
    assert (record.first_name, record.last_name) == ("Jane", "Doe")
    assert record.emails == ("jane@acme.com", "jd@acme.com", "jane.doe@gmail.com")
    assert record.phones == ("+1 555 0100", "+1 555 0199")
    assert (record.company, record.company_domain, record.title, record.department) == (
        "Acme",
        "acme.com",
        "VP Sales",
        "Sales",
    )
    assert (record.city, record.region, record.country) == ("Boston", "MA", "United States")
    assert record.linkedin_url == "https://www.linkedin.com/in/janedoe"


def test_it_accepts_hubspot_label_variants():
    data = (
        b"Contact ID,First Name,Last Name,Email,Associated Company,Website URL,Country,LinkedIn Profile\n"
        b"7,Jane,Doe,jane@acme.com,Acme Corp,https://acme.com,France,linkedin.com/in/jane\n"
    )
    (record,) = parse_contacts(data, "hubspot").records
    assert (record.external_id, record.company, record.company_domain) == ("7", "Acme Corp", "https://acme.com")
    assert record.country == "France" and record.linkedin_url == "linkedin.com/in/jane"


def test_it_prefers_hubspot_company_name_over_associated_company():
    data = b"Email,First Name,Associated Company,Company Name\nj@x.com,Jane,Parent Inc,Acme\n,Bob,Parent Inc,\n"
    jane, bob = parse_contacts(data, "hubspot").records
    assert (jane.company, bob.company) == ("Acme", "Parent Inc")


def test_it_reads_a_salesforce_report_export():
    data = (
        b"Contact ID,First Name,Last Name,Title,Account Name,Account ID,Email,Phone,Mobile,"
        b"Mailing City,Mailing State/Province,Mailing Country,Description\n"
        b'0035g00000AbCdE,Jane,Doe,CFO,Globex,0015g00000XyZab,jane@globex.com,555,556,Oslo,,Norway,"Met at\nSaaStr"\n'
    )
    (record,) = parse_contacts(data, "salesforce").records
    assert (record.external_id, record.account_id, record.company) == ("0035g00000AbCdE", "0015g00000XyZab", "Globex")
    assert (record.title, record.phones, record.city, record.country) == ("CFO", ("555", "556"), "Oslo", "Norway")
    assert record.notes == "Met at\nSaaStr"


def test_it_reads_a_salesforce_data_loader_export_with_uppercase_headers():
    data = (
        b'"ID","FIRSTNAME","LASTNAME","NAME","EMAIL","PHONE","MOBILEPHONE","TITLE","DEPARTMENT","ACCOUNTID",'
        b'"ACCOUNT.NAME","REPORTSTOID","MAILINGCITY","MAILINGSTATE","MAILINGCOUNTRY"\n'
        b'"0035g00000AbCdEAAA","Jane","Doe","Jane Doe","jane@globex.com","555","","CFO","Finance",'
        b'"0015g00000XyZabAAB","Globex","0035g00000ZzZzZAAA","Oslo","Oslo","Norway"\n'
    )
    (record,) = parse_contacts(data, "salesforce").records
    assert record.external_id == "0035g00000AbCdEAAA"
    assert (record.first_name, record.last_name, record.full_name) == ("Jane", "Doe", "Jane Doe")
    assert (record.account_id, record.company, record.reports_to_id) == (
        "0015g00000XyZabAAB",
        "Globex",
        "0035g00000ZzZzZAAA",
    )
    assert (record.department, record.region, record.phones) == ("Finance", "Oslo", ("555",))


def test_it_accepts_a_salesforce_row_with_only_a_full_name():
    (record,) = parse_contacts(b"Id,Name\n003000000000001,Jane Doe\n", "salesforce").records
    assert record.full_name == "Jane Doe" and record.first_name == ""


GOOGLE_CURRENT = (
    b"First Name,Middle Name,Last Name,Phonetic First Name,Name Prefix,Nickname,File As,"
    b"Organization Name,Organization Title,Organization Department,Notes,Labels,"
    b"E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,"
    b"Address 1 - Label,Address 1 - City,Address 1 - Region,Address 1 - Country,Website 1 - Label,Website 1 - Value\n"
    b"Jane,Q,Doe,,,,,Acme,CTO,Engineering,Old friend,* myContacts,* Work,jane@acme.com ::: j@acme.com,"
    b"Home,jane@gmail.com,Mobile,+1 555 0100 ::: +1 555 0101,Work,Lyon,ARA,France,Profile,"
    b"https://acme.com ::: https://www.linkedin.com/in/jane-doe/\n"
)


def test_it_reads_the_current_google_contacts_export_and_splits_triple_colon_values():
    (record,) = parse_contacts(GOOGLE_CURRENT, "google").records
    assert (record.first_name, record.last_name) == ("Jane", "Doe")
    assert record.emails == ("jane@acme.com", "j@acme.com", "jane@gmail.com")
    assert record.phones == ("+1 555 0100", "+1 555 0101")
    assert (record.company, record.title, record.department, record.notes) == (
        "Acme",
        "CTO",
        "Engineering",
        "Old friend",
    )
    assert (record.city, record.region, record.country) == ("Lyon", "ARA", "France")
    assert record.linkedin_url == "https://www.linkedin.com/in/jane-doe/"


def test_it_reads_the_older_google_contacts_export():
    data = (
        b"Name,Given Name,Additional Name,Family Name,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,"
        b"Phone 1 - Type,Phone 1 - Value,Address 1 - Type,Address 1 - City,Address 1 - Country,"
        b"Organization 1 - Type,Organization 1 - Name,Organization 1 - Title,Organization 1 - Department,"
        b"Website 1 - Type,Website 1 - Value\n"
        b"Jane Doe,Jane,,Doe,,* My Contacts,* Work,jane@acme.com,Mobile,555,Work,Lyon,France,,Acme,CTO,R&D,"
        b"Blog,https://jane.blog\n"
    )
    (record,) = parse_contacts(data, "google").records
    assert (record.full_name, record.first_name, record.last_name) == ("Jane Doe", "Jane", "Doe")
    assert (record.company, record.title, record.department) == ("Acme", "CTO", "R&D")
    assert (record.emails, record.phones, record.city) == (("jane@acme.com",), ("555",), "Lyon")
    assert record.linkedin_url == ""


def test_it_reads_a_generic_csv_with_a_mapping():
    data = b"Nom,Courriel,Societe,Poste\nJane Doe,jane@acme.com,Acme,CTO\n"
    mapping = {"Nom": "full_name", "courriel ": "email", "SOCIETE": "company", "Poste": "title"}
    result = parse_contacts(data, "generic", mapping)
    assert result.source == "generic"
    (record,) = result.records
    assert (record.full_name, record.emails, record.company, record.title) == (
        "Jane Doe",
        ("jane@acme.com",),
        "Acme",
        "CTO",
    )


def test_it_needs_a_mapping_for_a_generic_csv():
    with pytest.raises(MappingError):
        parse_contacts(b"Nom\nJane\n", "generic")
    with pytest.raises(MappingError):
        parse_contacts(b"Nom\nJane\n", "generic", {})


def test_it_refuses_a_mapping_that_names_a_column_not_in_the_header():
    with pytest.raises(ImportFormatError) as raised:
        parse_contacts(b"\n\nNom,Courriel\nJane,j@x.com\n", "generic", {"Nom": "full_name", "Email": "email"})
    assert raised.value.line == 3
    assert raised.value.message == "column 'Email' named in the mapping is not in the header"


def test_it_refuses_a_mapping_to_an_unknown_field():
    with pytest.raises(MappingError, match="nickname"):
        parse_contacts(b"Nom\nJane\n", "generic", {"Nom": "nickname"})


def test_it_lets_a_mapping_override_and_add_to_a_known_format():
    data = (
        b"Record ID,First Name,Email,Company Name,Parent Company,Work Email\n1,Jane,j@x.com,Acme,Acme Group,jd@w.com\n"
    )
    mapping = {"Parent Company": "company", "Work Email": "email"}
    (record,) = parse_contacts(data, "hubspot", mapping).records
    assert record.company == "Acme Group"
    assert record.emails == ("jd@w.com", "j@x.com")


def test_it_takes_the_header_from_the_first_non_blank_line():
    data = b"\n,,\n" + HUBSPOT
    (record,) = parse_contacts(data, "hubspot").records
    assert record.line == 4


@pytest.mark.parametrize("format", ["hubspot", "salesforce", "google"])
def test_it_refuses_a_linkedin_export_given_as_another_format(format):
    with pytest.raises(ImportFormatError) as raised:
        parse_contacts(b"\n" + LINKEDIN, format)
    assert raised.value.line == 2
    label = {"hubspot": "HubSpot", "salesforce": "Salesforce", "google": "Google Contacts"}[format]
    assert f"not a {label} export" in raised.value.message


def test_it_names_the_identifying_columns_when_refusing_a_file():
    with pytest.raises(ImportFormatError) as raised:
        parse_contacts(b"foo,bar,baz\n1,2,3\n", "salesforce")
    assert "Id" in raised.value.message and "AccountId" in raised.value.message


def test_it_refuses_an_empty_file():
    with pytest.raises(ImportFormatError) as raised:
        parse_contacts(b"\n\n", "hubspot")
    assert raised.value.line == 1


def test_it_refuses_an_unknown_format():
    with pytest.raises(ValueError):
        parse_contacts(HUBSPOT, "outlook")


def test_it_skips_a_row_without_a_name_and_says_which_email_it_had():
    data = b"Record ID,First Name,Last Name,Email\n1,,,orphan@x.com\n2,,,\n3,Jane,,\n"
    result = parse_contacts(data, "hubspot")
    assert result.skipped == [SkippedRow(2, "missing name (email orphan@x.com)"), SkippedRow(3, "missing name")]
    assert [record.line for record in result.records] == [4]
    assert result.rows_read == 3


def test_it_drops_invalid_emails_without_skipping_the_row():
    data = b'Record ID,First Name,Email,Additional email addresses\n1,Jane,not-an-email,"<j@x.com>, J@X.com ;n/a"\n'
    (record,) = parse_contacts(data, "hubspot").records
    assert record.emails == ("j@x.com",)


def test_it_ignores_extra_cells_and_pads_missing_ones():
    data = b"Record ID,First Name,Last Name,Email\n1,Jane,Doe,j@x.com,extra,more\n2,Bob\n"
    jane, bob = parse_contacts(data, "hubspot").records
    assert jane.emails == ("j@x.com",) and (bob.first_name, bob.last_name, bob.emails) == ("Bob", "", ())


def test_it_ignores_totally_empty_lines():
    data = b"Record ID,First Name\n\n,\n1,Jane\n\n"
    result = parse_contacts(data, "hubspot")
    assert [record.line for record in result.records] == [4] and result.rows_read == 1


def test_it_reads_a_cp1252_export_with_a_bom_free_header():
    (record,) = parse_contacts(b"Record ID,First Name\n1,Jos\xe9\n", "hubspot").records
    assert record.first_name == "José"


def test_it_reads_a_utf16_google_export():
    data = codecs.BOM_UTF16_LE + GOOGLE_CURRENT.decode().encode("utf-16-le")
    (record,) = parse_contacts(data, "google").records
    assert record.last_name == "Doe"


def test_it_reports_progress_every_thousand_rows():
    seen = []
    parse_contacts(b"Record ID,First Name\n" + b"1,Jane\n" * 1000, "hubspot", progress=seen.append)
    assert seen == [1000]


def test_it_turns_pairs_into_a_mapping():
    assert parse_mapping(["Col A=email", " Work Phone = phone ", "a=b=title"]) == {
        "Col A": "email",
        "Work Phone": "phone",
        "a=b": "title",
    }


@pytest.mark.parametrize("pair", ["Col A", "=email", "Col A=", "Col A=nickname"])
def test_it_refuses_a_bad_pair_naming_it_and_the_valid_fields(pair):
    with pytest.raises(MappingError) as raised:
        parse_mapping(["Name=full_name", pair])
    assert repr(pair) in str(raised.value)
    assert all(field in str(raised.value) for field in FIELDS)


def test_it_reads_a_semicolon_separated_export():
    data = b"Record ID;First Name;Last Name;Email\n1;Jane;Doe, Jr.;jane@acme.com\n"
    (record,) = parse_contacts(data, "hubspot").records
    assert (record.last_name, record.emails) == ("Doe, Jr.", ("jane@acme.com",))


def test_it_refuses_a_quote_left_open_until_a_field_is_too_large_naming_its_line():
    data = b'Record ID,First Name\n1,Jane\n2,"Bob\n' + b"x" * 200_000 + b"\n"
    with pytest.raises(ImportFormatError) as raised:
        parse_contacts(data, "hubspot")
    assert raised.value.line == 3 and "malformed CSV" in raised.value.message


def test_it_counts_lines_across_quoted_newlines():
    data = b'Id,FirstName,Description\n1,Jane,"two\nlines"\n2,Bob,\n'
    jane, bob = parse_contacts(data, "salesforce").records
    assert (jane.line, bob.line) == (2, 4)
