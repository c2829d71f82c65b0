"""API for the relationship network: people, companies, ties, imports, the review queue and network sharing.

Everything a caller reads goes through queries.py, which applies each employee's sharing choice; what a
tie's disclosure hides (kind, strength, evidence, contact details) is left out here, field by field.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from pydantic import AfterValidator, ConfigDict, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from warmline.core import queries as core_queries
from warmline.core.api import _field_ref
from warmline.core.choices import Channel, Sharing
from warmline.network import importing, queries, services
from warmline.network.choices import (
    CompanyRelation,
    EvidenceSource,
    Health,
    ImportFormat,
    ImportStatus,
    InteractionKind,
    RelationshipKind,
    ReviewStatus,
    Seniority,
    SizeBand,
)
from warmline.network.importers.contacts import parse_mapping
from warmline.network.importers.records import MappingError
from warmline.network.models import Company, Employment, ImportRun, Interaction, MatchCandidate, Merge, Person

router = Router(tags=["network"])

DEFAULT_PAGE = 50
MAX_PAGE = 200


def _storable(value: str) -> str:
    # Neither a NUL nor a lone surrogate can be stored (PostgreSQL refuses the first, UTF-8 the second).
    if "\x00" in value:
        raise PydanticCustomError("nul", "Text must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("unicode", "Text must be valid Unicode (no lone surrogates).") from None
    return value


def _text(max_length: int):
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_storable)]


Id = _text(32)
# A required id: an empty one is a bad field, never "no object".
RequiredId = Annotated[str, StringConstraints(min_length=1, max_length=32), AfterValidator(_storable)]
# An id in the path is looked up whatever its length: an unknown one is a 404, like any other.
PathId = Annotated[str, AfterValidator(_storable)]
Text50 = _text(50)
Text60 = _text(60)
Text100 = _text(100)
Text120 = _text(120)
Text200 = _text(200)
Text253 = _text(253)
Text254 = _text(254)
Text400 = _text(400)
Text500 = _text(500)
Text2000 = _text(2000)
Text5000 = _text(5000)
Text20000 = _text(20000)
Rating = Annotated[int, Field(strict=True, ge=1, le=5)]
# Choices that may be left empty, as one Literal so that a wrong value gets one error listing them all.
SeniorityOrNone = Literal[*Seniority.values, ""]
SizeBandOrNone = Literal[*SizeBand.values, ""]
CompanyRelationOrNone = Literal[*CompanyRelation.values]
HealthOrNone = Literal[*Health.values]
SharingOrDefault = Literal[*Sharing.values, ""]
OWNER = Form("", description="Whose network this is: a member id or email address. Required for linkedin and "
                             "vcard; empty for company data")
MAPPING = Form([], description='Column mapping of a CSV: repeated "column=field" values, or one JSON object')


class Input(Schema):
    # A misspelt field is an error, not silently ignored: a PATCH that does nothing would look like success.
    model_config = ConfigDict(extra="forbid")


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description=f"How many items (1–{MAX_PAGE})")
    # Bounded so that the database never sees an integer it cannot hold.
    offset: int = Field(0, ge=0, le=2**31 - 1, description="How many items to skip")


def _page(queryset, page: PageParams) -> tuple[int, list]:
    """Lists answer {count, items}: the count of all matches and one page of them."""
    return queryset.count(), list(queryset[page.offset : page.offset + page.limit])


@contextmanager
def _decided_once():
    """A merge, keep-apart or undo that can no longer be made (already done, or the people changed since)
    is a conflict (409), not a bad field: the services say so with a ValidationError without a field."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise HttpError(409, " ".join(error.messages)) from None


# --- output schemas ----------------------------------------------------------------------------


class CompanyRef(Schema):
    id: str
    name: str

    @staticmethod
    def build(c: Company | None) -> CompanyRef | None:
        return CompanyRef(id=c.public_id, name=c.name) if c is not None else None


