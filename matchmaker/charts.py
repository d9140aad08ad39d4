"""Chart geometry for server-drawn SVG: bars and columns with their labels and values.

Pure functions: numbers in, positions out; templates/staff/_charts.html draws them. Every bar
carries its label and its value as text, and further series are told apart by a hatch pattern,
an outline or a dashed edge as well as by their legend, so that no chart relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 400  # viewBox units; the SVG scales to its container
LABEL_HEIGHT = 18  # a bar's label line, above the bar
BAR_HEIGHT = 16
BAR_GAP = 4  # between the bars of one group
GROUP_GAP = 14
VALUE_SPACE = 70  # room to the right of the longest bar for its value


@dataclass(frozen=True)
class BarSpec:
    value: float
    text: str  # the value as shown, e.g. "12" or "41 %"
    style: str = "solid"  # solid | hatched | outline | dashed


@dataclass(frozen=True)
class Group:
    label: str
    bars: Sequence[BarSpec]


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    text: str
    text_x: float
    style: str


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: float
    groups: list[BarGroup]


def bar_chart(groups: Sequence[Group], maximum: float | None = None) -> BarChart:
    """Horizontal bars, each group's label on its own line above its bars (readable on a phone)."""
    top = (
        maximum
        if maximum is not None
        else max((bar.value for group in groups for bar in group.bars), default=0)
    )
    scale = (WIDTH - VALUE_SPACE) / top if top > 0 else 0
    y = 0.0
    drawn = []
    for group in groups:
        label_y = y + LABEL_HEIGHT - 5
        y += LABEL_HEIGHT
        bars = []
        for spec in group.bars:
            width = max(spec.value * scale, 0)
            bars.append(Bar(y=y, width=width, text=spec.text, text_x=width + 6, style=spec.style))
            y += BAR_HEIGHT + BAR_GAP
        drawn.append(BarGroup(group.label, label_y, bars))
        y += GROUP_GAP - BAR_GAP
    return BarChart(width=WIDTH, height=max(y, 1), groups=drawn)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    text: str  # the value above the column ("" for zero, to keep a long series legible)
    label: str  # the axis label under it, shown on some columns only


@dataclass(frozen=True)
class ColumnChart:
    width: float
    height: float
    baseline: float
    columns: list[Column]


COLUMN_AREA = 160
COLUMN_TOP = 16  # room for the values above the tallest column
AXIS_SPACE = 30


def column_chart(items: Sequence[tuple[str, float]], max_labels: int = 8) -> ColumnChart:
    """Vertical columns for a series in time; every n-th axis label so that they never touch."""
    count = max(len(items), 1)
    width = max(WIDTH, count * 14)
    step = width / count
    top = max((value for _, value in items), default=0)
    scale = COLUMN_AREA / top if top > 0 else 0
    every = max(1, -(-count // max_labels))
    baseline = COLUMN_TOP + COLUMN_AREA
    columns = []
    for index, (label, value) in enumerate(items):
        height = value * scale
        columns.append(
            Column(
                x=index * step + step * 0.15,
                y=baseline - height,
                width=step * 0.7,
                height=height,
                text=_number(value) if value else "",
                label=label if index % every == 0 else "",
            )
        )
    return ColumnChart(width=width, height=baseline + AXIS_SPACE, baseline=baseline,
                       columns=columns)  # fmt: skip


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
