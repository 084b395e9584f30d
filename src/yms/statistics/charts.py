"""Charts drawn on the server as accessible SVG, each with the table of its figures.

No client JavaScript: the page carries the drawing. Each chart is an image with a
``<title>`` and a ``<desc>`` (named by ``aria-labelledby``) and sits beside a table
of the same figures, which is what assistive technology reads; the bars are
labelled with their values, so no reading depends on colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# GOV.UK Design System colours, each at least 3:1 against white (WCAG 1.4.11).
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#912b88", "#d4351c", "#505a5f")
_TEXT = "#0b0c0c"
_LABEL_WIDTH, _BAR_WIDTH, _VALUE_WIDTH = 230, 330, 90
_BAR, _GAP, _GROUP_GAP = 14, 2, 12


@dataclass(frozen=True, slots=True)
class Series:
    """One kind of figure across the chart's categories; `None` is a figure not shown."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A grouped bar chart: for each category, one bar per series."""

    id: str
    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    withheld: str = "withheld"  # what a figure that is not shown reads as

    def value_text(self, value: float | None) -> str:
        """A figure as written in the chart and its table."""
        if value is None:
            return self.withheld
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The table beside the chart: each category with its series' figures."""
        return [
            (category, [self.value_text(s.values[index]) for s in self.series])
            for index, category in enumerate(self.categories)
        ]


def chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    withheld: str = "withheld",
) -> Chart:
    """A chart whose series each give one figure per category; `withheld` reads for a `None`."""
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} figures for {len(categories)}")
    return Chart(
        chart_id,
        title,
        description,
        tuple(categories),
        tuple(Series(name, tuple(values)) for name, values in series),
        withheld,
    )


def _text(x: float, y: float, words: str, *, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{_TEXT}"{weight}>'
        f"{escape(words)}</text>"
    )


def svg(figure: Chart) -> Markup:
    """The chart as an inline SVG image, its title and description named for assistive tech."""
    largest = max(
        (v for s in figure.series for v in s.values if v is not None and v > 0), default=1.0
    )
    per_group = len(figure.series) * (_BAR + _GAP) + _GROUP_GAP
    legend_height = 22 * len(figure.series) + 8
    height = legend_height + per_group * len(figure.categories) + 4
    width = _LABEL_WIDTH + _BAR_WIDTH + _VALUE_WIDTH
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="yms-chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'aria-labelledby="{figure.id}-title {figure.id}-desc" '
            f'font-size="13">'
        ),
        f'<title id="{figure.id}-title">{escape(figure.title)}</title>',
        f'<desc id="{figure.id}-desc">{escape(figure.description)}</desc>',
    ]
    for index, series in enumerate(figure.series):
        y = 4 + 22 * index
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{_LABEL_WIDTH}" y="{y}" width="14" height="14" fill="{colour}"/>')
        parts.append(_text(_LABEL_WIDTH + 20, y + 12, series.name))
    for group, category in enumerate(figure.categories):
        top = legend_height + group * per_group
        middle = top + len(figure.series) * (_BAR + _GAP) / 2
        parts.append(_text(_LABEL_WIDTH - 8, middle + 4, _short(category), anchor="end"))
        for index, series in enumerate(figure.series):
            value = series.values[group]
            y = top + index * (_BAR + _GAP)
            length = 0.0 if value is None or value <= 0 else _BAR_WIDTH * value / largest
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{max(length, 1):.1f}" '
                f'height="{_BAR}" fill="{colour}"/>'
            )
            parts.append(_text(_LABEL_WIDTH + length + 4, y + _BAR - 3, figure.value_text(value)))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above


def _short(label: str, most: int = 34) -> str:
    # The full label is in the table beside the chart; the drawing keeps to its column.
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"
