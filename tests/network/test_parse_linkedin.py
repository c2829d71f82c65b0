"""Reading LinkedIn Connections.csv exports: every layout since 2018, Excel's re-saves, and wrong files."""

import codecs
from datetime import date

import pytest

from warmline.network.importers.linkedin import parse_date, parse_linkedin
from warmline.network.importers.records import ImportFormatError, SkippedRow

HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"

CURRENT_EXPORT = (
    b"Notes:\n"
    b'"When exporting your connection data, you may notice that some of the email addresses are missing.\n'
    b'You will only see email addresses for connections who have allowed it."\n'
    b"\n" + HEADER + b"Jane,Doe,https://www.linkedin.com/in/janedoe,,Acme,VP Sales,26 Dec 2025\n"
    b"Bob,Smith,https://www.linkedin.com/in/bob-smith-1a2b3c,bob@example.com,Globex,CTO,01 Jan 2024\n"
)


def test_it_finds_the_header_after_the_notes_preamble_with_a_multiline_note():
    result = parse_linkedin(CURRENT_EXPORT)
    assert result.source == "linkedin" and result.rows_read == 2 and result.skipped == []
    jane, bob = result.records
    assert (jane.line, jane.first_name, jane.last_name) == (6, "Jane", "Doe")
    assert jane.linkedin_url == "https://www.linkedin.com/in/janedoe"
    assert (jane.company, jane.title, jane.connected_on, jane.emails) == ("Acme", "VP Sales", date(2025, 12, 26), ())
    assert bob.line == 7 and bob.emails == ("bob@example.com",)


def test_it_finds_the_header_wherever_it_is_not_at_a_fixed_offset():
    data = b"\n\nNotes:\nsomething\nsomething more\n\n\n" + HEADER + b"Jane,Doe,,,,,26 Dec 2025\n"
    (record,) = parse_linkedin(data).records
    assert record.line == 9


def test_it_reads_a_file_that_starts_with_the_header():
    (record,) = parse_linkedin(HEADER + b"Jane,Doe,,,,,26 Dec 2025\n").records
    assert record.line == 2


def test_it_reads_the_2018_layout_without_url_and_with_us_dates_and_times():
    data = (
        b"First Name,Last Name,Email Address,Company,Position,Connected On\n"
        b'Jane,Doe,jane@example.com,Acme,VP,"1/8/18, 6:14 PM"\n'
        b'Bob,Smith,,Globex,CTO,"12/26/17, 11:02 AM"\n'
    )
    jane, bob = parse_linkedin(data).records
    assert jane.connected_on == date(2018, 1, 8) and jane.linkedin_url == "" and jane.emails == ("jane@example.com",)
    assert bob.connected_on == date(2017, 12, 26) and bob.emails == ()


def test_it_reads_an_excel_resave_with_trailing_commas_and_two_digit_years():
    data = (
        b"Notes:,,,,,,\n"
        b'"When exporting your connection data, you may notice something.",,,,,,\n'
        b",,,,,,\n"
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On,,\n"
        b"Jane,Doe,https://www.linkedin.com/in/janedoe,,Acme,VP,23-Nov-21,,\n"
        b",,,,,,,,\n"
    )
    result = parse_linkedin(data)
    (record,) = result.records
    assert record.line == 5 and record.connected_on == date(2021, 11, 23)
    assert result.rows_read == 1 and result.skipped == []


@pytest.mark.parametrize(
    "written, expected",
    [
        ("26 Dec 2025", date(2025, 12, 26)),
        ("06 Sep 2025", date(2025, 9, 6)),
        ("26 December 2025", date(2025, 12, 26)),
        ("6 Sept 2025", date(2025, 9, 6)),
        ("23-Nov-21", date(2021, 11, 23)),
        ("2025-12-26", date(2025, 12, 26)),
        ("2025-12-26T10:04:00Z", date(2025, 12, 26)),
        ("12/26/2025", date(2025, 12, 26)),
        ("1/8/18, 6:14 PM", date(2018, 1, 8)),
        ("26/12/2025", date(2025, 12, 26)),
        ("Dec 26, 2025", date(2025, 12, 26)),
        (" 26 dec 2025 ", date(2025, 12, 26)),
    ],
)
def test_it_reads_every_date_layout_linkedin_and_excel_write(written, expected):
    assert parse_date(written) == expected


