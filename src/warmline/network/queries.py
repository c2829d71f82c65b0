"""Reads of the relationship network, with each employee's sharing choice applied inside the query.

Disclosure of a relationship to a viewer:
- FULL: ties between outside people or between employees, the viewer's own network, and networks shared in full;
- EXISTENCE: an employee who chose "existence only": the viewer learns that this employee knows the person,
  not how, how well, or the person's contact details;
- hidden: private networks of others.
A person known only through hidden relationships does not exist for the viewer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from warmline.core.choices import Sharing
from warmline.core.models import Membership
from warmline.network.choices import ImportStatus, ReviewStatus
from warmline.network.models import (
    Company,
    Employment,
    Evidence,
    ImportRun,
    Interaction,
    MatchCandidate,
    Merge,
    Person,
    PersonEmail,
    Relationship,
)

FULL = "full"
EXISTENCE = "existence"
HIDDEN = "hidden"


def sharing_by_owner(viewer: Membership) -> dict[int, str]:
    """Each member's effective sharing as this viewer experiences it (their own network is always shared)."""
    default = viewer.workspace.network_sharing
    choices = {
        pk: (choice or default)
        for pk, choice in Membership.objects.filter(workspace_id=viewer.workspace_id).values_list(
            "pk", "network_sharing"
        )
    }
    choices[viewer.pk] = Sharing.SHARE
    return choices


def _owners(viewer: Membership, *levels: str) -> list[int]:
    return [pk for pk, sharing in sharing_by_owner(viewer).items() if sharing in levels]


def visible_relationships_q(viewer: Membership, *, full_only: bool = False) -> Q:
    return Q(workspace_id=viewer.workspace_id) & _visible_owners_q(viewer, full_only=full_only)


def _visible_owners_q(viewer: Membership, *, full_only: bool = False) -> Q:
    """The sharing condition alone, for subqueries tied to one person: without a workspace term the
    planner looks relationships up by person (SQLite, lacking statistics, would scan by workspace)."""
    levels = (Sharing.SHARE,) if full_only else (Sharing.SHARE, Sharing.EXISTENCE)
    return Q(owner__isnull=True) | Q(owner_id__in=_owners(viewer, *levels))


def disclosure(viewer: Membership, relationship: Relationship, sharing: dict[int, str] | None = None) -> str:
    if relationship.owner_id is None or relationship.owner_id == viewer.pk:
        return FULL
    level = (sharing or sharing_by_owner(viewer)).get(relationship.owner_id, Sharing.PRIVATE)
    return {Sharing.SHARE: FULL, Sharing.EXISTENCE: EXISTENCE}.get(level, HIDDEN)


def people_for(viewer: Membership) -> QuerySet[Person]:
    """Every person the viewer may know exists: listed ones, and those reached through visible relationships."""
    visible = Relationship.objects.filter(_visible_owners_q(viewer))
    return Person.objects.filter(workspace_id=viewer.workspace_id, merged_into__isnull=True).filter(
        Q(listed=True)
        | Exists(visible.filter(person_a=OuterRef("pk")))
        | Exists(visible.filter(person_b=OuterRef("pk")))
    )


def _details_visible_q(viewer: Membership) -> Q:
    full = Relationship.objects.filter(_visible_owners_q(viewer, full_only=True))
    return Q(listed=True) | Exists(full.filter(person_a=OuterRef("pk"))) | Exists(full.filter(person_b=OuterRef("pk")))


def search_people(
    viewer: Membership, *, q: str = "", company: str = "", seniority: str = "", known_by: str = "",
    country: str = "",
) -> QuerySet[Person]:
    people = people_for(viewer)
    q = q.strip()
    if q:
        matches = Q(full_name__icontains=q) | Q(title__icontains=q) | Q(company__name__icontains=q)
        if "@" in q:
            # Only where the viewer may see contact details, or a search would confirm a hidden address.
            matches |= Q(pk__in=PersonEmail.objects.filter(workspace_id=viewer.workspace_id,
                                                            email__icontains=q.lower()).values("person_id")) & (
                _details_visible_q(viewer)
            )
        people = people.filter(matches)
    if company:
        people = people.filter(company__public_id=company)
    if seniority:
        people = people.filter(seniority=seniority)
    if country:
        # Imports rarely say where a person is; their company's country stands in.
        country = country.strip()
        people = people.filter(Q(country__iexact=country) | Q(country="", company__country__iexact=country))
    if known_by:
        employee = Person.objects.filter(
            workspace_id=viewer.workspace_id, membership__public_id=known_by
        ).values_list("pk", flat=True).first()
        visible = Relationship.objects.filter(_visible_owners_q(viewer))
        people = people.filter(
            Exists(visible.filter(person_a=employee, person_b=OuterRef("pk")))
            | Exists(visible.filter(person_b=employee, person_a=OuterRef("pk")))
        )
    return people.select_related("company", "membership__user").order_by("full_name", "pk")


