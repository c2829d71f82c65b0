"""The referral-math planner on a scope's own history: measured rates, and the plan for a target."""

from __future__ import annotations

import datetime

from warmline.insights import metrics, queries
from warmline.insights.metrics import Period, Scope
from warmline.insights.referral_math import Plan, ask_to_intro, intro_to_client, plan

WINDOWS = (90, 180, 365)


def measured(scope: Scope, window_days: int, today: datetime.date):
    """The scope's ask-to-introduction and introduction-to-client rates over the last `window_days` days."""
    period = Period(today - datetime.timedelta(days=window_days - 1), today)
    t = metrics.totals(scope, period)
    return ask_to_intro(t.asks, t.introductions), intro_to_client(t.cohort_closed, t.cohort_won), period


def make_plan(scope: Scope, *, clients: int, weeks: int, window_days: int, today: datetime.date) -> tuple[Plan, Period]:
    ask_rate, client_rate, window = measured(scope, window_days, today)
    reps = len(queries.members_of_scope(scope, today))
    return plan(clients, weeks=weeks, reps=reps, ask_rate=ask_rate, client_rate=client_rate), window