class PersonRef(Schema):
    id: str
    full_name: str
    title: str

    @staticmethod
    def build(p: Person) -> PersonRef:
        return PersonRef(id=p.public_id, full_name=p.full_name, title=p.title)


class EmployeeRef(PersonRef):
    member_id: str = Field(description="The employee's member id (see /members)")

    @staticmethod
    def build(p: Person) -> EmployeeRef:
        return EmployeeRef(id=p.public_id, full_name=p.full_name, title=p.title, member_id=p.membership.public_id)


class PersonOut(PersonRef):
    first_name: str
    last_name: str
    function: str
    seniority: SeniorityOrNone
    company: CompanyRef | None
    country: str
    region: str
    city: str
    tags: list[str] = Field(description="Traits, matched against the type of person of ideal customer profiles")
    do_not_ask: bool = Field(description="They asked not to be asked for introductions")
    member_id: str | None = Field(description="Set when the person is one of our employees: their member id")
    updated_at: datetime

    @staticmethod
    def build(p: Person) -> PersonOut:
        return PersonOut(
            id=p.public_id, full_name=p.full_name, title=p.title, first_name=p.first_name, last_name=p.last_name,
            function=p.function, seniority=p.seniority, company=CompanyRef.build(p.company), country=p.country,
            region=p.region, city=p.city, tags=p.tags, do_not_ask=p.do_not_ask,
            member_id=p.membership.public_id if p.membership_id else None, updated_at=p.updated_at,
        )


class ExternalIdOut(Schema):
    system: str
    value: str


class PersonDetails(Schema):
    emails: list[str]
    phone: str
    linkedin_url: str
    notes: str
    external_ids: list[ExternalIdOut]


class EvidenceOut(Schema):
    source: EvidenceSource
    on: date | None
    detail: str


class TieOut(Schema):
    id: str = Field(description="The relationship's id")
    person: PersonOut = Field(description="The other person of the tie")
    disclosure: Literal["full", "existence"]
    kind: RelationshipKind | None = Field(description="null unless disclosure is full; likewise below")
    strength: float | None
    strength_reason: str | None
    how_they_know: str | None
    manual_rating: int | None
    evidence: list[EvidenceOut] | None

    @staticmethod
    def build(t: queries.Tie) -> TieOut:
        r = t.relationship
        full = t.full
        return TieOut(
            id=r.public_id, person=PersonOut.build(t.other), disclosure=t.disclosure,
            kind=r.kind if full else None, strength=r.strength if full else None,
            strength_reason=r.strength_reason if full else None, how_they_know=r.how_they_know if full else None,
            manual_rating=r.manual_rating if full else None,
            evidence=[EvidenceOut(source=e.source, on=e.on, detail=e.detail) for e in t.evidence] if full else None,
        )


class NetworkOut(Schema):
    known_by: list[TieOut] = Field(description="Our employees who know this person, strongest first")
    knows: list[TieOut] = Field(description="Other people this person knows, strongest first (at most 100)")
    knows_total: int


class PersonDetailOut(PersonOut):
    details_visible: bool = Field(
        description="False when the person is known to you only through a colleague's network shared as "
        "'existence only': then `details` is null"
    )
    details: PersonDetails | None
    network: NetworkOut


class PersonPage(Schema):
    count: int
    items: list[PersonOut]


class CompanyOut(Schema):
    id: str
    name: str
    domain: str
    industry: str
    employee_count: int | None
    size_band: SizeBandOrNone
    country: str
    region: str
    city: str
    tags: list[str]
    relation: CompanyRelationOrNone = Field(description="What the company is to us: client, partner…, or ''")
    nps: int | None = Field(description="The client's latest answer to 'would you recommend us', 0–10")
    health: HealthOrNone
    people_count: int = Field(description="People at this company that you can see")

    @staticmethod
    def build(c: Company) -> CompanyOut:
        return CompanyOut(
            id=c.public_id, name=c.name, domain=c.domain, industry=c.industry, employee_count=c.employee_count,
            size_band=c.size_band, country=c.country, region=c.region, city=c.city, tags=c.tags,
            relation=c.relation, nps=c.nps, health=c.health, people_count=getattr(c, "people_count", 0),
        )


