"""Deals imported from the CRM with their lead source, so that the channel comparison uses the team's own data.

`read_deals` turns a Salesforce, HubSpot or generic CSV export into deal rows, or reports every problem in the
file at once; `import_deals` writes all of a file's deals in one transaction, or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from warmline.core.choices import Channel, Role
from warmline.core.models import Membership, Workspace
from warmline.core.money import CURRENCIES, MoneyError, check_currency, parse_amount
from warmline.insights.choices import DealStatus
from warmline.insights.models import Deal
from warmline.network.bulk import in_chunks
from warmline.network.importers.decoding import decode, is_blank, lines, sniff_delimiter, split_line
from warmline.network.importers.linkedin import parse_date
from warmline.network.importers.records import ImportFormatError
from warmline.network.importing import ImportTooLarge, check_size

# A deals file is read and written in the request that sends it; larger exports are split by period.
MAX_ROWS = 100_000
# The lead sources that count as referrals unless the import names them.
REFERRAL_PATTERN = re.compile(r"referr|introduc|word[\s-]*of[\s-]*mouth", re.IGNORECASE)
MAX_ID, MAX_SOURCE, MAX_NAME = (Deal._meta.get_field(name).max_length
                                for name in ("external_id", "lead_source", "name"))
MONTH_FIRST, DAY_FIRST = "month/day/year", "day/month/year"

# The fields a column can feed.
ID, NAME, SOURCE, STATUS, STAGE, WON, CLOSED_FLAG, AMOUNT, CURRENCY, CREATED, CLOSED = (
    "id", "name", "lead_source", "status", "stage", "won", "closed_flag", "amount", "currency", "created", "closed")

# Header labels are compared normalised (lower case, "_" as a space, spaces collapsed). Within a field, labels
# listed earlier win. The generic labels are understood in every format, after the format's own.
_GENERIC = {
    "id": ID, "external id": ID, "deal id": ID,
    "name": NAME, "deal name": NAME,
    "lead source": SOURCE, "source": SOURCE,
    "status": STATUS, "stage": STAGE,
    "amount": AMOUNT, "value": AMOUNT,
    "currency": CURRENCY,
    "created": CREATED, "created on": CREATED, "created date": CREATED,
    "closed": CLOSED, "closed on": CLOSED, "close date": CLOSED,
}
_SALESFORCE = {
    # Report labels, then the API names Data Loader writes.
    "opportunity id": ID, "opportunityid": ID, "id": ID,
    "opportunity name": NAME, "name": NAME,
    "lead source": SOURCE, "leadsource": SOURCE,
    "stage": STAGE, "stagename": STAGE, "stage name": STAGE,
    # Salesforce's own won and closed flags are authoritative: stage names are the org's to rename.
    "won": WON, "iswon": WON,
    "closed": CLOSED_FLAG, "isclosed": CLOSED_FLAG,
    "amount": AMOUNT,
    "opportunity currency": CURRENCY, "currencyisocode": CURRENCY, "currency": CURRENCY,
    "close date": CLOSED, "closedate": CLOSED,
    "created date": CREATED, "createddate": CREATED,
}
_HUBSPOT = {
    "record id": ID, "deal id": ID, "hs object id": ID,
    "deal name": NAME, "dealname": NAME,
    # A lead source the team keeps by hand says more than HubSpot's traffic analytics.
    "lead source": SOURCE, "original source type": SOURCE, "original source": SOURCE,
    "original traffic source": SOURCE, "hs analytics source": SOURCE,
    "deal stage": STAGE, "dealstage": STAGE,
    "is closed won": WON, "hs is closed won": WON,
    "is closed": CLOSED_FLAG, "hs is closed": CLOSED_FLAG,
    "amount": AMOUNT,
    "currency": CURRENCY, "deal currency code": CURRENCY,
    "close date": CLOSED, "closedate": CLOSED,
    "create date": CREATED, "createdate": CREATED,
}


@dataclass(frozen=True)
class _Format:
    key: str
    label: str
    columns: dict[str, str]
    identifying: frozenset[str]  # labels no other format writes
    names: dict[str, str]  # how an error names a required column that is missing


_FORMATS = (
    _Format("hubspot", "HubSpot", _HUBSPOT,
            frozenset(("record id", "hs object id", "deal name", "dealname", "deal stage", "dealstage", "create date",
                       "createdate", "original source type", "original source", "original traffic source",
                       "hs analytics source", "is closed won", "deal owner", "pipeline")),
            {ID: "Record ID", SOURCE: "Lead Source or Original Source Type", STAGE: "Deal Stage",
             CLOSED: "Close Date"}),
    _Format("salesforce", "Salesforce", _SALESFORCE,
            frozenset(("opportunity id", "opportunityid", "opportunity name", "stagename", "leadsource", "iswon",
                       "isclosed", "won", "opportunity currency", "currencyisocode", "createddate",
                       "opportunity owner", "account name")),
            {ID: "Opportunity ID", SOURCE: "Lead Source", STAGE: "Stage", CLOSED: "Close Date"}),
    _Format("generic", "generic", {}, frozenset(),
            {ID: "id", SOURCE: "lead_source", STAGE: "status", CLOSED: "closed"}),
)

_STATUS_WORDS = {"open": DealStatus.OPEN, "won": DealStatus.WON, "lost": DealStatus.LOST,
                 "closedwon": DealStatus.WON, "closedlost": DealStatus.LOST}
_TRUE, _FALSE = frozenset(("true", "1", "yes", "y", "t")), frozenset(("false", "0", "no", "n", "f"))
# Day, month and year as digits: "12/31/2025", "31.12.2025", with a time after it or not.
_TIME = r"(?:(?:,\s*|\s+|T)\d{1,2}:\d{2}.*)?"
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d+)" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})" + _TIME)
# A currency written in the amount: "EUR 1,200.00", "1,200.00 EUR", "€1,200".
_AMOUNT_CODE = re.compile(r"([A-Za-z]{3})\s*[\d.,]|[\d.,]\s*([A-Za-z]{3})")
_AMOUNT_SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR"}
# A comma in an amount is a thousands separator only before three digits: "12,5" is a decimal comma.
_DECIMAL_COMMA = re.compile(r",(?!\d{3}(?:\D|$))")
_FOOTER_START = re.compile(r"\s*(copyright|generated by|confidential)", re.IGNORECASE)


# --- problems --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealProblem:
    """One thing wrong with an import: where (file line, column as the header writes it), the value, and why."""

    message: str
    line: int | None = None
    column: str = ""
    value: str | None = None

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"Line {self.line}" if self.line else "",
                                            f"column '{self.column}'" if self.column else "") if part)
        return f"{where}: {self.message}" if where else self.message


class DealImportError(ValidationError):
    """The file cannot be imported as it is; `problems` lists everything wrong with it. Nothing was written."""

    def __init__(self, problems: list[DealProblem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems])

    def __str__(self) -> str:
        count = len(self.problems)
        shown = " ".join(str(problem) for problem in self.problems[:3])
        more = f" (And {count - 3:,} more.)" if count > 3 else ""
        return f"{shown}{more}"


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return f"'{value[:77]}…'" if len(value) > 80 else f"'{value}'"


# --- reading a file --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealRow:
    """One deal read from a file; `value_minor` is None when the file gives no amount."""

    line: int
    external_id: str
    name: str
    lead_source: str  # as written, spaces collapsed; "" when the deal has none
    is_referral: bool
    status: str
    created_on: date | None
    closed_on: date | None
    value_minor: int | None
    currency: str  # "" only when the deal has no amount and the file no currency for it


@dataclass
class DealsFile:
    source: str  # salesforce, hubspot, generic
    rows: list[DealRow]
    lead_source_column: str  # the column lead sources were read from, as the header writes it
    date_order: str  # MONTH_FIRST or DAY_FIRST for dates written 12/31/2025; "" when the file has none
    date_order_assumed: bool  # no date in the file told the order, and none was chosen


def is_referral_source(lead_source: str, referral_sources: Iterable[str] | None = None) -> bool:
    """Whether deals from this lead source count as referrals: one of `referral_sources` (compared ignoring case
    and spacing) when given, else any lead source mentioning a referral, an introduction or word of mouth."""
    if referral_sources is not None:
        return _source_key(lead_source) in {_source_key(s) for s in referral_sources}
    return bool(REFERRAL_PATTERN.search(" ".join(lead_source.split())))


def _source_key(lead_source: str) -> str:
    return " ".join(lead_source.split()).casefold()


def read_deals(data: bytes, *, default_currency: str, referral_sources: Iterable[str] | None = None,
               day_first: bool | None = None) -> DealsFile:
    """Read a CRM deals export. Raises DealImportError listing every problem in the file."""
    try:
        check_size(len(data))
        text = decode(data)
    except ImportTooLarge as error:
        raise DealImportError([DealProblem(str(error))]) from None
    except ImportFormatError as error:
        raise DealImportError([DealProblem(f"The file is {error.message}.", line=error.line)]) from None
    header_line, header_text, data_start = next(
        ((number, line, offset) for number, line, offset in lines(text) if not is_blank(line)), (0, "", 0))
    if not header_line:
        raise DealImportError([DealProblem("The file is empty: expected a header line with the deals' columns.")])
    delimiter = sniff_delimiter(header_text)
    header = split_line(header_text, delimiter)
    spec, columns = _columns(header)
    _check_required(spec, header, header_line, columns)
    raw_rows = _raw_rows(text[data_start:], header_line, delimiter, len(header))
    reader = _RowReader(header, columns, default_currency, referral_sources)
    written_order, assumed = _date_order(reader, raw_rows, day_first)
    rows = [row for row in (reader.read(line, cells) for line, cells in raw_rows) if row is not None]
    if CLOSED not in columns and any(row.status != DealStatus.OPEN for row in rows):
        reader.problems.append(DealProblem(
            f"No close date column (expected '{spec.names[CLOSED]}'): won and lost deals count in the period "
            f"they closed. Columns found: {_listed(header)}.", line=header_line))
    if reader.problems:
        positions = {cell.strip(): position for position, cell in reversed(list(enumerate(header)))}
        raise DealImportError(sorted(reader.problems, key=lambda p: (p.line or 0, positions.get(p.column, -1))))
    return DealsFile(spec.key, rows, header[columns[SOURCE]].strip(), written_order, assumed)


def _normalise(label: str) -> str:
    return " ".join(label.replace("\ufeff", "").replace("_", " ").split()).lower()


def _columns(header: list[str]) -> tuple[_Format, dict[str, int]]:
    """The format the header is from, and the position each field is read from."""
    labels = [_normalise(cell) for cell in header]
    spec = max(_FORMATS, key=lambda f: sum(label in f.identifying for label in labels))
    if not any(label in spec.identifying for label in labels):
        spec = _FORMATS[-1]
    ranked: dict[str, int] = {}
    for rank, label in enumerate([*spec.columns, *_GENERIC]):
        ranked.setdefault(label, rank)
    # A format's own meaning of a label wins: "Closed" is Salesforce's closed flag, and a generic file's close date.
    wanted = {**_GENERIC, **spec.columns}
    best: dict[str, tuple[int, int]] = {}
    for position, label in enumerate(labels):
        if label in wanted:
            choice = (ranked[label], position)
            best[wanted[label]] = min(best.get(wanted[label], choice), choice)
    return spec, {name: position for name, (_, position) in best.items()}


def _listed(header: list[str]) -> str:
    cells = [f"'{cell.strip()}'" for cell in header if cell.strip()]
    return ", ".join(cells) if cells else "none"


def _check_required(spec: _Format, header: list[str], line: int, columns: dict[str, int]) -> None:
    missing = []
    if ID not in columns:
        missing.append(f"No deal id column (expected '{spec.names[ID]}'): re-importing an export updates the "
                       f"deals it has by their CRM id.")
    if SOURCE not in columns:
        missing.append(f"No lead source column (expected '{spec.names[SOURCE]}'): the channel comparison needs "
                       f"each deal's lead source.")
    if STATUS not in columns and STAGE not in columns:
        missing.append(f"No stage or status column (expected '{spec.names[STAGE]}'): a deal is open, won or lost.")
    if missing:
        found = f" Columns found: {_listed(header)}."
        raise DealImportError([DealProblem(message + found, line=line) for message in missing])


def _raw_rows(text: str, header_line: int, delimiter: str, width: int) -> list[tuple[int, list[str]]]:
    """The data rows with the line each starts on, without blank rows and without a Salesforce report's footer."""
    rows: list[tuple[int, list[str]]] = []
    blanks: list[int] = []  # how many rows were kept when each blank line came
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter=delimiter)
    previous_end = header_line
    try:
        for cells in reader:
            # reader.line_num is where the record ends; a quoted newline makes it span several lines.
            line = previous_end + 1
            previous_end = header_line + reader.line_num
            if not "".join(cells).strip(' \t,;"'):
                blanks.append(len(rows))
                continue
            if len(rows) >= MAX_ROWS:
                raise DealImportError([DealProblem(
                    f"The file has more than {MAX_ROWS:,} deals: export it in parts (by close date, for "
                    f"example) and import each.", line=line)])
            rows.append((line, cells))
    except csv.Error as error:
        raise DealImportError([DealProblem(f"This is not valid CSV ({error}).", line=previous_end + 1)]) from None
    # Salesforce ends report exports with a blank line and one-cell lines: copyright, "Generated By", company.
    tail = len(rows)
    while tail and len(rows[tail - 1][1]) == 1:
        tail -= 1
    start = min((blank for blank in blanks if blank >= tail), default=None)
    if width > 1 and start is not None and any(_FOOTER_START.match(cells[0]) for _, cells in rows[start:]):
        del rows[start:]
    return rows


