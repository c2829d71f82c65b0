"""Turning parsed contact records into people, companies, relationships and evidence, with entity resolution.

One import is one transaction: parse first (outside it, reporting progress),
then resolve every row against the workspace and write everything at once.
Resolution order: LinkedIn profile, email, CRM id, then the fuzzy scorer on
candidates sharing a blocking key. Rows that clear the merge threshold are
created and then merged (so the merge can be undone); uncertain pairs go to
the review queue.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from warmline.core.choices import Channel
from warmline.core.models import Membership, Workspace, new_public_id, new_public_ids
from warmline.network import bulk, resolution
from warmline.network import changes as graph_changes
from warmline.network import strength as strength_rules
from warmline.network.choices import EvidenceSource, ImportFormat, ImportStatus, RelationshipKind
from warmline.network.importers.contacts import parse_contacts
from warmline.network.importers.linkedin import parse_linkedin
from warmline.network.importers.records import ContactRecord, ImportFormatError, ParseResult, SkippedRow
from warmline.network.importers.vcard import parse_vcard
from warmline.network.models import (
    Company,
    Evidence,
    ExternalId,
    ImportRun,
    MatchCandidate,
    Person,
    PersonEmail,
    Relationship,
)
from warmline.network.titles import seniority_for

log = logging.getLogger("warmline.imports")

# Formats that read someone's personal network: they need an owner, and the
# people they bring stay unlisted (visible by their owner's sharing choice).
PERSONAL_FORMATS = {ImportFormat.LINKEDIN, ImportFormat.VCARD}
# CRM exports are company data: their people are listed for everyone.
CRM_FORMATS = {ImportFormat.HUBSPOT, ImportFormat.SALESFORCE}
EVIDENCE_SOURCE = {
    ImportFormat.LINKEDIN: EvidenceSource.LINKEDIN,
    ImportFormat.VCARD: EvidenceSource.VCARD,
}
KIND_FOR_FORMAT = {
    ImportFormat.LINKEDIN: RelationshipKind.SOCIAL,
    ImportFormat.VCARD: RelationshipKind.SOCIAL,
    ImportFormat.GOOGLE: RelationshipKind.SOCIAL,
    ImportFormat.GENERIC: RelationshipKind.SOCIAL,
    ImportFormat.HUBSPOT: RelationshipKind.CLIENT_CONTACT,
    ImportFormat.SALESFORCE: RelationshipKind.CLIENT_CONTACT,
}
COMPANY, PERSON, EMAIL = Company._meta.db_table, Person._meta.db_table, PersonEmail._meta.db_table
RELATIONSHIP, EVIDENCE = Relationship._meta.db_table, Evidence._meta.db_table
# Contacts of one CRM account know each other; past this size the company's
# employee list (not a clique of ties) says who works with whom.
SAME_ACCOUNT_TIE_LIMIT = 10


class ImportTooLarge(ValueError):
    pass


@dataclass
class ImportSummary:
    rows_read: int = 0
    people_created: int = 0
    people_matched: int = 0
    companies_created: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    rows_skipped: int = 0
    skipped: list[dict] = field(default_factory=list)
    merged_automatically: int = 0
    sent_to_review: int = 0

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def created_anything(self) -> bool:
        return bool(self.people_created or self.companies_created or self.relationships_created)

    def headline(self) -> str:
        if not self.created_anything and not self.relationships_updated:
            return (
                f"Nothing new: {_count(self.rows_read - self.rows_skipped, 'row')} matched people and "
                f"relationships already in the workspace."
            )
        return (
            f"{_count(self.rows_read, 'row')} read: {_count(self.people_created, 'person', 'people')} created, "
            f"{self.people_matched:,} matched, {_count(self.companies_created, 'company', 'companies')} created, "
            f"{_count(self.relationships_created, 'relationship')} created, {self.relationships_updated:,} updated, "
            f"{_count(self.rows_skipped, 'row')} skipped."
        )


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def max_import_bytes() -> int:
    from django.conf import settings

    return settings.WARMLINE_IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    limit = max_import_bytes()
    if size > limit:
        raise ImportTooLarge(
            f"The file is {size:,} bytes; the limit is {limit:,} bytes (setting WARMLINE_IMPORT_MAX_BYTES)."
        )


def parse(fmt: str, data: bytes, mapping: dict | None = None, progress: Callable[[int], None] | None = None):
    """Parse `data` in the declared format. Raises ImportFormatError if it is not that format."""
    if fmt == ImportFormat.LINKEDIN:
        return parse_linkedin(data, progress=progress)
    if fmt == ImportFormat.VCARD:
        return parse_vcard(data, progress=progress)
    return parse_contacts(data, fmt, mapping or None, progress=progress)


# --- the run -----------------------------------------------------------------------------


def execute(
    run: ImportRun,
    data: bytes,
    *,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str, int], None] | None = None,
) -> ImportSummary:
    """Run an import: parse, then resolve and write in one transaction. The run records the outcome.

    Raises ImportFormatError (nothing written, run marked failed) when the file is not the declared format.
    """
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.RUNNING, stage="Reading rows", started_at=now, heartbeat_at=now
    )
    try:
        check_size(len(data))
        parsed = parse(run.format, data, run.mapping, progress=progress)
    except (ImportFormatError, ImportTooLarge) as error:
        _fail(run, error)
        raise
    ImportRun.objects.filter(pk=run.pk).update(
        stage="Matching and saving", rows_read=parsed.rows_read, heartbeat_at=timezone.now()
    )
    if stage is not None:
        stage("Matching and saving", parsed.rows_read)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Imports touch index pages all over a large network: give this connection a 256 MB page cache.
            cursor.execute("PRAGMA cache_size=-262144")
            # An import dirties a few thousand pages, so the default (a checkpoint every 1,000 pages) ran one in
            # nearly every commit, writing the same index pages again and again: one every IMPORT_CHECKPOINT_PAGES
            # writes each page once per several imports. The worker checkpoints when idle (sqlite_checkpoint).
            cursor.execute(f"PRAGMA wal_autocheckpoint={IMPORT_CHECKPOINT_PAGES}")
    with transaction.atomic():
        workspace = _lock_workspace(run.workspace_id)
        owner = None
        if run.owner_id:
            owner = Membership.objects.select_related("user", "workspace").get(pk=run.owner_id)
        summary = import_records(
            workspace, parsed, fmt=run.format, owner=owner, actor_id=run.created_by_id, run_id=run.pk
        )
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.DONE,
            stage="",
            summary=summary.as_dict(),
            rows_read=summary.rows_read,
            payload=b"",
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    refresh_statistics()
    return summary


# 20,000 pages of 4 KiB: the write-ahead log grows to about 80 MB between checkpoints during an import.
IMPORT_CHECKPOINT_PAGES = 20_000


def sqlite_checkpoint() -> None:
    """Copy the write-ahead log into the database now, without waiting for readers (SQLite only).

    The worker calls this when it has nothing to do, so that the checkpoints imports put
    off are not left for the next web request's commit.
    """
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except DatabaseError:
        log.warning("could not checkpoint the SQLite write-ahead log", exc_info=True)


GROWING_TABLES = (PERSON, EMAIL, COMPANY, RELATIONSHIP, EVIDENCE, ExternalId._meta.db_table)


def refresh_statistics() -> None:
    """Keep the planner's statistics current while imports grow the network.

    With statistics from when a table was small, the lookups of the next import
    become sequential scans (seen: 200 ms instead of 5 ms per lookup on PostgreSQL
    at a million rows). Autovacuum catches up too slowly during a bulk onboarding.
    """
    try:
        # In a write transaction from the start: on SQLite, an ANALYZE that began as a reader could not
        # become a writer once another worker had committed ("database is locked").
        with transaction.atomic(), connection.cursor() as cursor:
            _analyze(cursor)
    except DatabaseError:
        # Only statistics: the import itself is committed, and the next one refreshes them.
        log.warning("could not refresh planner statistics after an import", exc_info=True)


def _analyze(cursor) -> None:
    if connection.vendor == "sqlite":
        # A sampled ANALYZE, only of tables whose size changed a lot.
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize")
        return
    cursor.execute(
        "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
        "AND n_mod_since_analyze > 1000 + 0.2 * n_live_tup",
        [list(GROWING_TABLES)],
    )
    for (table,) in cursor.fetchall():
        cursor.execute(f'ANALYZE "{table}"')


def _fail(run: ImportRun, error: Exception) -> None:
    line = getattr(error, "line", None)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.FAILED,
        stage="",
        error=str(error)[:500],
        error_line=line,
        payload=b"",
        finished_at=timezone.now(),
    )


def fail_unexpectedly(run: ImportRun, error: Exception) -> None:
    """A bug or an outage, not bad input: the run says so rather than staying 'running'."""
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.FAILED,
        stage="",
        error=f"The import stopped on an internal error ({type(error).__name__}); nothing was saved.",
        finished_at=timezone.now(),
    )


def _lock_workspace(workspace_id: int) -> Workspace:
    # Imports of one workspace resolve against each other's results, so they run one at a time.
    # SQLite's write transactions are already exclusive.
    if connection.vendor == "postgresql":
        return Workspace.objects.select_for_update().get(pk=workspace_id)
    return Workspace.objects.get(pk=workspace_id)


# --- resolution and writing ----------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    rec: ContactRecord
    first: str
    last: str
    full: str
    name_key: str
    block_key: str
    slug: str
    emails: list[str]
    company_id: int | None = None
    person_id: int | None = None


def _prepare(rec: ContactRecord) -> _Row | SkippedRow:
    first, last, full = resolution.clean_person_name(rec.first_name, rec.last_name, rec.full_name)
    if not (first or last or full):
        return SkippedRow(rec.line, "missing name")
    emails = []
    for raw in rec.emails:
        email = resolution.normalize_email(raw)
        if email and email not in emails:
            emails.append(email)
    return _Row(
        rec=rec,
        first=first[:100],
        last=last[:100],
        full=(full or f"{first} {last}".strip())[:200],
        name_key=resolution.name_key(first, last or full)[:200],
        block_key=resolution.block_key(first, last or full)[:120],
        slug=resolution.linkedin_slug(rec.linkedin_url)[:200] if rec.linkedin_url else "",
        emails=emails,
    )


class _Importer:
    """Holds the lookups of one import. Not reusable across imports."""

    def __init__(self, workspace: Workspace, fmt: str, owner: Membership | None, actor_id, run_id):
        self.workspace = workspace
        self.ws = workspace.pk
        self.fmt = fmt
        self.owner = owner
        self.actor_id = actor_id
        self.run_id = run_id
        self.now = timezone.now()
        self.today = self.now.date()
        self.db_now = bulk.db_datetime(self.now)
        self.summary = ImportSummary()
        self.listed = owner is None or fmt in CRM_FORMATS
        self.channel = Channel.IMPORT
        self.strength_cache: dict = {}

    # companies ---------------------------------------------------------------------------

    def resolve_companies(self, rows: list[_Row]) -> None:
        refs = {}
        row_refs = []
        for row in rows:
            rec = row.rec
            domain = resolution.normalize_domain(rec.company_domain) if rec.company_domain else ""
            key = resolution.company_key(rec.company)[:200] if rec.company else ""
            if not key and domain:
                key = resolution.company_key(domain)[:200]
            if not key and not rec.account_id:
                row_refs.append(None)
                continue
            ref = (rec.account_id, domain, key)
            row_refs.append(ref)
            refs.setdefault(ref, (rec.company or domain or rec.account_id)[:200])
        if not refs:
            return
        accounts = {a for a, _, _ in refs if a}
        domains = {d for _, d, _ in refs if d}
        # A company known only by its account id takes the id, as written, for its key: ids differ by case.
        keys = {k or a[:200] for a, _, k in refs}
        by_account: dict[str, int] = {}
        for chunk in bulk.in_chunks(sorted(accounts)):
            by_account.update(
                ExternalId.objects.filter(workspace=self.ws, system=self.fmt, value__in=chunk, company__isnull=False)
                .values_list("value", "company_id")
            )
        # The NOT (domain = '') term repeats the partial unique index's predicate, so SQLite uses it.
        by_domain: dict[str, int] = dict(bulk.select_in(
            f"SELECT domain, id FROM {COMPANY} WHERE workspace_id = %s AND NOT (\"domain\" = '') AND domain IN",
            domains, [self.ws],
        ))
        by_key: dict[str, int] = {}
        without_domain: set[int] = set()
        found = bulk.select_in(f"SELECT name_key, id, domain FROM {COMPANY} WHERE workspace_id = %s AND name_key IN",
                               keys, [self.ws])
        for key, pk, domain in sorted(found, key=lambda row: -row[1]):
            by_key[key] = pk  # the oldest company wins
            if not domain:
                without_domain.add(pk)
        new_companies, new_account_ids, domain_updates = [], [], []
        resolved: dict[tuple, int] = {}
        for ref, name in refs.items():
            account, domain, key = ref
            key = key or account[:200]
            pk = by_account.get(account) if account else None
            if pk is None and domain:
                pk = by_domain.get(domain)
            if pk is None and key:
                pk = by_key.get(key)
                if pk is not None and domain and pk in without_domain and domain not in by_domain:
                    domain_updates.append((domain, pk))
                    without_domain.discard(pk)
                    by_domain[domain] = pk
            if pk is None:
                # Negative placeholder ids until real ids are allocated for the batch.
                pk = -(len(new_companies) + 1)
                new_companies.append((name, key[:200] or "company", domain))
                if domain:
                    by_domain[domain] = pk
                if key:
                    by_key[key] = pk
                elif not domain:
                    without_domain.add(pk)
            if account and account not in by_account:
                by_account[account] = pk
                new_account_ids.append((self.ws, self.fmt, account[:200], None, pk))
            resolved[ref] = pk
        real = {-(i + 1): pk for i, pk in enumerate(bulk.allocate_ids(Company, len(new_companies)))}
        public_ids = new_public_ids(len(new_companies))
        tags = bulk.db_json([])
        bulk.insert(Company, ["id", "workspace", "public_id", "created_at", "created_by", "created_via", "name",
                              "name_key", "domain", "industry", "employee_count", "size_band", "country", "region",
                              "city", "tags", "relation", "nps", "health"],
                    [(real[-(i + 1)], self.ws, public_ids[i], self.db_now, self.actor_id, self.channel, name, key,
                      domain, "", None, "", "", "", "", tags, "", None, "")
                     for i, (name, key, domain) in enumerate(new_companies)])
        bulk.update(Company, ["domain"], domain_updates)
        bulk.insert(ExternalId, ["workspace", "system", "value", "person", "company"],
                    [(w, s, v, p, real.get(c, c)) for w, s, v, p, c in new_account_ids])
        for row, ref in zip(rows, row_refs, strict=True):
            pk = resolved.get(ref)
            row.company_id = real.get(pk, pk)
        self.summary.companies_created = len(new_companies)

    # people ------------------------------------------------------------------------------

    def resolve_people(self, rows: list[_Row]) -> None:
        slugs = {r.slug for r in rows if r.slug}
        emails = {e for r in rows for e in r.emails}
        ext_ids = {r.rec.external_id for r in rows if r.rec.external_id}
        ext_ids |= {r.rec.reports_to_id for r in rows if r.rec.reports_to_id}
        self.by_slug: dict[str, int] = dict(bulk.select_in(
            f"SELECT linkedin_slug, id FROM {PERSON} WHERE workspace_id = %s AND NOT (\"linkedin_slug\" = '') "
            "AND linkedin_slug IN", slugs, [self.ws],
        ))
        self.by_email: dict[str, int] = dict(bulk.select_in(
            f"SELECT email, person_id FROM {EMAIL} WHERE workspace_id = %s AND email IN", emails, [self.ws]
        ))
        self.by_ext: dict[str, int] = {}
        for chunk in bulk.in_chunks(sorted(ext_ids)):
            self.by_ext.update(
                ExternalId.objects.filter(workspace=self.ws, system=self.fmt, value__in=chunk, person__isnull=False)
                .values_list("value", "person_id")
            )
        existing_ids = set(self.by_slug.values()) | set(self.by_email.values()) | set(self.by_ext.values())
        columns = ("id", "linkedin_slug", "linkedin_url", "company_id", "title", "phone", "function", "city",
                   "region", "country", "listed", "membership_id", "full_name", "merged_into_id")
        found = bulk.select_in(f"SELECT {', '.join(columns)} FROM {PERSON} WHERE id IN", existing_ids)
        self.existing: dict[int, dict] = {row[0]: dict(zip(columns, row, strict=True)) for row in found}

        unresolved = [r for r in rows if not self._deterministic(r)]
        self.blocks = self._load_blocks(unresolved)
        self.new_people: list[_Row] = []
        self.auto_merges: list[tuple[int, int, float, tuple]] = []
        self.review: list[tuple[int, int, float, tuple]] = []
        self.new_emails: list[tuple[int, str]] = []
        self.new_ext: list[tuple[int, str]] = []
        self.updates: dict[int, dict] = {}
        next_placeholder = -1
        company_keys = self._company_keys(rows)
        for row in rows:
            pid = self._deterministic(row)
            if pid is not None:
                self.summary.people_matched += 1
                row.person_id = pid
                self._enrich(row, pid)
            else:
                row.person_id = next_placeholder
                next_placeholder -= 1
                self.new_people.append(row)
                self.summary.people_created += 1
                self._fuzzy(row, company_keys)
            self._register_keys(row)
        ids = bulk.allocate_ids(Person, len(self.new_people))
        self.person_ids = {-(i + 1): pk for i, pk in enumerate(ids)}
        for row in rows:
            row.person_id = self.person_ids.get(row.person_id, row.person_id)

    def _deterministic(self, row: _Row) -> int | None:
        if row.slug and row.slug in self.by_slug:
            return self.by_slug[row.slug]
        for email in row.emails:
            if email in self.by_email:
                return self.by_email[email]
        ext = row.rec.external_id
        if ext and ext in self.by_ext:
            return self.by_ext[ext]
        return None

    def _register_keys(self, row: _Row) -> None:
        pid = row.person_id
        if row.slug and row.slug not in self.by_slug:
            # An existing person holds the slug only if _enrich just gave it to them.
            if pid < 0 or self.existing.get(pid, {}).get("linkedin_slug") == row.slug:
                self.by_slug[row.slug] = pid
        for email in row.emails:
            if email not in self.by_email:
                self.by_email[email] = pid
                self.new_emails.append((pid, email))
        ext = row.rec.external_id
        if ext and ext not in self.by_ext:
            self.by_ext[ext] = pid
            self.new_ext.append((pid, ext))

    def _enrich(self, row: _Row, pid: int) -> None:
        """Fill what an existing person lacks; a LinkedIn export also says where they work now."""
        current = self.existing.get(pid)
        if current is None:  # created earlier in this same file
            return
        rec = row.rec
        changes = self.updates.setdefault(pid, {})
        if row.slug and not current["linkedin_slug"] and self.by_slug.get(row.slug) in (None, pid):
            changes["linkedin_slug"] = row.slug
            changes["linkedin_url"] = rec.linkedin_url[:400]
            current["linkedin_slug"] = row.slug
        authoritative = self.fmt == ImportFormat.LINKEDIN
        if row.company_id and (authoritative or not current["company_id"]) and current["company_id"] != row.company_id:
            changes["company_id"] = row.company_id
        for name, value in (("title", rec.title), ("phone", rec.phones[0] if rec.phones else ""),
                            ("function", rec.department), ("city", rec.city), ("region", rec.region),
                            ("country", rec.country)):
            if value and (not current[name] or (authoritative and name == "title" and current[name] != value)):
                changes[name] = value
        if self.listed and not current["listed"]:
            changes["listed"] = True
        if not changes:
            del self.updates[pid]

    def _company_keys(self, rows: list[_Row]) -> dict[int, str]:
        ids = {r.company_id for r in rows if r.company_id and r.company_id > 0}
        return dict(bulk.select_in(f"SELECT id, name_key FROM {COMPANY} WHERE id IN", ids))

    def _load_blocks(self, rows: list[_Row]) -> dict[str, list[tuple]]:
        """Candidates for fuzzy matching: people sharing a blocking key, minus certain mismatches."""
        with_slug = {r.block_key for r in rows if r.block_key and r.slug}
        without_slug = {r.block_key for r in rows if r.block_key and not r.slug} 
        blocks: dict[str, list[tuple]] = defaultdict(list)
        fields = ("id", "block_key", "first_name", "last_name", "company__name_key", "title", "linkedin_slug")
        # Two people with different LinkedIn profiles are different people, so a row that has a
        # profile only needs candidates that have none.
        for keys, slugless in ((without_slug, False), (with_slug - without_slug, True)):
            for chunk in bulk.in_chunks(sorted(keys)):
                query = Person.objects.filter(workspace=self.ws, block_key__in=chunk, merged_into__isnull=True)
                if slugless:
                    # A literal, so that the planner can use the partial index person_block_no_slug.
                    query = query.extra(where=[f'"{Person._meta.db_table}"."linkedin_slug" = \'\''])
                for values in query.values_list(*fields):
                    blocks[values[1]].append(values)
        return blocks

    def _fuzzy(self, row: _Row, company_keys: dict[int, str]) -> None:
        company_key = company_keys.get(row.company_id, "") if row.company_id else ""
        best = None
        candidates = self.blocks.get(row.block_key)
        me = None
        for pid, _, first, last, c_key, title, slug in candidates or ():
            if row.slug and slug:
                continue
            if me is None:
                me = resolution.Candidate(
                    first=row.first, last=row.last or row.full, company_key=company_key, title=row.rec.title,
                    linkedin_slug=row.slug,
                )
            result = resolution.match(me, resolution.Candidate(
                first=first, last=last, company_key=c_key or "", title=title, linkedin_slug=slug))
            if result.score >= resolution.REVIEW_THRESHOLD and (best is None or result.score > best[1].score):
                best = (pid, result)
        if best is not None:
            pid, result = best
            pair = (pid, row.person_id, result.score, tuple(result.reasons))
            if result.score >= resolution.MERGE_THRESHOLD:
                self.auto_merges.append(pair)
            else:
                self.review.append(pair)
        # Later rows of this file may match this one.
        if row.block_key:
            self.blocks[row.block_key].append(
                (row.person_id, row.block_key, row.first, row.last or row.full, company_key, row.rec.title, row.slug)
            )

    def write_people(self) -> None:
        rows = []
        listed = self.listed
        no_tags = bulk.db_json([])
        public_ids = new_public_ids(len(self.new_people))
        for row, public_id in zip(self.new_people, public_ids, strict=True):
            rec = row.rec
            pid = self.person_ids[row.person_id] if row.person_id < 0 else row.person_id
            rows.append((
                pid, self.ws, public_id, self.db_now, self.actor_id, self.channel, row.first, row.last,
                row.full, row.name_key, row.block_key, rec.linkedin_url[:400] if row.slug else "", row.slug,
                rec.phones[0][:60] if rec.phones else "", rec.title[:200], rec.department[:120],
                seniority_for(rec.title), row.company_id, rec.country[:100], rec.region[:100], rec.city[:100],
                rec.notes, no_tags, False, listed, self.db_now,
            ))
        bulk.insert(Person, [
            "id", "workspace", "public_id", "created_at", "created_by", "created_via", "first_name", "last_name",
            "full_name", "name_key", "block_key", "linkedin_url", "linkedin_slug", "phone", "title", "function",
            "seniority", "company", "country", "region", "city", "notes", "tags", "do_not_ask", "listed", "updated_at",
        ], rows)
        fix = self.person_ids.get
        bulk.insert(PersonEmail, ["workspace", "person", "email"],
                    [(self.ws, fix(pid, pid), email) for pid, email in self.new_emails])
        bulk.insert(ExternalId, ["workspace", "system", "value", "person", "company"],
                    [(self.ws, self.fmt, ext[:200], fix(pid, pid), None) for pid, ext in self.new_ext])
        for pid, changes in self.updates.items():
            changes["updated_at"] = self.db_now
            if "title" in changes:
                changes["seniority"] = seniority_for(changes["title"])
            columns = sorted(changes)
            bulk.update(Person, columns, [tuple(changes[c] for c in columns) + (pid,)])
        review_rows = []
        for kept, new, score, reasons in self.review:
            a, b = sorted((fix(kept, kept), fix(new, new)))
            review_rows.append((self.ws, new_public_id(), self.db_now, self.actor_id, self.channel, a, b, score,
                                bulk.db_json(list(reasons)), "open"))
        bulk.insert(MatchCandidate, ["workspace", "public_id", "created_at", "created_by", "created_via", "person_a",
                                     "person_b", "score", "reasons", "status"], review_rows)
        self.summary.sent_to_review = len(review_rows)

    # relationships -------------------------------------------------------------------------

    def ties(self, rows: list[_Row]) -> list[tuple]:
        """(person, person, kind, owner id, source, key, on, detail) for every tie the rows evidence."""
        ties = []
        owner_pid = None
        if self.owner is not None:
            owner_pid = self.owner_person_id
            source = EVIDENCE_SOURCE.get(self.fmt, EvidenceSource.CONTACTS)
            kind = KIND_FOR_FORMAT[self.fmt]
            owner_name = self.owner.user.display_name
            label = ImportFormat(self.fmt).label
            employees = self._employee_person_ids({r.person_id for r in rows})
            details: dict = {}
            for row in rows:
                if row.person_id == owner_pid:
                    continue
                if self.fmt == ImportFormat.LINKEDIN:
                    on = row.rec.connected_on
                    detail = details.get(on)
                    if detail is None:
                        detail = details[on] = f"Connected on LinkedIn {on:%d %b %Y}" if on else "Connected on LinkedIn"
                    key = "linkedin"
                else:
                    on = self.today
                    detail = f"In {owner_name}'s contacts ({label})"
                    key = self.fmt
                if row.person_id in employees:
                    ties.append((owner_pid, row.person_id, RelationshipKind.COLLEAGUE, None, source, key, on, detail))
                else:
                    ties.append((owner_pid, row.person_id, kind, self.owner.pk, source, key, on, detail))
        # Ties between outside people that a CRM export states.
        label = ImportFormat(self.fmt).label.split(" ")[0]
        names = {r.person_id: r.full for r in rows}
        for row in rows:
            manager = self.by_ext.get(row.rec.reports_to_id) if row.rec.reports_to_id else None
            if manager is not None:
                manager = self.person_ids.get(manager, manager)
                if manager != row.person_id:
                    who = names.get(manager, "their manager")
                    ties.append((row.person_id, manager, RelationshipKind.COLLEAGUE, None, EvidenceSource.CONTACTS,
                                 f"{self.fmt}:reports_to", self.today, f"{row.full} reports to {who} ({label})"))
        accounts: dict[str, list[_Row]] = defaultdict(list)
        for row in rows:
            if row.rec.account_id:
                accounts[row.rec.account_id].append(row)
        for account, members in accounts.items():
            people = sorted({r.person_id for r in members})
            if 1 < len(people) <= SAME_ACCOUNT_TIE_LIMIT:
                for i, a in enumerate(people):
                    for b in people[i + 1:]:
                        ties.append((a, b, RelationshipKind.COLLEAGUE, None, EvidenceSource.CONTACTS,
                                     f"{self.fmt}:account", self.today, f"Same account in {label} ({account})"))
        return ties

    def _employee_person_ids(self, ids: set[int]) -> set[int]:
        return {pid for pid in ids if self.existing.get(pid, {}).get("membership_id")}

    def write_ties(self, ties: list[tuple]) -> None:
        specs: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        seen = set()
        for p1, p2, kind, owner_id, source, key, on, detail in ties:
            a, b = (p1, p2) if p1 < p2 else (p2, p1)
            if (a, b, source, key) in seen:
                continue
            seen.add((a, b, source, key))
            specs[(a, b)].append((kind, owner_id, source, key, on, detail))
        found = bulk.select_pairs(
            f"SELECT r.id, r.person_a_id, r.person_b_id FROM (VALUES {{values}}) v "
            f"JOIN {RELATIONSHIP} r ON r.person_a_id = v.column1 AND r.person_b_id = v.column2",
            specs,
        )
        existing: dict[tuple[int, int], int] = {(a, b): pk for pk, a, b in found}
        have_evidence = set(bulk.select_in(
            f"SELECT relationship_id, source, key FROM {EVIDENCE} WHERE relationship_id IN", existing.values()
        ))
        new_pairs = [pair for pair in specs if pair not in existing]
        ids = bulk.allocate_ids(Relationship, len(new_pairs))
        relationship_rows, evidence_rows, touched = [], [], set()
        for pair, pk, public_id in zip(new_pairs, ids, new_public_ids(len(new_pairs)), strict=True):
            items = specs[pair]
            kind, owner_id = items[0][0], items[0][1]
            value = self._strength([(source, on, detail) for _, _, source, _, on, detail in items])
            dates = [on for _, _, _, _, on, _ in items if on is not None]
            relationship_rows.append((pk, self.ws, public_id, self.db_now, self.actor_id, self.channel, pair[0],
                                      pair[1], kind, owner_id, "", value.value, value.reason[:300],
                                      max(dates) if dates else None, self.db_now))
            for _, _, source, key, on, detail in items:
                evidence_rows.append((self.ws, pk, source, on, detail[:300], key, self.run_id, self.db_now,
                                      self.actor_id))
        for pair, pk in existing.items():
            for _, _, source, key, on, detail in specs[pair]:
                if (pk, source, key) not in have_evidence:
                    evidence_rows.append((self.ws, pk, source, on, detail[:300], key, self.run_id, self.db_now,
                                          self.actor_id))
                    touched.add(pk)
        bulk.insert(Relationship, ["id", "workspace", "public_id", "created_at", "created_by", "created_via",
                                   "person_a", "person_b", "kind", "owner", "how_they_know", "strength",
                                   "strength_reason", "last_evidence_on", "updated_at"], relationship_rows)
        bulk.insert(Evidence, ["workspace", "relationship", "source", "on", "detail", "key", "import_run",
                               "created_at", "created_by"], evidence_rows)
        recompute_strengths(touched, today=self.today)
        self.changed_relationships = [row[0] for row in relationship_rows] + sorted(touched)
        self.summary.relationships_created = len(relationship_rows)
        self.summary.relationships_updated = len(touched)

    def _strength(self, items: list[tuple]) -> strength_rules.Strength:
        key = tuple(items)
        cached = self.strength_cache.get(key)
        if cached is None:
            cached = strength_rules.strength(
                [strength_rules.Evidence(source=str(source), on=on, detail=detail) for source, on, detail in items],
                today=self.today,
            )
            if len(self.strength_cache) < 100_000:
                self.strength_cache[key] = cached
        return cached


def recompute_strengths(relationship_ids, *, today: date | None = None) -> None:
    """Derive strength again from all evidence of the given relationships (one query per chunk)."""
    from warmline.network.services import strength_of  # the single place that builds inputs

    today = today or timezone.now().date()
    db_now = bulk.db_datetime(timezone.now())
    for chunk in bulk.in_chunks(sorted(relationship_ids)):
        relationships = {
            r.pk: r for r in Relationship.objects.filter(pk__in=chunk).select_related("rated_by__user")
        }
        evidence = defaultdict(list)
        for item in Evidence.objects.filter(relationship__in=chunk):
            evidence[item.relationship_id].append(item)
        updates = []
        for pk, relationship in relationships.items():
            value = strength_of(relationship, evidence[pk], today=today)
            updates.append((value.value, value.reason[:300], graph_changes.last_evidence_day(evidence[pk]), db_now, pk))
        bulk.update(Relationship, ["strength", "strength_reason", "last_evidence_on", "updated_at"], updates)


def import_records(
    workspace: Workspace,
    parsed: ParseResult,
    *,
    fmt: str,
    owner: Membership | None,
    actor_id: int | None = None,
    run_id: int | None = None,
) -> ImportSummary:
    """Resolve and write parsed records. The caller holds the transaction."""
    from warmline.network.services import ensure_person_for, merge_people

    importer = _Importer(workspace, fmt, owner, actor_id, run_id)
    summary = importer.summary
    summary.rows_read = parsed.rows_read
    skipped = list(parsed.skipped)
    rows = []
    for rec in parsed.records:
        prepared = _prepare(rec)
        if isinstance(prepared, SkippedRow):
            skipped.append(prepared)
        else:
            rows.append(prepared)
    if owner is not None:
        importer.owner_person_id = ensure_person_for(owner).pk
        own_keys = set(
            PersonEmail.objects.filter(person_id=importer.owner_person_id).values_list("email", flat=True)
        )
        own_keys.add(owner.user.email.lower())
        kept = []
        for row in rows:
            if own_keys.intersection(row.emails):
                skipped.append(SkippedRow(row.rec.line, f"this is {owner.user.display_name}'s own entry"))
            else:
                kept.append(row)
        rows = kept
    importer.resolve_companies(rows)
    importer.resolve_people(rows)
    importer.write_people()
    importer.write_ties(importer.ties(rows))
    merged_into: dict[int, int] = {}
    for kept_id, new_id, score, reasons in importer.auto_merges:
        # The kept record may be an earlier row of this file, itself merged away by now.
        kept_id = importer.person_ids.get(kept_id, kept_id)
        while kept_id in merged_into:
            kept_id = merged_into[kept_id]
        new_id = importer.person_ids.get(new_id, new_id)
        merged_into[new_id] = kept_id
        merged = merge_people(
            workspace, kept_id=kept_id, merged_id=new_id, actor=None, score=score, reasons=list(reasons),
            automatic=True,
        )
        if merged:
            summary.merged_automatically += 1
            summary.people_created -= 1
            summary.people_matched += 1
    # The path index refreshes these rows (the merges above noted their own).
    people = [r.person_id for r in rows] + list(importer.updates)
    if owner is not None:
        people.append(importer.owner_person_id)
    graph_changes.note(workspace.pk, people=people, relationships=importer.changed_relationships)
    skipped.sort(key=lambda s: s.line)
    summary.rows_skipped = len(skipped)
    summary.skipped = [{"line": s.line, "reason": s.reason} for s in skipped]
    return summary
