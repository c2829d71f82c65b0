"""Reads contact CSV exports from HubSpot, Salesforce and Google Contacts, or any CSV with a column mapping."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from .decoding import decode, is_blank, lines, sniff_delimiter, split_line
from .records import ContactRecord, ImportFormatError, MappingError, ParseResult, SkippedRow

PROGRESS_EVERY = 1000

FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "linkedin_url",
    "company",
    "company_domain",
    "title",
    "department",
    "city",
    "region",
    "country",
    "notes",
    "external_id",
    "account_id",
    "reports_to_id",
)

# A website column, used as linkedin_url only when the value is a LinkedIn address.
_WEBSITE = "_website"

# Header labels are compared normalised: stripped, inner whitespace collapsed, lower case.
# Within a field, labels listed earlier win over later ones.
_HUBSPOT = {
    "record id": "external_id",
    "hs_object_id": "external_id",
    "contact id": "external_id",
    "vid": "external_id",
    "first name": "first_name",
    "firstname": "first_name",
    "last name": "last_name",
    "lastname": "last_name",
    "full name": "full_name",
    "email": "email",
    "email address": "email",
    "additional email addresses": "email",
    "hs_additional_emails": "email",
    "phone number": "phone",
    "phone": "phone",
    "mobile phone number": "phone",
    "mobilephone": "phone",
    "mobile phone": "phone",
    "company name": "company",
    "company": "company",
    "associated company": "company",
    "associated company (primary)": "company",
    "company domain name": "company_domain",
    "website url": "company_domain",
    "website": "company_domain",
    "job title": "title",
    "jobtitle": "title",
    "department": "department",
    "city": "city",
    "state/region": "region",
    "state": "region",
    "country/region": "country",
    "country": "country",
    "linkedin url": "linkedin_url",
    "linkedin profile url": "linkedin_url",
    "notes": "notes",
}

_SALESFORCE = {
    "id": "external_id",
    "contact id": "external_id",
    "firstname": "first_name",
    "first name": "first_name",
    "lastname": "last_name",
    "last name": "last_name",
    "name": "full_name",
    "full name": "full_name",
    "email": "email",
    "phone": "phone",
    "mobilephone": "phone",
    "mobile phone": "phone",
    "mobile": "phone",
    "title": "title",
    "department": "department",
    "accountid": "account_id",
    "account id": "account_id",
    "account.id": "account_id",
    "account.name": "company",
    "accountname": "company",
    "account name": "company",
    "reportstoid": "reports_to_id",
    "reports to id": "reports_to_id",
    "reportsto.id": "reports_to_id",
    "mailingcity": "city",
    "mailing city": "city",
    "mailingstate": "region",
    "mailing state/province": "region",
    "mailing state": "region",
    "mailingcountry": "country",
    "mailing country": "country",
    "description": "notes",
}

_GOOGLE = {
    "name": "full_name",
    "first name": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "family name": "last_name",
    "organization name": "company",
    "organization title": "title",
    "organization department": "department",
    "notes": "notes",
}

# Google numbers repeated groups ("E-mail 2 - Value", "Organization 1 - Name"); lower numbers win.
_GOOGLE_NUMBERED = (
    (re.compile(r"e-?mail \d+ - value"), "email"),
    (re.compile(r"phone \d+ - value"), "phone"),
    (re.compile(r"organization \d+ - name"), "company"),
    (re.compile(r"organization \d+ - title"), "title"),
    (re.compile(r"organization \d+ - department"), "department"),
    (re.compile(r"address \d+ - city"), "city"),
    (re.compile(r"address \d+ - region"), "region"),
    (re.compile(r"address \d+ - country"), "country"),
    (re.compile(r"website \d+ - value"), _WEBSITE),
)


class _Format:
    def __init__(
        self,
        label: str,
        columns: dict[str, str],
        identifying: frozenset[str],
        expected: str,
        numbered: tuple[tuple[re.Pattern[str], str], ...] = (),
        linkedin_columns: bool = False,
    ):
        self.label = label
        self.columns = columns
        self.identifying = identifying  # one of these must be in the header, or it is another kind of file
        self.expected = expected  # how the error message names the identifying columns
        self.numbered = numbered
        self.linkedin_columns = linkedin_columns  # CRM custom fields such as "LinkedIn__c" or "LinkedIn Profile"


_FORMATS = {
    "hubspot": _Format(
        "HubSpot",
        _HUBSPOT,
        # Not "First Name" or "Company": a LinkedIn export has those too.
        frozenset(
            (
                "record id",
                "hs_object_id",
                "contact id",
                "vid",
                "email",
                "additional email addresses",
                "phone number",
                "mobile phone number",
                "company name",
                "associated company",
                "job title",
                "state/region",
                "country/region",
                "lifecycle stage",
                "contact owner",
                "firstname",
                "lastname",
                "jobtitle",
            )
        ),
        "Record ID, Email, Phone Number, Company Name, Job Title",
        linkedin_columns=True,
    ),
    "salesforce": _Format(
        "Salesforce",
        _SALESFORCE,
        frozenset(
            (
                "id",
                "contact id",
                "firstname",
                "lastname",
                "accountid",
                "account id",
                "account.name",
                "accountname",
                "account name",
                "reportstoid",
                "mobilephone",
                "mailingcity",
                "mailing city",
                "mailingstate",
                "mailingcountry",
                "mailing country",
            )
        ),
        "Id, FirstName, LastName, AccountId, Account.Name, MailingCity",
        linkedin_columns=True,
    ),
    "google": _Format(
        "Google Contacts",
        _GOOGLE,
        frozenset(
            (
                "given name",
                "family name",
                "additional name",
                "organization name",
                "organization title",
                "organization department",
                "file as",
                "group membership",
                "phonetic first name",
            )
        ),
        "Given Name, Family Name, Organization Name, E-mail 1 - Value, Phone 1 - Value",
        numbered=_GOOGLE_NUMBERED,
    ),
    "generic": _Format("generic", {}, frozenset(), ""),
}

_MULTIPLE = ("email", "phone", _WEBSITE)
_SPLIT_EMAILS = re.compile(r"\s*(?::::|[;,\s])\s*")
_SPLIT_PHONES = re.compile(r"\s*(?::::|;)\s*")


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """Turn ["Col A=email", …] into {"Col A": "email"}; MappingError names the first bad pair."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        # Split at the last "=": field names never contain one, column names might.
        column, separator, field = pair.rpartition("=")
        column, field = column.strip(), field.strip().lower()
        if not separator or not column or not field:
            raise MappingError(f"{pair!r} is not COLUMN=FIELD (fields: {', '.join(FIELDS)})")
        if field not in FIELDS:
            raise MappingError(f"{pair!r} names an unknown field {field!r} (fields: {', '.join(FIELDS)})")
        mapping[column] = field
    return mapping