def _date_order(reader: _RowReader, rows: list[tuple[int, list[str]]],
                day_first: bool | None) -> tuple[str, bool]:
    """Decide how to read dates written with slashes, for the whole file: as chosen, else as the file's dates show
    (a first number over 12 is a day, a second one over 12 a month), else month first, as Salesforce and HubSpot
    write them in the US. A file that shows both orders is reported and its slashed dates are not read.

    Returns the order and whether it was assumed; ("", False) when no date has slashes."""
    seen: dict[str, tuple[int, str, str]] = {}
    slashed = False
    for line, cells in rows:
        for name in (CREATED, CLOSED):
            position = reader.columns.get(name)
            value = cells[position].strip() if position is not None and position < len(cells) else ""
            match = _NUMERIC_DATE.fullmatch(value)
            if not match or match[2] != "/":
                continue
            slashed = True
            first, second = int(match[1]), int(match[3])
            if first > 12 >= second:
                seen.setdefault(DAY_FIRST, (line, reader.label(position), value))
            elif second > 12 >= first:
                seen.setdefault(MONTH_FIRST, (line, reader.label(position), value))
    if day_first is not None:
        reader.date_order = DAY_FIRST if day_first else MONTH_FIRST
        return (reader.date_order if slashed else ""), False
    if len(seen) == 2:
        later = max(seen, key=lambda order: seen[order][0])
        earlier = DAY_FIRST if later == MONTH_FIRST else MONTH_FIRST
        (line, column, value), (earlier_line, earlier_column, earlier_value) = seen[later], seen[earlier]
        reader.problems.append(DealProblem(
            f"{_shown(value)} can only be {later}, but line {earlier_line}, column '{earlier_column}', has "
            f"{_shown(earlier_value)}, which can only be {earlier}: write every date of the file in one order "
            f"(or as YYYY-MM-DD).",
            line=line, column=column, value=value))
        reader.date_order = None
        return "", False
    reader.date_order = next(iter(seen), MONTH_FIRST)
    return (reader.date_order if slashed else ""), slashed and not seen


