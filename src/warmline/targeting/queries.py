"""Reads of targeting: profiles, fit scores of people, companies and referrals, and the weekly call list."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from warmline.core.choices import Role
from warmline.core.models import Membership, Team, TeamMember
from warmline.core.money import format_money
from warmline.network import queries as network_queries
from warmline.network.choices import CompanyRelation, Health, RelationshipKind
from warmline.network.models import Company, Person, Relationship
from warmline.paths.queries import account_lists, account_table
from warmline.referrals.choices import AskOutcome, Moment, StageKind
from warmline.referrals.models import Ask, Referral
from warmline.referrals.queries import partner_balances, source_record, suggestions_for
from warmline.targeting import calllist, fit, scripts
from warmline.targeting.models import AskTemplate, IdealCustomerProfile

# --- profiles ------------------------------------------------------------------------------------


def profiles(workspace_id: int, *, include_archived: bool = False) -> list[IdealCustomerProfile]:
    found = IdealCustomerProfile.objects.filter(workspace_id=workspace_id)
    if not include_archived:
        found = found.filter(archived=False)
    return list(found.order_by("name", "id"))


def access_profile(viewer: Membership, public_id: str) -> IdealCustomerProfile:
    found = IdealCustomerProfile.objects.filter(workspace_id=viewer.workspace_id, public_id=public_id).first()
    if found is None:
        raise Http404("No such profile.")
    return found


def templates_of(workspace_id: int) -> dict[str, str]:
    """The workspace's own ask templates by kind; kinds it has not edited are absent."""
    return dict(AskTemplate.objects.filter(workspace_id=workspace_id).values_list("kind", "body"))


# --- fit -----------------------------------------------------------------------------------------


_THEIR_OWN = object()


def subject_of(person: Person, company=_THEIR_OWN) -> fit.Subject:
    """What a person offers to judge a fit on: with their own company (loaded), or the one given (or None)."""
    c = person.company if company is _THEIR_OWN else company
    return fit.Subject(
        is_person=True, industry=c.industry if c else "", city=person.city, region=person.region,
        country=person.country, company_city=c.city if c else "", company_region=c.region if c else "",
        company_country=c.country if c else "", employee_count=c.employee_count if c else None,
        size_band=c.size_band if c else "", title=person.title, function=person.function,
        seniority=person.seniority, tags=tuple(person.tags or ()), company_tags=tuple(c.tags or ()) if c else (),
        text=person.notes,
    )


def company_subject(company: Company) -> fit.Subject:
    return fit.Subject(
        is_person=False, industry=company.industry, company_city=company.city, company_region=company.region,
        company_country=company.country, employee_count=company.employee_count, size_band=company.size_band,
        company_tags=tuple(company.tags or ()),
    )


@dataclass(frozen=True)
class ProfileFit:
    """How someone fits one profile."""

    profile: IdealCustomerProfile
    fit: fit.Fit

    @property
    def score(self) -> int | None:
        return self.fit.score

    @property
    def band(self) -> str:
        return self.fit.band

    @property
    def good(self) -> bool:
        return self.fit.score is not None and self.fit.score >= self.profile.threshold

    def as_dict(self) -> dict:
        return {"profile": {"id": self.profile.public_id, "name": self.profile.name},
                "threshold": self.profile.threshold, "good_fit": self.good, **self.fit.as_dict()}


def fits_of(subject: fit.Subject, against: list[IdealCustomerProfile]) -> list[ProfileFit]:
    """The fit against each profile, best first; profiles where nothing could be judged last."""
    fits = [ProfileFit(p, fit.fit(p.criteria(), subject)) for p in against]
    return sorted(fits, key=lambda f: (f.score is None, -(f.score or 0), -f.fit.coverage, f.profile.name))


def best_fit(subject: fit.Subject, against: list[IdealCustomerProfile]) -> ProfileFit | None:
    """The profile the subject fits best, or None when no profile could judge it."""
    fits = fits_of(subject, against)
    return fits[0] if fits and fits[0].score is not None else None


# --- the fit distribution over the workspace's companies -------------------------------------------

BUCKETS = ((80, 100), (60, 79), (40, 59), (20, 39), (0, 19))
COMPANY_FIT_FIELDS = ("pk", "public_id", "name", "domain", "industry", "city", "region", "country", "employee_count",
                      "size_band", "tags")