def access_person(viewer: Membership, public_id: str) -> Person:
    """A person the viewer may see. A merged person's id leads to the person it was merged into."""
    person = (
        Person.objects.filter(workspace_id=viewer.workspace_id, public_id=public_id)
        .select_related("merged_into")
        .first()
    )
    while person is not None and person.merged_into_id:
        person = Person.objects.filter(pk=person.merged_into_id).first()
    if person is None or not people_for(viewer).filter(pk=person.pk).exists():
        raise Http404("No such person.")
    return (
        Person.objects.select_related("company", "membership__user")
        .prefetch_related("emails", "external_ids")
        .annotate(details_visible=Exists(Person.objects.filter(pk=OuterRef("pk")).filter(_details_visible_q(viewer))))
        .get(pk=person.pk)
    )


@dataclass
class Tie:
    relationship: Relationship
    other: Person
    disclosure: str
    evidence: list[Evidence]

    @property
    def full(self) -> bool:
        return self.disclosure == FULL


@dataclass
class PersonNetwork:
    known_by: list[Tie]  # our employees who know this person
    knows: list[Tie]  # other people this person knows (for an employee: their network)
    knows_total: int


def network_of(viewer: Membership, person: Person, *, limit: int = 100) -> PersonNetwork:
    """The person's visible relationships, employees first, strongest first; evidence only where disclosed."""
    visible = (
        Relationship.objects.filter(visible_relationships_q(viewer))
        .filter(Q(person_a=person) | Q(person_b=person))
        .filter(person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
        .select_related("person_a__company", "person_b__company", "person_a__membership__user",
                        "person_b__membership__user", "owner__user", "rated_by__user")
        .order_by("-strength", "pk")
    )
    sharing = sharing_by_owner(viewer)
    employee_ties = list(visible.filter(Q(person_a__membership__isnull=False) & ~Q(person_a=person)
                                        | Q(person_b__membership__isnull=False) & ~Q(person_b=person)))
    other_q = visible.exclude(pk__in=[t.pk for t in employee_ties])
    total = other_q.count()
    others = list(other_q[:limit])
    ties = employee_ties + others
    full_ids = [r.pk for r in ties if disclosure(viewer, r, sharing) == FULL]
    evidence = defaultdict(list)
    for item in Evidence.objects.filter(relationship__in=full_ids).order_by("-on", "-id"):
        evidence[item.relationship_id].append(item)

    def tie(r: Relationship) -> Tie:
        other = r.person_b if r.person_a_id == person.pk else r.person_a
        return Tie(r, other, disclosure(viewer, r, sharing), evidence.get(r.pk, []))

    return PersonNetwork([tie(r) for r in employee_ties], [tie(r) for r in others], total)


def interactions_with(viewer: Membership, person: Person) -> QuerySet[Interaction]:
    """Interactions with a colleague are workspace knowledge; with anyone else they are evidence of the
    member's own relationship, shown only where that member shares their network in full."""
    interactions = Interaction.objects.filter(workspace_id=viewer.workspace_id, person=person)
    if not person.membership_id:
        interactions = interactions.filter(visible_interactions_q(viewer))
    return interactions.select_related("membership__user", "person")[:50]


def visible_interactions_q(viewer: Membership) -> Q:
    """The interactions the viewer may see: with colleagues, their own, and those of members sharing in full."""
    shared = Q(membership=viewer) | Q(membership__network_sharing=Sharing.SHARE)
    if viewer.workspace.network_sharing == Sharing.SHARE:
        shared |= Q(membership__network_sharing="")
    return Q(person__membership__isnull=False) | shared


def companies_for(viewer: Membership, *, q: str = "", industry: str = "", size_band: str = "",
                  country: str = "") -> QuerySet[Company]:
    companies = Company.objects.filter(workspace_id=viewer.workspace_id)
    q = q.strip()
    if q:
        companies = companies.filter(Q(name__icontains=q) | Q(domain__icontains=q.lower()))
    if industry:
        companies = companies.filter(industry__iexact=industry)
    if size_band:
        companies = companies.filter(size_band=size_band)
    if country:
        companies = companies.filter(country__iexact=country)
    counted = (
        people_for(viewer).filter(company=OuterRef("pk")).order_by().values("company").annotate(n=Count("pk"))
        .values("n")
    )
    return companies.annotate(people_count=Coalesce(Subquery(counted), 0)).order_by("name", "pk")


def access_company(viewer: Membership, public_id: str) -> Company:
    company = companies_for(viewer).filter(public_id=public_id).first()
    if company is None:
        raise Http404("No such company.")
    return company


@dataclass
class Connection:
    person: Person
    employees: list[tuple[Person, Relationship, str]]  # employee, relationship, disclosure


@dataclass
class CompanyMap:
    people: list[Connection]
    reachable: int
    total: int
    employees: int


def company_map(viewer: Membership, company: Company, *, limit: int = 200) -> CompanyMap:
    """The company's people and which of our employees know each of them."""
    people = list(people_for(viewer).filter(company=company).select_related("membership__user")
                  .order_by("full_name", "pk")[:limit])
    total = people_for(viewer).filter(company=company).count()
    ids = [p.pk for p in people]
    sharing = sharing_by_owner(viewer)
    ties = (
        Relationship.objects.filter(visible_relationships_q(viewer))
        .filter(Q(person_a__in=ids, person_b__membership__isnull=False)
                | Q(person_b__in=ids, person_a__membership__isnull=False))
        .select_related("person_a__membership__user", "person_b__membership__user")
        .order_by("-strength")
    )
    known = defaultdict(list)
    employees = set()
    for r in ties:
        if r.person_a_id in ids and r.person_b.membership_id:
            target, employee = r.person_a_id, r.person_b
        else:
            target, employee = r.person_b_id, r.person_a
        if employee.pk == target:
            continue
        known[target].append((employee, r, disclosure(viewer, r, sharing)))
        employees.add(employee.pk)
    connections = [Connection(p, known.get(p.pk, [])) for p in people]
    return CompanyMap(connections, sum(1 for c in connections if c.employees), total, len(employees))


def imports_for(viewer: Membership) -> QuerySet[ImportRun]:
    """Admins see every import of the workspace; others their own and those of their network."""
    runs = ImportRun.objects.filter(workspace_id=viewer.workspace_id).select_related("owner__user", "created_by")
    if not viewer.is_admin:
        runs = runs.filter(Q(created_by_id=viewer.user_id) | Q(owner=viewer))
    return runs.defer("payload")


def access_import(viewer: Membership, public_id: str) -> ImportRun:
    run = imports_for(viewer).filter(public_id=public_id).first()
    if run is None:
        raise Http404("No such import.")
    return run


def running_imports(viewer: Membership) -> QuerySet[ImportRun]:
    return imports_for(viewer).filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])


