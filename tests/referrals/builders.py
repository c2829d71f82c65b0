"""People, a second Acme team and referrals for pipeline tests.

Acme gains the West team: Walter manages it and Wendy is its rep. Carol (East) and
Wendy (West) must not see each other's referrals; Bob (East's manager) sees Carol's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tests.personas import World, _member
from warmline.core.choices import Role
from warmline.core.models import Membership, Team, TeamMember, TeamSpell
from warmline.core.money import Money
from warmline.network import services as network
from warmline.network.models import Person
from warmline.referrals import services
from warmline.referrals.choices import AskChannel
from warmline.referrals.models import Referral, Stage

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # a Monday


@dataclass
class Pipeline:
    world: World
    walter: Membership
    wendy: Membership
    west: Team
    dana: Person  # a client of ours, a referral source
    bob_smith: Person  # CFO at Globex, the prospect
    erin: Person  # another source

    def stage(self, name: str) -> Stage:
        return Stage.objects.get(workspace=self.world.acme, name=name)


def person(actor, first: str, last: str, company: str = "", title: str = "") -> Person:
    return network.save_person(actor, None, first_name=first, last_name=last, company=company or None, title=title)


def build_pipeline(world: World) -> Pipeline:
    acme = world.acme
    walter = _member(acme, "walter@acme.test", "Walter Westmanager", Role.MANAGER)
    wendy = _member(acme, "wendy@acme.test", "Wendy Westrep", Role.REP)
    west = Team.objects.create(workspace=acme, name="West", manager=walter)
    TeamMember.objects.create(workspace=acme, team=west, membership=wendy)
    TeamSpell.objects.create(workspace=acme, team=west, membership=wendy)
    return Pipeline(
        world=world, walter=walter, wendy=wendy, west=west,
        dana=person(world.alice, "Dana", "Client", "Initech", "COO"),
        bob_smith=person(world.alice, "Bob", "Smith", "Globex", "CFO"),
        erin=person(world.alice, "Erin", "Partner", "Hooli", "Partner"),
    )


def refer(actor, source, prospect, *, at=T0, value=None, **kwargs) -> Referral:
    """An unasked introduction, recorded by `actor` for themselves."""
    return services.record_referral(actor, source=source, prospect=prospect, at=at, introduced_at=at,
                                    value=Money(value, "USD") if value is not None else None, **kwargs)


def ask(actor, source, target=None, *, at=T0, channel=AskChannel.PHONE, **kwargs):
    return services.record_ask(actor, source=source, target=target, channel=channel, at=at,
                               asked_on=timezone.localdate(at), **kwargs)