@dataclass
class Distribution:
    total: int
    buckets: list[tuple[str, int]]  # ("80–100", count), best first
    unknown: int
    good: int  # at or above the threshold
    top: list[tuple[dict, fit.Fit]]  # the best-fitting companies, moderate fits (40) and up

    @property
    def peak(self) -> int:
        return max([n for _, n in self.buckets] + [self.unknown, 1])

    def as_dict(self) -> dict:
        return {"companies": self.total, "good_fit": self.good, "unknown": self.unknown,
                "buckets": [{"range": label, "companies": n} for label, n in self.buckets],
                "top": [{"id": c["public_id"], "name": c["name"], "score": f.score} for c, f in self.top]}


def _company_rows(workspace_id: int):
    return Company.objects.filter(workspace_id=workspace_id).order_by("name", "pk").values(*COMPANY_FIT_FIELDS)


def _row_subject(row: dict) -> fit.Subject:
    return fit.Subject(
        is_person=False, industry=row["industry"], company_city=row["city"], company_region=row["region"],
        company_country=row["country"], employee_count=row["employee_count"], size_band=row["size_band"],
        company_tags=tuple(row["tags"] or ()),
    )


def _company_fits(workspace_id: int, criteria: fit.Profile) -> tuple[int, list[tuple[dict, fit.Fit]]]:
    """How many companies the workspace has, and those that could be judged with their fit, best first: one
    read of the company columns."""
    total, scored = 0, []
    for row in _company_rows(workspace_id).iterator(chunk_size=2000):
        total += 1
        result = fit.fit(criteria, _row_subject(row))
        if result.score is not None:
            scored.append((row, result))
    scored.sort(key=lambda item: (-item[1].score, -item[1].coverage, item[0]["name"].lower()))
    return total, scored


def distribution(workspace_id: int, criteria: fit.Profile, threshold: int, *, top: int = 8) -> Distribution:
    """How the workspace's companies fit a profile, saved or being edited."""
    total, scored = _company_fits(workspace_id, criteria)
    counts = Counter(next(b for b in BUCKETS if b[0] <= f.score <= b[1]) for _, f in scored)
    return Distribution(total=total, buckets=[(f"{low}–{high}", counts[(low, high)]) for low, high in BUCKETS],
                        unknown=total - len(scored), good=sum(1 for _, f in scored if f.score >= threshold),
                        top=[s for s in scored if s[1].score >= fit.MODERATE][:top])


def companies_fitting(workspace_id: int, profile: IdealCustomerProfile, threshold: int,
                      *, limit: int = 2000) -> list[tuple[dict, fit.Fit]]:
    """Companies scoring at or above `threshold` against the profile, best first."""
    return [s for s in _company_fits(workspace_id, profile.criteria())[1] if s[1].score >= threshold][:limit]


# --- the fit of what a source introduces -----------------------------------------------------------


@dataclass
class ProspectFitRecord:
    """How well the prospects a source introduced fit: a source who keeps sending poor fits shows it."""

    judged: int = 0
    average: int | None = None
    poor: int = 0  # weak fits (below 40)

    @property
    def mostly_poor(self) -> bool:
        return self.judged >= 2 and self.poor * 2 > self.judged

    def as_dict(self) -> dict:
        return {"judged": self.judged, "average_fit": self.average, "poor_fits": self.poor,
                "mostly_poor": self.mostly_poor}


def prospect_fit_record(workspace_id: int, source: Person, against: list[IdealCustomerProfile]) -> ProspectFitRecord:
    record = ProspectFitRecord()
    prospects = Person.objects.filter(
        pk__in=Referral.objects.filter(workspace_id=workspace_id, source=source).values("prospect_id")
    ).select_related("company")
    scores = [f.score for f in (best_fit(subject_of(p), against) for p in prospects) if f is not None]
    if scores:
        record.judged = len(scores)
        record.average = round(sum(scores) / len(scores))
        record.poor = sum(1 for s in scores if s < fit.MODERATE)
    return record


# --- the call list --------------------------------------------------------------------------------

# Candidates taken per kind before ranking: the list shows a handful; the rest is for `more`.
PER_KIND = 40
ACCOUNTS_CONSIDERED = 30
NEIGHBOURS_PER_SOURCE = 300
MOMENT_KIND = {Moment.WON: "won", Moment.THANKED: "thanked", Moment.LOST: "lost"}