def review_queue(viewer: Membership) -> QuerySet[MatchCandidate]:
    """Pairs to decide, limited to people the viewer may see."""
    visible = people_for(viewer)
    return (
        MatchCandidate.objects.filter(workspace_id=viewer.workspace_id, status=ReviewStatus.OPEN)
        .filter(person_a__in=visible, person_b__in=visible)
        .filter(person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
        .select_related("person_a__company", "person_b__company")
        .prefetch_related(Prefetch("person_a__emails"), Prefetch("person_b__emails"))
        .order_by("-score", "pk")
    )


def with_details_visible(viewer: Membership, pairs: QuerySet[MatchCandidate]) -> QuerySet[MatchCandidate]:
    """Marks which side's contact details the viewer may see: a pair can hold an existence-only contact."""
    with_details = Person.objects.filter(_details_visible_q(viewer))
    return pairs.annotate(a_details_visible=Exists(with_details.filter(pk=OuterRef("person_a"))),
                          b_details_visible=Exists(with_details.filter(pk=OuterRef("person_b"))))


def access_candidate(viewer: Membership, public_id: str) -> MatchCandidate:
    candidate = review_queue(viewer).filter(public_id=public_id).first()
    if candidate is None:
        raise Http404("No such pair to review.")
    return candidate


def merges_for(viewer: Membership) -> QuerySet[Merge]:
    visible = people_for(viewer)
    return (
        Merge.objects.filter(workspace_id=viewer.workspace_id, kept__in=visible)
        .select_related("kept", "merged", "created_by")
        .order_by("-created_at", "-pk")
    )


def access_merge(viewer: Membership, public_id: str) -> Merge:
    merge = merges_for(viewer).filter(public_id=public_id).first()
    if merge is None:
        raise Http404("No such merge.")
    return merge


def access_relationship(viewer: Membership, public_id: str) -> Relationship:
    relationship = (
        Relationship.objects.filter(visible_relationships_q(viewer), public_id=public_id)
        .select_related("person_a", "person_b", "owner__user", "rated_by__user")
        .first()
    )
    if relationship is None:
        raise Http404("No such relationship.")
    return relationship


def network_counts(viewer: Membership) -> dict[str, int]:
    return {
        "people": people_for(viewer).count(),
        "companies": Company.objects.filter(workspace_id=viewer.workspace_id).count(),
        "relationships": Relationship.objects.filter(visible_relationships_q(viewer)).count(),
        "to_review": review_queue(viewer).count(),
    }


# --- for the web pages: what lists show beside each row, and what filters offer -------------------


def known_by_employees(viewer: Membership, person_ids: list[int]) -> dict[int, list[Tie]]:
    """For a page of people, our employees who know each of them, strongest first (one query, no evidence)."""
    sharing = sharing_by_owner(viewer)
    ties = (
        Relationship.objects.filter(visible_relationships_q(viewer))
        .filter(Q(person_a__in=person_ids, person_b__membership__isnull=False)
                | Q(person_b__in=person_ids, person_a__membership__isnull=False))
        .select_related("person_a__membership__user", "person_b__membership__user")
        .order_by("-strength", "pk")
    )
    known = defaultdict(list)
    for r in ties:
        for target, employee in ((r.person_a, r.person_b), (r.person_b, r.person_a)):
            if target.pk in person_ids and employee.membership_id:
                known[target.pk].append(Tie(r, employee, disclosure(viewer, r, sharing), []))
    return known


def employments_of(person: Person) -> QuerySet[Employment]:
    return person.employments.select_related("company").order_by("-started_on", "-pk")


def people_filter_choices(viewer: Membership, *, company: str = "", companies: int = 100) -> dict[str, list]:
    """What the people list offers to filter by: the companies with most people (and the chosen one),
    countries, and the employees who may know someone."""
    people = people_for(viewer)
    largest = list(
        people.exclude(company=None).order_by().values_list("company__public_id", "company__name")
        .annotate(n=Count("pk")).order_by("-n", "company__name")[:companies]
    )
    offered = sorted(((pid, name) for pid, name, _ in largest), key=lambda c: c[1].lower())
    if company and company not in {pid for pid, _ in offered}:
        offered[:0] = Company.objects.filter(workspace_id=viewer.workspace_id, public_id=company).values_list(
            "public_id", "name"
        )
    return {
        "companies": offered,
        "countries": list(people.exclude(country="").order_by("country").values_list("country", flat=True)
                          .distinct()),
        "employees": list(
            Membership.objects.filter(workspace_id=viewer.workspace_id, is_active=True, person__isnull=False)
            .order_by("user__full_name", "user__email").values_list("public_id", "user__full_name", "user__email")
        ),
    }


def company_filter_choices(viewer: Membership) -> dict[str, list]:
    companies = Company.objects.filter(workspace_id=viewer.workspace_id)
    return {
        "industries": list(companies.exclude(industry="").order_by("industry").values_list("industry", flat=True)
                           .distinct()),
        "countries": list(companies.exclude(country="").order_by("country").values_list("country", flat=True)
                          .distinct()),
    }
