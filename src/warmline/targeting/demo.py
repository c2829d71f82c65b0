"""The demo's targeting: two ideal customer profiles, what each account is to Northwind (client, partner…) with
client health and NPS, a few people's traits, and a target-account list per sales team built from a profile.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from warmline.core.choices import Channel, Role
from warmline.core.demo import DemoWorkspace
from warmline.network import services as network_services
from warmline.network.choices import CompanyRelation, Health, InteractionKind, Seniority
from warmline.network.models import Company, Person
from warmline.referrals.choices import StageKind
from warmline.referrals.models import Referral
from warmline.targeting import services

SEED = 20261202
# The network demo's company tags, read as what the company is to us.
RELATIONS = [("churned", CompanyRelation.FORMER_CLIENT), ("customer", CompanyRelation.CLIENT),
             ("partner", CompanyRelation.PARTNER), ("target-account", CompanyRelation.PROSPECT)]
PEER_CIRCLES = ["CFO round-table in Chicago", "Same MBA cohort", "Met at the supply-chain finance summit",
                "Worked together at a Big Four firm", "Neighbours; their kids play football together"]
TRAITS = ["early adopter", "data-driven", "board member", "speaks at conferences", "former consultant"]
NEEDS = ["month-end close takes too long", "no cash visibility across entities", "forecasting in spreadsheets",
         "margin by customer unknown", "rising freight costs"]

OPERATIONS_FINANCE = dict(
    name="Operations finance", who="Finance and operations leaders",
    summary="CFOs and COOs of mid-size logistics, manufacturing, retail and food companies in the US and UK who "
            "still close the month in spreadsheets",
    industries=["Logistics & Transportation", "Manufacturing", "Retail & E-commerce", "Food & Beverage"],
    countries=["United States", "United Kingdom"], size_min=200, size_max=5000,
    functions=["Finance", "Operations"], seniorities=[Seniority.C_LEVEL, Seniority.VP, Seniority.DIRECTOR],
    traits="Data-driven leaders who own the numbers and are open to replacing spreadsheets.",
    trait_tags=["data-driven", "early adopter"], need="a slow month-end close and no live view of cash",
    need_keywords=["close", "cash", "forecast", "spreadsheets", "freight costs", "margin"], threshold=65,
)
SAAS_FINANCE = dict(
    name="Scale-up finance", who="CFOs and controllers",
    summary="CFOs and controllers of software and fintech scale-ups preparing board reporting and revenue forecasts",
    industries=["Software & SaaS", "Fintech"], countries=["United States", "United Kingdom", "Germany", "Netherlands"],
    size_min=100, size_max=1500, functions=["Finance"], seniorities=[Seniority.C_LEVEL, Seniority.VP,
                                                                     Seniority.DIRECTOR],
    trait_tags=["early adopter"], need="board reporting and revenue forecasting", need_keywords=["forecast", "board"],
    weights={"industry": 3, "geography": 1, "size": 2, "role": 3, "traits": 1, "need": 2}, threshold=60,
)


def populate(demo: DemoWorkspace) -> None:
    rng = random.Random(SEED)
    workspace = demo.workspace
    admin = demo.members["admin"]
    _relations(rng, workspace)
    _traits_and_needs(rng, workspace, admin)
    _introductions_given(rng, demo)
    services.save_profile(admin, None, channel=Channel.DEMO, **OPERATIONS_FINANCE)
    _peers(rng, workspace, admin)
    scale_up = services.save_profile(admin, None, channel=Channel.DEMO, **SAAS_FINANCE)
    operations = services.save_profile(admin, None, channel=Channel.DEMO, **{**OPERATIONS_FINANCE,
                                                                             "name": "Operations finance (EU)", "summary": "",
                                                                             "countries": ["Germany", "Netherlands"]})
    services.archive_profile(admin, operations)  # an idea tried and put aside: archived profiles score no one
    for team in demo.teams.values():
        manager = team.manager
        if manager is None or manager.role != Role.MANAGER:
            continue
        profile = scale_up if team.name == "Mid-Market" else None
        found = profile or _profile(workspace, "Operations finance")
        services.build_account_list(manager, found, threshold=80, name=f"{team.name}: {found.name} accounts",
                                    channel=Channel.DEMO)


def _profile(workspace, name):
    from warmline.targeting.models import IdealCustomerProfile

    return IdealCustomerProfile.objects.get(workspace=workspace, name=name)


def _relations(rng: random.Random, workspace) -> None:
    """Clients and former clients from the network's tags and from deals won; health and NPS for clients."""
    won = set(Referral.objects.filter(workspace=workspace, status=StageKind.WON, company__isnull=False)
              .values_list("company_id", flat=True))
    changed = []
    for company in Company.objects.filter(workspace=workspace).order_by("pk"):
        relation = next((r for tag, r in RELATIONS if tag in company.tags), "")
        if company.pk in won and relation in ("", CompanyRelation.PROSPECT):
            relation = CompanyRelation.CLIENT
        if not relation:
            continue
        company.relation = relation
        if relation == CompanyRelation.CLIENT:
            reference = "reference" in company.tags
            company.nps = rng.choice([9, 10, 10]) if reference else rng.choice([5, 6, 7, 8, 8, 9, 9, 10, None])
            company.health = (Health.GOOD if (company.nps or 7) >= 8 else
                              rng.choice([Health.FAIR, Health.FAIR, Health.AT_RISK]))
        changed.append(company)
    Company.objects.bulk_update(changed, ["relation", "nps", "health"], batch_size=500)