class KnownByOut(Schema):
    employee: EmployeeRef
    relationship_id: str
    disclosure: Literal["full", "existence"]
    kind: RelationshipKind | None
    strength: float | None


class MapEntryOut(Schema):
    person: PersonRef
    known_by: list[KnownByOut]


class CompanyMapOut(Schema):
    people: list[MapEntryOut] = Field(description="The company's people by name (at most 200)")
    total: int = Field(description="People at the company that you can see")
    reachable: int = Field(description="Of those, how many at least one of our employees knows")
    employees: int = Field(description="How many of our employees know someone there")
    coverage: float = Field(description="reachable / total, 0..1")

    @staticmethod
    def build(m: queries.CompanyMap) -> CompanyMapOut:
        def known(employee, r, disclosure) -> KnownByOut:
            full = disclosure == queries.FULL
            return KnownByOut(
                employee=EmployeeRef.build(employee), relationship_id=r.public_id, disclosure=disclosure,
                kind=r.kind if full else None, strength=r.strength if full else None,
            )

        return CompanyMapOut(
            people=[
                MapEntryOut(person=PersonRef.build(c.person), known_by=[known(*e) for e in c.employees])
                for c in m.people
            ],
            total=m.total, reachable=m.reachable, employees=m.employees,
            coverage=round(m.reachable / m.total, 3) if m.total else 0.0,
        )


class CompanyDetailOut(CompanyOut):
    company_map: CompanyMapOut


class CompanyPage(Schema):
    count: int
    items: list[CompanyOut]


class RelationshipOut(Schema):
    id: str
    people: list[PersonRef] = Field(description="The two people, in no particular order")
    owner_id: str | None = Field(description="The member whose network this tie belongs to; null for ties "
                                             "that are workspace knowledge")
    disclosure: Literal["full", "existence", "hidden"]
    kind: RelationshipKind | None = Field(description="null unless disclosure is full; likewise below")
    strength: float | None
    strength_reason: str | None
    how_they_know: str | None
    manual_rating: int | None
    rated_by: str | None = Field(description="Member id of who rated it")
    evidence: list[EvidenceOut] | None

    @staticmethod
    def build(viewer, r) -> RelationshipOut:
        disclosure = queries.disclosure(viewer, r)
        full = disclosure == queries.FULL
        return RelationshipOut(
            id=r.public_id, people=[PersonRef.build(r.person_a), PersonRef.build(r.person_b)],
            owner_id=r.owner.public_id if r.owner_id else None, disclosure=disclosure,
            kind=r.kind if full else None, strength=r.strength if full else None,
            strength_reason=r.strength_reason if full else None, how_they_know=r.how_they_know if full else None,
            manual_rating=r.manual_rating if full else None,
            rated_by=r.rated_by.public_id if full and r.rated_by_id else None,
            evidence=[EvidenceOut(source=e.source, on=e.on, detail=e.detail) for e in r.evidence.all()]
            if full else None,
        )


class InteractionOut(Schema):
    id: str
    person: PersonRef
    kind: InteractionKind
    occurred_on: date
    summary: str
    created_at: datetime

    @staticmethod
    def build(i: Interaction) -> InteractionOut:
        return InteractionOut(
            id=i.public_id, person=PersonRef.build(i.person), kind=i.kind, occurred_on=i.occurred_on,
            summary=i.summary, created_at=i.created_at,
        )


class EmploymentOut(Schema):
    id: str
    person: PersonRef
    company: CompanyRef
    title: str
    started_on: date
    ended_on: date | None

    @staticmethod
    def build(e: Employment) -> EmploymentOut:
        return EmploymentOut(
            id=e.public_id, person=PersonRef.build(e.person), company=CompanyRef.build(e.company), title=e.title,
            started_on=e.started_on, ended_on=e.ended_on,
        )