@pytest.mark.parametrize("written", ["Foo 99", "31 Feb 2025", "13/13/2025", "26 Dex 2025", "yesterday", "2025"])
def test_it_gives_no_date_for_text_that_is_not_one(written):
    assert parse_date(written) is None


def test_it_skips_blank_member_rows_and_reads_on():
    data = HEADER + b",,,,,,06 Sep 2025\nJane,Doe,,,,,06 Sep 2025\n"
    result = parse_linkedin(data)
    assert result.skipped == [SkippedRow(2, "blank row: no name")]
    assert [record.line for record in result.records] == [3]
    assert result.rows_read == 2


def test_it_names_the_url_when_a_row_has_no_name():
    result = parse_linkedin(HEADER + b",,https://www.linkedin.com/in/x,,,,06 Sep 2025\n")
    assert result.skipped[0].reason == "no first or last name (URL https://www.linkedin.com/in/x)"


def test_it_accepts_a_row_with_only_a_last_name():
    (record,) = parse_linkedin(HEADER + b",Doe,,,,,06 Sep 2025\n").records
    assert (record.first_name, record.last_name) == ("", "Doe")


def test_it_skips_an_unparseable_date_with_its_line_and_value():
    data = CURRENT_EXPORT + b"Ann,Lee,,,,,Foo 99\nTom,Hu,,,,,26 Dec 2025\n"
    result = parse_linkedin(data)
    assert result.skipped == [SkippedRow(8, "unparseable date 'Foo 99' in Connected On")]
    assert [record.first_name for record in result.records] == ["Jane", "Bob", "Tom"]
    assert result.rows_read == 4


def test_it_accepts_an_empty_date_as_unknown():
    (record,) = parse_linkedin(HEADER + b"Jane,Doe,,,,,\n").records
    assert record.connected_on is None


def test_it_ignores_totally_empty_lines_and_does_not_count_them():
    data = HEADER + b"\nJane,Doe,,,,,26 Dec 2025\n,,,,,,\n\n  \nBob,Smith,,,,,26 Dec 2025\n"
    result = parse_linkedin(data)
    assert [record.line for record in result.records] == [3, 7]
    assert result.rows_read == 2 and result.skipped == []


def test_it_reads_quoted_commas_escaped_quotes_emoji_and_credentials_as_written():
    data = (
        HEADER
        + (
            '"Jane 🚀","Smith, CFA",https://www.linkedin.com/in/jane,,"The ""Best"" Co","Head of Sales, EMEA",26 Dec 2025\n'
        ).encode()
    )
    (record,) = parse_linkedin(data).records
    assert (record.first_name, record.last_name) == ("Jane 🚀", "Smith, CFA")
    assert (record.company, record.title) == ('The "Best" Co', "Head of Sales, EMEA")


def test_it_keeps_percent_encoded_slugs_and_trailing_slashes_as_written():
    data = HEADER + b"Jos\xc3\xa9,Doe, https://www.linkedin.com/in/jos%C3%A9-doe/ ,,,,26 Dec 2025\n"
    (record,) = parse_linkedin(data).records
    assert record.linkedin_url == "https://www.linkedin.com/in/jos%C3%A9-doe/"


def test_it_keeps_counting_lines_across_a_quoted_field_that_spans_lines():
    data = HEADER + b'Jane,Doe,,,"Acme\nHoldings",VP,26 Dec 2025\nBob,Smith,,,,,26 Dec 2025\n'
    jane, bob = parse_linkedin(data).records
    assert (jane.line, jane.company, bob.line) == (2, "Acme\nHoldings", 4)


def test_it_maps_columns_by_name_not_position():
    data = b"Connected On,Company,Last Name,First Name,Position\n26 Dec 2025,Acme,Doe,Jane,VP\n"
    (record,) = parse_linkedin(data).records
    assert (record.first_name, record.last_name, record.company, record.title) == ("Jane", "Doe", "Acme", "VP")
    assert record.linkedin_url == "" and record.emails == ()