class _RowReader:
    """Turns one row's cells into a DealRow, noting each problem with the line, column and value."""

    def __init__(self, header: list[str], columns: dict[str, int], default_currency: str,
                 referral_sources: Iterable[str] | None):
        self.header = header
        self.columns = columns
        self.default_currency = default_currency
        self.referral_sources = [str(s) for s in referral_sources] if referral_sources is not None else None
        self.date_order: str | None = MONTH_FIRST  # None: the file mixes orders, its slashed dates are not read
        self.problems: list[DealProblem] = []
        self._referral: dict[str, bool] = {}
        self._first_line: dict[str, int] = {}

    def label(self, position: int) -> str:
        return self.header[position].strip()

    def cell(self, cells: list[str], name: str) -> str:
        position = self.columns.get(name)
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()

    def problem(self, line: int, name: str, value: str, message: str) -> None:
        self.problems.append(DealProblem(message, line=line, column=self.label(self.columns[name]), value=value))

    def read(self, line: int, cells: list[str]) -> DealRow | None:
        before = len(self.problems)
        external_id = self.cell(cells, ID)
        if not external_id:
            self.problem(line, ID, "", "empty: every deal needs its id in the CRM.")
        elif len(external_id) > MAX_ID:
            self.problem(line, ID, external_id, f"{_shown(external_id)} is longer than {MAX_ID} characters.")
        elif external_id in self._first_line:
            self.problem(line, ID, external_id, f"{_shown(external_id)} is also the id on line "
                         f"{self._first_line[external_id]}: each deal may appear once in a file.")
        else:
            self._first_line[external_id] = line
        name = self.cell(cells, NAME)
        if len(name) > MAX_NAME:
            self.problem(line, NAME, name, f"{_shown(name)} is longer than {MAX_NAME} characters.")
        lead_source = " ".join(self.cell(cells, SOURCE).split())
        if len(lead_source) > MAX_SOURCE:
            self.problem(line, SOURCE, lead_source, f"{_shown(lead_source)} is longer than {MAX_SOURCE} characters.")
        status = self._status(line, cells)
        created_on = self._date(line, cells, CREATED)
        closed_on = self._date(line, cells, CLOSED)
        if status in (DealStatus.WON, DealStatus.LOST) and closed_on is None and CLOSED in self.columns \
                and not self.cell(cells, CLOSED):
            self.problem(line, CLOSED, "", f"empty: a {status} deal counts in the period it closed.")
        value_minor, currency = self._money(line, cells)
        if len(self.problems) > before:
            return None
        if lead_source not in self._referral:
            self._referral[lead_source] = is_referral_source(lead_source, self.referral_sources)
        return DealRow(line, external_id, name, lead_source, self._referral[lead_source], status, created_on,
                       closed_on, value_minor, currency)

    def _status(self, line: int, cells: list[str]) -> str | None:
        if value := self.cell(cells, STATUS):
            status = _STATUS_WORDS.get(re.sub(r"[^a-z]", "", value.lower()))
            if status is None:
                self.problem(line, STATUS, value, f"{_shown(value)} is not a status: use open, won or lost.")
            return status
        won, closed = self._flag(line, cells, WON), self._flag(line, cells, CLOSED_FLAG)
        if won:
            return DealStatus.WON
        if closed is not None:
            return DealStatus.LOST if closed else DealStatus.OPEN
        stage = self.cell(cells, STAGE)
        if STAGE not in self.columns:
            if STATUS in self.columns:
                self.problem(line, STATUS, "", "empty: say whether the deal is open, won or lost.")
            return None
        if not stage:
            self.problem(line, STAGE, "", "empty: every deal is at a stage (a won or lost one when it is closed).")
            return None
        status = stage_status(stage)
        if status is None:
            self.problem(line, STAGE, stage, f"{_shown(stage)} says both won and lost.")
        return status

    def _flag(self, line: int, cells: list[str], name: str) -> bool | None:
        value = self.cell(cells, name)
        if not value:
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.problem(line, name, value, f"{_shown(value)} is not true or false.")
        return None

    def _date(self, line: int, cells: list[str], name: str) -> date | None:
        value = self.cell(cells, name)
        if not value:
            return None
        if match := _NUMERIC_DATE.fullmatch(value):
            first, separator, second, year = int(match[1]), match[2], int(match[3]), match[4]
            if len(year) != 4:
                self.problem(line, name, value, f"{_shown(value)}: write the year with four digits.")
                return None
            if separator == "/" and self.date_order is None:
                return None  # the file mixes orders: reported once, not on every date
            # Dots are a European layout: always day first.
            order = DAY_FIRST if separator == "." else self.date_order
            day, month = (first, second) if order == DAY_FIRST else (second, first)
            try:
                return date(int(year), month, day)
            except ValueError:
                self.problem(line, name, value, f"{_shown(value)} is not a date read as {order}"
                             f"{', the order of this file' if separator == '/' else ''}.")
                return None
        match = _YEAR_FIRST.fullmatch(value)
        parsed = parse_date(f"{match[1]}-{match[3]}-{match[4]}" if match else value)
        if parsed is None:
            self.problem(line, name, value, f"{_shown(value)} is not a date: write YYYY-MM-DD "
                         f"(or the CRM's 12/31/2025, 31/12/2025, 31 Dec 2025).")
        return parsed

    def _money(self, line: int, cells: list[str]) -> tuple[int | None, str]:
        amount, written = self.cell(cells, AMOUNT), self.cell(cells, CURRENCY)
        currency = ""
        if written:
            try:
                currency = check_currency(written)
            except MoneyError:
                self.problem(line, CURRENCY, written,
                             f"{_shown(written)} is not an ISO 4217 currency code (for example USD, EUR, GBP).")
                return None, ""
        if not amount:
            return None, currency
        in_amount = _currency_in(amount)
        if in_amount and currency and in_amount != currency:
            self.problem(line, AMOUNT, amount, f"{_shown(amount)} is in {in_amount}, but column "
                         f"'{self.label(self.columns[CURRENCY])}' says {currency}.")
            return None, ""
        currency = currency or in_amount or self.default_currency
        try:
            money = parse_amount(amount, currency)
        except MoneyError as error:
            message = str(error)
            if amount not in message:
                message = f"{_shown(amount)}: {message}"
            self.problem(line, AMOUNT, amount, message)
            return None, ""
        if _DECIMAL_COMMA.search(amount):
            # parse_amount takes every comma for a thousands separator: "12,5" would be read as 125.
            self.problem(line, AMOUNT, amount, f"{_shown(amount)} has a decimal comma: write amounts with a "
                         f"decimal point (12.50), commas only between thousands.")
            return None, ""
        return money.minor, currency


