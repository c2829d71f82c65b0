"""Every write to the relationship network, as verbs that own their transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from warmline.core.choices import Channel, Sharing
from warmline.core.models import Membership, Workspace, new_public_id
from warmline.network import changes, importing, resolution
from warmline.network import strength as strength_rules
from warmline.network.choices import (
    CompanyRelation,
    EvidenceSource,
    Health,
    ImportFormat,
    ImportStatus,
    InteractionKind,
    RelationshipKind,
    ReviewStatus,
    size_band_for,
)
from warmline.network.importers.contacts import FIELDS as MAPPABLE_FIELDS
from warmline.network.models import (
    Company,
    Employment,
    Evidence,
    ExternalId,
    ImportRun,
    Interaction,
    MatchCandidate,
    Merge,
    Person,
    PersonEmail,
    Relationship,
    with_key,
)
from warmline.network.titles import seniority_for


def _same_workspace(actor: Membership, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.workspace_id != actor.workspace_id:
            raise PermissionDenied("That belongs to another workspace.")


# --- strength ------------------------------------------------------------------------------


def strength_of(relationship: Relationship, evidence: Iterable[Evidence], *, today: datetime.date | None = None):
    """The strength rules applied to stored evidence (the one place that converts rows to rule inputs)."""
    items = [
        strength_rules.Evidence(source=e.source, on=e.on, detail=e.detail, months=e.months, ended_on=e.ended_on)
        for e in evidence
    ]
    rated_by = relationship.rated_by.user.display_name if relationship.manual_rating and relationship.rated_by else ""
    return strength_rules.strength(
        items, today=today or timezone.now().date(), manual_rating=relationship.manual_rating, rated_by=rated_by
    )


def _refresh_strength(relationship: Relationship) -> None:
    evidence = list(relationship.evidence.all())
    value = strength_of(relationship, evidence)
    relationship.strength = value.value
    relationship.strength_reason = value.reason[:300]
    relationship.last_evidence_on = changes.last_evidence_day(evidence)
    relationship.updated_at = timezone.now()
    relationship.save(update_fields=["strength", "strength_reason", "last_evidence_on", "updated_at"])
    changes.note(relationship.workspace_id, relationships=[relationship.pk])


# --- people and companies --------------------------------------------------------------------


def own_company(workspace: Workspace) -> Company:
    """The workspace's own company: employees work here."""
    key = resolution.company_key(workspace.name) or workspace.slug
    company = _oldest(Company.objects.filter(workspace=workspace, name_key=key))
    if company is None:
        company = Company.objects.create(workspace=workspace, name=workspace.name, name_key=key)
    return company


def _oldest(queryset):
    """The first-created match, found through the filter's index (`.first()` would order a big table by id)."""
    pk = min(queryset.values_list("pk", flat=True), default=None)
    return None if pk is None else queryset.model.objects.get(pk=pk)


def ensure_person_for(membership: Membership) -> Person:
    """The Person who is this employee in the graph, created or linked on first need."""
    person = Person.objects.filter(membership=membership).first()
    if person is not None:
        return person
    user = membership.user
    email = user.email.lower()
    known = PersonEmail.objects.filter(workspace=membership.workspace_id, email=email).select_related("person").first()
    person = known.person if known and not known.person.membership_id and not known.person.merged_into_id else None
    if person is not None:
        person.membership = membership
        person.listed = True
        person.save(update_fields=["membership", "listed", "updated_at"])
        changes.note(membership.workspace_id, people=[person.pk])
        return person
    first, last, full = resolution.clean_person_name("", "", user.full_name or email.split("@")[0])
    person = Person.objects.create(
        workspace_id=membership.workspace_id,
        membership=membership,
        first_name=first[:100],
        last_name=last[:100],
        full_name=(full or email)[:200],
        name_key=resolution.name_key(first, last),
        block_key=resolution.block_key(first, last),
        title=membership.title,
        function=membership.department,
        seniority=seniority_for(membership.title),
        company=own_company(membership.workspace),
        created_via=Channel.RULE,
    )
    PersonEmail.objects.get_or_create(workspace_id=membership.workspace_id, email=email, defaults={"person": person})
    changes.note(membership.workspace_id, people=[person.pk])
    return person