def weekly_ask_goal(member: Membership) -> int:
    """How many people the member means to ask each week: their weekly goal for asks (insights), or the method's
    default until one is set."""
    from warmline.insights.goals import weekly_ask_goal as goal_of  # insights builds on targeting, not the reverse

    return goal_of(member, default=calllist.DEFAULT_GOAL)


def teammates(member: Membership) -> list[int]:
    """The member, the members of their teams, and those teams' managers."""
    teams = Team.objects.filter(workspace_id=member.workspace_id).filter(
        Q(manager=member) | Q(team_members__membership=member))
    ids = set(TeamMember.objects.filter(team__in=teams).values_list("membership_id", flat=True))
    ids |= {pk for pk in teams.values_list("manager_id", flat=True) if pk}
    ids.add(member.pk)
    return sorted(ids)


def call_list_members(viewer: Membership) -> QuerySet[Membership]:
    """Whose call lists the viewer may open: their own (reps), their teams' (managers), anyone's (admins)."""
    members = Membership.objects.filter(workspace_id=viewer.workspace_id, is_active=True).select_related(
        "user", "workspace")
    if viewer.role == Role.REP:
        return members.filter(pk=viewer.pk)
    if viewer.role == Role.MANAGER:
        return members.filter(pk__in=teammates(viewer))
    return members


def access_call_list_member(viewer: Membership, public_id: str) -> Membership:
    if not public_id or public_id == viewer.public_id:
        return viewer
    found = call_list_members(viewer).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such member in your teams.")
    return found


def _when(day: datetime.date) -> str:
    return f"{day:%-d %b %Y}"


@dataclass
class Suggestion:
    """Whom to ask the source to introduce: someone they know who fits, or the profile described."""

    target: Person | None = None
    fit: ProfileFit | None = None
    via: str = ""  # how we know the source knows them
    description: str = ""  # a general ask: the profile in one sentence


@dataclass
class CallEntry:
    person: Person
    score: float
    why: tuple[str, ...]
    suggestions: list[Suggestion] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "person": {"id": self.person.public_id, "name": self.person.full_name, "title": self.person.title,
                       "company": self.person.company.name if self.person.company_id else None},
            "score": self.score, "why": list(self.why),
            "introduce": [
                {"target": ({"id": s.target.public_id, "name": s.target.full_name, "title": s.target.title,
                             "company": s.target.company.name if s.target.company_id else None}
                            if s.target else None),
                 "fit": s.fit.as_dict() if s.fit else None, "via": s.via or None,
                 "description": s.description or None}
                for s in self.suggestions
            ],
        }


@dataclass
class CallListView:
    member: Membership
    goal: int
    asked_this_week: int
    entries: list[CallEntry]
    more: list[CallEntry]
    excluded: list[tuple[Person, str]]
    week_of: datetime.date

    def as_dict(self) -> dict:
        return {"member": {"id": self.member.public_id, "name": self.member.user.display_name},
                "week_of": self.week_of.isoformat(), "goal": self.goal, "asked_this_week": self.asked_this_week,
                "entries": [e.as_dict() for e in self.entries], "more": [e.as_dict() for e in self.more],
                "excluded": [{"person": {"id": p.public_id, "name": p.full_name}, "why": why}
                             for p, why in self.excluded]}


def _moment_reasons(member: Membership, today: datetime.date) -> list[calllist.Candidate]:
    found = []
    for s in suggestions_for(member, today=today):
        when = _when(s.occurred_on)
        detail = {Moment.WON: f"Became a client on {when}: ask while the win is fresh",
                  Moment.THANKED: f"Thanked you on {when}" + (f" for {s.note[:120]}" if s.note else ""),
                  Moment.LOST: f"Deal lost on {when}: even a lost prospect may know someone"}[s.moment]
        found.append(calllist.Candidate(s.person_id, s.person.full_name,
                                        (calllist.Reason(MOMENT_KIND[s.moment], detail, s.occurred_on),)))
    return found


def _team_people(member: Membership) -> list[int]:
    """The people records of the member and their teammates."""
    return list(Person.objects.filter(workspace_id=member.workspace_id, membership_id__in=teammates(member),
                                      merged_into__isnull=True).values_list("pk", flat=True))


