"""Reading vCard files: 3.0 and 4.0 fields, 2.1 oddities, and bad cards among good ones."""

import codecs

import pytest

from warmline.network.importers.records import ImportFormatError, SkippedRow
from warmline.network.importers.vcard import parse_vcard

VCARD_3 = b"""BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//macOS 15.1//EN
N:Doe;Jane;Q.;Dr.;PhD
FN:Dr. Jane Doe
ORG:Acme\\, Inc.;Sales
TITLE:VP Sales
EMAIL;type=INTERNET;type=WORK;type=pref:jane@acme.com
EMAIL;type=INTERNET;type=HOME:jane@example.com
TEL;type=CELL;type=VOICE;type=pref:+1 (555) 010-0100
item1.ADR;type=WORK;type=pref:;;1 Main St;Springfield;IL;62701;United States
item1.X-ABADR:us
item2.URL;type=pref:https://acme.com
X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/janedoe
NOTE:Met at SaaStr\\nIntroduced by Bob
UID:7A9B2C3D-0000-4000-8000-000000000001
END:VCARD
"""

VCARD_4 = b"""BEGIN:VCARD
VERSION:4.0
FN:Bob Smith
N:Smith;Bob;;;
EMAIL;TYPE=work:
EMAIL;TYPE=home:bob@example.com
TEL;VALUE=uri;TYPE="voice,cell":tel:+1-555-0101
URL;TYPE=linkedin:https://www.linkedin.com/in/bob-smith/
ADR;TYPE=home:;;;Lyon;;;France
END:VCARD
"""


def test_it_reads_a_vcard_3_card():
    result = parse_vcard(VCARD_3)
    assert result.source == "vcard" and result.rows_read == 1 and result.skipped == []
    (record,) = result.records
    assert record.line == 1
    assert (record.first_name, record.last_name, record.full_name) == ("Jane", "Doe", "Dr. Jane Doe")
    assert (record.company, record.department, record.title) == ("Acme, Inc.", "Sales", "VP Sales")
    assert record.emails == ("jane@acme.com", "jane@example.com")
    assert record.phones == ("+1 (555) 010-0100",)
    assert (record.city, record.region, record.country) == ("Springfield", "IL", "United States")
    assert record.linkedin_url == "https://www.linkedin.com/in/janedoe"
    assert record.notes == "Met at SaaStr\nIntroduced by Bob"
    assert record.external_id == "7A9B2C3D-0000-4000-8000-000000000001"


def test_it_reads_a_vcard_4_card_with_uri_phones_and_an_empty_email():
    (record,) = parse_vcard(VCARD_4).records
    assert record.emails == ("bob@example.com",)
    assert record.phones == ("+1-555-0101",)
    assert record.linkedin_url == "https://www.linkedin.com/in/bob-smith/"
    assert (record.city, record.country) == ("Lyon", "France")


def test_it_gives_each_card_the_line_of_its_begin():
    data = VCARD_3 + b"\n" + VCARD_4
    result = parse_vcard(data)
    assert [record.line for record in result.records] == [1, 19]
    assert result.rows_read == 2


def test_it_skips_a_malformed_card_in_the_middle_and_reads_on():
    bad = b"BEGIN:VCARD\nVERSION:3.0\nFN:Broken\nthis line is not a property\nEND:VCARD\n"
    result = parse_vcard(VCARD_3 + bad + VCARD_4)
    assert [record.full_name for record in result.records] == ["Dr. Jane Doe", "Bob Smith"]
    (skipped,) = result.skipped
    assert skipped.line == 18 and skipped.reason.startswith("malformed card: line 21:")
    assert result.rows_read == 3


def test_it_skips_a_card_that_never_ends():
    unclosed = b"BEGIN:VCARD\nVERSION:3.0\nFN:Lost\n"
    result = parse_vcard(unclosed + VCARD_4 + unclosed)
    assert [record.full_name for record in result.records] == ["Bob Smith"]
    assert [skipped.line for skipped in result.skipped] == [1, 14]
    assert all("END:VCARD" in skipped.reason for skipped in result.skipped)


def test_it_skips_a_card_without_any_name():
    data = b"BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nEMAIL:x@y.com\nEND:VCARD\n" + VCARD_4
    result = parse_vcard(data)
    assert result.skipped == [SkippedRow(1, "no name: the card has no FN, N or ORG")]
    assert len(result.records) == 1


def test_it_keeps_a_company_card_with_only_an_org():
    (record,) = parse_vcard(b"BEGIN:VCARD\nVERSION:3.0\nORG:Acme\nEND:VCARD\n").records
    assert record.company == "Acme" and record.full_name == ""


def test_it_unfolds_folded_lines():
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane\r\n  Doe\r\nNOTE:a long note that was\r\n  folded\r\nEND:VCARD\r\n"
    (record,) = parse_vcard(data).records
    assert record.full_name == "Jane Doe" and record.notes == "a long note that was folded"


def test_it_decodes_quoted_printable_vcard_2_1_values():
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=\r\n=BCrgen\r\n"
        b"TEL;WORK;VOICE:+49 30 1234\r\n"
        b"END:VCARD\r\n"
    )
    (record,) = parse_vcard(data).records
    assert (record.first_name, record.last_name, record.phones) == ("Jürgen", "Müller", ("+49 30 1234",))


def test_it_ignores_a_damaged_photo():
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nPHOTO;ENCODING=b;TYPE=JPEG:@@@not base64\n  still not\nEND:VCARD\n"
    (record,) = parse_vcard(data).records
    assert record.full_name == "Jane"


def test_it_skips_a_card_with_an_unknown_charset_and_reads_on():
    bad = b"BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=QUOTED-PRINTABLE;CHARSET=klingon:=41\nEND:VCARD\n"
    result = parse_vcard(bad + VCARD_4)
    assert [skipped.line for skipped in result.skipped] == [1] and len(result.records) == 1


def test_it_ignores_text_between_cards():
    result = parse_vcard(VCARD_4 + b"stray text\n" + VCARD_4)
    assert len(result.records) == 2 and result.skipped == [] and result.rows_read == 2


def test_it_reads_a_utf16_vcard_file():
    data = codecs.BOM_UTF16_LE + VCARD_4.decode().encode("utf-16-le")
    (record,) = parse_vcard(data).records
    assert record.full_name == "Bob Smith"


def test_it_reports_progress_every_thousand_cards():
    seen = []
    parse_vcard(VCARD_4 * 1000, progress=seen.append)
    assert seen == [1000]


@pytest.mark.parametrize(
    "data, line",
    [
        (b"First Name,Last Name\nJane,Doe\n", 1),
        (b"\n\n  \nHello\nBEGIN:VCARD\nFN:x\nEND:VCARD\n", 4),
        (b"", 1),
    ],
)
def test_it_refuses_a_file_that_does_not_start_with_begin_vcard(data, line):
    with pytest.raises(ImportFormatError) as raised:
        parse_vcard(data)
    assert raised.value.line == line and "expected BEGIN:VCARD" in raised.value.message
