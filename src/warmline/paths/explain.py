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
        you = a.you
        if step.insider:
            if a.title and not a.employee and not a.you:
                subject += f" ({a.title})"
            where = f" at {b.company}" if b.company else ""
            clause = f"{subject} {_verb('works', you)} with {name(i + 1)}{where}"
            if step.same_function:
                clause += ", in the same function"
            clauses.append(clause)
            continue
        if step.disclosure == EXISTENCE:
            clauses.append(f"{subject} {_verb('knows', you)} {name(i + 1)} (how well is private to {a.short})")
            continue
        parts = _evidence_parts(step.evidence, lambda j=i + 1: name(j), lambda j=i + 1: people[j].short, today,
                                you=you)
        if not parts:
            parts = [f"{_verb('knows', you)} {name(i + 1)}"]
        clauses.append(f"{subject} {_and(parts)}")
    return "; ".join(clauses) + "."


def _evidence_parts(evidence: list[Evidence], full_name, short_name, today: date, *, you: bool = False) -> list[str]:
    """Phrases, strongest kind of evidence first; the other person is named in full the first time.

    `you`: the subject is the reader ("you have known…" rather than "has known…")."""
    has, knows, is_ = _verb("has", you), _verb("knows", you), _verb("is", you)
    their = "your" if you else "their"
    by_source: dict[str, list[Evidence]] = {}
    for item in evidence:
        by_source.setdefault(item.source, []).append(item)
    parts: list[str] = []

    def other() -> str:
        return full_name() if not parts else short_name()

    for item in sorted(by_source.get(EvidenceSource.SHARED_EMPLOYER, []), key=lambda e: e.on or date.min):
        start = item.on.year if item.on else None
        end = item.ended_on.year if item.ended_on else None
        company = item.detail or "the same company"
        if start and end:
            when = f" in {start}" if start == end else f" {start}–{end}"
            parts.append(f"worked with {other()} at {company}{when}")
        elif start:
            parts.append(f"{has} worked with {other()} at {company} since {start}")
        else:
            parts.append(f"worked with {other()} at {company}")
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
        detail = item.detail.strip().rstrip(".")
        if detail and not detail.startswith("Recorded by"):
            parts.append(f"{knows} {other()}: “{detail}”")
        else:
            parts.append(f"{knows} {other()}")
    if EvidenceSource.CONTACTS in by_source:
        parts.append(f"{has} {other()} in {their} contacts")
    elif EvidenceSource.VCARD in by_source:
        parts.append(f"{has} {other()} in {their} address book")
    linkedin = by_source.get(EvidenceSource.LINKEDIN)
    if linkedin:
        dated = [e.on for e in linkedin if e.on]
        if dated:
            parts.append(f"{has} known {other()} since {min(dated).year} (LinkedIn)")
        else:
            parts.append(f"{is_} connected with {other()} on LinkedIn")
    return parts


_SECOND_PERSON = {"has": "have", "knows": "know", "is": "are", "works": "work"}


def _verb(third_person: str, you: bool) -> str:
    return _SECOND_PERSON[third_person] if you else third_person


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _and(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