class SkippedRowOut(Schema):
    line: int
    reason: str


class ImportSummaryOut(Schema):
    rows_read: int = 0
    people_created: int = 0
    people_matched: int = 0
    companies_created: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    rows_skipped: int = 0
    skipped: list[SkippedRowOut] = []
    merged_automatically: int = 0
    sent_to_review: int = 0


class ImportLinks(Schema):
    self: str = Field(description="Where to follow the run's progress")


class ImportOut(Schema):
    id: str
    status: ImportStatus = Field(description="queued, running, done or failed")
    format: ImportFormat
    filename: str
    size: int = Field(description="Bytes")
    owner_id: str | None = Field(description="Member id of the employee whose network this is")
    mapping: dict[str, str]
    stage: str = Field(description="What a running import is doing")
    rows_read: int
    summary: ImportSummaryOut | None = Field(description="Set once the import is done")
    error: str = Field(description="Why a failed import failed")
    error_line: int | None = Field(description="The file's line where a failed import stopped, when known")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: ImportLinks

    @staticmethod
    def build(request: HttpRequest, run: ImportRun) -> ImportOut:
        done = run.status == ImportStatus.DONE
        return ImportOut(
            id=run.public_id, status=run.status, format=run.format, filename=run.filename, size=run.size,
            owner_id=run.owner.public_id if run.owner_id else None, mapping=run.mapping, stage=run.stage,
            rows_read=run.rows_read, summary=ImportSummaryOut(**run.summary) if done and run.summary else None,
            error=run.error, error_line=run.error_line, created_at=run.created_at, started_at=run.started_at,
            finished_at=run.finished_at,
            links=ImportLinks(self=request.build_absolute_uri(reverse("api:import", args=[run.public_id]))),
        )


class ImportPage(Schema):
    count: int
    items: list[ImportOut]


class ReviewPersonOut(PersonRef):
    company: CompanyRef | None
    location: str

    @staticmethod
    def build(p: Person) -> ReviewPersonOut:
        return ReviewPersonOut(
            id=p.public_id, full_name=p.full_name, title=p.title, company=CompanyRef.build(p.company),
            location=p.location,
        )


class CandidateOut(Schema):
    id: str
    score: float = Field(description="How sure the matcher is that they are one person, 0..100")
    reasons: list[str]
    status: ReviewStatus
    person_a: ReviewPersonOut
    person_b: ReviewPersonOut

    @staticmethod
    def build(c: MatchCandidate) -> CandidateOut:
        return CandidateOut(
            id=c.public_id, score=c.score, reasons=c.reasons, status=c.status,
            person_a=ReviewPersonOut.build(c.person_a), person_b=ReviewPersonOut.build(c.person_b),
        )


class CandidatePage(Schema):
    count: int
    items: list[CandidateOut]


class MergeOut(Schema):
    id: str
    kept: PersonRef
    merged: PersonRef
    score: float | None
    reasons: list[str]
    automatic: bool = Field(description="True when an import merged them without asking")
    created_at: datetime
    undone_at: datetime | None

    @staticmethod
    def build(m: Merge) -> MergeOut:
        return MergeOut(
            id=m.public_id, kept=PersonRef.build(m.kept), merged=PersonRef.build(m.merged), score=m.score,
            reasons=m.reasons, automatic=m.automatic, created_at=m.created_at, undone_at=m.undone_at,
        )


class MergePage(Schema):
    count: int
    items: list[MergeOut]


class SharingOut(Schema):
    sharing: SharingOrDefault = Field(description="Your choice; empty when you follow the workspace default")
    effective: Sharing = Field(description="What applies to your network now")
    workspace_default: Sharing


