"""Who gets credit for an introduction when several sources introduced the same prospect. Pure, no Django.

docs/referrals.md explains it to users. A referral's credits say how its value is
shared among sources when it is won; they always sum to 100 %.

- A referral with no conflict credits its own source with 100 %.
- "First source keeps the credit": a duplicate (the prospect already had an open
  referral, or is already a client) credits the first source with 100 % of its value.
- "Shared credit": the sources share equally, the first source taking any
  remainder of the division (three sources: 34, 33, 33).
"""

from __future__ import annotations

FIRST_SOURCE = "first_source"
SHARED = "shared"


def credits(policy: str, sources: list[int]) -> dict[int, int]:
    """Credit percentages per source id for a referral whose group of sources is `sources`, first source first.

    `sources` is the first referral's source, then every later one, the new referral's source last; the same
    person introducing the prospect twice counts once.
    """
    if not sources:
        raise ValueError("A referral has at least one source.")
    distinct = list(dict.fromkeys(sources))
    if policy == FIRST_SOURCE or len(distinct) == 1:
        return {distinct[0]: 100}
    if policy != SHARED:
        raise ValueError(f"Unknown attribution policy {policy!r}.")
    share, remainder = divmod(100, len(distinct))
    if share == 0:
        # More than 100 sources of one prospect: the first hundred share it.
        distinct, share, remainder = distinct[:100], 1, 0
    return {source: share + (1 if i < remainder else 0) for i, source in enumerate(distinct)}
