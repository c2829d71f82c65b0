"""API for warm paths: targets, the ranked paths to a person, account maps and target-account lists.

Paths are read through paths.queries, which applies every employee's sharing choice: a contact in a
network shared as existence only comes back as a hop with `hidden: true` and no name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from warmline.core.choices import Channel
from warmline.network.api import CompanyRef, Input, PathId, PersonRef, SeniorityOrNone, Text200
from warmline.paths import engine, queries, services
from warmline.referrals import queries as referral_queries

router = Router(tags=["paths"])

Shape = Literal[engine.DIRECT, engine.ONE_INTRODUCER, engine.INSIDER, engine.TWO_INTRODUCERS]
Role = Literal[engine.EMPLOYEE, engine.CONNECTOR, engine.TARGET]
PathStatus = Literal[queries.NOT_ASKED, queries.PENDING, queries.DECLINED, queries.INTRODUCED]


class HopOut(Schema):
    id: str | None = Field(description="The person's id; null when hidden")
    name: str | None
    company: str | None
    title: str | None = None
    role: Role
    hidden: bool = Field(description="A contact in a network shared as existence only: ask the employee")


class PathOut(Schema):
    rank: int
    score: float = Field(description="Product of the ties' strengths, connectors' reliability and recency (0–1)")
    shape: Shape
    status: PathStatus = Field(description="From the referral records: whether this path was asked")
    suggested: bool = Field(description="The next path to try")
    hops: list[HopOut] = Field(description="The employee first, the target last")
    explanation: str

    @staticmethod
    def build(view: queries.PathView) -> PathOut:
        return PathOut(**view.as_dict())


class PersonPathsOut(Schema):
    target: PersonRef
    company: CompanyRef | None
    paths: list[PathOut]


class PathsParams(Schema):
    limit: int = Field(20, ge=1, le=100, description="How many paths (1–100)")


class TargetsParams(Schema):
    q: Text200 = Field(..., description="A name, an email, a LinkedIn URL, a company name or a domain")


class TargetsOut(Schema):
    people: list[PersonRef]
    companies: list[CompanyRef]


class AccountPersonOut(Schema):
    person: PersonRef
    seniority: SeniorityOrNone
    function: str
    best_path: PathOut | None


class AccountMapOut(Schema):
    company: CompanyRef
    people_total: int
    reachable: int
    employees: list[PersonRef] = Field(description="Employees with a path to anyone there")
    people: list[AccountPersonOut] = Field(description="Reachable people first, best path first: one page of "
                                           "them (limit, offset)")


class AccountIn(Input):
    name: Text200 = ""
    domain: Text200 = ""


class AccountsIn(Input):
    accounts: list[AccountIn] = Field(..., min_length=1, max_length=queries.MAX_ACCOUNTS)


class AccountRowOut(Schema):
    line: int | None = Field(description="The account's line in the uploaded file, or its position in the list")
    account: str
    company: dict | None
    people: int
    reachable_people: int
    best_path_strength: float | None
    best_introducer: HopOut | None
    best_path: PathOut | None
    problem: str | None


class AccountListIn(AccountsIn):
    name: Text200


class AccountListOut(Schema):
    id: str
    name: str
    description: str = Field(description="How the list was made, when it was not uploaded")
    accounts: int
    created_at: datetime


class AccountListDetailOut(AccountListOut):
    rows: list[AccountRowOut]


def _ws(request: HttpRequest):
    return request.membership.workspace


@router.get("/paths/targets", response=TargetsOut, summary="Find a person or a company to reach")
def find_targets(request: HttpRequest, params: Query[TargetsParams]):
    people, companies = queries.find_targets(_ws(request), request.membership, params.q)
    return TargetsOut(people=[PersonRef.build(p) for p in people], companies=[CompanyRef.build(c) for c in companies])


@router.get("/paths/people/{person_id}", response=PersonPathsOut, summary="Ranked, explained paths to a person")
def person_paths(request: HttpRequest, person_id: PathId, params: Query[PathsParams]):
    ws, m = _ws(request), request.membership
    target = queries.access_target(ws, m, person_id)
    paths = queries.person_paths(ws, m, target, limit=params.limit,
                                 statuses=referral_queries.path_statuses(ws.pk, target))
    return PersonPathsOut(target=PersonRef.build(target), company=CompanyRef.build(target.company),
                          paths=[PathOut.build(p) for p in paths])


class AccountMapParams(Schema):
    limit: int = Field(200, ge=1, le=1000, description="How many people, with their best path (1–1000)")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="How many people to skip")


@router.get("/paths/accounts/{company_id}", response=AccountMapOut, summary="An account map: everyone at a company "
            "with the best path to each, and the coverage")
def account_map(request: HttpRequest, company_id: PathId, page: Query[AccountMapParams]):
    ws, m = _ws(request), request.membership
    mapped = queries.account_map(ws, m, queries.access_account(ws, m, company_id), offset=page.offset,
                                 limit=page.limit)
    return AccountMapOut(
        company=CompanyRef.build(mapped.company), people_total=mapped.total, reachable=mapped.reachable,
        employees=[PersonRef.build(e) for e in mapped.employees],
        people=[AccountPersonOut(person=PersonRef.build(row.person), seniority=row.person.seniority,
                                 function=row.function, best_path=PathOut.build(row.best) if row.best else None)
                for row in mapped.people],
    )


def _rows(rows: list[queries.AccountRow]) -> list[AccountRowOut]:
    return [AccountRowOut(**row.as_dict()) for row in rows]


@router.post("/paths/accounts", response=list[AccountRowOut], summary="A target-account table for a list of "
             "accounts (by name and/or domain); accounts with no path are listed too")
def account_table(request: HttpRequest, payload: AccountsIn):
    accounts = queries.clean_accounts((a.name, a.domain) for a in payload.accounts)
    return _rows(queries.account_table(_ws(request), request.membership, accounts))


def _list_out(found) -> AccountListOut:
    return AccountListOut(id=found.public_id, name=found.name, description=found.description,
                          accounts=len(found.accounts),
                          created_at=found.created_at)


@router.get("/paths/lists", response=list[AccountListOut], summary="Saved target-account lists")
def account_lists(request: HttpRequest):
    return [_list_out(found) for found in queries.account_lists(_ws(request))[:200]]


@router.post("/paths/lists", response={201: AccountListDetailOut}, summary="Save a target-account list")
def create_account_list(request: HttpRequest, payload: AccountListIn):
    saved = services.save_account_list(request.membership, payload.name,
                                       accounts=[(a.name, a.domain) for a in payload.accounts], channel=Channel.API)
    return Status(201, list_detail(request, saved))


def list_detail(request: HttpRequest, found) -> AccountListDetailOut:
    rows = queries.account_table(_ws(request), request.membership, found.entries())
    return AccountListDetailOut(**_list_out(found).model_dump(), rows=_rows(rows))


@router.get("/paths/lists/{list_id}", response=AccountListDetailOut, summary="A saved list, as its table")
def get_account_list(request: HttpRequest, list_id: PathId):
    return list_detail(request, queries.access_account_list(_ws(request), list_id))


@router.delete("/paths/lists/{list_id}", response={204: None}, summary="Delete a saved list (its author or an admin)")
def delete_account_list(request: HttpRequest, list_id: PathId):
    services.delete_account_list(request.membership, queries.access_account_list(_ws(request), list_id))
    return Status(204, None)