class WorkspaceSharingOut(Schema):
    sharing: Sharing = Field(description="The default for members who have not chosen")


# --- input schemas -----------------------------------------------------------------------------


class PersonIn(Input):
    first_name: Text100 = ""
    last_name: Text100 = ""
    emails: list[Text254] = Field(default=[], max_length=20, description="Replaces the person's addresses")
    phone: Text60 = ""
    linkedin_url: Text400 = ""
    title: Text200 = ""
    function: Text120 = ""
    seniority: SeniorityOrNone = Field(default="", description="Derived from the title when not given")
    company: Id | None = Field(default=None, description="A company id; null or '' for none")
    company_name: Text200 = Field(default="", description="Or a name: that company, created if new")
    country: Text100 = ""
    region: Text100 = ""
    city: Text100 = ""
    notes: Text20000 = ""
    tags: list[Text50] = Field(default=[], max_length=50, description="Traits; replaces the list")
    do_not_ask: bool = False


class CompanyIn(Input):
    name: Text200 = ""
    domain: Text253 = ""
    industry: Text120 = ""
    employee_count: int | None = Field(default=None, ge=0, le=2_147_483_647)
    size_band: SizeBandOrNone = Field(default="", description="Derived from employee_count when not given")
    country: Text100 = ""
    region: Text100 = ""
    city: Text100 = ""
    tags: list[Text50] = Field(default=[], max_length=50)
    relation: CompanyRelationOrNone = ""
    nps: int | None = Field(default=None, ge=0, le=10, description="Latest 'would you recommend us' answer, 0–10")
    health: HealthOrNone = ""


class RelationshipIn(Input):
    person: RequiredId
    other: RequiredId
    kind: RelationshipKind
    how_they_know: Text2000 = ""
    on: date | None = Field(default=None, description="When they met or you learnt of it; default today")


class RatingIn(Input):
    rating: Rating | None = Field(default=None, description="1 to 5; null removes your rating")


class InteractionIn(Input):
    person: RequiredId
    kind: InteractionKind
    occurred_on: date
    summary: Text500 = ""


class EmploymentIn(Input):
    person: RequiredId
    company: Id | None = Field(default=None, description="A company id")
    company_name: Text200 = Field(default="", description="Or a name: that company, created if new")
    title: Text200 = ""
    started_on: date
    ended_on: date | None = None

    @field_validator("ended_on")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        # Checked here, before the company is looked up or created.
        started = info.data.get("started_on")
        if value is not None and started is not None and value < started:
            raise PydanticCustomError("ends_before_start", "A position cannot end before it starts.")
        return value


class MergeIn(Input):
    keep: Id | None = Field(default=None, description="Which of the two people to keep; default the first")


class SharingIn(Input):
    sharing: SharingOrDefault = Field(description="share, existence, private, or '' for the workspace default")


class WorkspaceSharingIn(Input):
    sharing: Sharing


class PeopleFilters(Schema):
    q: Text200 = Field("", description="Name, title, company, or an email address")
    company: Id = Field("", description="A company id")
    seniority: SeniorityOrNone = ""
    known_by: Id = Field("", description="A member id: people this employee knows")
    country: Text100 = ""


class CompanyFilters(Schema):
    q: Text200 = Field("", description="Name or domain")
    industry: Text120 = ""
    size_band: SizeBandOrNone = ""
    country: Text100 = ""


# --- people ------------------------------------------------------------------------------------


def _company_field(request: HttpRequest, fields: dict) -> dict:
    """`company` (an id) or `company_name` (found or created) become the one `company` the service takes."""
    if "company" in fields and "company_name" in fields:
        raise ValidationError({"company": "Give company (an id) or company_name, not both."})
    if "company" in fields:
        fields["company"] = _field_ref(queries.access_company, request, "company", fields["company"])
    elif "company_name" in fields:
        fields["company"] = fields.pop("company_name")
    return fields


