"""Reads a LinkedIn Connections export (Connections.csv) in the layouts LinkedIn and Excel have produced since 2018."""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from operator import itemgetter

from .decoding import DELIMITERS, decode, is_blank, lines, split_line
from .records import ContactRecord, ImportFormatError, ParseResult, SkippedRow

# The header sits after a "Notes:" preamble whose length LinkedIn has changed more than once.
HEADER_SCAN_LINES = 50
PROGRESS_EVERY = 1000

# Column labels, normalised (stripped, lower case); the first one present wins.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name",),
    "last_name": ("last name",),
    "linkedin_url": ("url", "profile url", "linkedin url"),
    "email": ("email address", "email", "e-mail address"),
    "company": ("company",),
    "title": ("position", "title"),
    "connected_on": ("connected on",),
}

_NO_HEADER = "no LinkedIn Connections header (expected First Name, Last Name, URL, … Connected On)"


def parse_linkedin(data: bytes, progress: Callable[[int], object] | None = None) -> ParseResult:
    """Parse a Connections.csv export; row problems become SkippedRow, a wrong file raises ImportFormatError."""
    text = decode(data)
    header_line, header, data_start, delimiter = _find_header(text)
    index = {}
    for position, cell in enumerate(header):
        index.setdefault(_normalise(cell), position)
    columns = {
        field: next((index[label] for label in labels if label in index), None) for field, labels in _COLUMNS.items()
    }
    connected_label = header[columns["connected_on"]].strip() if columns["connected_on"] is not None else "Connected On"

    width = len(header)
    pad = [""] * width
    # Missing columns read the "" appended to every row, so the hot loop has no branches for them.
    getter = itemgetter(*(position if position is not None else -1 for position in columns.values()))

    result = ParseResult(source="linkedin")
    records = result.records
    skipped = result.skipped
    dates: dict[str, date | None] = {}
    rows_read = 0
    previous_end = 0
    reader = csv.reader(io.StringIO(text[data_start:], newline="\n"), delimiter=delimiter)
    try:
        with _collector_paused():
            for row in reader:
                # reader.line_num is where the record ends; a quoted newline makes it span several lines.
                line = header_line + previous_end + 1
                previous_end = reader.line_num
                if not "".join(row).strip():
                    continue
                rows_read += 1
                if progress is not None and rows_read % PROGRESS_EVERY == 0:
                    progress(rows_read)
                if len(row) < width:
                    row.extend(pad[len(row) :])
                row.append("")
                first, last, url, email, company, title, connected = getter(row)
                first = first.strip()
                last = last.strip()
                if not first and not last:
                    skipped.append(SkippedRow(line, _no_name_reason(url.strip(), email.strip())))
                    continue
                connected = connected.strip()
                if connected:
                    try:
                        connected_on = dates[connected]
                    except KeyError:
                        connected_on = dates[connected] = parse_date(connected)
                    if connected_on is None:
                        skipped.append(SkippedRow(line, f"unparseable date {connected!r} in {connected_label}"))
                        continue
                else:
                    connected_on = None
                email = email.strip()
                records.append(
                    ContactRecord(
                        line=line,
                        first_name=first,
                        last_name=last,
                        emails=(email,) if "@" in email else (),
                        linkedin_url=url.strip(),
                        company=company.strip(),
                        title=title.strip(),
                        connected_on=connected_on,
                    )
                )
    except csv.Error as error:
        raise ImportFormatError(header_line + previous_end + 1, f"malformed CSV: {error}") from None
    result.rows_read = rows_read
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A million records would trigger repeated full collections that find no garbage (a third of
    # the run time); reference counting still frees everything, and the collector resumes after.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _no_name_reason(url: str, email: str) -> str:
    # LinkedIn writes rows with only a date for members who hid their profile data.
    if url:
        return f"no first or last name (URL {url})"
    if email:
        return f"no first or last name (email {email})"
    return "blank row: no name"


def _normalise(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split()).lower()


def _is_header(labels: set[str]) -> bool:
    if "first name" not in labels or "last name" not in labels:
        return False
    # "Company" alone is too common (HubSpot, Outlook); LinkedIn's Position and Connected On are not.
    return "connected on" in labels or "position" in labels or {"company", "url"} <= labels


def _find_header(text: str) -> tuple[int, list[str], int, str]:
    """Return the header's 1-based line, its cells, the offset where data starts and the delimiter."""
    in_preamble = False
    first_unexplained = None
    for number, line, next_offset in lines(text):
        if number > HEADER_SCAN_LINES:
            break
        for delimiter in DELIMITERS:
            cells = split_line(line, delimiter)
            if _is_header({_normalise(cell) for cell in cells}):
                return number, cells, min(next_offset, len(text)), delimiter
        if is_blank(line):
            in_preamble = False
        elif _normalise(line).lstrip('"').startswith("notes:"):
            in_preamble = True
        elif not in_preamble and first_unexplained is None:
            first_unexplained = number
    raise ImportFormatError(first_unexplained or 1, _NO_HEADER)


_MONTHS = {
    name[:length]: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
    for length in range(3, len(name) + 1)
}

# Exports sometimes carry a time after the date ("1/8/18, 6:14 PM", "2025-12-26T10:00:00Z"); it is ignored.
_TIME = r"(?:(?:,\s*|\s+|T)\d{1,2}:\d{2}[\w:.+\- ]*)?"
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[\s\-./]+([A-Za-z]{3,})\.?,?[\s\-./]+(\d{4}|\d{2})" + _TIME)
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})" + _TIME)


def parse_date(value: str) -> date | None:
    """Read a Connected On value in any layout LinkedIn or Excel has written; None if it is not a date."""
    value = value.strip()
    if match := _DAY_MONTH_YEAR.fullmatch(value):
        day, month, year = int(match[1]), _MONTHS.get(match[2].lower()), _year(match[3])
    elif match := _MONTH_DAY_YEAR.fullmatch(value):
        day, month, year = int(match[2]), _MONTHS.get(match[1].lower()), _year(match[3])
    elif match := _ISO.fullmatch(value):
        day, month, year = int(match[3]), int(match[2]), int(match[1])
    elif match := _SLASHED.fullmatch(value):
        # LinkedIn writes M/D/Y; a first number above 12 can only be a day, as re-saved by a European Excel.
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        month, day = (second, first) if first > 12 >= second else (first, second)
    else:
        return None
    if month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        # The POSIX pivot, as strptime's %y uses.
        year += 2000 if year < 69 else 1900
    return year