def resolve_company(workspace: Workspace, name: str, domain: str = "", *, actor=None, channel=Channel.UI) -> Company:
    """Find a company by domain or normalised name, or create it."""
    domain = resolution.normalize_domain(domain) if domain else ""
    # Keys are cut to the column's length: folding can make them longer than the name ('ß' → 'ss').
    key = (resolution.company_key(name) or resolution.company_key(domain))[:200]
    if not key:
        raise ValidationError({"company": "A company needs a name."})
    if domain:
        found = with_key(Company.objects.filter(workspace=workspace, domain=domain), "domain").first()
        if found:
            return found
    found = _oldest(Company.objects.filter(workspace=workspace, name_key=key))
    if found:
        if domain and not found.domain:
            found.domain = domain
            found.save(update_fields=["domain"])
        return found
    return Company.objects.create(
        workspace=workspace, name=(name or domain)[:200], name_key=key, domain=domain,
        created_by=actor.user if actor else None, created_via=channel,
    )


COMPANY_FIELDS = (
    "name", "domain", "industry", "employee_count", "size_band", "country", "region", "city", "tags", "relation",
    "nps", "health",
)


@transaction.atomic
def save_company(actor: Membership, company: Company | None, channel=Channel.UI, **fields) -> Company:
    """Create (company=None) or edit a company, keeping domains and names unique."""
    _same_workspace(actor, company)
    unknown = set(fields) - set(COMPANY_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    if company is None:
        company = Company(workspace_id=actor.workspace_id, created_by=actor.user, created_via=channel)
    for name, value in fields.items():
        setattr(company, name, value)
    company.name = (company.name or "").strip()
    company.domain = resolution.normalize_domain(company.domain) if company.domain else ""
    if fields.get("domain") and not company.domain:
        raise ValidationError({"domain": f"'{fields['domain']}' is not a domain name."})
    company.name_key = resolution.company_key(company.name)[:200]
    if not company.name_key:
        raise ValidationError({"name": "A company needs a name."})
    if company.employee_count and "size_band" not in fields:
        company.size_band = size_band_for(company.employee_count)
    company.tags = _clean_tags(company.tags)
    if company.relation not in CompanyRelation.values:
        raise ValidationError({"relation": f"'{company.relation}' is not one of {', '.join(CompanyRelation.values[1:])}."})
    if company.health not in Health.values:
        raise ValidationError({"health": f"'{company.health}' is not one of {', '.join(Health.values[1:])}."})
    if company.nps is not None and not (isinstance(company.nps, int) and 0 <= company.nps <= 10):
        raise ValidationError({"nps": f"An NPS answer is a whole number from 0 to 10, not {company.nps!r}."})
    others = Company.objects.filter(workspace_id=actor.workspace_id).exclude(pk=company.pk)
    if company.domain and with_key(others.filter(domain=company.domain), "domain").exists():
        raise ValidationError({"domain": f"Another company already has the domain {company.domain}."})
    if not company.domain and others.filter(domain="", name_key=company.name_key).exists():
        raise ValidationError({"name": f"A company named like '{company.name}' already exists."})
    company.save()
    return company


def _clean_tags(tags) -> list[str]:
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValidationError({"tags": "Tags are a list of words."})
    return sorted({t.strip() for t in tags if t.strip()})


PERSON_FIELDS = (
    "first_name", "last_name", "emails", "phone", "linkedin_url", "title", "function", "seniority", "company",
    "country", "region", "city", "notes", "tags", "do_not_ask",
)


@transaction.atomic
def save_person(actor: Membership, person: Person | None, channel=Channel.UI, **fields) -> Person:
    """Create (person=None) or edit a person. `emails` replaces the list; `company` is a Company or a name."""
    _same_workspace(actor, person)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    creating = person is None
    if creating:
        person = Person(workspace_id=actor.workspace_id, created_by=actor.user, created_via=channel, listed=True)
    emails = fields.pop("emails", None)
    company = fields.pop("company", None) if "company" in fields else ...
    for name, value in fields.items():
        setattr(person, name, (value or "").strip() if isinstance(value, str) else value)
    first, last, full = resolution.clean_person_name(person.first_name, person.last_name)
    if not (first or last):
        raise ValidationError({"first_name": "A person needs a name."})
    person.first_name, person.last_name, person.full_name = first[:100], last[:100], full[:200]
    person.name_key = resolution.name_key(first, last)[:200]
    person.block_key = resolution.block_key(first, last)[:120]
    if "seniority" not in fields and "title" in fields:
        person.seniority = seniority_for(person.title)
    person.tags = _clean_tags(person.tags)
    person.do_not_ask = bool(person.do_not_ask)
    if "linkedin_url" in fields:
        person.linkedin_slug = resolution.linkedin_slug(person.linkedin_url)[:200] if person.linkedin_url else ""
        if person.linkedin_url and not person.linkedin_slug:
            raise ValidationError({"linkedin_url": f"'{person.linkedin_url}' is not a LinkedIn profile address."})
        clash = with_key(Person.objects.filter(workspace_id=actor.workspace_id, linkedin_slug=person.linkedin_slug),
                         "linkedin_slug")
        if person.linkedin_slug and clash.exclude(pk=person.pk).exists():
            raise ValidationError({"linkedin_url": "Another person already has this LinkedIn profile."})
    if company is not ...:
        if isinstance(company, Company):
            _same_workspace(actor, company)
            person.company = company
        elif company:
            person.company = resolve_company(actor.workspace, str(company), actor=actor, channel=channel)
        else:
            person.company = None
    person.updated_at = timezone.now()
    person.save()
    changes.note(actor.workspace_id, people=[person.pk])
    if emails is not None:
        normalised = []
        for raw in emails:
            email = resolution.normalize_email(raw)
            if not email or len(email) > 254:
                raise ValidationError({"emails": f"'{raw}' is not an email address."})
            if email not in normalised:
                normalised.append(email)
        taken = PersonEmail.objects.filter(workspace_id=actor.workspace_id, email__in=normalised).exclude(
            person=person
        )
        if taken.exists():
            raise ValidationError({"emails": f"{taken.first().email} already belongs to another person."})
        PersonEmail.objects.filter(person=person).exclude(email__in=normalised).delete()
        existing = set(PersonEmail.objects.filter(person=person).values_list("email", flat=True))
        PersonEmail.objects.bulk_create(
            PersonEmail(workspace_id=actor.workspace_id, person=person, email=e) for e in normalised
            if e not in existing
        )
    return person


# --- relationships --------------------------------------------------------------------------


def _pair(p1: Person, p2: Person) -> tuple[Person, Person]:
    return (p1, p2) if p1.pk < p2.pk else (p2, p1)


def _owner_for(p1: Person, p2: Person) -> int | None:
    """The employee whose network a tie belongs to: the one employee in it, if exactly one."""
    employees = [p.membership_id for p in (p1, p2) if p.membership_id]
    return employees[0] if len(employees) == 1 else None


def _get_or_create_relationship(actor, p1: Person, p2: Person, kind: str, channel) -> tuple[Relationship, bool]:
    a, b = _pair(p1, p2)
    relationship = Relationship.objects.filter(person_a=a, person_b=b).first()
    if relationship:
        return relationship, False
    return Relationship.objects.create(
        workspace_id=a.workspace_id, person_a=a, person_b=b, kind=kind, owner_id=_owner_for(a, b),
        created_by=actor.user if actor else None, created_via=channel,
    ), True


@transaction.atomic
def record_tie(
    actor: Membership, person: Person, other: Person, *, kind: str, how_they_know: str = "",
    on: datetime.date | None = None, channel=Channel.UI,
) -> Relationship:
    """Record by hand that two people know each other ("I know Bob from the CFO round-table")."""
    _same_workspace(actor, person, other)
    if person.pk == other.pk:
        raise ValidationError({"other": "A person cannot have a relationship with themselves."})
    if kind not in RelationshipKind.values:
        raise ValidationError({"kind": f"'{kind}' is not a relationship kind."})
    relationship, created = _get_or_create_relationship(actor, person, other, kind, channel)
    if not created and relationship.owner_id not in (None, actor.pk):
        owner = Membership.objects.select_related("workspace").get(pk=relationship.owner_id)
        if owner.effective_network_sharing != Sharing.SHARE:
            # Changing it would reveal, and let others rewrite, what its owner keeps to themselves.
            raise PermissionDenied(f"This relationship is in {owner.user.display_name}'s network, which they do "
                                   "not share; only they can change it.")
    if not created and kind != relationship.kind:
        relationship.kind = kind
    note = how_they_know.strip()
    if note:
        relationship.how_they_know = f"{relationship.how_they_know}\n{note}".strip() if not created else note
    relationship.save()
    Evidence.objects.create(
        workspace_id=actor.workspace_id, relationship=relationship, source=EvidenceSource.MANUAL,
        on=on or timezone.now().date(), detail=(note or f"Recorded by {actor.user.display_name}")[:300],
        key=f"manual:{new_public_id()}", created_by=actor.user,
    )
    _refresh_strength(relationship)
    return relationship


@transaction.atomic
def rate_relationship(actor: Membership, relationship: Relationship, rating: int | None) -> Relationship:
    """The owner's own rating (1–5) overrides what the evidence says; None removes it."""
    _same_workspace(actor, relationship)
    if relationship.owner_id and relationship.owner_id != actor.pk:
        raise PermissionDenied("Only the employee whose relationship this is can rate it.")
    if rating is not None and not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": f"A rating is 1 to 5, not {rating}."})
    relationship.manual_rating = rating
    relationship.rated_by = actor if rating is not None else None
    relationship.save(update_fields=["manual_rating", "rated_by"])
    _refresh_strength(relationship)
    return relationship


@transaction.atomic
def log_interaction(
    actor: Membership, person: Person, *, kind: str, occurred_on: datetime.date, summary: str = "",
    channel=Channel.UI,
) -> Interaction:
    """A meeting, call or email with someone; it is evidence for the relationship between the two."""
    _same_workspace(actor, person)
    if kind not in InteractionKind.values:
        raise ValidationError({"kind": f"'{kind}' is not one of {', '.join(InteractionKind.values)}."})
    if occurred_on > timezone.now().date() + datetime.timedelta(days=1):
        raise ValidationError({"occurred_on": "An interaction cannot be in the future."})
    me = ensure_person_for(actor)
    if me.pk == person.pk:
        raise ValidationError({"person": "You cannot log an interaction with yourself."})
    interaction = Interaction.objects.create(
        workspace_id=actor.workspace_id, membership=actor, person=person, kind=kind, occurred_on=occurred_on,
        summary=summary.strip()[:500], created_by=actor.user, created_via=channel,
    )
    default_kind = RelationshipKind.COLLEAGUE if person.membership_id else RelationshipKind.SOCIAL
    relationship, _ = _get_or_create_relationship(actor, me, person, default_kind, channel)
    label = InteractionKind(kind).label
    Evidence.objects.create(
        workspace_id=actor.workspace_id, relationship=relationship, source=EvidenceSource.INTERACTION,
        on=occurred_on, detail=f"{label}: {interaction.summary}"[:300] if interaction.summary else label,
        key=f"interaction:{interaction.public_id}", created_by=actor.user,
    )
    _refresh_strength(relationship)
    return interaction


def _overlap(first: Employment, second: Employment, today: datetime.date):
    start = max(first.started_on, second.started_on)
    end_a, end_b = first.ended_on or today, second.ended_on or today
    end = min(end_a, end_b)
    if end < start:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    ended = None if first.ended_on is None and second.ended_on is None else end
    return start, max(months, 1), ended


@transaction.atomic
def record_employment(
    actor: Membership, person: Person, company: Company | str, *, started_on: datetime.date,
    ended_on: datetime.date | None = None, title: str = "", channel=Channel.UI,
) -> Employment:
    """A position in someone's history; every overlap with another person at that employer becomes a tie.

    `company` is a Company or a name, found or created in the same transaction.
    """
    if ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": "A position cannot end before it starts."})
    if isinstance(company, str):
        company = resolve_company(actor.workspace, company, actor=actor, channel=channel)
    _same_workspace(actor, person, company)
    employment = Employment.objects.create(
        workspace_id=actor.workspace_id, person=person, company=company, title=title.strip()[:200],
        started_on=started_on, ended_on=ended_on, created_by=actor.user, created_via=channel,
    )
    derive_shared_employer_ties(employment, actor=actor)
    return employment


def derive_shared_employer_ties(employment: Employment, *, actor: Membership | None = None) -> int:
    """Ties between this position's holder and everyone whose time at the same employer overlapped."""
    today = timezone.now().date()
    person = employment.person
    count = 0
    others = Employment.objects.filter(company=employment.company_id).exclude(person=person).select_related("person")
    for other in others:
        overlap = _overlap(employment, other, today)
        if overlap is None or other.person.merged_into_id:
            continue
        start, months, ended = overlap
        kind = RelationshipKind.COLLEAGUE if ended is None else RelationshipKind.FORMER_COLLEAGUE
        relationship, _ = _get_or_create_relationship(actor, person, other.person, kind, Channel.RULE)
        first, second = sorted((employment.pk, other.pk))
        Evidence.objects.update_or_create(
            relationship=relationship, source=EvidenceSource.SHARED_EMPLOYER, key=f"employment:{first}:{second}",
            defaults={
                # The strength rules expect the company here; they say the years themselves.
                "workspace_id": employment.workspace_id, "on": start, "months": months, "ended_on": ended,
                "detail": employment.company.name[:300],
            },
        )
        _refresh_strength(relationship)
        count += 1
    return count


# --- privacy ---------------------------------------------------------------------------------


def set_network_sharing(actor: Membership, sharing: str) -> Membership:
    """An employee decides what colleagues see of their imported network ('' = workspace default)."""
    if sharing and sharing not in Sharing.values:
        raise ValidationError({"network_sharing": f"'{sharing}' is not share, existence or private."})
    actor.network_sharing = sharing
    actor.save(update_fields=["network_sharing"])  # noted for the path index by network.signals
    return actor


def set_workspace_sharing(actor: Membership, sharing: str) -> Workspace:
    if not actor.is_admin:
        raise PermissionDenied("Only admins set the workspace default.")
    if sharing not in Sharing.values:
        raise ValidationError({"network_sharing": f"'{sharing}' is not share, existence or private."})
    workspace = actor.workspace
    workspace.network_sharing = sharing
    workspace.save(update_fields=["network_sharing"])
    changes.note(workspace.pk, members=True)
    return workspace


# --- imports ---------------------------------------------------------------------------------


def _check_import_request(actor: Membership, fmt: str, owner: Membership | None, mapping: dict) -> None:
    if fmt not in ImportFormat.values:
        raise ValidationError({"format": f"'{fmt}' is not one of {', '.join(ImportFormat.values)}."})
    _same_workspace(actor, owner)
    if fmt in importing.PERSONAL_FORMATS and owner is None:
        raise ValidationError({"owner": "A LinkedIn or vCard import belongs to an employee: say whose it is."})
    if owner is not None and owner.pk != actor.pk and not actor.is_admin:
        raise PermissionDenied("Only admins import someone else's network.")
    if owner is None and not actor.is_admin:
        # Company data is shown to everyone, including what it matches in private networks.
        raise PermissionDenied("Only admins import company data; import the file into your own network instead.")
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": f"{owner.user.email} is deactivated."})
    for column, target in (mapping or {}).items():
        if target not in MAPPABLE_FIELDS:
            raise ValidationError({"mapping": f"'{column}={target}': '{target}' is not one of "
                                              f"{', '.join(MAPPABLE_FIELDS)}."})
    if fmt == ImportFormat.GENERIC and not mapping:
        raise ValidationError({"mapping": "A generic CSV needs a column mapping (column=field)."})


def queue_import(
    actor: Membership, *, fmt: str, data: bytes, filename: str = "", owner: Membership | None = None,
    mapping: dict | None = None, channel=Channel.UI,
) -> ImportRun:
    """Store an uploaded file as a queued import for the worker."""
    _check_import_request(actor, fmt, owner, mapping or {})
    try:
        importing.check_size(len(data))
    except importing.ImportTooLarge as error:
        raise ValidationError({"file": str(error)}) from error
    if not data:
        raise ValidationError({"file": "The file is empty."})
    return ImportRun.objects.create(
        workspace_id=actor.workspace_id, format=fmt, owner=owner, filename=filename[:255], size=len(data),
        mapping=mapping or {}, payload=data, created_by=actor.user, created_via=channel,
    )


def start_import(
    actor: Membership, *, fmt: str, size: int, filename: str = "", owner: Membership | None = None,
    mapping: dict | None = None, channel=Channel.CLI,
) -> ImportRun:
    """An import run by the caller itself (the CLI), recorded like the others."""
    _check_import_request(actor, fmt, owner, mapping or {})
    return ImportRun.objects.create(
        workspace_id=actor.workspace_id, format=fmt, owner=owner, filename=filename[:255], size=size,
        mapping=mapping or {}, status=ImportStatus.RUNNING, created_by=actor.user, created_via=channel,
    )


def claim_next_import() -> ImportRun | None:
    """Take the oldest queued import, or one whose worker went silent. Two workers never take the same one."""
    stale = timezone.now() - datetime.timedelta(minutes=10)
    waiting = ImportRun.objects.filter(
        Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.RUNNING, heartbeat_at__lt=stale, created_via__in=[
            Channel.UI, Channel.API])
    ).order_by("created_at", "pk")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            run = waiting.select_for_update(skip_locked=True).first()
            if run is None:
                return None
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.RUNNING, heartbeat_at=timezone.now(), started_at=timezone.now()
            )
    else:
        run = waiting.first()
        if run is None:
            return None
        claimed = ImportRun.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at).update(
            status=ImportStatus.RUNNING, heartbeat_at=timezone.now(), started_at=timezone.now()
        )
        if not claimed:
            return None  # another worker got there first
    return ImportRun.objects.select_related("workspace").get(pk=run.pk)