def _happy_clients(member: Membership) -> list[calllist.Candidate]:
    """People at client companies with a promoter NPS or good health whom the member's team knows (visibly):
    the clients this team can ask; other teams' clients are theirs to ask."""
    team = set(_team_people(member))
    happy = Company.objects.filter(workspace_id=member.workspace_id, relation=CompanyRelation.CLIENT).filter(
        Q(nps__gte=9) | Q(health=Health.GOOD)).values("pk")
    visible = Relationship.objects.filter(network_queries.visible_relationships_q(member))
    strongest: dict[int, float] = {}
    for a, b, strength in visible.filter(
        Q(person_a__in=team, person_b__company__in=happy) | Q(person_b__in=team, person_a__company__in=happy)
    ).values_list("person_a_id", "person_b_id", "strength"):
        other = b if a in team else a
        strongest[other] = max(strength, strongest.get(other, 0.0))
    chosen = sorted(strongest, key=lambda pk: -strongest[pk])[:PER_KIND]
    people = Person.objects.filter(pk__in=chosen).select_related("company")
    found = []
    for p in people:
        c = p.company
        said = f"NPS {c.nps}" if c.nps is not None else ""
        if c.health == Health.GOOD:
            said = f"{said}, health good" if said else "health good"
        found.append(calllist.Candidate(p.pk, p.full_name, (calllist.Reason(
            "happy_client", f"Happy client: {c.name} ({said})", None, float(c.nps) if c.nps is not None else None),)))
    return found


def _partners_owed(member: Membership, today: datetime.date) -> list[calllist.Candidate]:
    """People at partner companies who introduced us more often than we introduced them, over the last year."""
    owed = partner_balances(member.workspace_id, today)
    chosen = sorted(owed, key=lambda pk: -owed[pk].owed)[:PER_KIND]
    found = []
    for p in Person.objects.filter(pk__in=chosen).select_related("company"):
        balance = owed[p.pk]
        found.append(calllist.Candidate(p.pk, p.full_name, (calllist.Reason(
            "partner_owed", f"Partner at {p.company.name}: {balance.received} introduction"
                            f"{'s' if balance.received != 1 else ''} to us in the last year, {balance.given} from us",
            None, float(balance.owed)),)))
    return found


def target_account_lists(member: Membership):
    """The target-account lists of the member's teams: saved by them or a teammate."""
    users = Membership.objects.filter(pk__in=teammates(member)).values("user_id")
    return account_lists(member.workspace).filter(created_by__in=users)


def _connectors(member: Membership) -> tuple[list[calllist.Candidate], dict[int, list[tuple[Person, str]]]]:
    """The first introducer on the best path into each target account, and whom they would introduce."""
    entries, seen = [], set()
    for found in target_account_lists(member):
        for line, name, domain in found.entries():
            key = (name.lower(), domain.lower())
            if key not in seen and len(entries) < ACCOUNTS_CONSIDERED:
                seen.add(key)
                entries.append((line, name, domain))
    if not entries:
        return [], {}
    introducers: dict[int, Person] = {}
    strongest: dict[int, float] = defaultdict(float)
    targets: dict[int, list[tuple[Person, str]]] = defaultdict(list)
    accounts: dict[int, list[str]] = defaultdict(list)
    for row in account_table(member.workspace, member, entries):
        if row.best is None or row.best_target is None:
            continue
        hop = row.best.introducer
        if hop.hidden or hop.person is None or hop.person.pk == row.best_target.pk:
            continue
        p = hop.person
        introducers[p.pk] = p
        strongest[p.pk] = max(strongest[p.pk], min(1.0, max(0.0, row.best.score)))
        targets[p.pk].append((row.best_target, f"your best path into {row.company.name}"))
        accounts[p.pk].append(f"{row.company.name} ({row.best_target.full_name})")
    # The strongest connector scores 1: path scores are products of strengths, small in absolute terms.
    strongest_of_all = max(strongest.values(), default=1.0) or 1.0
    candidates = []
    for pk, p in introducers.items():
        named = accounts[pk]
        detail = (f"Best path into your target account {named[0]}" if len(named) == 1 else
                  f"Best path into {len(named)} of your target accounts: {', '.join(named[:2])}"
                  f"{f' and {len(named) - 2} more' if len(named) > 2 else ''}")
        candidates.append(calllist.Candidate(pk, p.full_name, (calllist.Reason("connector", detail, None,
                                                                               strongest[pk] / strongest_of_all),),
                                             is_self=p.membership_id == member.pk))
    return candidates, targets