def parse_contacts(
    data: bytes,
    format: str,
    mapping: dict[str, str] | None = None,
    progress: Callable[[int], object] | None = None,
) -> ParseResult:
    """Parse a CRM or address-book CSV export; row problems become SkippedRow, a wrong file raises ImportFormatError."""
    if format not in _FORMATS:
        raise ValueError(f"unknown contacts format {format!r} (expected one of {', '.join(_FORMATS)})")
    mapping = dict(mapping or {})
    for column, field in mapping.items():
        if field not in FIELDS:
            raise MappingError(f"'{column}={field}' names an unknown field {field!r} (fields: {', '.join(FIELDS)})")
    if format == "generic" and not mapping:
        raise MappingError("the generic format needs a column mapping: COLUMN=FIELD pairs")

    text = decode(data)
    header_line, header_text, data_start = next(
        ((number, line, offset) for number, line, offset in lines(text) if not is_blank(line)), (0, "", 0)
    )
    if not header_line:
        raise ImportFormatError(1, "the file is empty: no header line")
    delimiter = sniff_delimiter(header_text)
    columns = _Columns(_FORMATS[format], split_line(header_text, delimiter), header_line, mapping)

    result = ParseResult(source=format)
    reader = csv.reader(io.StringIO(text[data_start:], newline="\n"), delimiter=delimiter)
    previous_end = header_line
    try:
        for row in reader:
            # reader.line_num is where the record ends; a quoted newline makes it span several lines.
            line = previous_end + 1
            previous_end = header_line + reader.line_num
            if not "".join(row).strip():
                continue
            result.rows_read += 1
            if progress is not None and result.rows_read % PROGRESS_EVERY == 0:
                progress(result.rows_read)
            outcome = columns.read(line, row)
            if isinstance(outcome, SkippedRow):
                result.skipped.append(outcome)
            else:
                result.records.append(outcome)
    except csv.Error as error:
        raise ImportFormatError(previous_end + 1, f"malformed CSV: {error}") from None
    return result


