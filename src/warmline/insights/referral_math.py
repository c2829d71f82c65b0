"""Referral math, pure (no Django): how many introductions and asks a target of new clients takes.

Need 20 clients with introduction-to-client 50 % and ask-to-introduction 50 %: 40 introductions, 80 asks.
Rates come from the team's own history when there is enough of it; otherwise the method's defaults, labelled
as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_ASK_TO_INTRO = 0.5
DEFAULT_INTRO_TO_CLIENT = 0.5
# Fewer observations than this and a measured rate says too little: the default is used instead.
MIN_ASKS = 20
MIN_CLOSED = 10


@dataclass(frozen=True)
class Rate:
    value: float
    measured: bool
    # What the rate was measured on: e.g. "34 introductions from 80 asks".
    basis: str

    @property
    def label(self) -> str:
        return f"{self.value:.0%} ({self.basis})" if self.measured else f"{self.value:.0%} (default: {self.basis})"


def ask_to_intro(asks: int, introductions: int) -> Rate:
    """Introductions per ask, measured when there were at least MIN_ASKS asks and some introductions."""
    if asks >= MIN_ASKS and introductions > 0:
        return Rate(min(1.0, introductions / asks), True, f"{introductions} introductions from {asks} asks")
    if not asks:
        return Rate(DEFAULT_ASK_TO_INTRO, False, "no asks measured")
    if asks < MIN_ASKS:
        return Rate(DEFAULT_ASK_TO_INTRO, False, f"only {_n(asks, 'ask')} measured")
    return Rate(DEFAULT_ASK_TO_INTRO, False, f"no introductions from {_n(asks, 'ask')}")


def intro_to_client(closed: int, won: int) -> Rate:
    """Won ÷ closed among introductions, measured when at least MIN_CLOSED have closed and some were won."""
    if closed >= MIN_CLOSED and won > 0:
        return Rate(min(1.0, won / closed), True, f"{won} won of {closed} closed introductions")
    if not closed:
        return Rate(DEFAULT_INTRO_TO_CLIENT, False, "no closed introductions")
    if closed < MIN_CLOSED:
        return Rate(DEFAULT_INTRO_TO_CLIENT, False, f"only {_n(closed, 'closed introduction')}")
    return Rate(DEFAULT_INTRO_TO_CLIENT, False, f"none won of {_n(closed, 'closed introduction')}")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Plan:
    clients: int
    weeks: int
    reps: int
    ask_to_intro: Rate
    intro_to_client: Rate
    introductions: int
    asks: int

    @property
    def introductions_per_week(self) -> int:
        return math.ceil(self.introductions / self.weeks)

    @property
    def asks_per_week(self) -> int:
        return math.ceil(self.asks / self.weeks)

    @property
    def introductions_per_rep_week(self) -> int:
        return math.ceil(self.introductions / self.weeks / self.reps) if self.reps else 0

    @property
    def asks_per_rep_week(self) -> int:
        return math.ceil(self.asks / self.weeks / self.reps) if self.reps else 0


def plan(clients: int, *, weeks: int, reps: int, ask_rate: Rate, client_rate: Rate) -> Plan:
    """Work back from the clients wanted: introductions = clients ÷ intro-to-client, asks = introductions ÷
    ask-to-intro, each rounded up; per week and per rep rounded up again, so the plan is never short."""
    if clients < 0 or weeks < 1 or reps < 0:
        raise ValueError("clients ≥ 0, weeks ≥ 1 and reps ≥ 0")
    introductions = math.ceil(round(clients / client_rate.value, 9))
    asks = math.ceil(round(introductions / ask_rate.value, 9))
    return Plan(clients, weeks, reps, ask_rate, client_rate, introductions, asks)
