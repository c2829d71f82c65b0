"""API for targeting: ideal customer profiles, fit scores, the weekly call list, ask drafts and templates."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from warmline.core.api import _field_ref
from warmline.core.choices import Channel, Role
from warmline.network import queries as network_queries
from warmline.network.api import (
    Id,
    Input,
    PathId,
    SeniorityOrNone,
    Text100,
    Text120,
    Text200,
    Text2000,
    Text5000,
    _text,
)
from warmline.paths.api import AccountListDetailOut, list_detail
from warmline.referrals import queries as referral_queries
from warmline.targeting import fit, queries, scripts, services
from warmline.targeting.models import IdealCustomerProfile

router = Router(tags=["targeting"])

Dimension = Literal[*fit.DIMENSIONS]
Outcome = Literal[fit.MATCH, fit.PARTIAL, fit.MISMATCH, fit.UNKNOWN]
Band = Literal["strong", "moderate", "weak", "unknown"]
ScriptKindName = Literal[*scripts.KINDS]
Words = list[Text100]
Text80, Text300 = _text(80), _text(300)
TemplateText = _text(scripts.MAX_TEMPLATE_CHARS)


class Weights(Schema):
    industry: int | None = Field(None, ge=0, le=fit.MAX_WEIGHT)
    geography: int | None = Field(None, ge=0, le=fit.MAX_WEIGHT)
    size: int | None = Field(None, ge=0, le=fit.MAX_WEIGHT)
    role: int | None = Field(None, ge=0, le=fit.MAX_WEIGHT)
    traits: int | None = Field(None, ge=0, le=fit.MAX_WEIGHT)
    need: int | None = Field(None, ge=0, le=fit.MAX_WEIGHT)


class ProfileIn(Input):
    """Every field optional: on PATCH only the fields sent change."""

    name: Text80 | None = None
    who: Text120 | None = Field(None, description="The people in a few words: 'CFOs'")
    summary: Text300 | None = Field(None, description="The profile in one sentence; '' to have it written from the "
                                    "criteria")
    industries: Words | None = Field(None, max_length=services.MAX_LIST_ITEMS)
    countries: Words | None = Field(None, max_length=services.MAX_LIST_ITEMS)
    regions: Words | None = Field(None, max_length=services.MAX_LIST_ITEMS)
    cities: Words | None = Field(None, max_length=services.MAX_LIST_ITEMS)
    size_min: int | None = Field(None, ge=1, le=services.MAX_SIZE, description="Fewest employees")
    size_max: int | None = Field(None, ge=1, le=services.MAX_SIZE, description="Most employees")
    functions: Words | None = Field(None, max_length=services.MAX_LIST_ITEMS)
    seniorities: list[SeniorityOrNone] | None = Field(None, max_length=10)
    traits: Text5000 | None = None
    trait_tags: Words | None = Field(None, max_length=services.MAX_LIST_ITEMS)
    need: Text200 | None = None
    need_keywords: Words | None = Field(None, max_length=services.MAX_LIST_ITEMS)
    weights: Weights | None = Field(None, description="0 (ignore) to 10 per dimension; unsent ones keep theirs")
    threshold: int | None = Field(None, ge=0, le=100, description="The score from which someone is a good fit")


class ProfilePatch(ProfileIn):
    version: int | None = Field(None, ge=1, description="The version you read: a stale one gets 409")
    archived: bool | None = None


class ProfileOut(Schema):
    id: str
    name: str
    sentence: str = Field(description="The profile in one sentence")
    who: str
    summary: str
    industries: list[str]
    countries: list[str]
    regions: list[str]
    cities: list[str]
    size_min: int | None
    size_max: int | None
    functions: list[str]
    seniorities: list[str]
    traits: str
    trait_tags: list[str]
    need: str
    need_keywords: list[str]
    weights: dict[str, int]
    threshold: int
    archived: bool
    version: int
    updated_at: datetime

    @staticmethod
    def build(p: IdealCustomerProfile) -> ProfileOut:
        return ProfileOut(
            id=p.public_id, name=p.name, sentence=p.sentence, who=p.who, summary=p.summary,
            industries=p.industries, countries=p.countries, regions=p.regions, cities=p.cities,
            size_min=p.size_min, size_max=p.size_max, functions=p.functions, seniorities=p.seniorities,
            traits=p.traits, trait_tags=p.trait_tags, need=p.need, need_keywords=p.need_keywords,
            weights={d: p.weight(d) for d in fit.DIMENSIONS}, threshold=p.threshold, archived=p.archived,
            version=p.version, updated_at=p.updated_at,
        )


class BucketOut(Schema):
    range: str
    companies: int


class TopCompanyOut(Schema):
    id: str
    name: str
    score: int


class DistributionOut(Schema):
    companies: int
    good_fit: int = Field(description="Companies at or above the threshold")
    unknown: int = Field(description="Companies with nothing to judge the profile on")
    buckets: list[BucketOut]
    top: list[TopCompanyOut]


class CriterionOut(Schema):
    dimension: Dimension
    label: str
    outcome: Outcome = Field(description="unknown: the data is missing; it counts neither for nor against")
    weight: int
    detail: str


class ProfileRef(Schema):
    id: str
    name: str


class FitOut(Schema):
    profile: ProfileRef
    threshold: int
    good_fit: bool
    score: int | None = Field(description="0–100 over the criteria that could be judged; null if none could")
    band: Band
    coverage: float = Field(description="The share of the profile's weight that could be judged, 0–1")
    criteria: list[CriterionOut]


class FitsOut(Schema):
    best: FitOut | None = Field(description="The profile fitted best, when any could judge")
    fits: list[FitOut] = Field(description="Against each active profile, best first")


class ProspectFitsOut(Schema):
    judged: int = Field(description="Prospects this person introduced whose fit could be judged")
    average_fit: int | None
    poor_fits: int = Field(description="Of those, how many were weak fits (below 40)")
    mostly_poor: bool = Field(description="More than half of two or more were weak fits")


class PersonFitsOut(FitsOut):
    as_source: ProspectFitsOut = Field(description="How well the prospects they introduced fit")


class CallTargetOut(Schema):
    id: str
    name: str
    title: str
    company: str | None


class CallSuggestionOut(Schema):
    target: CallTargetOut | None = Field(description="Someone the source knows who fits; null for a general ask")
    fit: FitOut | None
    via: str | None
    description: str | None = Field(description="A general ask: the profile in one sentence")


class CallPersonOut(Schema):
    id: str
    name: str
    title: str
    company: str | None


class CallEntryOut(Schema):
    person: CallPersonOut
    score: float = Field(description="0–100: the strongest reason, plus 15 % of each other")
    why: list[str]
    introduce: list[CallSuggestionOut]


class ExcludedOut(Schema):
    person: ProfileRef
    why: str


class CallMemberOut(Schema):
    id: str
    name: str


class CallListOut(Schema):
    member: CallMemberOut
    week_of: str
    goal: int = Field(description="Asks a week the list is sized by")
    asked_this_week: int
    entries: list[CallEntryOut]
    more: list[CallEntryOut] = Field(description="The next best, for when an entry does not work out")
    excluded: list[ExcludedOut]


class CallListParams(Schema):
    member: Id = Field("", description="A member id; managers may ask for their teams', admins for anyone's")


class DraftIn(Input):
    source: Id = Field("", description="The person to ask (a person id); required")
    target: Id = Field("", description="The person to meet; empty for a general ask")
    target_description: Text300 = ""
    reason: Text2000 = ""
    profile: Id = Field("", description="A profile id; default the one the target fits best")


class DraftOut(Schema):
    talking_points: str
    intro_text: str
    profile: ProfileRef | None
    target_fit: FitOut | None
    template_errors: dict[str, str] = Field(description="A workspace template that failed: it used the default")


class TemplateOut(Schema):
    kind: ScriptKindName
    body: str
    custom: bool = Field(description="False: the default wording")
    default: str


class TemplateIn(Input):
    body: TemplateText = Field("", description="Jinja, sandboxed; '' for the default")


class BuildListIn(Input):
    name: Text200 = ""
    threshold: int | None = Field(None, ge=0, le=100, description="Default: the profile's threshold")


def _fits(found: list[queries.ProfileFit]) -> FitsOut:
    fits = [FitOut(**f.as_dict()) for f in found]
    best = fits[0] if found and found[0].score is not None else None
    return FitsOut(best=best, fits=fits)


# --- profiles ---------------------------------------------------------------------------------------


@router.get("/profiles", response=list[ProfileOut], summary="Ideal customer profiles")
def list_profiles(request: HttpRequest, include_archived: bool = False):
    m = request.membership
    return [ProfileOut.build(p) for p in queries.profiles(m.workspace_id, include_archived=include_archived)]


def _profile_fields(payload: ProfileIn) -> dict:
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "archived", "weights"})
    if payload.weights is not None:
        fields["weights"] = {k: v for k, v in payload.weights.model_dump(exclude_unset=True).items() if v is not None}
    return {k: v for k, v in fields.items() if not (v is None and k not in ("size_min", "size_max"))}


@router.post("/profiles", response={201: ProfileOut}, summary="Define a profile (admins)")
def create_profile(request: HttpRequest, payload: ProfileIn):
    saved = services.save_profile(request.membership, None, channel=Channel.API, **_profile_fields(payload))
    return Status(201, ProfileOut.build(saved))


@router.post("/profiles/preview", response=DistributionOut,
             summary="How the workspace's companies would fit these criteria, without saving them")
def preview_profile(request: HttpRequest, payload: ProfileIn):
    shown = services.unsaved_profile(**_profile_fields(payload))
    return DistributionOut(**queries.distribution(request.membership.workspace_id, shown.criteria(),
                                                  shown.threshold).as_dict())


@router.get("/profiles/{profile_id}", response=ProfileOut, summary="One profile")
def get_profile(request: HttpRequest, profile_id: PathId):
    return ProfileOut.build(queries.access_profile(request.membership, profile_id))


@router.patch("/profiles/{profile_id}", response=ProfileOut, summary="Change a profile: only the fields sent (admins)")
def update_profile(request: HttpRequest, profile_id: PathId, payload: ProfilePatch):
    m = request.membership
    found = queries.access_profile(m, profile_id)
    fields = _profile_fields(payload)
    if payload.archived is not None:
        fields["archived"] = payload.archived
    return ProfileOut.build(services.save_profile(m, found, version=payload.version, channel=Channel.API, **fields))


@router.get("/profiles/{profile_id}/distribution", response=DistributionOut,
            summary="How the workspace's companies fit a profile")
def profile_distribution(request: HttpRequest, profile_id: PathId):
    m = request.membership
    found = queries.access_profile(m, profile_id)
    return DistributionOut(**queries.distribution(m.workspace_id, found.criteria(), found.threshold).as_dict())


@router.post("/profiles/{profile_id}/account-list", response={201: AccountListDetailOut},
             summary="Save the companies fitting a profile as a target-account list")
def build_account_list(request: HttpRequest, profile_id: PathId, payload: BuildListIn):
    m = request.membership
    found = queries.access_profile(m, profile_id)
    saved = services.build_account_list(m, found, threshold=payload.threshold, name=payload.name,
                                        channel=Channel.API)
    return Status(201, list_detail(request, saved))


# --- fit scores -------------------------------------------------------------------------------------


@router.get("/people/{person_id}/fit", response=PersonFitsOut,
            summary="How a person fits each profile, and how the prospects they introduced fit")
def person_fit(request: HttpRequest, person_id: PathId):
    m = request.membership
    person = network_queries.access_person(m, person_id)
    against = queries.profiles(m.workspace_id)
    fits = _fits(queries.fits_of(queries.subject_of(person), against))
    record = queries.prospect_fit_record(m.workspace_id, person, against)
    return PersonFitsOut(**fits.model_dump(), as_source=ProspectFitsOut(**record.as_dict()))


@router.get("/companies/{company_id}/fit", response=FitsOut,
            summary="How a company fits each profile, on the company dimensions")
def company_fit(request: HttpRequest, company_id: PathId):
    m = request.membership
    company = network_queries.access_company(m, company_id)
    return _fits(queries.fits_of(queries.company_subject(company), queries.profiles(m.workspace_id)))


@router.get("/referrals/{referral_id}/fit", response=FitsOut,
            summary="How a referral's prospect, at the referral's company, fits each profile")
def referral_fit(request: HttpRequest, referral_id: PathId):
    m = request.membership
    referral = referral_queries.access_referral(m, referral_id)
    subject = queries.subject_of(referral.prospect, referral.company)
    return _fits(queries.fits_of(subject, queries.profiles(m.workspace_id)))


# --- the call list ----------------------------------------------------------------------------------


@router.get("/calllist", response=CallListOut, summary="Whom to ask this week, ranked, with why and whom to "
            "ask them to introduce")
def call_list(request: HttpRequest, params: Query[CallListParams]):
    member = _field_ref(queries.access_call_list_member, request, "member", params.member) or request.membership
    return CallListOut(**queries.call_list(member).as_dict())


# --- ask drafts and templates -----------------------------------------------------------------------


@router.post("/asks/draft", response=DraftOut, summary="Draft the talking points and the introduction text "
             "for asking a source about a target")
def draft_ask(request: HttpRequest, payload: DraftIn):
    m = request.membership
    if not payload.source:
        raise ValidationError({"source": "Name the person to ask (a person id)."})
    source = _field_ref(network_queries.access_person, request, "source", payload.source)
    target = _field_ref(network_queries.access_person, request, "target", payload.target)
    profile = _field_ref(queries.access_profile, request, "profile", payload.profile)
    drafted = queries.draft(m, source, target, description=payload.target_description, reason=payload.reason,
                            profile=profile)
    return DraftOut(**drafted.as_dict())


def _templates(request: HttpRequest) -> list[TemplateOut]:
    own = queries.templates_of(request.membership.workspace_id)
    return [TemplateOut(kind=k, body=own.get(k, scripts.DEFAULTS[k]), custom=k in own, default=scripts.DEFAULTS[k])
            for k in scripts.KINDS]


@router.get("/ask-templates", response=list[TemplateOut], summary="The templates the ask drafts are written from")
def list_templates(request: HttpRequest):
    return _templates(request)


@router.put("/ask-templates/{kind}", response=TemplateOut, summary="Change a template (admins); a template that "
            "reaches outside the sandbox or does not render is refused with 422")
def put_template(request: HttpRequest, kind: PathId, payload: TemplateIn):
    if kind not in scripts.KINDS:
        raise Http404(f"No template '{kind}': the templates are {', '.join(scripts.KINDS)}.")
    if request.membership.role != Role.ADMIN:
        raise PermissionDenied("Only an admin can change the ask templates.")
    services.save_template(request.membership, kind, payload.body, channel=Channel.API)
    return next(t for t in _templates(request) if t.kind == kind)

