"""How warm paths are scored. Pure, no Django; docs/paths.md explains it to users.

The score of a path is the product of:

- the strength of each relationship on it (0..1, from network.strength), where the
  insider's last step, the implicit colleague tie, counts `insider_tie`: at most 0.12,
  below the weakest recorded tie (a bare LinkedIn connection, 0.15), so a known tie
  to the target through the same employee always ranks higher;
- the reliability of each connector: (introductions made + 2) / (introductions asked + 3).
  A newcomer gets 2/3; three introductions out of three asks 5/6; none out of three 1/3;
- recency: 0.6 + 0.4 * 0.5 ** (age / 2 years), where age is that of the stalest
  relationship on the path (the newest evidence on each one); undated counts as 4 years;
- 0.5 for a path with two introducers, which is shown only when no shorter one exists.

When two paths score the same, the requesting rep's own come first.
"""

from __future__ import annotations

import numpy as np

RELIABILITY_PRIOR_MADE = 2.0
RELIABILITY_PRIOR_ASKED = 3.0
RECENCY_FLOOR = 0.6
RECENCY_HALF_LIFE_DAYS = 730.0
UNDATED_AGE_DAYS = 4 * 365
TWO_INTRODUCERS_FACTOR = 0.5
INSIDER_BASE = 0.06
INSIDER_SENIOR_BONUS = {4: 0.02, 5: 0.03, 6: 0.03}  # director; VP; C-level
INSIDER_SAME_FUNCTION_BONUS = 0.03

# network.choices.Seniority values, ranked.
SENIORITY_RANK = {"": 0, "entry": 1, "senior": 2, "manager": 3, "director": 4, "vp": 5, "c_level": 6}

_SENIOR_BONUS = np.zeros(7)
for _rank, _bonus in INSIDER_SENIOR_BONUS.items():
    _SENIOR_BONUS[_rank] = _bonus


def reliability(made, asked) -> np.ndarray:
    """How likely a connector is to make an introduction, smoothed so that newcomers are not zero."""
    made = np.asarray(made, dtype=np.float64)
    asked = np.maximum(np.asarray(asked, dtype=np.float64), made)
    return (made + RELIABILITY_PRIOR_MADE) / (asked + RELIABILITY_PRIOR_ASKED)


def days_or_old(last, today: int) -> np.ndarray:
    """Age in days of each relationship's newest evidence (`last`, days since 1970; -1 when undated)."""
    last = np.asarray(last, dtype=np.int64)
    return np.where(last < 0, UNDATED_AGE_DAYS, np.maximum(today - last, 0))


def recency(age_days) -> np.ndarray:
    age = np.asarray(age_days, dtype=np.float64)
    return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * np.power(0.5, age / RECENCY_HALF_LIFE_DAYS)


def insider_tie(seniority, same_function) -> np.ndarray:
    """The implicit colleague tie between an insider and the target: higher for a senior insider or one in
    the target's function, and always below a recorded tie."""
    seniority = np.clip(np.asarray(seniority, dtype=np.int64), 0, 6)
    return INSIDER_BASE + _SENIOR_BONUS[seniority] + INSIDER_SAME_FUNCTION_BONUS * np.asarray(same_function)


def path_score(strengths: list[float], connectors: list[tuple[int, int]], lasts: list[int], today: int,
               *, two_introducers: bool = False) -> float:
    """The score of one path: strengths of its steps, (made, asked) of its connectors, and each step's newest
    evidence day (-1 undated; the insider's implicit tie has none and is left out)."""
    score = float(np.prod(strengths))
    for made, asked in connectors:
        score *= float(reliability(made, asked))
    if lasts:
        score *= float(recency(days_or_old(lasts, today).max()))
    if two_introducers:
        score *= TWO_INTRODUCERS_FACTOR
    return score