def _dormant(member: Membership, today: datetime.date) -> list[calllist.Candidate]:
    """Sources whose introductions were won, not asked for 90 days or more (or never asked since)."""
    ws = member.workspace_id
    cutoff = today - datetime.timedelta(days=calllist.DORMANT_DAYS)
    won = (Referral.objects.filter(workspace_id=ws, status=StageKind.WON)
           .values("source_id").annotate(n=Count("id"), last=Max("closed_on")).order_by())
    by_source = {row["source_id"]: row for row in won}
    if not by_source:
        return []
    last_asked = dict(Ask.objects.filter(workspace_id=ws, source_id__in=list(by_source)).values("source_id")
                      .annotate(last=Max("asked_on")).order_by().values_list("source_id", "last"))
    quiet = [pk for pk in by_source if last_asked.get(pk) is None or last_asked[pk] <= cutoff]
    quiet.sort(key=lambda pk: (-by_source[pk]["n"], pk))
    found = []
    for p in Person.objects.filter(pk__in=quiet[:PER_KIND]):
        row, asked = by_source[p.pk], last_asked.get(p.pk)
        since = f"last asked {_when(asked)}" if asked else "never asked since"
        found.append(calllist.Candidate(p.pk, p.full_name, (calllist.Reason(
            "dormant", f"{row['n']} won introduction{'s' if row['n'] != 1 else ''}; {since}", None,
            float(row["n"])),)))
    return found


def _exclusion_facts(member: Membership, ids: list[int]) -> dict[int, dict]:
    """For each candidate: when anyone last asked them, whether they asked not to be asked, and whether the
    member's team has an open ask with them (pending, or agreed and no introduction yet)."""
    ws = member.workspace_id
    last = dict(Ask.objects.filter(workspace_id=ws, source_id__in=ids).values("source_id")
                .annotate(last=Max("asked_on")).order_by().values_list("source_id", "last"))
    open_asks = set(Ask.objects.filter(workspace_id=ws, source_id__in=ids, asked_by_id__in=teammates(member)).filter(
        Q(outcome=AskOutcome.PENDING) | Q(outcome=AskOutcome.AGREED, referrals__isnull=True)
    ).values_list("source_id", flat=True))
    people = Person.objects.filter(pk__in=ids).values_list("pk", "do_not_ask", "membership_id")
    return {pk: {"last_asked_on": last.get(pk), "do_not_ask": dna, "open_ask": pk in open_asks,
                 "is_self": membership_id == member.pk} for pk, dna, membership_id in people}


def _general_ask(source: Person | None, against: list[IdealCustomerProfile]) -> str:
    """The profile to describe in a general ask: the one the source's own company fits best (people know
    peers in their own trade), else the first."""
    if not against:
        return ""
    if source is not None and source.company_id:
        best = best_fit(company_subject(source.company), against)
        if best is not None and best.score >= fit.MODERATE:
            return best.profile.sentence
    return against[0].sentence


