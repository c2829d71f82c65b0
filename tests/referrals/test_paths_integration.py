"""Asks feed warm paths: a path's status comes from the asks made along it, a declined one makes the next path
the one to try, and introductions made or refused change a connector's reliability in the ranking."""

from django.utils import timezone

from tests.paths.test_paths_queries import net  # noqa: F401 - the fixture
from warmline.network.services import ensure_person_for
from warmline.paths import queries as paths
from warmline.paths.index import index_for
from warmline.referrals import queries, services
from warmline.referrals.choices import AskOutcome


def _paths(world, target):
    return paths.person_paths(world.acme, world.bob, target,
                              statuses=queries.path_statuses(world.acme.pk, target))


def test_a_declined_ask_marks_its_path_and_suggests_the_next(net):  # noqa: F811
    world, priya, target, dan = net
    first, second = _paths(world, target)
    assert first.suggested and first.status == paths.NOT_ASKED
    alice_person = ensure_person_for(world.alice)
    asked = services.record_ask(world.bob, source=priya, target=target, channel="phone",
                                path=[alice_person.pk, priya.pk, target.pk])
    first, second = _paths(world, target)
    assert first.status == paths.PENDING and not first.suggested and not second.suggested
    services.update_ask(world.bob, asked, outcome=AskOutcome.DECLINED)
    first, second = _paths(world, target)
    assert first.status == paths.DECLINED
    assert second.suggested and second.status == paths.NOT_ASKED
    # Plan the ask along the next path: Carol's contact Dan, the insider.
    carol_person = ensure_person_for(world.carol)
    planned = services.record_ask(world.bob, source=dan, target=target, channel="video",
                                  path=[carol_person.pk, dan.pk, target.pk])
    services.record_referral(world.bob, ask=planned, at=timezone.now())
    first, second = _paths(world, target)
    statuses = {p.introducer.person.full_name: p.status for p in (first, second)}
    assert statuses == {"Priya Patel": paths.DECLINED, "Dan Insider": paths.INTRODUCED}


def test_asks_and_introductions_change_a_connectors_reliability(net):  # noqa: F811
    world, priya, target, dan = net
    def through_priya():
        return next(p for p in _paths(world, target) if p.introducer.person == priya).score

    before = through_priya()
    for _ in range(3):
        services.record_ask(world.bob, source=priya, target=target, channel="phone", outcome=AskOutcome.DECLINED)
    index_for(world.acme.pk)  # the index refreshes from the change notes the asks left
    after = through_priya()
    # Asked three times, no introduction: (0+2)/(3+3) instead of a newcomer's 2/3.
    assert round(after / before, 3) == round((2 / 6) / (2 / 3), 3)