@router.get("/people", response=PersonPage, summary="People you can see, by name")
def list_people(request: HttpRequest, filters: Query[PeopleFilters], page: Query[PageParams]):
    people = queries.search_people(request.membership, **filters.model_dump())
    count, items = _page(people, page)
    return PersonPage(count=count, items=[PersonOut.build(p) for p in items])


def _person_detail(request: HttpRequest, person: Person) -> PersonDetailOut:
    network = queries.network_of(request.membership, person)
    details = None
    if person.details_visible:
        details = PersonDetails(
            emails=[e.email for e in person.emails.all()], phone=person.phone, linkedin_url=person.linkedin_url,
            notes=person.notes,
            external_ids=[ExternalIdOut(system=x.system, value=x.value) for x in person.external_ids.all()],
        )
    return PersonDetailOut(
        **PersonOut.build(person).model_dump(), details_visible=person.details_visible, details=details,
        network=NetworkOut(
            known_by=[TieOut.build(t) for t in network.known_by], knows=[TieOut.build(t) for t in network.knows],
            knows_total=network.knows_total,
        ),
    )


@router.get("/people/{person_id}", response=PersonDetailOut, summary="One person, with who knows them")
def get_person(request: HttpRequest, person_id: PathId):
    return _person_detail(request, queries.access_person(request.membership, person_id))


@router.post("/people", response={201: PersonDetailOut}, summary="Add a person")
def create_person(request: HttpRequest, payload: PersonIn):
    fields = _company_field(request, payload.model_dump(exclude_unset=True))
    person = services.save_person(request.membership, None, channel=Channel.API, **fields)
    return Status(201, _person_detail(request, queries.access_person(request.membership, person.public_id)))


@router.patch("/people/{person_id}", response=PersonDetailOut, summary="Change a person: only the fields sent")
def update_person(request: HttpRequest, person_id: PathId, payload: PersonIn):
    person = queries.access_person(request.membership, person_id)
    if not person.details_visible:
        raise PermissionDenied(f"{person.full_name}'s details are private to a colleague's network.")
    fields = _company_field(request, payload.model_dump(exclude_unset=True))
    services.save_person(request.membership, person, channel=Channel.API, **fields)
    return _person_detail(request, queries.access_person(request.membership, person.public_id))


# --- companies ---------------------------------------------------------------------------------


@router.get("/companies", response=CompanyPage, summary="Companies, by name")
def list_companies(request: HttpRequest, filters: Query[CompanyFilters], page: Query[PageParams]):
    count, items = _page(queries.companies_for(request.membership, **filters.model_dump()), page)
    return CompanyPage(count=count, items=[CompanyOut.build(c) for c in items])


def _company_detail(request: HttpRequest, company: Company) -> CompanyDetailOut:
    company_map = queries.company_map(request.membership, company)
    return CompanyDetailOut(**CompanyOut.build(company).model_dump(), company_map=CompanyMapOut.build(company_map))


@router.get("/companies/{company_id}", response=CompanyDetailOut, summary="One company, with who knows its people")
def get_company(request: HttpRequest, company_id: PathId):
    return _company_detail(request, queries.access_company(request.membership, company_id))


@router.post("/companies", response={201: CompanyDetailOut}, summary="Add a company")
def create_company(request: HttpRequest, payload: CompanyIn):
    company = services.save_company(request.membership, None, channel=Channel.API,
                                    **payload.model_dump(exclude_unset=True))
    return Status(201, _company_detail(request, queries.access_company(request.membership, company.public_id)))


@router.patch("/companies/{company_id}", response=CompanyDetailOut, summary="Change a company: only the fields sent")
def update_company(request: HttpRequest, company_id: PathId, payload: CompanyIn):
    company = queries.access_company(request.membership, company_id)
    services.save_company(request.membership, company, channel=Channel.API, **payload.model_dump(exclude_unset=True))
    return _company_detail(request, queries.access_company(request.membership, company_id))


# --- relationships, interactions, positions ----------------------------------------------------


