"""A targeting world on top of the pipeline personas: a profile, companies described on every dimension, and
people who fit it or do not.

Globex (logistics, 800 people, Chicago) is a perfect account; Bob Smith, its CFO, fits the profile. Initech is
a client (NPS 10) in software: a poor fit, and Dana, its COO, is a happy client. Hooli is a partner.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.referrals.builders import Pipeline, build_pipeline, person
from warmline.network import services as network
from warmline.network.models import Company, Person
from warmline.targeting import services
from warmline.targeting.models import IdealCustomerProfile

PROFILE = dict(
    name="Logistics finance", who="CFOs",
    industries=["Logistics", "Freight"], regions=["Illinois", "Ohio", "Michigan"], countries=[],
    size_min=200, size_max=2000, functions=["Finance"], seniorities=["c_level", "vp"],
    trait_tags=["early adopter"], need="rising freight costs", need_keywords=["freight costs"], threshold=60,
)


@dataclass
class Targeting:
    pipeline: Pipeline
    profile: IdealCustomerProfile
    globex: Company
    initech: Company
    hooli: Company
    carla: Person  # Globex's controller: a good fit Dana knows

    @property
    def world(self):
        return self.pipeline.world


def company(actor, name: str, **fields) -> Company:
    found = Company.objects.get(workspace_id=actor.workspace_id, name=name)
    return network.save_company(actor, found, **fields)


def build_targeting(world) -> Targeting:
    pipeline = build_pipeline(world)
    alice = world.alice
    globex = company(alice, "Globex", industry="Logistics", employee_count=800, city="Chicago", region="Illinois",
                     country="United States", relation="prospect")
    initech = company(alice, "Initech", industry="Software", employee_count=150, city="Austin", region="Texas",
                      country="United States", relation="client", nps=10, health="good")
    hooli = company(alice, "Hooli", industry="Consulting", employee_count=40, relation="partner")
    network.save_person(alice, pipeline.bob_smith, region="Illinois", tags=["early adopter"],
                        notes="Worried about freight costs.")
    carla = person(alice, "Carla", "Controller", "Globex", "VP Finance")
    network.record_tie(alice, pipeline.dana, carla, kind="former_colleague")
    profile = services.save_profile(alice, None, **PROFILE)
    return Targeting(pipeline=pipeline, profile=profile, globex=globex, initech=initech, hooli=hooli, carla=carla)