def _traits_and_needs(rng: random.Random, workspace, admin) -> None:
    """Some prospects' traits, and what they struggle with, as a rep would note them."""
    people = list(Person.objects.filter(workspace=workspace, membership__isnull=True, merged_into__isnull=True,
                                        seniority__in=[Seniority.C_LEVEL, Seniority.VP, Seniority.DIRECTOR])
                  .select_related("company").order_by("pk"))
    for person in rng.sample(people, min(len(people), 160)):
        fields = {"tags": rng.sample(TRAITS, rng.choice([1, 1, 2]))}
        if rng.random() < 0.6:
            need = rng.choice(NEEDS)
            fields["notes"] = (f"{person.notes}\n" if person.notes else "") + f"Told us: {need}."
        network_services.save_person(admin, person, channel=Channel.DEMO, **fields)
    # Two people asked not to be asked for introductions.
    for person in rng.sample(people, min(len(people), 2)):
        network_services.save_person(admin, person, channel=Channel.DEMO, do_not_ask=True)


def _peers(rng: random.Random, workspace, admin) -> None:
    """Clients know peers at other companies: finance and operations people who fit a profile. These are the
    people the call list suggests asking clients to introduce."""
    from warmline.targeting import queries

    against = queries.profiles(workspace.pk)
    candidates = Person.objects.filter(workspace=workspace, membership__isnull=True, merged_into__isnull=True,
                                       seniority__in=[Seniority.C_LEVEL, Seniority.VP, Seniority.DIRECTOR]
                                       ).exclude(company__relation=CompanyRelation.CLIENT).select_related("company")
    fitting = [p for p in candidates.order_by("pk")
               if (best := queries.best_fit(queries.subject_of(p), against)) is not None and best.good]
    clients = list(Person.objects.filter(workspace=workspace, membership__isnull=True, merged_into__isnull=True,
                                         company__relation=CompanyRelation.CLIENT).order_by("pk"))
    for client in rng.sample(clients, min(len(clients), 400)):
        for peer in rng.sample(fitting, min(len(fitting), rng.choice([1, 1, 2]))):
            if peer.company_id != client.company_id:
                network_services.record_tie(admin, client, peer, kind="friend", channel=Channel.DEMO,
                                            how_they_know=rng.choice(PEER_CIRCLES))


def _introductions_given(rng: random.Random, demo: DemoWorkspace) -> None:
    """Introductions Northwind made for some partners: the reciprocity the call list weighs. The first partner
    who introduced us is still owed one."""
    partners = list(Person.objects.filter(workspace=demo.workspace, company__relation=CompanyRelation.PARTNER,
                                          referrals_made__isnull=False).distinct().order_by("pk"))
    today = timezone.localdate()
    giver = demo.members["dana.lee"]
    for person in partners[1::2]:
        network_services.log_interaction(giver, person, kind=InteractionKind.INTRODUCTION,
                                         occurred_on=today - timedelta(days=rng.randint(10, 200)),
                                         summary="Introduced them to a CFO in our client base", channel=Channel.DEMO)