@router.post("/relationships", response={201: RelationshipOut}, summary="Record that two people know each other")
def record_relationship(request: HttpRequest, payload: RelationshipIn):
    m = request.membership
    person = _field_ref(queries.access_person, request, "person", payload.person)
    other = _field_ref(queries.access_person, request, "other", payload.other)
    relationship = services.record_tie(
        m, person, other, kind=payload.kind, how_they_know=payload.how_they_know, on=payload.on, channel=Channel.API
    )
    # Built from the tie itself: recording a tie in a colleague's private network hides it from you afterwards.
    return Status(201, RelationshipOut.build(m, relationship))


@router.post(
    "/relationships/{relationship_id}/rating",
    response=RelationshipOut,
    summary="Rate a tie of your own network (1–5), or remove your rating",
)
def rate_relationship(request: HttpRequest, relationship_id: PathId, payload: RatingIn):
    m = request.membership
    relationship = queries.access_relationship(m, relationship_id)
    return RelationshipOut.build(m, services.rate_relationship(m, relationship, payload.rating))


@router.post("/interactions", response={201: InteractionOut}, summary="Log a meeting, call or email with someone")
def log_interaction(request: HttpRequest, payload: InteractionIn):
    person = _field_ref(queries.access_person, request, "person", payload.person)
    interaction = services.log_interaction(
        request.membership, person, kind=payload.kind, occurred_on=payload.occurred_on, summary=payload.summary,
        channel=Channel.API,
    )
    return Status(201, InteractionOut.build(interaction))


@router.post("/employments", response={201: EmploymentOut}, summary="Add a position to someone's history")
def record_employment(request: HttpRequest, payload: EmploymentIn):
    m = request.membership
    person = _field_ref(queries.access_person, request, "person", payload.person)
    name = payload.company_name.strip()
    if bool(payload.company) == bool(name):
        raise ValidationError({"company": "Give company (an id) or company_name, one of the two."})
    company = _field_ref(queries.access_company, request, "company", payload.company) if payload.company else name
    employment = services.record_employment(
        m, person, company, started_on=payload.started_on, ended_on=payload.ended_on, title=payload.title,
        channel=Channel.API,
    )
    return Status(201, EmploymentOut.build(employment))


# --- imports -----------------------------------------------------------------------------------


def _mapping(values: list[str]) -> dict[str, str]:
    """Repeated "column=field" values, or one JSON object {"column": "field"}."""
    if len(values) == 1 and values[0].lstrip().startswith("{"):
        try:
            mapping = json.loads(values[0])
        except ValueError as error:
            raise ValidationError({"mapping": f"Not a JSON object: {error}."}) from None
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise ValidationError({"mapping": 'A JSON mapping is an object of strings: {"column": "field"}.'})
        values = [f"{column}={field}" for column, field in mapping.items()]
    try:
        return parse_mapping(values)
    except MappingError as error:
        raise ValidationError({"mapping": str(error)}) from None


def _owner(request: HttpRequest, ref: str):
    """An import's owner, named by member id or by email address."""
    if not ref:
        return None
    members = core_queries.members_for(request.membership)
    found = members.filter(user__email__iexact=ref).first() if "@" in ref else members.filter(public_id=ref).first()
    if found is None:
        raise ValidationError({"owner": f"No member of this workspace is {ref!r}."})
    return found


@router.post(
    "/imports",
    response={202: ImportOut},
    summary="Upload a file to import (multipart); the worker runs it",
    description="Answers at once with the queued run; follow `links.self` until `status` is done or failed.",
)
def create_import(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    format: Form[ImportFormat],
    owner: Text254 = OWNER,
    mapping: list[Text500] = MAPPING,
):
    try:
        importing.check_size(file.size)
    except importing.ImportTooLarge as error:
        raise HttpError(413, str(error)) from None
    run = services.queue_import(
        request.membership, fmt=format, data=file.read(), filename=file.name or "", owner=_owner(request, owner),
        mapping=_mapping([v for v in mapping if v.strip()]) or None, channel=Channel.API,
    )
    out = ImportOut.build(request, queries.access_import(request.membership, run.public_id))
    response["Location"] = out.links.self
    return Status(202, out)


