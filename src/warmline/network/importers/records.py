"""What every importer produces: contact records and row reports, independent of the file format.

Parsers here are pure (no Django): bytes in, records out. The import service
turns records into people, companies and relationships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One contact read from a file. Strings are stripped; absent values are ''."""

    line: int  # 1-based line in the decoded file where this record starts
    first_name: str = ""
    last_name: str = ""
    full_name: str = ""  # as written, when the format gives one
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str = ""
    company: str = ""
    company_domain: str = ""
    title: str = ""
    department: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    notes: str = ""
    connected_on: date | None = None  # LinkedIn "Connected On"
    external_id: str = ""  # the CRM's id for this contact (HubSpot Record ID, Salesforce Id)
    account_id: str = ""  # the CRM's id for the contact's company (Salesforce AccountId)
    reports_to_id: str = ""  # the CRM's id of the contact's manager (Salesforce ReportsToId)


@dataclass(frozen=True, slots=True)
class SkippedRow:
    line: int
    reason: str


@dataclass(slots=True)
class ParseResult:
    source: str  # linkedin, hubspot, salesforce, google, generic, vcard
    records: list[ContactRecord] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    rows_read: int = 0  # data rows seen, skipped ones included; header and preamble excluded


class ImportFormatError(Exception):
    """The file is not the declared format (or cannot be decoded): nothing may be written."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class MappingError(ValueError):
    """A column mapping names a field that does not exist or is malformed."""