def run_claimed_import(run: ImportRun) -> None:
    """Execute a claimed import, reporting progress on the run. Bad input ends as a failed run."""
    data = bytes(run.payload)

    def progress(rows: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(rows_read=rows, heartbeat_at=timezone.now())

    try:
        importing.execute(run, data, progress=progress)
    except (importing.ImportFormatError, importing.ImportTooLarge):
        pass  # recorded on the run
    except Exception as error:
        importing.fail_unexpectedly(run, error)
        raise


# --- merges ----------------------------------------------------------------------------------

FILLABLE = ("title", "function", "seniority", "phone", "company_id", "country", "region", "city", "notes")


def _snapshot(obj) -> dict:
    values = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        values[f.attname] = value
    return values


def _restore(model, values: dict):
    fields = {f.attname: f for f in model._meta.concrete_fields}
    data = {}
    for name, value in values.items():
        field = fields[name]
        if value is not None and field.get_internal_type() == "DateTimeField":
            value = datetime.datetime.fromisoformat(value)
        elif value is not None and field.get_internal_type() == "DateField":
            value = datetime.date.fromisoformat(value)
        data[name] = value
    obj = model(**data)
    obj.save(force_insert=True)
    return obj


def merge_people(
    workspace: Workspace, *, kept_id: int, merged_id: int, actor: Membership | None, score: float | None = None,
    reasons: list | None = None, automatic: bool = False, channel: str = Channel.UI,
) -> Merge | None:
    """Merge one person into another, journalling every change so that undo_merge can reverse it.

    The caller holds the transaction (imports merge inside theirs); merge_candidate wraps it for people.
    """
    people = {p.pk: p for p in Person.objects.select_for_update().filter(workspace=workspace,
                                                                          pk__in=[kept_id, merged_id])}
    kept, merged = people.get(kept_id), people.get(merged_id)
    if kept is None or merged is None or kept.pk == merged.pk:
        raise ValidationError("Both people must exist in this workspace and be different.")
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError("One of these people was already merged into someone else.")
    if kept.membership_id and merged.membership_id:
        raise ValidationError("Both people are Warmline users; they cannot be merged.")
    journal: dict = {"kept": {}, "merged": {}, "emails": [], "external_ids": [], "interactions": [],
                     "employments": [], "moved": [], "folded": [], "deleted": [], "moved_evidence": []}
    # Keys move first: they are unique per workspace.
    if merged.linkedin_slug:
        journal["merged"].update(linkedin_slug=merged.linkedin_slug, linkedin_url=merged.linkedin_url)
        if not kept.linkedin_slug:
            journal["kept"].update(linkedin_slug=kept.linkedin_slug, linkedin_url=kept.linkedin_url)
            kept.linkedin_slug, kept.linkedin_url = merged.linkedin_slug, merged.linkedin_url
        merged.linkedin_slug, merged.linkedin_url = "", ""
    if merged.membership_id:
        journal["merged"]["membership_id"] = merged.membership_id
        journal["kept"]["membership_id"] = kept.membership_id
        kept.membership_id, merged.membership_id = merged.membership_id, None
    for name in FILLABLE:
        if not getattr(kept, name) and getattr(merged, name):
            journal["kept"][name] = getattr(kept, name)
            setattr(kept, name, getattr(merged, name))
    if merged.listed and not kept.listed:
        journal["kept"]["listed"] = False
        kept.listed = True
    journal["merged"]["merged_into_id"] = None
    merged.merged_into = kept
    merged.save()
    kept.updated_at = timezone.now()
    kept.save()

    for model, key in ((PersonEmail, "emails"), (ExternalId, "external_ids"), (Interaction, "interactions"),
                       (Employment, "employments")):
        ids = list(model.objects.filter(person=merged).values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).update(person=kept)
        journal[key] = ids
    journal["references"] = _move_references(merged, kept)

    touched = set()
    theirs = list(Relationship.objects.filter(Q(person_a=merged) | Q(person_b=merged)).prefetch_related("evidence"))
    changes.note(workspace.pk, people=[kept.pk, merged.pk], relationships=[r.pk for r in theirs])
    for relationship in theirs:
        other_id = relationship.other(merged.pk)
        evidence = list(relationship.evidence.all())
        if other_id == kept.pk:
            journal["deleted"].append({"relationship": _snapshot(relationship),
                                       "evidence": [_snapshot(e) for e in evidence]})
            relationship.delete()
            continue
        a, b = sorted((kept.pk, other_id))
        target = Relationship.objects.filter(person_a=a, person_b=b).first()
        if target is None:
            journal["moved"].append({"id": relationship.pk, "person_a": relationship.person_a_id,
                                     "person_b": relationship.person_b_id, "owner": relationship.owner_id})
            relationship.person_a_id, relationship.person_b_id = a, b
            people_pair = Person.objects.filter(pk__in=[a, b])
            relationship.owner_id = _owner_for(*people_pair) if len(people_pair) == 2 else relationship.owner_id
            relationship.save(update_fields=["person_a", "person_b", "owner"])
            touched.add(relationship.pk)
            continue
        # Both knew the same person: fold the evidence into the kept relationship.
        existing = set(target.evidence.values_list("source", "key"))
        moved, dropped = [], []
        for item in evidence:
            if (item.source, item.key) in existing:
                dropped.append(_snapshot(item))
                item.delete()
            else:
                moved.append(item.pk)
        Evidence.objects.filter(pk__in=moved).update(relationship=target)
        journal["folded"].append({
            "relationship": _snapshot(relationship), "into": target.pk, "evidence_moved": moved,
            "evidence_dropped": dropped, "into_before": {"how_they_know": target.how_they_know,
                                                         "manual_rating": target.manual_rating,
                                                         "rated_by_id": target.rated_by_id},
        })
        if relationship.how_they_know and relationship.how_they_know not in target.how_they_know:
            target.how_they_know = f"{target.how_they_know}\n{relationship.how_they_know}".strip()
        if target.manual_rating is None and relationship.manual_rating is not None:
            target.manual_rating, target.rated_by_id = relationship.manual_rating, relationship.rated_by_id
        target.save(update_fields=["how_they_know", "manual_rating", "rated_by"])
        Relationship.objects.filter(pk=relationship.pk).delete()
        touched.add(target.pk)
    importing.recompute_strengths(touched)
    changes.note(workspace.pk, relationships=touched)

    a, b = sorted((kept.pk, merged.pk))
    MatchCandidate.objects.filter(person_a=a, person_b=b).update(
        status=ReviewStatus.MERGED, decided_by=actor, decided_at=timezone.now()
    )
    return Merge.objects.create(
        workspace=workspace, kept=kept, merged=merged, score=score, reasons=reasons or [], automatic=automatic,
        journal=journal, created_by=actor.user if actor else None,
        created_via=Channel.IMPORT if automatic else channel,
    )


@transaction.atomic
def merge_candidate(
    actor: Membership, candidate: MatchCandidate, *, keep: Person | None = None, channel: str = Channel.UI
) -> Merge:
    """Someone reviewing a pair decides they are the same person."""
    _same_workspace(actor, candidate)
    if candidate.status != ReviewStatus.OPEN:
        raise ValidationError("This pair was already decided.")
    kept = keep or candidate.person_a
    other = candidate.person_b if kept.pk == candidate.person_a_id else candidate.person_a
    if kept.pk not in (candidate.person_a_id, candidate.person_b_id):
        raise ValidationError({"keep": "Keep one of the two people of the pair."})
    return merge_people(
        actor.workspace, kept_id=kept.pk, merged_id=other.pk, actor=actor, score=candidate.score,
        reasons=candidate.reasons, channel=channel,
    )


@transaction.atomic
def keep_apart(actor: Membership, candidate: MatchCandidate) -> MatchCandidate:
    _same_workspace(actor, candidate)
    if candidate.status != ReviewStatus.OPEN:
        raise ValidationError("This pair was already decided.")
    candidate.status = ReviewStatus.KEPT_APART
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    return candidate


def _outside_references() -> list[tuple[type, str]]:
    """(model, field) of every foreign key to Person outside this app: asks, referrals, notes..."""
    return sorted(
        ((rel.related_model, rel.field.name) for rel in Person._meta.get_fields(include_hidden=True)
         if rel.auto_created and rel.one_to_many and rel.related_model._meta.app_label != Person._meta.app_label),
        key=lambda pair: (pair[0]._meta.label, pair[1]),
    )


def _move_references(merged: Person, kept: Person) -> dict[str, list[int]]:
    """Point other apps' records at the kept person; returns their ids by "app.Model.field", for undo."""
    moved = {}
    for model, field in _outside_references():
        ids = list(model.objects.filter(**{field: merged}).values_list("pk", flat=True))
        if not ids:
            continue
        try:
            with transaction.atomic():
                model.objects.filter(pk__in=ids).update(**{field: kept})
        except IntegrityError:
            raise ValidationError(
                f"{kept.full_name} and {merged.full_name} appear together on the same "
                f"{model._meta.verbose_name} (for example as its source and its prospect): they cannot be merged."
            ) from None
        moved[f"{model._meta.label}.{field}"] = ids
    return moved


def _references(journal: dict[str, list[int]]):
    for key, ids in journal.items():
        label, field = key.rsplit(".", 1)
        yield (apps.get_model(label), field), ids


@transaction.atomic
def undo_merge(actor: Membership, merge: Merge) -> Person:
    """Reverse a merge from its journal; returns the person brought back."""
    _same_workspace(actor, merge)
    if merge.undone_at:
        raise ValidationError("This merge was already undone.")
    kept = Person.objects.select_for_update().get(pk=merge.kept_id)
    merged = Person.objects.select_for_update().get(pk=merge.merged_id)
    if merged.merged_into_id != kept.pk:
        raise ValidationError("The people of this merge changed since; it cannot be undone.")
    if kept.merged_into_id:
        raise ValidationError(f"{kept.full_name} was merged again since; undo that merge first.")
    journal = merge.journal
    touched = set()
    for item in journal["folded"]:
        relationship = _restore(Relationship, item["relationship"])
        Evidence.objects.filter(pk__in=item["evidence_moved"]).update(relationship=relationship)
        for evidence in item["evidence_dropped"]:
            _restore(Evidence, evidence)
        Relationship.objects.filter(pk=item["into"]).update(**item["into_before"])
        touched.update([relationship.pk, item["into"]])
    for item in journal["deleted"]:
        relationship = _restore(Relationship, item["relationship"])
        for evidence in item["evidence"]:
            _restore(Evidence, evidence)
        touched.add(relationship.pk)
    for item in journal["moved"]:
        Relationship.objects.filter(pk=item["id"]).update(
            person_a=item["person_a"], person_b=item["person_b"], owner=item["owner"]
        )
        touched.add(item["id"])
    for model, key in ((PersonEmail, "emails"), (ExternalId, "external_ids"), (Interaction, "interactions"),
                       (Employment, "employments")):
        model.objects.filter(pk__in=journal[key], person=kept).update(person=merged)
    for (model, field), ids in _references(journal.get("references", {})):
        model.objects.filter(pk__in=ids, **{field: kept}).update(**{field: merged})
    # Keys go back to the merged person before it is saved: they are unique.
    for name, value in journal["kept"].items():
        if name in FILLABLE and getattr(kept, name) != getattr(merged, name):
            continue  # filled by the merge, then changed by someone: their change stays
        setattr(kept, name, value)
    kept.save()
    for name, value in journal["merged"].items():
        setattr(merged, name, value)
    merged.merged_into = None
    merged.save()
    importing.recompute_strengths(touched)
    changes.note(merge.workspace_id, people=[kept.pk, merged.pk], relationships=touched)
    a, b = sorted((kept.pk, merged.pk))
    MatchCandidate.objects.update_or_create(
        person_a_id=a, person_b_id=b,
        defaults={"workspace_id": merge.workspace_id, "score": merge.score or 0, "reasons": merge.reasons,
                  "status": ReviewStatus.KEPT_APART, "decided_by": actor, "decided_at": timezone.now()},
    )
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    return merged