def test_it_pads_rows_shorter_than_the_header():
    (record,) = parse_linkedin(HEADER + b"Jane,Doe,https://www.linkedin.com/in/jane\n").records
    assert (record.first_name, record.company, record.connected_on) == ("Jane", "", None)


def test_it_matches_header_names_case_insensitively_and_stripped():
    data = b" first name , LAST NAME ,Connected on\nJane,Doe,26 Dec 2025\n"
    (record,) = parse_linkedin(data).records
    assert record.connected_on == date(2025, 12, 26)


def test_it_reads_a_utf8_bom_and_windows_newlines():
    data = codecs.BOM_UTF8 + CURRENT_EXPORT.replace(b"\n", b"\r\n")
    result = parse_linkedin(data)
    assert [record.line for record in result.records] == [6, 7]


def test_it_reads_a_utf16_export():
    data = codecs.BOM_UTF16_LE + CURRENT_EXPORT.decode().encode("utf-16-le")
    assert [record.first_name for record in parse_linkedin(data).records] == ["Jane", "Bob"]


def test_it_reads_a_utf16_export_without_a_bom():
    data = CURRENT_EXPORT.decode().encode("utf-16-le")
    assert [record.first_name for record in parse_linkedin(data).records] == ["Jane", "Bob"]


def test_it_reads_a_cp1252_export():
    (record,) = parse_linkedin(HEADER + b"Jos\xe9,Garc\xeda,,,,,26 Dec 2025\n").records
    assert (record.first_name, record.last_name) == ("José", "García")


def test_it_reports_progress_every_thousand_rows():
    data = HEADER + b"Jane,Doe,,,,,26 Dec 2025\n" * 2500
    seen = []
    result = parse_linkedin(data, progress=seen.append)
    assert seen == [1000, 2000] and result.rows_read == 2500


@pytest.mark.parametrize(
    "data, line",
    [
        (b"Record ID,First Name,Last Name,Email,Company Name\n1,Jane,Doe,j@x.com,Acme\n", 1),
        (b"Id,FirstName,LastName,Email,AccountId\n003,Jane,Doe,j@x.com,001\n", 1),
        (b"BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nEND:VCARD\n", 1),
        (b"\n\nDear team, here are my contacts.\n", 3),
        (b"Notes:\nsome note\n\nName,Email\nJane,j@x.com\n", 4),
        (b"First Name,Last Name,Email\nJane,Doe,j@x.com\n", 1),
        (b"", 1),
    ],
)
def test_it_refuses_a_file_that_is_not_a_linkedin_export_naming_a_line(data, line):
    with pytest.raises(ImportFormatError) as raised:
        parse_linkedin(data)
    assert raised.value.line == line and "no LinkedIn Connections header" in raised.value.message


def test_it_gives_up_looking_for_the_header_after_fifty_lines():
    with pytest.raises(ImportFormatError):
        parse_linkedin(b"Notes:\n" + b"note line\n" * 60 + b"\n" + HEADER + b"Jane,Doe,,,,,26 Dec 2025\n")


def test_it_reads_an_excel_resave_with_semicolons():
    data = b"Notes:;;\n\nFirst Name;Last Name;URL;Email Address;Company;Position;Connected On\nJane;Doe;;;Acme, Inc;VP;26/12/2025\n"
    (record,) = parse_linkedin(data).records
    assert (record.company, record.connected_on) == ("Acme, Inc", date(2025, 12, 26))


def test_it_reads_excel_unicode_text_which_is_tab_separated_utf16():
    text = "First Name\tLast Name\tURL\tEmail Address\tCompany\tPosition\tConnected On\r\nJosé\tDoe\t\t\tAcme\tVP\t26 Dec 2025\r\n"
    (record,) = parse_linkedin(codecs.BOM_UTF16_LE + text.encode("utf-16-le")).records
    assert (record.first_name, record.company, record.line) == ("José", "Acme", 2)


def test_it_refuses_a_quote_left_open_until_a_field_is_too_large_naming_its_line():
    data = HEADER + b"Jane,Doe,,,,,26 Dec 2025\n" + b'Bob,"Smith\n' + b"x" * 200_000 + b"\n"
    with pytest.raises(ImportFormatError) as raised:
        parse_linkedin(data)
    assert raised.value.line == 3 and "malformed CSV" in raised.value.message