def _suggestions(member: Membership, sources: list[int], against: list[IdealCustomerProfile],
                 account_targets: dict[int, list[tuple[Person, str]]],
                 source_people: dict[int, Person]) -> dict[int, list[Suggestion]]:
    """Up to two people each source knows who fit a profile best (or the account target that put them on
    the list); else the profile described, for a general ask. `source_people` have their companies loaded."""
    # Only ties the member may see in full: we say how they know each other.
    visible = Relationship.objects.filter(network_queries.visible_relationships_q(member, full_only=True))
    ties = list(visible.filter(Q(person_a__in=sources) | Q(person_b__in=sources))
                .order_by("-strength").values_list("person_a_id", "person_b_id", "strength", "kind", "how_they_know")
                [: NEIGHBOURS_PER_SOURCE * max(1, len(sources))])
    known: dict[int, list[tuple[int, float, str]]] = defaultdict(list)
    for a, b, strength, kind, how in ties:
        kind = how.strip()[:80] or RelationshipKind(kind).label.lower()
        for source, other in ((a, b), (b, a)):
            if source in sources and len(known[source]) < NEIGHBOURS_PER_SOURCE:
                known[source].append((other, strength, kind))
    # Not worth an introduction: our own people, prospects already in the pipeline or won, people at clients
    # (they are ours already) and the source's own colleagues (a peer elsewhere is the introduction that counts).
    taken = set(Referral.objects.filter(workspace_id=member.workspace_id).exclude(status=StageKind.LOST)
                .values_list("prospect_id", flat=True))
    others = {o for lst in known.values() for o, _, _ in lst}
    # Known to the member through the visible ties just read, listed in the workspace or not.
    people = {p.pk: p for p in Person.objects.filter(pk__in=others, merged_into__isnull=True, membership__isnull=True)
              .exclude(company__relation=CompanyRelation.CLIENT)
              .select_related("company")}
    employer = dict(Person.objects.filter(pk__in=sources).values_list("pk", "company_id"))
    out: dict[int, list[Suggestion]] = {}
    for source in sources:
        chosen = [Suggestion(target=t, fit=best_fit(subject_of(t), against) if against else None, via=via)
                  for t, via in account_targets.get(source, [])][:2]
        scored = []
        for other, strength, kind in known.get(source, []):
            p = people.get(other)
            if p is None or p.pk in taken or any(s.target and s.target.pk == p.pk for s in chosen):
                continue
            if p.company_id is not None and p.company_id == employer.get(source):
                continue
            best = best_fit(subject_of(p), against) if against else None
            if best is not None and best.score >= fit.MODERATE:
                scored.append((best.good, best.score, strength, p, best, kind))
        # Good fits first; a moderate one still beats asking for no one in particular.
        scored.sort(key=lambda item: (not item[0], -item[1], -item[2], item[3].full_name))
        for _, _, _, p, best, kind in scored[: 2 - len(chosen)]:
            chosen.append(Suggestion(target=p, fit=best, via=f"they know each other: {kind}"))
        if not chosen and against:
            chosen.append(Suggestion(description=_general_ask(source_people.get(source), against)))
        out[source] = chosen
    return out


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def call_list(member: Membership, *, today: datetime.date | None = None) -> CallListView:
    """Whom the member should ask this week, ranked (targeting.calllist), with why and whom to ask for."""
    today = today or timezone.localdate()
    connectors, account_targets = _connectors(member)
    candidates = [*_moment_reasons(member, today), *_happy_clients(member),
                  *_partners_owed(member, today), *connectors, *_dormant(member, today)]
    visible = set(network_queries.people_for(member).filter(pk__in={c.person_id for c in candidates})
                  .values_list("pk", flat=True))
    candidates = [c for c in candidates if c.person_id in visible]
    facts = _exclusion_facts(member, sorted(visible))
    candidates = [calllist.Candidate(c.person_id, c.name, c.reasons, is_self=c.is_self or facts[c.person_id]["is_self"],
                                     last_asked_on=facts[c.person_id]["last_asked_on"],
                                     do_not_ask=facts[c.person_id]["do_not_ask"],
                                     open_ask=facts[c.person_id]["open_ask"]) for c in candidates]
    goal = weekly_ask_goal(member)
    ranked = calllist.rank(candidates, today=today, goal=goal)
    listed = [e.candidate.person_id for e in (*ranked.entries, *ranked.more)]
    people = {p.pk: p for p in Person.objects.filter(pk__in={*listed, *(x.candidate.person_id
                                                                         for x in ranked.excluded)})
              .select_related("company")}
    against = profiles(member.workspace_id)
    suggested = _suggestions(member, listed, against, account_targets, people)

    def entry(e: calllist.Entry) -> CallEntry:
        return CallEntry(person=people[e.candidate.person_id], score=e.score, why=e.why,
                         suggestions=suggested.get(e.candidate.person_id, []))

    monday = week_start(today)
    asked = Ask.objects.filter(asked_by=member, asked_on__gte=monday, asked_on__lte=today).count()
    return CallListView(
        member=member, goal=goal, asked_this_week=asked, entries=[entry(e) for e in ranked.entries],
        more=[entry(e) for e in ranked.more], week_of=monday,
        excluded=[(people[x.candidate.person_id], x.why) for x in ranked.excluded],
    )


