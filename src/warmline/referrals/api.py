"""API for the referral pipeline: stages, asks, referrals, their stage changes, timelines and moments to ask.

Reads go through referrals.queries (each role's view inside the query); writes through referrals.services,
as the pages do. Updates carry the `version` the caller read: a stale one is refused with 409, never
silently overwriting someone else's change. Money is {"minor": integer minor units, "currency": "EUR"}.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import model_validator

from warmline.core import queries as core_queries
from warmline.core.api import _field_ref
from warmline.core.choices import AttributionPolicy, Channel, ReferralEditScope
from warmline.core.models import Membership
from warmline.core.money import Money, MoneyError, format_money
from warmline.network import queries as network_queries
from warmline.network.api import (
    MAX_PAGE,
    CompanyRef,
    Id,
    Input,
    PageParams,
    PathId,
    PersonRef,
    RequiredId,
    Text2000,
    Text5000,
    _decided_once,
)
from warmline.network.models import Person
from warmline.referrals import queries, services
from warmline.referrals.choices import (
    AskChannel,
    AskOutcome,
    Confirmation,
    Conflict,
    Milestone,
    ReferralOrigin,
    StageKind,
)
from warmline.referrals.models import Ask, Referral, Stage, StageChange

router = Router(tags=["referrals"])

ChannelName = Literal[*AskChannel.values]
OutcomeName = Literal[*AskOutcome.values]
KindName = Literal[*StageKind.values]
MilestoneOrNone = Literal[*Milestone.values, ""]
StatusName = Literal[*StageKind.values]
ConfirmationName = Literal[*Confirmation.values]


# --- shared shapes ---------------------------------------------------------------------------------


class MoneyIO(Schema):
    minor: int = Field(..., ge=0, le=10**15, description="Whole minor units: cents for USD, yen for JPY")
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217 code, e.g. USD, EUR")

    def money(self, field: str = "value") -> Money:
        try:
            return Money(self.minor, self.currency.upper())
        except MoneyError as error:
            raise ValidationError({field: str(error)}) from None


class MoneyOut(MoneyIO):
    display: str = Field(description="Formatted for people, e.g. €12,500.50")

    @staticmethod
    def build(minor: int | None, currency: str) -> MoneyOut | None:
        if minor is None:
            return None
        return MoneyOut(minor=minor, currency=currency, display=format_money(minor, currency))


class MemberRef(Schema):
    id: str
    full_name: str
    email: str

    @staticmethod
    def build(m: Membership | None) -> MemberRef | None:
        if m is None:
            return None
        return MemberRef(id=m.public_id, full_name=m.user.full_name, email=m.user.email)


class StageRef(Schema):
    id: str
    name: str
    kind: KindName


class StageOut(StageRef):
    position: int
    probability: int
    milestone: MilestoneOrNone
    archived: bool

    @staticmethod
    def build(s: Stage) -> StageOut:
        return StageOut(id=s.public_id, name=s.name, kind=s.kind, position=s.position, probability=s.probability,
                        milestone=s.milestone, archived=s.archived)


def _stage_ref(s: Stage) -> StageRef:
    return StageRef(id=s.public_id, name=s.name, kind=s.kind)


def _person(request: HttpRequest, field: str, public_id: str | None):
    return _field_ref(network_queries.access_person, request, field, public_id)


def _company(request: HttpRequest, field: str, public_id: str | None):
    return _field_ref(network_queries.access_company, request, field, public_id)


def _member(request: HttpRequest, field: str, public_id: str | None) -> Membership | None:
    return _field_ref(core_queries.access_member, request, field, public_id)


def _stage(request: HttpRequest, field: str, public_id: str | None) -> Stage | None:
    return _field_ref(queries.access_stage, request, field, public_id)


# --- stages ----------------------------------------------------------------------------------------


class StageIn(Input):
    name: str = Field(..., min_length=1, max_length=60)
    kind: KindName = StageKind.OPEN
    probability: int = Field(0, ge=0, le=100)
    milestone: MilestoneOrNone = ""


class StagePatch(Input):
    name: str | None = Field(None, min_length=1, max_length=60)
    kind: KindName | None = None
    probability: int | None = Field(None, ge=0, le=100)
    milestone: MilestoneOrNone | None = None
    archived: bool | None = None
    position: Literal["earlier", "later"] | None = Field(None, description="Swap with the neighbouring stage")


@router.get("/stages", response=list[StageOut], summary="The pipeline's stages, in order (archived ones too)")
def list_stages(request: HttpRequest):
    return [StageOut.build(s) for s in queries.stages_of(request.membership.workspace_id, include_archived=True)]


@router.post("/stages", response={201: StageOut}, summary="Add a stage (admins)")
def create_stage(request: HttpRequest, payload: StageIn):
    stage = services.save_stage(request.membership, None, channel=Channel.API, **payload.model_dump())
    return Status(201, StageOut.build(stage))


@router.patch("/stages/{stage_id}", response=StageOut, summary="Rename, re-kind, reorder or archive a stage "
              "(admins)")
def update_stage(request: HttpRequest, stage_id: PathId, payload: StagePatch):
    m = request.membership
    stage = queries.access_stage(m, stage_id)
    fields = payload.model_dump(exclude_unset=True)
    archived, position = fields.pop("archived", None), fields.pop("position", None)
    # A change the pipeline's state refuses (the last won stage archived, say) is a conflict, not a bad field.
    with _decided_once(), transaction.atomic():
        if fields:
            current = {"name": stage.name, "kind": stage.kind, "probability": stage.probability,
                       "milestone": stage.milestone}
            stage = services.save_stage(m, stage, channel=Channel.API, **{**current, **fields})
        if archived is not None:
            stage = services.archive_stage(m, stage, archived)
        if position is not None:
            services.move_stage(m, stage, -1 if position == "earlier" else 1)
    return StageOut.build(queries.access_stage(m, stage_id))


@router.delete("/stages/{stage_id}", response={204: None}, summary="Delete a stage no referral was ever in "
               "(admins); archive the others")
def delete_stage(request: HttpRequest, stage_id: PathId):
    with _decided_once():
        services.delete_stage(request.membership, queries.access_stage(request.membership, stage_id))
    return Status(204, None)


class PipelineSettings(Schema):
    contact_within_hours: int = Field(..., ge=1, le=720)
    attribution_policy: Literal[*AttributionPolicy.values]
    referral_edit_scope: Literal[*ReferralEditScope.values]
    currency: str = Field(..., min_length=3, max_length=3)

    @staticmethod
    def of(ws) -> PipelineSettings:
        return PipelineSettings(contact_within_hours=ws.contact_within_hours, attribution_policy=ws.attribution_policy,
                                referral_edit_scope=ws.referral_edit_scope, currency=ws.currency)


class PipelineSettingsIn(Input, PipelineSettings):
    pass


@router.get("/pipeline/settings", response=PipelineSettings, summary="The follow-up clock, attribution policy, "
            "who moves team referrals, default currency")
def get_settings(request: HttpRequest):
    return PipelineSettings.of(request.membership.workspace)


@router.put("/pipeline/settings", response=PipelineSettings, summary="Change the pipeline settings (admins)")
def put_settings(request: HttpRequest, payload: PipelineSettingsIn):
    return PipelineSettings.of(services.update_pipeline_settings(request.membership, **payload.model_dump()))


# --- asks ------------------------------------------------------------------------------------------


class Intel(Schema):
    how_they_know: str = ""
    what_matters: str = ""
    challenges: str = ""
    communication: str = ""
    obstacles: str = ""


class IntelIn(Input):
    how_they_know: Text2000 = ""
    what_matters: Text2000 = ""
    challenges: Text2000 = ""
    communication: Text2000 = ""
    obstacles: Text2000 = ""


class AskOut(Schema):
    id: str
    asked_by: MemberRef
    source: PersonRef
    target: PersonRef | None
    target_company: CompanyRef | None
    target_description: str
    specific: bool = Field(description="Names a person: general asks are weaker")
    digital: bool = Field(description="Asked by email or social media: reported apart from conversations")
    reason: str
    intro_text: str
    talking_points: str = Field(description="What the rep planned to say (drafted by POST /asks/draft)")
    channel: ChannelName
    asked_on: date
    intel: Intel
    outcome: OutcomeName
    outcome_at: datetime | None
    follow_up_on: date | None
    path: list[str] = Field(description="The warm path it was planned from: person ids, employee first")
    version: int
    created_at: datetime
    created_via: str

    @staticmethod
    def build(a: Ask, path_ids: dict[int, str]) -> AskOut:
        return AskOut(
            id=a.public_id, asked_by=MemberRef.build(a.asked_by), source=PersonRef.build(a.source),
            target=PersonRef.build(a.target) if a.target_id else None, target_company=CompanyRef.build(
                a.target_company), target_description=a.target_description, specific=a.is_specific,
            digital=a.is_digital, reason=a.reason, intro_text=a.intro_text, talking_points=a.talking_points,
            channel=a.channel, asked_on=a.asked_on,
            intel=Intel(how_they_know=a.intel_how_they_know, what_matters=a.intel_what_matters,
                        challenges=a.intel_challenges, communication=a.intel_communication,
                        obstacles=a.intel_obstacles),
            outcome=a.outcome, outcome_at=a.outcome_at, follow_up_on=a.follow_up_on,
            path=[path_ids[pk] for pk in a.path if pk in path_ids], version=a.version, created_at=a.created_at,
            created_via=a.created_via,
        )


def _asks_out(asks: list[Ask]) -> list[AskOut]:
    ids = {pk for a in asks for pk in a.path}
    path_ids = dict(Person.objects.filter(pk__in=ids).values_list("pk", "public_id")) if ids else {}
    return [AskOut.build(a, path_ids) for a in asks]


class AskPage(Schema):
    count: int
    items: list[AskOut]


class AskFiltersIn(Schema):
    asked_by: Id = Field("", description="A member id")
    source: Id = Field("", description="A person id")
    target: Id = Field("", description="A person id")
    outcome: OutcomeName | Literal[""] = ""
    channel: ChannelName | Literal[""] = ""
    digital: bool | None = None
    specific: bool | None = None
    asked_from: date | None = None
    asked_to: date | None = None


class AskIn(Input):
    source: RequiredId = Field(..., description="The person asked (a person id)")
    target: Id = Field("", description="The person to meet; empty for a general ask")
    target_company: Id = ""
    target_description: str = Field("", max_length=300, description="Whom to meet, when there is no target")
    reason: Text2000 = ""
    intro_text: Text2000 = ""
    talking_points: Text5000 = ""
    channel: ChannelName
    asked_on: date | None = Field(None, description="Defaults to today")
    outcome: OutcomeName = AskOutcome.PENDING
    follow_up_on: date | None = None
    intel: IntelIn = Field(default_factory=IntelIn)
    path: list[RequiredId] = Field(default_factory=list, max_length=4,
                                   description="Person ids of the warm path, employee first, target last")
    asked_by: Id = Field("", description="Managers and admins may record an ask for a member of their teams")


class AskPatch(Input):
    version: int | None = Field(None, ge=1, description="The version you read: a stale one gets 409. Send it, or "
                                "your change may overwrite one you have not seen")
    target_description: str | None = Field(None, max_length=300)
    reason: Text2000 | None = None
    intro_text: Text2000 | None = None
    talking_points: Text5000 | None = None
    channel: ChannelName | None = None
    asked_on: date | None = None
    outcome: OutcomeName | None = None
    follow_up_on: date | None = None
    intel: IntelIn | None = None


def _intel_fields(intel: dict) -> dict:
    return {f"intel_{name}": value for name, value in intel.items()}


@router.get("/asks", response=AskPage, summary="Asks you can see, newest first")
def list_asks(request: HttpRequest, filters: Query[AskFiltersIn], page: Query[PageParams]):
    m = request.membership
    f = filters
    found = queries.asks_for(m, queries.AskFilters(
        asked_by=_member(request, "asked_by", f.asked_by), source=_person(request, "source", f.source),
        target=_person(request, "target", f.target), outcome=f.outcome, channel=f.channel, digital=f.digital,
        specific=f.specific, asked_from=f.asked_from, asked_to=f.asked_to))
    count = found.count()
    return AskPage(count=count, items=_asks_out(list(found[page.offset: page.offset + page.limit])))


@router.post("/asks", response={201: AskOut}, summary="Record an ask for an introduction")
def create_ask(request: HttpRequest, payload: AskIn):
    m = request.membership
    path = [_person(request, "path", pid) for pid in payload.path]
    ask = services.record_ask(
        m, source=_person(request, "source", payload.source), target=_person(request, "target", payload.target),
        target_company=_company(request, "target_company", payload.target_company),
        target_description=payload.target_description, reason=payload.reason, intro_text=payload.intro_text,
        talking_points=payload.talking_points,
        channel=payload.channel, asked_on=payload.asked_on, outcome=payload.outcome,
        follow_up_on=payload.follow_up_on, path=[p.pk for p in path],
        asked_by=_member(request, "asked_by", payload.asked_by), via=Channel.API,
        **_intel_fields(payload.intel.model_dump()),
    )
    return Status(201, _asks_out([queries.access_ask(m, ask.public_id)])[0])


@router.get("/asks/{ask_id}", response=AskOut, summary="One ask")
def get_ask(request: HttpRequest, ask_id: PathId):
    return _asks_out([queries.access_ask(request.membership, ask_id)])[0]


@router.patch("/asks/{ask_id}", response=AskOut, summary="Record the outcome, intel or follow-up of an ask: only "
              "the fields sent; 409 if it changed since your version")
def update_ask(request: HttpRequest, ask_id: PathId, payload: AskPatch):
    m = request.membership
    ask = queries.access_ask(m, ask_id)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version", None)
    intel = fields.pop("intel", None) or {}
    services.update_ask(m, ask, version=version, via=Channel.API, **fields, **_intel_fields(intel))
    return _asks_out([queries.access_ask(m, ask_id)])[0]


# --- referrals -------------------------------------------------------------------------------------


class CreditOut(Schema):
    source: PersonRef
    percent: int


class ReferralOut(Schema):
    id: str
    ask: str | None
    origin: Literal[*ReferralOrigin.values]
    source: PersonRef
    earned_by: MemberRef | None
    prospect: PersonRef
    company: CompanyRef | None
    owner: MemberRef
    value: MoneyOut | None
    stage: StageRef
    status: StatusName
    stage_entered_at: datetime
    introduced_at: datetime
    contact_due_at: datetime
    first_contact_at: datetime | None
    first_contact_seconds: int | None = Field(description="Time from introduction to first contact")
    overdue: bool = Field(description="Open and not contacted within the workspace's time")
    closed_on: date | None
    lost_reason: str
    confirmation: ConfirmationName
    source_confirmed_at: datetime | None
    prospect_confirmed_at: datetime | None
    conflict: Literal[*Conflict.values]
    duplicate_of: str | None
    attribution: Literal[*AttributionPolicy.values]
    credits: list[CreditOut]
    version: int
    created_at: datetime
    created_via: str
    updated_at: datetime

    @staticmethod
    def build(r: Referral) -> ReferralOut:
        return ReferralOut(
            id=r.public_id, ask=r.ask.public_id if r.ask_id else None, origin=r.origin,
            source=PersonRef.build(r.source), earned_by=MemberRef.build(r.earned_by),
            prospect=PersonRef.build(r.prospect), company=CompanyRef.build(r.company),
            owner=MemberRef.build(r.owner), value=MoneyOut.build(r.value_minor, r.currency),
            stage=_stage_ref(r.stage), status=r.status, stage_entered_at=r.stage_entered_at,
            introduced_at=r.introduced_at, contact_due_at=r.contact_due_at, first_contact_at=r.first_contact_at,
            first_contact_seconds=r.first_contact_seconds, overdue=r.overdue, closed_on=r.closed_on,
            lost_reason=r.lost_reason, confirmation=r.confirmation, source_confirmed_at=r.source_confirmed_at,
            prospect_confirmed_at=r.prospect_confirmed_at, conflict=r.conflict,
            duplicate_of=r.duplicate_of.public_id if r.duplicate_of_id else None, attribution=r.attribution,
            credits=[CreditOut(source=PersonRef.build(c.source), percent=c.percent) for c in r.credits.all()],
            version=r.version, created_at=r.created_at, created_via=r.created_via, updated_at=r.updated_at,
        )


def _with_refs(queryset):
    return queries.with_credits(queryset.select_related("ask", "earned_by__user", "duplicate_of"))


def _referral_out(request: HttpRequest, public_id: str) -> ReferralOut:
    return ReferralOut.build(_with_refs(queries.referrals_for(request.membership)).get(
        pk=queries.access_referral(request.membership, public_id).pk))


class ReferralPage(Schema):
    count: int
    items: list[ReferralOut]


class ReferralFiltersIn(Schema):
    owner: Id = Field("", description="A member id")
    team: Id = Field("", description="A team id")
    source: Id = Field("", description="A person id")
    prospect: Id = ""
    company: Id = ""
    stage: Id = Field("", description="A stage id")
    status: StatusName | Literal[""] = ""
    introduced_from: date | None = None
    introduced_to: date | None = None
    overdue: bool | None = None
    confirmation: ConfirmationName | Literal[""] = Field(
        "", description="At least this sure: 'source' includes referrals the prospect confirmed")


class ReferralIn(Input):
    ask: Id = Field("", description="The ask it came from; its source becomes the referral's source")
    source: Id = Field("", description="Who made the introduction (a person id); fixed once recorded")
    prospect: Id = Field("", description="Who was introduced (a person id); taken from the ask when it named one")
    owner: Id = Field("", description="The rep (a member id); defaults to you, or to the asker")
    origin: Literal["unasked", "verbal"] | None = Field(
        None, description="For an introduction without an ask")
    earned_by: Id = ""
    company: Id = ""
    value: MoneyIO | None = None
    introduced_at: datetime | None = Field(None, description="Defaults to now; never in the future")
    note: Text2000 = ""

    @model_validator(mode="after")
    def _aware(self):
        if self.introduced_at is not None and self.introduced_at.tzinfo is None:
            raise ValueError("introduced_at needs a time zone, e.g. 2026-03-02T09:00:00Z")
        if self.introduced_at is not None:
            # Kept in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows.
            try:
                self.introduced_at = self.introduced_at.astimezone(dt.UTC)
            except OverflowError:
                raise ValueError("introduced_at is out of range") from None
        return self


class ReferralPatch(Input):
    version: int | None = Field(None, ge=1, description="The version you read: a stale one gets 409. Send it, or "
                                "your change may overwrite one you have not seen")
    value: MoneyIO | None = None
    company: Id | None = None
    earned_by: Id | None = None
    owner: Id | None = Field(None, description="Reassign to this member (kept in the history)")
    source: Id | None = Field(None, description="Refused: the source is fixed once recorded")
    prospect: Id | None = Field(None, description="Refused: the prospect is fixed once recorded")


# Bodies of requests about one object have no required fields: the object is looked up first, so another
# workspace's id is a 404 whatever the body; what is missing is then refused by field.


class MoveIn(Input):
    stage: Id = Field("", description="The stage id to move to (required)")
    version: int | None = Field(None, ge=1, description="The version you read; a stale one gets 409")
    value: MoneyIO | None = Field(None, description="Needed to win, unless the referral has one")
    closed_on: date | None = Field(None, description="Needed to win; defaults to today when losing")
    lost_reason: Text2000 = Field("", description="Needed to lose")


class ReopenIn(Input):
    stage: Id = Field("", description="An open stage; defaults to the one it closed from")
    version: int | None = Field(None, ge=1)


class ConfirmIn(Input):
    by: Literal["source", "prospect", ""] = Field("", description="Who confirmed (required)")
    version: int | None = Field(None, ge=1)


class NoteIn(Input):
    body: str = Field("", max_length=5000, description="The note (required)")


@router.get("/referrals", response=ReferralPage, summary="Referrals you can see, newest introduction first")
def list_referrals(request: HttpRequest, filters: Query[ReferralFiltersIn], page: Query[PageParams]):
    m = request.membership
    f = filters
    team = _field_ref(core_queries.access_team, request, "team", f.team)
    found = queries.referrals_for(m, queries.ReferralFilters(
        owner=_member(request, "owner", f.owner), team=team, source=_person(request, "source", f.source),
        prospect=_person(request, "prospect", f.prospect), company=_company(request, "company", f.company),
        stage=_stage(request, "stage", f.stage), status=f.status, introduced_from=f.introduced_from,
        introduced_to=f.introduced_to, overdue=f.overdue, confirmation=f.confirmation,
    )).order_by("-introduced_at", "-id")
    count = found.count()
    items = list(_with_refs(found)[page.offset: page.offset + page.limit])
    return ReferralPage(count=count, items=[ReferralOut.build(r) for r in items])


@router.post("/referrals", response={201: ReferralOut}, summary="Record an introduction: from an ask, or unasked")
def create_referral(request: HttpRequest, payload: ReferralIn):
    m = request.membership
    ask = _field_ref(queries.access_ask, request, "ask", payload.ask)
    referral = services.record_referral(
        m, ask=ask, source=_person(request, "source", payload.source),
        prospect=_person(request, "prospect", payload.prospect), owner=_member(request, "owner", payload.owner),
        origin=payload.origin, earned_by=_member(request, "earned_by", payload.earned_by),
        company=_company(request, "company", payload.company),
        value=payload.value.money() if payload.value else None, introduced_at=payload.introduced_at,
        note=payload.note, via=Channel.API,
    )
    return Status(201, _referral_out(request, referral.public_id))


@router.get("/referrals/{referral_id}", response=ReferralOut, summary="One referral")
def get_referral(request: HttpRequest, referral_id: PathId):
    return _referral_out(request, referral_id)


@router.patch("/referrals/{referral_id}", response=ReferralOut, summary="Change the value, company, who earned it "
              "or the owner: only the fields sent; 409 if it changed since your version")
def update_referral(request: HttpRequest, referral_id: PathId, payload: ReferralPatch):
    m = request.membership
    referral = queries.access_referral(m, referral_id)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version", None)
    fixed = {name: "Fixed once the referral is recorded." for name in ("source", "prospect") if name in fields}
    if fixed:
        raise ValidationError(fixed)
    owner = fields.pop("owner", None)
    changes = {}
    if "value" in fields:
        changes["value"] = payload.value.money() if payload.value else None
    if "company" in fields:
        changes["company"] = _company(request, "company", fields["company"])
    if "earned_by" in fields:
        changes["earned_by"] = _member(request, "earned_by", fields["earned_by"])
    with transaction.atomic():
        if changes:
            referral = services.update_referral(m, referral, version=version, via=Channel.API, **changes)
            version = referral.version
        if owner:
            services.reassign_referral(m, referral, _member(request, "owner", owner), version=version,
                                       via=Channel.API)
        elif not changes:
            services.update_referral(m, referral, version=version, via=Channel.API)  # checks the version
    return _referral_out(request, referral_id)


@router.post("/referrals/{referral_id}/stage", response=ReferralOut, summary="Move to another stage (won needs a "
             "value and close date, lost a reason; a closed referral must be reopened first)")
def move_referral(request: HttpRequest, referral_id: PathId, payload: MoveIn):
    m = request.membership
    referral = queries.access_referral(m, referral_id)
    if not payload.stage:
        raise ValidationError({"stage": "Which stage? Send the id of the stage to move to."})
    services.move_referral(m, referral, _stage(request, "stage", payload.stage), version=payload.version,
                           value=payload.value.money() if payload.value else None, closed_on=payload.closed_on,
                           lost_reason=payload.lost_reason, via=Channel.API)
    return _referral_out(request, referral_id)


@router.post("/referrals/{referral_id}/reopen", response=ReferralOut, summary="Reopen a won or lost referral")
def reopen_referral(request: HttpRequest, referral_id: PathId, payload: ReopenIn):
    m = request.membership
    referral = queries.access_referral(m, referral_id)
    services.reopen_referral(m, referral, _stage(request, "stage", payload.stage), version=payload.version,
                             via=Channel.API)
    return _referral_out(request, referral_id)


@router.post("/referrals/{referral_id}/confirmations", response=ReferralOut, summary="The source or the prospect "
             "confirmed the introduction")
def confirm_referral(request: HttpRequest, referral_id: PathId, payload: ConfirmIn):
    m = request.membership
    referral = queries.access_referral(m, referral_id)
    services.confirm_referral(m, referral, by=payload.by, version=payload.version, via=Channel.API)
    return _referral_out(request, referral_id)


class StageChangeOut(Schema):
    id: str
    referral: str
    from_stage: StageRef | None
    to_stage: StageRef
    actor: MemberRef | None
    changed_at: datetime
    seconds_in_from: int | None = Field(description="Time spent in the previous stage")
    reopened: bool
    created_via: str

    @staticmethod
    def build(c: StageChange) -> StageChangeOut:
        return StageChangeOut(
            id=c.public_id, referral=c.referral.public_id, from_stage=_stage_ref(c.from_stage) if c.from_stage_id
            else None, to_stage=_stage_ref(c.to_stage), actor=MemberRef.build(c.actor), changed_at=c.changed_at,
            seconds_in_from=c.seconds_in_from, reopened=c.reopened, created_via=c.created_via)


class StageChangePage(Schema):
    count: int
    items: list[StageChangeOut]


class StageChangeFilters(Schema):
    referral: Id = ""
    to_stage: Id = ""
    changed_from: date | None = None
    changed_to: date | None = None


def _changes(queryset):
    return queryset.select_related("referral", "from_stage", "to_stage", "actor__user")


@router.get("/referrals/{referral_id}/stage-changes", response=list[StageChangeOut], summary="A referral's stage "
            "history, oldest first")
def referral_stage_changes(request: HttpRequest, referral_id: PathId):
    referral = queries.access_referral(request.membership, referral_id)
    return [StageChangeOut.build(c) for c in _changes(referral.stage_changes.order_by("changed_at", "id"))]


@router.get("/stage-changes", response=StageChangePage, summary="Stage changes of the referrals you can see, "
            "newest first")
def list_stage_changes(request: HttpRequest, filters: Query[StageChangeFilters], page: Query[PageParams]):
    m = request.membership
    found = StageChange.objects.filter(referral__in=queries.referrals_for(m).values("pk"))
    if filters.referral:
        found = found.filter(referral=_field_ref(queries.access_referral, request, "referral", filters.referral))
    if filters.to_stage:
        found = found.filter(to_stage=_stage(request, "to_stage", filters.to_stage))
    if filters.changed_from:
        found = found.filter(changed_at__gte=queries.start_of(filters.changed_from))
    if filters.changed_to:
        found = found.filter(changed_at__lt=queries.start_of(filters.changed_to) + timedelta(days=1))
    found = found.order_by("-changed_at", "-id")
    count = found.count()
    return StageChangePage(count=count, items=[StageChangeOut.build(c) for c in _changes(
        found[page.offset: page.offset + page.limit])])


# --- timelines, notes, moments ---------------------------------------------------------------------


class EntryOut(Schema):
    at: datetime
    kind: Literal["ask", "outcome", "introduction", "stage", "owner", "confirmation", "interaction", "note",
                  "moment"]
    text: str
    actor: str | None
    channel: str | None
    url: str | None = Field(description="The page of the record")
    detail: str | None
    flag: str | None = Field(description="'overdue', 'digital', 'general'")


def _entries(entries) -> list[EntryOut]:
    return [EntryOut(**e.as_dict()) for e in entries]


@router.get("/referrals/{referral_id}/timeline", response=list[EntryOut], summary="A referral's timeline, newest "
            "first")
def referral_timeline(request: HttpRequest, referral_id: PathId):
    m = request.membership
    return _entries(queries.timeline_for_referral(m, queries.access_referral(m, referral_id)))


@router.get("/people/{person_id}/timeline", response=list[EntryOut], summary="Asks, introductions, stage changes, "
            "interactions, notes and moments about a person, newest first")
def person_timeline(request: HttpRequest, person_id: PathId):
    m = request.membership
    return _entries(queries.timeline_for_person(m, network_queries.access_person(m, person_id)))


@router.get("/companies/{company_id}/timeline", response=list[EntryOut], summary="A company's timeline, newest "
            "first")
def company_timeline(request: HttpRequest, company_id: PathId):
    m = request.membership
    return _entries(queries.timeline_for_company(m, network_queries.access_company(m, company_id)))


class NoteOut(Schema):
    id: str
    body: str
    author: MemberRef
    created_at: datetime


def _note(request: HttpRequest, body: str, **subject):
    note = services.add_note(request.membership, body, via=Channel.API, **subject)
    return Status(201, NoteOut(id=note.public_id, body=note.body, author=MemberRef.build(request.membership),
                               created_at=note.created_at))


@router.post("/referrals/{referral_id}/notes", response={201: NoteOut}, summary="Add a note to a referral")
def add_referral_note(request: HttpRequest, referral_id: PathId, payload: NoteIn):
    return _note(request, payload.body, referral=queries.access_referral(request.membership, referral_id))


@router.post("/people/{person_id}/notes", response={201: NoteOut}, summary="Add a note to a person")
def add_person_note(request: HttpRequest, person_id: PathId, payload: NoteIn):
    return _note(request, payload.body, person=network_queries.access_person(request.membership, person_id))


class MomentOut(Schema):
    id: str
    person: PersonRef
    moment: str
    occurred_on: date
    note: str
    referral: str | None

    @staticmethod
    def build(s) -> MomentOut:
        return MomentOut(id=s.public_id, person=PersonRef.build(s.person), moment=s.moment,
                         occurred_on=s.occurred_on, note=s.note,
                         referral=s.referral.public_id if s.referral_id else None)


class MomentIn(Input):
    note: Text2000 = ""
    occurred_on: date | None = None


@router.get("/moments", response=list[MomentOut], summary="Your moments to ask for referrals: thanks, won and "
            "lost deals of the last 60 days")
def list_moments(request: HttpRequest):
    return [MomentOut.build(s) for s in queries.suggestions_for(request.membership)[:MAX_PAGE]]


@router.post("/people/{person_id}/moments", response={201: MomentOut}, summary="Someone thanked you for an insight: "
             "a moment to ask them for referrals")
def log_moment(request: HttpRequest, person_id: PathId, payload: MomentIn):
    m = request.membership
    s = services.log_moment(m, network_queries.access_person(m, person_id), note=payload.note,
                            occurred_on=payload.occurred_on, via=Channel.API)
    return Status(201, MomentOut.build(s))


@router.post("/moments/{suggestion_id}/dismiss", response={204: None}, summary="Dismiss a moment to ask")
def dismiss_moment(request: HttpRequest, suggestion_id: PathId):
    m = request.membership
    services.dismiss_suggestion(m, queries.access_suggestion(m, suggestion_id))
    return Status(204, None)
