"""Chart geometry for server-rendered SVG, pure (no Django): the templates draw what these compute.

Every chart is drawn from rows that the page also shows as a table and offers as CSV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 30


def nice_max(value: float) -> float:
    """A round top for an axis at or above `value`: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


@dataclass
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text: str
    goal: float | None = None
    goal_y: float | None = None
    under_goal: bool = False


@dataclass
class BarChart:
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label)
    width: int = WIDTH
    height: int = HEIGHT
    goal_path: str = ""
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    empty: bool = False
    extra: dict = field(default_factory=dict)


def bar_chart(rows: list[tuple[str, float, str]], goals: list[float | None] | None = None, *,
              fmt=lambda v: f"{v:,.0f}") -> BarChart:
    """Vertical bars of `rows` (label, value, value as text), with an optional goal per bar drawn as a step line."""
    goals = goals or [None] * len(rows)
    top = nice_max(max([v for _, v, _ in rows] + [g for g in goals if g is not None] + [0]))
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(1, len(rows))
    bars = []
    path = []
    for i, ((label, value, text), goal) in enumerate(zip(rows, goals, strict=True)):
        h = plot_h * value / top
        x = LEFT + i * slot
        bar = Bar(label, value, round(x + slot * 0.15, 1), round(TOP + plot_h - h, 1), round(slot * 0.7, 1),
                  round(h, 1), text)
        if goal is not None:
            bar.goal = goal
            bar.goal_y = round(TOP + plot_h - plot_h * goal / top, 1)
            bar.under_goal = value < goal
            path.append(f"M{x:.1f},{bar.goal_y} H{x + slot:.1f}")
        bars.append(bar)
    ticks = [(round(TOP + plot_h - plot_h * f, 1), fmt(top * f)) for f in (0, 0.25, 0.5, 0.75, 1)]
    return BarChart(bars, ticks, goal_path=" ".join(path), empty=not any(v for _, v, _ in rows))


@dataclass
class FunnelStep:
    label: str
    value: int
    width: float  # percent of the widest
    rate_from_previous: float | None


def funnel(steps: list[tuple[str, int]]) -> list[FunnelStep]:
    """Horizontal funnel bars, each with its conversion from the step before."""
    widest = max([v for _, v in steps] + [1])
    result = []
    previous = None
    for label, value in steps:
        rate = (value / previous) if previous else None
        result.append(FunnelStep(label, value, round(100 * value / widest, 1), rate))
        previous = value
    return result