def stage_status(stage: str) -> str | None:
    """What a CRM stage means: won ("Closed Won", "closedwon", "Won"), lost ("Closed Lost", "Lost") or open (any
    other stage). None for a stage that says both."""
    words = set(re.findall(r"[a-z]+", stage.lower().replace("'", "").replace("’", "")))
    joined = re.sub(r"[^a-z]", "", stage.lower())
    won = "won" in words or "closedwon" in joined
    lost = "lost" in words or "closedlost" in joined
    if won and lost:
        return None
    return DealStatus.WON if won else DealStatus.LOST if lost else DealStatus.OPEN


def _currency_in(amount: str) -> str:
    """The currency an amount names itself, by ISO code or an unambiguous symbol; "" when it names none."""
    for symbol, code in _AMOUNT_SYMBOLS.items():
        if symbol in amount:
            return code
    if match := _AMOUNT_CODE.search(amount):
        code = (match[1] or match[2]).upper()
        if code in CURRENCIES:
            return code
    return ""


# --- the import ------------------------------------------------------------------------------------------


@dataclass
class LeadSourceCount:
    lead_source: str  # "" for deals without one
    is_referral: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def deals(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class DealImportResult:
    """What an import wrote: every deal of the file is created, updated or unchanged, nothing else."""

    filename: str
    source: str  # salesforce, hubspot, generic
    lead_source_column: str
    date_order: str  # MONTH_FIRST, DAY_FIRST or "" (no dates written with slashes)
    date_order_assumed: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_lead_source: list[LeadSourceCount] = field(default_factory=list)

    @property
    def deals(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def referral_sources(self) -> list[str]:
        """The file's lead sources whose deals count as referrals."""
        return [count.lead_source for count in self.by_lead_source if count.is_referral]

    def headline(self) -> str:
        source = {"salesforce": "Salesforce", "hubspot": "HubSpot"}.get(self.source, "CSV")
        return (f"{self.deals:,} deal{'s' if self.deals != 1 else ''} read from the {source} export: "
                f"{self.created:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged.")


_COMPARED = ("name", "lead_source", "is_referral", "status", "created_on", "closed_on", "value_minor", "currency")


def import_deals(actor: Membership, data: bytes, *, filename: str = "", referral_sources: Iterable[str] | None = None,
                 day_first: bool | None = None, at: datetime | None = None) -> DealImportResult:
    """Import a CRM deals export into the actor's workspace: new ids are created, known ones updated, all in one
    transaction. Deals the file does not mention are left as they are. Admins and managers only.

    `referral_sources` names the lead sources that count as referrals (default: `REFERRAL_PATTERN`); `day_first`
    says how to read 01/02/2026 when the file's own dates do not tell. Raises DealImportError, listing every
    problem, and writes nothing, when any row is wrong.
    """
    if actor.role not in (Role.ADMIN, Role.MANAGER) or not actor.is_active:
        raise PermissionDenied("Only admins and managers import the CRM's deals.")
    if referral_sources is not None:
        if not isinstance(referral_sources, (list, tuple, set, frozenset)) or not all(
                isinstance(s, str) for s in referral_sources):
            raise DealImportError([DealProblem("The referral lead sources are a list of names.",
                                               column="referral_sources")])
        referral_sources = [s for s in referral_sources if s.strip()]
    currency = Workspace.objects.values_list("currency", flat=True).get(pk=actor.workspace_id)
    parsed = read_deals(data, default_currency=currency, referral_sources=referral_sources, day_first=day_first)
    now = at or timezone.now()
    result = DealImportResult(filename[:255], parsed.source, parsed.lead_source_column, parsed.date_order,
                              parsed.date_order_assumed)
    counts: dict[str, LeadSourceCount] = {}
    with transaction.atomic():
        # Two imports of one workspace at once would both create the same new ids (SQLite's writes are serial).
        workspace = Workspace.objects.select_for_update().only("pk").get(pk=actor.workspace_id)
        existing: dict[str, Deal] = {}
        for chunk in in_chunks([row.external_id for row in parsed.rows]):
            existing.update((deal.external_id, deal) for deal in
                            Deal.objects.filter(workspace_id=workspace.pk, external_id__in=chunk))
        new, changed = [], []
        for row in parsed.rows:
            values = {name: getattr(row, name) for name in _COMPARED}
            count = counts.setdefault(row.lead_source, LeadSourceCount(row.lead_source, row.is_referral))
            deal = existing.get(row.external_id)
            if deal is None:
                new.append(Deal(workspace_id=workspace.pk, external_id=row.external_id, imported_at=now,
                                created_at=now, created_by=actor.user, created_via=Channel.IMPORT, **values))
                count.created += 1
            elif any(getattr(deal, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(deal, name, value)
                deal.imported_at = now
                changed.append(deal)
                count.updated += 1
            else:
                count.unchanged += 1
        Deal.objects.bulk_create(new, batch_size=1000)
        Deal.objects.bulk_update(changed, [*_COMPARED, "imported_at"], batch_size=500)
    result.created, result.updated = len(new), len(changed)
    result.unchanged = len(parsed.rows) - result.created - result.updated
    result.by_lead_source = sorted(counts.values(), key=lambda c: (-c.deals, _source_key(c.lead_source)))
    return result