def _normalise(label: str) -> str:
    return " ".join(label.replace("\ufeff", "").split()).lower()


class _Columns:
    """Which header positions feed which field, best first, and how a row becomes a record."""

    def __init__(self, spec: _Format, header: list[str], header_line: int, mapping: dict[str, str]):
        labels = [_normalise(cell) for cell in header]
        if (spec.identifying or spec.numbered) and not any(
            label in spec.identifying or any(pattern.fullmatch(label) for pattern, _ in spec.numbered)
            for label in labels
        ):
            raise ImportFormatError(
                header_line, f"not a {spec.label} export: the header has none of its columns ({spec.expected})"
            )
        for column in mapping:
            if _normalise(column) not in labels:
                raise ImportFormatError(
                    header_line, f"column {column.strip()!r} named in the mapping is not in the header"
                )

        user = {_normalise(column): field for column, field in mapping.items()}
        order = {label: rank for rank, label in enumerate(spec.columns)}
        ranked: dict[str, list[tuple[int, int]]] = {}
        for position, label in enumerate(labels):
            if label in user:
                # A mapping outranks the format's own columns.
                field, rank = user[label], -1
            elif label in spec.columns:
                field, rank = spec.columns[label], order[label]
            else:
                field = next((field for pattern, field in spec.numbered if pattern.fullmatch(label)), None)
                rank = len(order)
                if field is None and spec.linkedin_columns and "linkedin" in label:
                    field = _WEBSITE
            if field is not None:
                ranked.setdefault(field, []).append((rank, position))
        plan = {field: [position for _, position in sorted(choices)] for field, choices in ranked.items()}

        self.pad = [""] * len(header)
        self.singles = [(field, positions) for field, positions in plan.items() if field not in _MULTIPLE]
        self.emails = plan.get("email", [])
        self.phones = plan.get("phone", [])
        self.websites = plan.get(_WEBSITE, [])

    def read(self, line: int, row: list[str]) -> ContactRecord | SkippedRow:
        if len(row) < len(self.pad):
            row.extend(self.pad[len(row) :])
        values = {}
        for field, positions in self.singles:
            for position in positions:
                value = _first_value(row[position])
                if value:
                    values[field] = value
                    break
        emails = _emails(row, self.emails)
        if not (values.get("first_name") or values.get("last_name") or values.get("full_name")):
            return SkippedRow(line, f"missing name (email {emails[0]})" if emails else "missing name")
        if "linkedin_url" not in values:
            url = next((v for p in self.websites for v in _values(row[p]) if "linkedin.com" in v.lower()), "")
            if url:
                values["linkedin_url"] = url
        phones = tuple(dict.fromkeys(v for p in self.phones for v in _SPLIT_PHONES.split(row[p].strip()) if v))
        return ContactRecord(line=line, emails=emails, phones=phones, **values)


def _values(cell: str) -> list[str]:
    # Google Contacts puts several values in one cell, separated by " ::: ".
    return [value.strip() for value in cell.split(":::") if value.strip()]


def _first_value(cell: str) -> str:
    cell = cell.strip()
    if ":::" in cell:
        return next(iter(_values(cell)), "")
    return cell


def _emails(row: list[str], positions: list[int]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for position in positions:
        cell = row[position].strip()
        if not cell:
            continue
        for value in _SPLIT_EMAILS.split(cell):
            value = value.strip("<>\"'")
            if value.lower().startswith("mailto:"):
                value = value[7:]
            # Addresses without "@" are dropped rather than failing the row: the rest of it is still useful.
            if "@" in value:
                found.setdefault(value.lower(), value)
    return tuple(found.values())