# --- drafting the specific ask ---------------------------------------------------------------------


def _money_text(minor_by_currency: dict[str, int]) -> str:
    return ", ".join(format_money(v, c) for c, v in sorted(minor_by_currency.items()) if v)


def draft_context(member: Membership, source: Person, target: Person | None, *, description: str,
                  reason: str, profile: IdealCustomerProfile | None) -> dict:
    """Everything the ask templates may use, as plain values (the sandbox never sees a model)."""
    ws = member.workspace
    record = source_record(member, source)
    history = {"client_since": "", "deals_won": 0, "value_delivered": "", "introductions": record.introductions,
               "introductions_won": record.won, "revenue_credited": _money_text(record.revenue_minor),
               "last_introduction": ""}
    last = Referral.objects.filter(workspace_id=ws.pk, source=source).select_related("prospect").order_by(
        "-introduced_at").first()
    if last is not None:
        history["last_introduction"] = f"{last.prospect.full_name}, {last.introduced_at:%B %Y}"
    if source.company_id:
        won = Referral.objects.filter(workspace_id=ws.pk, company_id=source.company_id, status=StageKind.WON)
        first = won.order_by("closed_on").values_list("closed_on", flat=True).first()
        if first:
            history["client_since"] = f"{first:%B %Y}"
            history["deals_won"] = won.count()
            totals: dict[str, int] = defaultdict(int)
            for currency, value in won.values_list("currency", "value_minor"):
                totals[currency] += value or 0
            history["value_delivered"] = _money_text(totals)

    def who(p: Person | None) -> dict:
        if p is None:
            return {"name": "", "first_name": "", "title": "", "company": ""}
        return {"name": p.full_name, "first_name": p.first_name or p.full_name, "title": p.title,
                "company": p.company.name if p.company_id else ""}

    relation = ""
    if source.membership_id:
        relation = "colleague"
    elif source.company_id and source.company.relation:
        relation = source.company.get_relation_display().lower()
    rep_person = getattr(member, "person", None)
    rep = {"name": member.user.display_name, "first_name": member.user.display_name.split(" ")[0],
           "title": member.title or (rep_person.title if rep_person else ""), "company": ws.name}
    return {
        "source": {**who(source), "relation": relation},
        "target": {**who(target), "specific": target is not None,
                   "description": "" if target is not None else (description or (profile.sentence if profile else ""))},
        "rep": rep,
        "profile": ({"name": profile.name, "sentence": profile.sentence, "need": profile.need} if profile
                    else {"name": "", "sentence": "", "need": ""}),
        "reason": reason.strip(),
        "history": history,
        "workspace": {"name": ws.name},
    }


@dataclass
class Draft:
    talking_points: str
    intro_text: str
    profile: IdealCustomerProfile | None
    target_fit: ProfileFit | None
    errors: dict[str, str]  # a workspace template that fails to render: kind -> message

    def as_dict(self) -> dict:
        return {"talking_points": self.talking_points, "intro_text": self.intro_text,
                "profile": {"id": self.profile.public_id, "name": self.profile.name} if self.profile else None,
                "target_fit": self.target_fit.as_dict() if self.target_fit else None,
                "template_errors": self.errors}


def draft(member: Membership, source: Person, target: Person | None, *, description: str = "", reason: str = "",
          profile: IdealCustomerProfile | None = None) -> Draft:
    """The talking points and the introduction text for asking `source` about `target` (or a description)."""
    against = profiles(member.workspace_id)
    target_fit = best_fit(subject_of(target), against) if target is not None else None
    # The profile asked for, else the one the target fits best, else the first.
    profile = profile or (target_fit.profile if target_fit else None) or (against[0] if against else None)
    context = draft_context(member, source, target, description=description, reason=reason, profile=profile)
    own = templates_of(member.workspace_id)
    texts, errors = {}, {}
    for kind in scripts.KINDS:
        try:
            texts[kind] = scripts.render(own.get(kind, scripts.DEFAULTS[kind]), context)
        except scripts.TemplateError as error:
            # A workspace template that broke (it passed the check when saved): say so, draft from the default.
            errors[kind] = str(error)
            texts[kind] = scripts.render(scripts.DEFAULTS[kind], context)
    return Draft(texts["talking_points"], texts["intro_text"], profile, target_fit, errors)
