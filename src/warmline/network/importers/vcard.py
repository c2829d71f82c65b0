"""Reads vCard files (2.1, 3.0 and 4.0), as exported by Apple Contacts, Outlook, Google and phones."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import vobject
from vobject.base import ContentLine

from .decoding import decode
from .records import ContactRecord, ImportFormatError, ParseResult, SkippedRow

PROGRESS_EVERY = 1000

# Photos, logos, sounds and keys are never imported, and their base64 is the likeliest thing to be damaged.
_UNUSED_BINARY = re.compile(r"(?:[\w-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_REASON_LENGTH = 160


def parse_vcard(data: bytes, progress: Callable[[int], object] | None = None) -> ParseResult:
    """Parse a .vcf file, one row per card; a bad card becomes SkippedRow, a non-vCard file raises ImportFormatError."""
    text = decode(data)
    lines = text.split("\n")
    first = next((number for number, line in enumerate(lines, 1) if line.strip()), None)
    if first is None:
        raise ImportFormatError(1, "expected BEGIN:VCARD (the file is empty)")
    if lines[first - 1].strip().upper() != "BEGIN:VCARD":
        raise ImportFormatError(first, "expected BEGIN:VCARD")

    result = ParseResult(source="vcard")
    for line, card_lines, numbers in _cards(lines):
        result.rows_read += 1
        if progress is not None and result.rows_read % PROGRESS_EVERY == 0:
            progress(result.rows_read)
        if card_lines is None:
            result.skipped.append(SkippedRow(line, "card is not closed: no END:VCARD before the next card or the end"))
            continue
        try:
            card = next(vobject.readComponents("\n".join(card_lines), transform=False, allowQP=True))
            outcome = _record(line, card)
        except Exception as error:  # vobject raises many unrelated exception types on bad input
            outcome = f"malformed card: {_describe(error, numbers)}"
        if isinstance(outcome, str):
            result.skipped.append(SkippedRow(line, outcome))
        else:
            result.records.append(outcome)
    return result


def _cards(lines: list[str]) -> Iterator[tuple[int, list[str] | None, list[int]]]:
    """Yield (line of BEGIN:VCARD, the card's lines or None if it never ends, each kept line's number in the file)."""
    card: list[str] | None = None
    numbers: list[int] = []
    begin = 0
    skipping_binary = False
    for number, line in enumerate(lines, 1):
        if card is None:
            # Text between cards is not part of any card and is ignored.
            if line.strip().upper() == "BEGIN:VCARD":
                card, numbers, begin, skipping_binary = ["BEGIN:VCARD"], [number], number, False
            continue
        # A line starting with whitespace continues the previous one, so only column-0 markers count.
        marker = line.rstrip().upper()
        if marker == "BEGIN:VCARD":
            yield begin, None, numbers
            card, numbers, begin, skipping_binary = ["BEGIN:VCARD"], [number], number, False
            continue
        if marker == "END:VCARD":
            card.append("END:VCARD")
            numbers.append(number)
            yield begin, card, numbers
            card = None
            continue
        if skipping_binary and (not line.strip() or line[:1] in " \t"):
            continue
        skipping_binary = bool(_UNUSED_BINARY.match(line))
        if not skipping_binary:
            card.append(line)
            numbers.append(number)
    if card is not None:
        yield begin, None, numbers


def _record(line: int, card) -> ContactRecord | str:
    fields: dict[str, str] = {}
    emails: dict[str, str] = {}
    phones: dict[str, None] = {}
    notes: list[str] = []
    for prop in card.getChildren():
        if not isinstance(prop, ContentLine):
            continue
        name = prop.name.upper()
        if name == "FN":
            _keep(fields, "full_name", _text(prop))
        elif name == "N":
            family, given = (_components(prop) + ["", ""])[:2]
            _keep(fields, "last_name", family)
            _keep(fields, "first_name", given)
        elif name == "EMAIL":
            email = _text(prop)
            if email.lower().startswith("mailto:"):
                email = email[7:].strip()
            if "@" in email:
                emails.setdefault(email.lower(), email)
        elif name == "TEL":
            phone = _text(prop)
            # vCard 4.0 writes phones as URIs: TEL;VALUE=uri:tel:+1-555-0100
            if phone.lower().startswith("tel:"):
                phone = phone[4:].strip()
            if phone:
                phones[phone] = None
        elif name == "ORG":
            parts = _components(prop) + ["", ""]
            if (parts[0] or parts[1]) and not fields.keys() & {"company", "department"}:
                _keep(fields, "company", parts[0])
                _keep(fields, "department", parts[1])
        elif name == "TITLE":
            _keep(fields, "title", _text(prop))
        elif name in ("URL", "X-SOCIALPROFILE"):
            url = _text(prop)
            if "linkedin.com" in url.lower():
                _keep(fields, "linkedin_url", url)
        elif name == "ADR":
            parts = _components(prop) + [""] * 7
            city, region, country = parts[3], parts[4], parts[6]
            # City, region and country come from one address, never mixed from two.
            if (city or region or country) and not fields.keys() & {"city", "region", "country"}:
                _keep(fields, "city", city)
                _keep(fields, "region", region)
                _keep(fields, "country", country)
        elif name == "NOTE":
            note = _text(prop)
            if note:
                notes.append(note)
        elif name == "UID":
            _keep(fields, "external_id", _text(prop))
    if not any(fields.get(field) for field in ("full_name", "first_name", "last_name", "company")):
        return "no name: the card has no FN, N or ORG"
    return ContactRecord(
        line=line,
        emails=tuple(emails.values()),
        phones=tuple(phones),
        notes="\n".join(notes),
        **fields,
    )


def _keep(fields: dict[str, str], field: str, value: str) -> None:
    # The first non-empty value wins: cards may repeat a property, some copies empty.
    if value and field not in fields:
        fields[field] = value


def _text(prop: ContentLine) -> str:
    value = prop.value
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return str(value).strip()


def _components(prop: ContentLine) -> list[str]:
    """Split a structured value (N, ORG, ADR) at unescaped semicolons and unescape each part."""
    value = _text(prop)
    parts, start, index = [], 0, 0
    while index < len(value):
        character = value[index]
        if character == "\\":
            index += 2
            continue
        if character == ";":
            parts.append(value[start:index])
            start = index + 1
        index += 1
    parts.append(value[start:])
    return [_ESCAPED.sub(_unescape, part).strip() for part in parts]


def _unescape(match: re.Match[str]) -> str:
    return "\n" if match[1] in "nN" else match[1]


def _describe(error: Exception, numbers: list[int]) -> str:
    message = " ".join(str(getattr(error, "msg", None) or error).split()) or type(error).__name__
    # vobject counts lines within the card text it was given; report the line in the file instead.
    card_line = getattr(error, "lineNumber", None)
    if isinstance(card_line, int) and 1 <= card_line <= len(numbers):
        message = f"line {numbers[card_line - 1]}: {message}"
    if len(message) > _REASON_LENGTH:
        message = message[: _REASON_LENGTH - 1] + "…"
    return message
