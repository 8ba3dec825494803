"""Downloads over time as an inline SVG bar chart, drawn on the server (no script).

:func:`bar_chart` turns ``(day, count)`` pairs into the numbers the ``_chart.html`` partial
draws: one ``<rect>`` per day scaled to the busiest day, each with its own ``<title>`` (a
tooltip, and what a screen reader reads for it), the chart's ``<title>``/``<desc>``, and the
same figures as a table. Dates are written by Babel in the page's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from babel.dates import format_skeleton

from marketplace.portal.i18n import Texts

WIDTH: Final = 600
HEIGHT: Final = 150
LEFT: Final = 44  # room for the y-axis numbers
TOP: Final = 10
BOTTOM: Final = 24  # room for the date labels
DAYS: Final = 30


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: str  # the date as the locale writes it in full
    count: str  # the number as the locale writes it
    label: str  # "Nov 3: 12 downloads", for the bar's <title>


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    base: int  # the y of the zero line
    peak: str
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str, str], ...]  # (x, short date, text-anchor) under the bars
    summary: str  # the <desc>: total, period, busiest day
    total: int


def _short(texts: Texts, day: dt.date) -> str:
    return format_skeleton("MMMd", day, locale=texts.locale)


def bar_chart(texts: Texts, series: list[tuple[dt.date, int]]) -> Chart:
    """The chart of ``series`` (oldest day first, one entry per day)."""
    peak = max((count for _, count in series), default=0)
    area = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / max(len(series), 1)
    base = TOP + area
    bars = []
    for i, (day, count) in enumerate(series):
        height = round(area * count / peak, 1) if peak else 0.0
        label = texts.ngettext("{day}: {n} download", "{day}: {n} downloads", count,
                               day=_short(texts, day))
        bars.append(Bar(x=round(LEFT + i * slot + slot * 0.15, 1), y=round(base - height, 1),
                        width=round(slot * 0.7, 1), height=height, day=texts.date(day),
                        count=texts.number(count), label=label))
    # First, middle and last day; the outer labels align to the chart's edges (not clipped).
    ticks = tuple(
        (float(LEFT) if i == 0 else float(WIDTH) if i == len(series) - 1
         else round(LEFT + i * slot + slot / 2, 1), _short(texts, series[i][0]),
         "start" if i == 0 else "end" if i == len(series) - 1 else "middle")
        for i in sorted({0, len(series) // 2, len(series) - 1}) if series)
    total = sum(count for _, count in series)
    if series and peak:
        busiest = next(day for day, count in series if count == peak)
        summary = texts.ngettext(
            "{n} download from {first} to {last}; the busiest day was {day} with {peak}.",
            "{n} downloads from {first} to {last}; the busiest day was {day} with {peak}.",
            total, first=texts.date(series[0][0]), last=texts.date(series[-1][0]),
            day=texts.date(busiest), peak=texts.number(peak))
    elif series:
        summary = texts.gettext("No downloads from {first} to {last}.",
                                first=texts.date(series[0][0]),
                                last=texts.date(series[-1][0]))
    else:
        summary = ""
    return Chart(width=WIDTH, height=HEIGHT, left=LEFT, top=TOP, base=base,
                 peak=texts.number(peak), bars=tuple(bars), ticks=ticks, summary=summary,
                 total=total)
