"""Every parser, fed anything, returns a consistent ParseResult or raises ImportFormatError, never anything else."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warmline.network.importers.contacts import parse_contacts
from warmline.network.importers.decoding import decode
from warmline.network.importers.linkedin import parse_linkedin
from warmline.network.importers.records import ImportFormatError, ParseResult
from warmline.network.importers.vcard import parse_vcard

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
HEADERS = {
    "linkedin": LINKEDIN_HEADER,
    "hubspot": "Record ID,First Name,Last Name,Email,Company Name,Job Title",
    "salesforce": "ID,FIRSTNAME,LASTNAME,EMAIL,ACCOUNTID,ACCOUNT.NAME,REPORTSTOID",
    "google": "Name,First Name,Last Name,E-mail 1 - Value,Phone 1 - Value,Organization Name,Website 1 - Value",
}

PARSERS = {
    "linkedin": parse_linkedin,
    "hubspot": lambda data: parse_contacts(data, "hubspot"),
    "salesforce": lambda data: parse_contacts(data, "salesforce"),
    "google": lambda data: parse_contacts(data, "google"),
    "generic": lambda data: parse_contacts(data, "generic", {"First Name": "first_name", "Email": "email"}),
    "vcard": parse_vcard,
}

cells = st.one_of(
    st.sampled_from(["", " ", "Jane", "Doe", "Smith, CFA", '"', '""', ",", "\n", "\r\n", "😀", "26 Dec 2025"]),
    st.sampled_from(["1/8/18, 6:14 PM", "23-Nov-21", "Foo 99", "j@x.com", "a ::: b@c.d", "Notes:", "First Name"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)


def _quote(cell: str) -> str:
    if any(character in cell for character in ',"\r\n') or not cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def csv_texts(draw, header):
    rows = draw(st.lists(st.lists(cells, max_size=8), max_size=5))
    # Sometimes leave quotes unbalanced, as a hand-edited file might.
    render = draw(st.sampled_from([_quote, str]))
    lines = [",".join(render(cell) for cell in row) for row in rows]
    place = draw(st.sampled_from(["top", "top", "inside", "nowhere"]))
    if place == "top":
        lines.insert(0, header)
    elif place == "inside":
        lines.insert(draw(st.integers(0, len(lines))), header)
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    # A NUL now and then: rarely enough that most examples still reach the rows.
    if text and draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "\x00" + text[at:]
    return text


vcard_lines = st.one_of(
    st.sampled_from(
        [
            "BEGIN:VCARD",
            "END:VCARD",
            "VERSION:3.0",
            "VERSION:4.0",
            "VERSION:2.1",
            "FN:Jane Doe",
            "N:Doe;Jane;;;",
            "N:;;;;",
            "ORG:Acme\\, Inc;Sales",
            "EMAIL;TYPE=work:",
            "EMAIL:jane@x.com",
            "TEL;VALUE=uri:tel:+1-555",
            "URL:https://www.linkedin.com/in/jane",
            "ADR:;;1 Main;Lyon;;;France",
            " folded continuation",
            "N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:J=C3=",
            "=A9",
            "PHOTO;ENCODING=b:@@@",
            "BEGIN:VCALENDAR",
            "END:VCALENDAR",
            "no colon here",
            "",
        ]
    ),
    st.sampled_from(["FN:Jane", "EMAIL:j@x.com", "TITLE:CTO", "NOTE:hi\\nthere", "UID:1", "X-FOO;BAR=baz:qux"]),
    st.text(max_size=20),
)


@st.composite
def vcard_texts(draw):
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        card = draw(st.lists(vcard_lines, max_size=8))
        # Mostly well-formed cards, so that parsing reaches the fields; sometimes raw lines with no frame.
        if draw(st.integers(0, 3)):
            card = ["BEGIN:VCARD", draw(st.sampled_from(["VERSION:3.0", "VERSION:4.0", "VERSION:2.1", ""])), *card]
            card.append("END:VCARD")
        lines.extend(card)
    return "\n".join(lines)


def _check(parser_name: str, data: bytes) -> None:
    try:
        result = PARSERS[parser_name](data)
    except ImportFormatError as error:
        assert error.line >= 1 and error.message
        return
    assert isinstance(result, ParseResult)
    line_count = decode(data).count("\n") + 1
    for skipped in result.skipped:
        assert skipped.line >= 1 and skipped.reason
        assert skipped.line <= line_count
    for record in result.records:
        assert 1 <= record.line <= line_count
    assert result.rows_read == len(result.records) + len(result.skipped)


@pytest.mark.parametrize("parser_name", sorted(PARSERS))
@FUZZ
@given(data=st.binary(max_size=300))
def test_it_never_fails_unexpectedly_on_arbitrary_bytes(parser_name, data):
    _check(parser_name, data)


@pytest.mark.parametrize("parser_name", ["linkedin", "hubspot", "salesforce", "google", "generic"])
@FUZZ
@given(data=st.data())
def test_it_never_fails_unexpectedly_on_csv_like_text(parser_name, data):
    text = data.draw(csv_texts(HEADERS.get(parser_name, "First Name,Email")))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le"]))
    _check(parser_name, text.encode(encoding, errors="surrogatepass"))


@FUZZ
@given(text=vcard_texts(), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_it_never_fails_unexpectedly_on_vcard_like_text(text, encoding):
    _check("vcard", text.encode(encoding, errors="surrogatepass"))
