"""A year of Northwind's referral selling: asks, introductions and deals, written through the services.

Each seller asks a couple of people a week, mostly clients and colleagues they
know, mostly for someone specific and mostly in a conversation. About half of
the asks bring an introduction and about four in ten introductions become
clients, at realistic stage timings: most prospects are contacted within a
day, a few late, a few still waiting now. Every event happens at its own time
(`at=`), in time order, so history, durations and the follow-up clock are as a
real team's would be. One seeded random.Random: two loads give the same year.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from warmline.core.choices import Channel, Role
from warmline.core.demo import DemoWorkspace
from warmline.core.money import Money
from warmline.network.models import Person, Relationship
from warmline.network.services import ensure_person_for
from warmline.referrals import services
from warmline.referrals.choices import AskChannel, AskOutcome, Confirmation, StageKind
from warmline.referrals.models import Ask, Stage

SEED = 20261201
DAYS = 365
# Asks per week by seller: the strong, the steady and the ones their manager coaches.
WEEKLY_ASKS = {"aisha.khan": 2.2, "hannah.schultz": 2.0, "priya.raman": 1.6, "emily.chen": 1.6,
               "lucas.martin": 1.3, "tom.becker": 1.0, "grace.park": 1.2, "diego.santos": 0.8,
               "noah.johnson": 0.6, "oliver.brown": 0.9, "marcus.webb": 0.3, "sofia.alvarez": 0.4,
               "ken.okafor": 0.3}
CHANNELS = [(AskChannel.IN_PERSON, 30), (AskChannel.PHONE, 28), (AskChannel.VIDEO, 22), (AskChannel.EMAIL, 15),
            (AskChannel.SOCIAL, 5)]
LOST_REASONS = ["Went with a competitor", "No budget this year", "Project postponed after a reorganisation",
                "Chose to build it in-house", "The champion left the company", "Timing: mid ERP migration"]
DISQUALIFIED_REASONS = ["Too small for our product", "Not the decision maker and no path to one",
                        "Already under a three-year contract"]
REASONS = [
    "{company} is consolidating finance tools this year; our cash-forecasting work at similar firms fits.",
    "They are scaling operations across regions and reporting is manual: we cut close time in half elsewhere.",
    "New CFO, new priorities: a 20-minute look at the benchmark we did for {source_company} would help.",
    "Their supply-chain visibility problem is the one we solved for three logistics clients.",
]
INTRO = ("Hi {first}, I'd like you to meet {rep}. They helped us {win}. I think a short call would be worth your "
         "time.")
WINS = ["get a live view of cash across 14 entities", "cut our monthly close from 9 days to 4",
        "see margin by lane and customer for the first time", "replace 30 spreadsheets with one dashboard"]
NOTES = ["Good first call: they are rebuilding their forecast process and want a demo with their controller.",
         "Left a voicemail and sent a short email mentioning who introduced us.",
         "Wants to see the logistics case study before the meeting.",
         "Budget is set in Q3; the CFO signs off anything above 50k.",
         "Thanked the source and told them the call is booked."]
THANKS = ["the benchmark on payment terms", "the intro to a treasury consultant", "the board-deck template",
          "the analysis of their freight spend", "the tip on the new revenue-recognition rules"]


@dataclass(order=True)
class _Event:
    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


class _Year:
    def __init__(self, demo: DemoWorkspace, now: datetime):
        self.demo = demo
        self.ws = demo.workspace
        self.now = now
        self.rng = random.Random(SEED)
        self.events: list[_Event] = []
        self.clients: set[int] = set()  # companies with a deal planned to be won
        self.asked_about: set[int] = set()  # people someone was already asked to introduce
        self.waiting = self.waiting_late = 0  # recent introductions left without a first contact
        self.stages = {s.name: s for s in Stage.objects.filter(workspace=self.ws)}
        self.open_stages = [s for s in sorted(self.stages.values(), key=lambda s: s.position)
                            if s.kind == StageKind.OPEN]
        self._graph()

    def _graph(self) -> None:
        """Who knows whom, from the demo network: sellers ask the people they know."""
        self.members = self.demo.members
        self.person_of = {local: ensure_person_for(m) for local, m in self.members.items()}
        employee_ids = {p.pk for p in self.person_of.values()}
        neighbours: dict[int, set[int]] = defaultdict(set)
        for a, b in Relationship.objects.filter(workspace=self.ws).order_by("id").values_list(
                "person_a_id", "person_b_id"):
            neighbours[a].add(b)
            neighbours[b].add(a)
        # Sorted: a set of ids iterates in an order that depends on the ids' values, and PostgreSQL's ids depend
        # on what the sequences handed out before; sorted, the same network gives the same year on any database.
        self.neighbours: dict[int, list[int]] = defaultdict(list, {pk: sorted(ids) for pk, ids in neighbours.items()})
        # In id order: the same plan on every database (unordered rows come back in any order).
        self.people = {p.pk: p for p in Person.objects.filter(workspace=self.ws, merged_into__isnull=True)
                       .select_related("company").order_by("id")}
        self.outsiders = [pk for pk, p in self.people.items() if pk not in employee_ids and p.company_id]
        self.employee_ids = employee_ids

    def at(self, day: float, hour: float | None = None) -> datetime:
        moment = self.now - timedelta(days=DAYS) + timedelta(days=day)
        if hour is not None:
            moment = moment.replace(hour=int(hour), minute=int((hour % 1) * 60), second=0, microsecond=0)
        return moment

    def add(self, when: datetime, run: Callable[[], None]) -> None:
        if when <= self.now:
            self.events.append(_Event(when, len(self.events), run))

    # --- planning --------------------------------------------------------------------------------

    def plan(self) -> None:
        for local, weekly in WEEKLY_ASKS.items():
            member = self.members[local]
            me = self.person_of[local].pk
            known = [pk for pk in self.neighbours[me] if pk in self.people and pk not in self.employee_ids]
            colleagues = [self.person_of[other].pk for other, m in self.members.items()
                          if other != local and m.role == Role.REP and other not in WEEKLY_ASKS]
            # Sellers ask people who know someone worth meeting.
            known = [pk for pk in known if self._targets(pk, me)] or known
            colleagues = [pk for pk in colleagues if self._targets(pk, me)] or colleagues
            for week in range(DAYS // 7):
                for _ in range(self._poisson(weekly * (0.7 + 0.6 * week / 52))):
                    day = week * 7 + self.rng.choice([0, 1, 2, 3, 4]) + self.rng.random()
                    self._ask(member, me, known, colleagues, day)
            for _ in range(self._poisson(weekly * 3)):
                self._unasked(member, known, self.rng.uniform(5, DAYS - 1))
        for _ in range(25):
            local = self.rng.choice(list(WEEKLY_ASKS))
            person = self.people[self.rng.choice(self.outsiders)]
            when = self.at(self.rng.uniform(DAYS - 60, DAYS - 0.5), 15)
            note = self.rng.choice(THANKS)
            self.add(when, lambda m=self.members[local], p=person, n=note, w=when: services.log_moment(
                m, p, note=n, occurred_on=timezone.localdate(w), via=Channel.DEMO, at=w))

    def _targets(self, source_id: int, me: int) -> list[int]:
        """Whom a source could introduce: outside people they know, preferably at companies not yet clients."""
        known = [pk for pk in self.neighbours[source_id] if pk in self.people and pk not in self.employee_ids
                 and pk != me and pk != source_id and pk not in self.asked_about]
        new_logos = [pk for pk in known if self.people[pk].company_id not in self.clients]
        # Now and then a client's colleague: an expansion, flagged as an existing client.
        return new_logos or (known if self.rng.random() < 0.1 else [])

    def _poisson(self, mean: float) -> int:
        limit, k, product = math.exp(-mean), 0, self.rng.random()
        while product > limit:
            k += 1
            product *= self.rng.random()
        return k

    def _ask(self, member, me: int, known: list[int], colleagues: list[int], day: float) -> None:
        rng = self.rng
        # Everyone's network counts: a third of asks go to colleagues outside sales.
        from_colleague = rng.random() < 0.3 or not known
        for attempt in range(8):
            # A client with no one left to introduce: ask a colleague from across the business instead.
            source_id = rng.choice(colleagues if from_colleague or attempt >= 3 else known)
            targets = self._targets(source_id, me)
            if targets:
                break
        specific = targets and rng.random() < 0.85
        target = self.people[rng.choice(targets)] if specific else None
        if target is not None and rng.random() < 0.97:
            self.asked_about.add(target.pk)  # a few are asked of two sources: duplicates happen
        source = self.people[source_id]
        from_colleague = source_id in self.employee_ids
        path = ([source_id, target.pk] if from_colleague else [me, source_id, target.pk]) if target else []
        when = self.at(day, rng.choice([9.5, 11, 12.5, 14, 16.5]))
        channel = self._weighted(CHANNELS)
        holder: dict = {}
        company = target.company.name if target and target.company_id else "Their company"

        def record():
            holder["ask"] = services.record_ask(
                member, source=source, target=target,
                target_description="" if target else rng.choice(
                    ["A CFO at a mid-size logistics company", "Head of supply chain at a manufacturer",
                     "Someone running FP&A at a retailer", "A COO in healthcare"]),
                reason=rng.choice(REASONS).format(company=company, source_company=(
                    source.company.name if source.company_id else "a client")),
                intro_text=INTRO.format(first=(target.first_name if target else "there"),
                                        rep=member.user.display_name, win=rng.choice(WINS)),
                channel=channel, asked_on=timezone.localdate(when), path=path, via=Channel.DEMO, at=when,
                intel_how_they_know=rng.choice(["", "Former colleagues", "Same CFO round-table", "Neighbours",
                                                "Board of a charity together"]),
                intel_what_matters=rng.choice(["", "Cash visibility", "Faster close", "Margin by customer"]),
            )
        self.add(when, record)
        # Conversations work better than digital asks, and specific asks better than general ones.
        agree = 0.55 if channel not in (AskChannel.EMAIL, AskChannel.SOCIAL) else 0.35
        agree *= 1.0 if target else 0.7
        roll = rng.random()
        outcome = (AskOutcome.AGREED if roll < agree else AskOutcome.DECLINED if roll < agree + 0.25
                   else AskOutcome.NO_ONE)
        answered = when + timedelta(days=rng.uniform(0.2, 6))
        if outcome != AskOutcome.AGREED:
            self.add(answered, lambda: services.update_ask(member, holder["ask"], outcome=outcome, via=Channel.DEMO,
                                                           at=answered))
            return
        follow_up = answered + timedelta(days=7)
        self.add(answered, lambda: services.update_ask(member, holder["ask"], outcome=AskOutcome.AGREED,
                                                       follow_up_on=timezone.localdate(follow_up),
                                                       via=Channel.DEMO, at=answered))
        if rng.random() < 0.12:
            # Agreed, then nothing: the follow-up list catches it, and after the nudge the source had no one.
            self.add(follow_up + timedelta(days=rng.uniform(0, 5)), lambda: services.update_ask(
                member, holder["ask"], outcome=AskOutcome.NO_ONE, via=Channel.DEMO, at=follow_up + timedelta(days=1)))
            return
        introduced = answered + timedelta(days=rng.lognormvariate(math.log(3), 0.7))
        prospect = target or self.people[rng.choice(targets or self.outsiders)]
        if prospect.pk == source_id:
            return

        def introduce():
            holder["referral"] = services.record_referral(
                member, ask=holder["ask"], prospect=prospect, introduced_at=introduced, via=Channel.DEMO,
                at=introduced)
        self.add(introduced, introduce)
        self._deal(member, holder, introduced, prospect.company_id)

    def _unasked(self, member, known: list[int], day: float) -> None:
        if not known:
            return
        rng = self.rng
        source = self.people[rng.choice(known)]
        candidates = self._targets(source.pk, -1)
        if rng.random() < 0.2:
            # Someone a colleague already asked about: a second introduction of an open prospect.
            candidates = [pk for pk in self.neighbours[source.pk] if pk in self.asked_about] or candidates
        if not candidates:
            return
        prospect = self.people[rng.choice(candidates)]
        when = self.at(day, rng.choice([10, 13, 15.5]))
        holder: dict = {}

        def introduce():
            holder["referral"] = services.record_referral(
                member, source=source, prospect=prospect, origin=rng.choice(["unasked", "verbal"]),
                introduced_at=when, via=Channel.DEMO, at=when)
        self.add(when, introduce)
        self._deal(member, holder, when, prospect.company_id)

    def _deal(self, member, holder: dict, introduced: datetime, company_id: int | None) -> None:
        """The introduction's life: first contact, meetings, proposal, then won or lost."""
        rng = self.rng
        t = introduced
        currency = "EUR" if rng.random() < 0.12 else "USD"
        value = Money(int(rng.lognormvariate(math.log(40_000), 0.6)) * 100, currency)

        def move(name: str, when: datetime, **kwargs):
            self.add(when, lambda: services.move_referral(member, holder["referral"], self.stages[name],
                                                          via=Channel.DEMO, at=when, **kwargs))

        def confirm(by: str, when: datetime):
            self.add(when, lambda: services.confirm_referral(member, holder["referral"], by=by, via=Channel.DEMO,
                                                             at=when))

        if rng.random() < 0.6:
            confirm(Confirmation.SOURCE, t + timedelta(hours=rng.uniform(2, 72)))
        roll = rng.random()
        if introduced > self.now - timedelta(days=8) and self._left_waiting(introduced, roll):
            return  # not contacted yet: overdue once a day has passed, for someone to notice
        # Most within the day; some late (the third of referrals typical teams drop is what this fixes).
        t += timedelta(hours=rng.lognormvariate(math.log(8), 0.6) if roll < 0.8 else rng.uniform(26, 90))
        move("Contacted", t)
        if rng.random() < 0.3:
            note = rng.choice(NOTES)
            when = t + timedelta(minutes=20)
            self.add(when, lambda: services.add_note(member, note, referral=holder["referral"], via=Channel.DEMO,
                                                     at=when))
        if rng.random() < 0.35:
            confirm(Confirmation.PROSPECT, t + timedelta(hours=rng.uniform(1, 48)))
        if rng.random() < 0.08:
            move("Disqualified", t + timedelta(days=rng.uniform(1, 5)), lost_reason=rng.choice(DISQUALIFIED_REASONS))
            return
        steps = [("Meeting scheduled", 0.88, (1, 6)), ("Meeting held", 0.9, (3, 12)), ("Proposal", 0.8, (4, 20))]
        for name, chance, (low, high) in steps:
            t += timedelta(days=rng.uniform(low, high))
            if rng.random() > chance:
                move("Lost", t + timedelta(days=rng.uniform(1, 10)), lost_reason=rng.choice(LOST_REASONS))
                return
            move(name, t)
        t += timedelta(days=rng.uniform(8, 40))
        if rng.random() < 0.72:
            move("Won", t, value=value, closed_on=timezone.localdate(t))
            if company_id:
                self.clients.add(company_id)
            return
        move("Lost", t, lost_reason=rng.choice(LOST_REASONS))
        if rng.random() < 0.15:
            # A reopened deal: the buyer came back a few weeks later.
            back = t + timedelta(days=rng.uniform(14, 40))
            self.add(back, lambda: services.reopen_referral(member, holder["referral"], via=Channel.DEMO, at=back))
            won = back + timedelta(days=rng.uniform(7, 30))
            move("Won", won, value=value, closed_on=timezone.localdate(won))

    def _left_waiting(self, introduced: datetime, roll: float) -> bool:
        """Whether this week's introduction is still waiting for its first contact: the first two already past
        the day's contact time, so the overdue list always shows someone, and about three in ten of the rest, four
        at most. Which introductions fall in the week moves with the hour the demo loads."""
        if introduced > self.now:
            return roll < 0.3  # not recorded by now anyway
        late = introduced < self.now - timedelta(hours=25)
        if late and self.waiting_late < 2:
            self.waiting_late += 1
            return True
        if roll < 0.3 and self.waiting < 4:
            self.waiting += 1
            return True
        return False

    def _weighted(self, pairs):
        total = sum(w for _, w in pairs)
        pick = self.rng.uniform(0, total)
        for item, weight in pairs:
            pick -= weight
            if pick <= 0:
                return item
        return pairs[-1][0]

    def run(self) -> None:
        for event in sorted(self.events):
            event.run()


def populate(demo: DemoWorkspace) -> bool:
    """Load the year into the demo workspace; False (nothing written) if it is already there."""
    if Ask.objects.filter(workspace=demo.workspace).exists():
        return False
    year = _Year(demo, timezone.now().replace(second=0, microsecond=0))
    year.plan()
    year.run()
    return True