@router.get("/imports", response=ImportPage, summary="Imports, newest first: yours, or all of them for admins")
def list_imports(request: HttpRequest, page: Query[PageParams]):
    count, items = _page(queries.imports_for(request.membership), page)
    return ImportPage(count=count, items=[ImportOut.build(request, run) for run in items])


@router.get("/imports/{import_id}", response=ImportOut, url_name="import", summary="One import: progress and summary")
def get_import(request: HttpRequest, import_id: PathId):
    return ImportOut.build(request, queries.access_import(request.membership, import_id))


# --- review queue and merges ---------------------------------------------------------------------


@router.get("/review", response=CandidatePage, summary="Pairs that may be one person, most likely first")
def list_review(request: HttpRequest, page: Query[PageParams]):
    count, items = _page(queries.review_queue(request.membership), page)
    return CandidatePage(count=count, items=[CandidateOut.build(c) for c in items])


@router.post("/review/{candidate_id}/merge", response={201: MergeOut}, summary="They are one person: merge them")
def merge(request: HttpRequest, candidate_id: PathId, payload: MergeIn | None = None):
    candidate = queries.access_candidate(request.membership, candidate_id)
    pair = {candidate.person_a.public_id: candidate.person_a, candidate.person_b.public_id: candidate.person_b}
    keep = payload.keep if payload else None
    if keep and keep not in pair:
        raise ValidationError({"keep": "Keep one of the two people of the pair."})
    with _decided_once():
        merged = services.merge_candidate(request.membership, candidate, keep=pair.get(keep or ""), channel=Channel.API)
    return Status(201, MergeOut.build(merged))


@router.post("/review/{candidate_id}/keep-apart", response=CandidateOut, summary="They are two people")
def keep_apart(request: HttpRequest, candidate_id: PathId):
    candidate = queries.access_candidate(request.membership, candidate_id)
    with _decided_once():
        return CandidateOut.build(services.keep_apart(request.membership, candidate))


@router.get("/merges", response=MergePage, summary="Merges, newest first, automatic ones included")
def list_merges(request: HttpRequest, page: Query[PageParams]):
    count, items = _page(queries.merges_for(request.membership), page)
    return MergePage(count=count, items=[MergeOut.build(m) for m in items])


@router.post("/merges/{merge_id}/undo", response=MergeOut, summary="Undo a merge: two people again")
def undo_merge(request: HttpRequest, merge_id: PathId):
    merge = queries.access_merge(request.membership, merge_id)
    with _decided_once():
        services.undo_merge(request.membership, merge)
    return MergeOut.build(merge)


# --- network sharing ---------------------------------------------------------------------------


def _sharing(m) -> SharingOut:
    return SharingOut(
        sharing=m.network_sharing, effective=m.effective_network_sharing, workspace_default=m.workspace.network_sharing
    )


@router.get("/me/network-sharing", response=SharingOut, summary="What colleagues see of your imported network")
def get_my_sharing(request: HttpRequest):
    return _sharing(request.membership)


@router.put("/me/network-sharing", response=SharingOut, summary="Choose what colleagues see of your network")
def set_my_sharing(request: HttpRequest, payload: SharingIn):
    return _sharing(services.set_network_sharing(request.membership, payload.sharing))


@router.put("/workspace/network-sharing", response=WorkspaceSharingOut, summary="The workspace default (admins)")
def set_workspace_sharing(request: HttpRequest, payload: WorkspaceSharingIn):
    workspace = services.set_workspace_sharing(request.membership, payload.sharing)
    return WorkspaceSharingOut(sharing=workspace.network_sharing)
