"""A warm path in words, built from the evidence of each relationship on it. Pure, no Django.

"Dana Lee (your VP Sales) worked with Priya Patel at Initech 2019–2022 and met Priya twice this quarter;
Priya has known Bob Smith since 2021 (LinkedIn)."
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from warmline.network.strength import Evidence, EvidenceSource

FULL, EXISTENCE = "full", "existence"


@dataclass
class Who:
    name: str
    first: str = ""
    title: str = ""
    company: str = ""
    employee: bool = False
    you: bool = False  # the person reading
    hidden: bool = False  # an existence-only contact the reader may not identify

    @property
    def short(self) -> str:
        return self.first or self.name


@dataclass
class Step:
    evidence: list[Evidence] = field(default_factory=list)
    disclosure: str = FULL
    insider: bool = False  # the implicit colleague tie of an insider path
    same_function: bool = False


def explain(people: list[Who], steps: list[Step], *, today: date) -> str:
    """One sentence (or a few, joined by semicolons) saying how the path runs and why each step holds."""
    mentioned: set[int] = set()

    def name(i: int, *, subject: bool = False) -> str:
        who = people[i]
        if who.you:
            return "You" if subject else "you"
        if i in mentioned:
            return who.short
        mentioned.add(i)
        if who.employee:
            return f"{who.name} (your {who.title})" if who.title else f"{who.name} (your colleague)"
        return who.name

    clauses = []
    for i, step in enumerate(steps):
        a, b = people[i], people[i + 1]
        if b.hidden:
            clauses.append(f"{name(i, subject=True)} knows someone who can take it from there; who, and how, "
                           f"stay private until {a.short if not a.you else 'you'} agree"
                           f"{'' if a.you else 's'} to share")
            break
        subject = name(i, subject=True)
        if step.insider:
            where = f" at {b.company}" if b.company else ""
            clause = f"{subject} works with {name(i + 1)}{where}"
            if step.same_function:
                clause += ", in the same function"
            if a.title:
                clause += f" (as {a.title})"
            clauses.append(clause)
            continue
        if step.disclosure == EXISTENCE:
            clauses.append(f"{subject} knows {name(i + 1)} (how well is private to {a.short})")
            continue
        parts = _evidence_parts(step.evidence, lambda j=i + 1: name(j), lambda j=i + 1: people[j].short, today)
        if not parts:
            parts = [f"knows {name(i + 1)}"]
        clauses.append(f"{subject} {_and(parts)}")
    return "; ".join(clauses) + "."


def _evidence_parts(evidence: list[Evidence], full_name, short_name, today: date) -> list[str]:
    """Phrases, strongest kind of evidence first; the other person is named in full the first time."""
    by_source: dict[str, list[Evidence]] = {}
    for item in evidence:
        by_source.setdefault(item.source, []).append(item)
    parts: list[str] = []

    def other() -> str:
        return full_name() if not parts else short_name()

    for item in sorted(by_source.get(EvidenceSource.SHARED_EMPLOYER, []), key=lambda e: e.on or date.min):
        start = item.on.year if item.on else None
        end = item.ended_on.year if item.ended_on else None
        if start and end:
            when = f" in {start}" if start == end else f" {start}–{end}"
        elif start:
            when = f" since {start}"
        else:
            when = ""
        parts.append(f"worked with {other()} at {item.detail or 'the same company'}{when}")
    interactions = [e for e in by_source.get(EvidenceSource.INTERACTION, []) if e.on is not None]
    if interactions:
        quarter = (today.year, (today.month - 1) // 3)
        this_quarter = [e for e in interactions if (e.on.year, (e.on.month - 1) // 3) == quarter and e.on <= today]
        if this_quarter:
            parts.append(f"met {other()} {_times(len(this_quarter))} this quarter")
        else:
            last = max(e.on for e in interactions)
            parts.append(f"last met {other()} in {last:%B %Y}")
    for item in by_source.get(EvidenceSource.MANUAL, [])[:1]:
        detail = item.detail.strip()
        if detail and not detail.startswith("Recorded by"):
            parts.append(f"knows {other()}: “{detail}”")
        else:
            parts.append(f"knows {other()}")
    if EvidenceSource.CONTACTS in by_source:
        parts.append(f"has {other()} in their contacts")
    elif EvidenceSource.VCARD in by_source:
        parts.append(f"has {other()} in their address book")
    linkedin = by_source.get(EvidenceSource.LINKEDIN)
    if linkedin:
        dated = [e.on for e in linkedin if e.on]
        if dated:
            parts.append(f"has known {other()} since {min(dated).year} (LinkedIn)")
        else:
            parts.append(f"is connected with {other()} on LinkedIn")
    return parts


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _and(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
