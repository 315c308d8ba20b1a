"""The bilan's charts for its PDF: horizontal bars drawn as inline SVG, each with a <title> (the PDF's alternative
text: WeasyPrint tags an SVG as a Figure and takes its title as /Alt), a caption, and the table of its figures
printed right after it (templates/bilan/pdf.html). Geometry only: floats are fine here; the figures shown in words
are the Decimals of the bilan, formatted to the cent."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from asis.templatetags.asis_format import format_money
from budget.terms import TERMS

WIDTH = 640
LABEL = 200  # the label column
BAR = 12
ROW = 34
COLOURS = ("#1f4e5f", "#8fbccb")  # dark then light: told apart by shade, and each bar is also in the table


def _length(value: Decimal, biggest: Decimal) -> float:
    if not biggest or value <= 0:
        return 0.0
    return round(float(value / biggest) * (WIDTH - LABEL - 10), 1)


def _svg(title: str, rows: list[tuple[str, tuple[Decimal, ...]]], series: tuple[str, ...], *, stacked: bool) -> str:
    """`rows`: (label, values per series); stacked: the values end to end on one bar, else one bar per series."""
    biggest = max(
        ((sum(values, Decimal(0)) if stacked else max(values, default=Decimal(0))) for _label, values in rows),
        default=Decimal(0),
    )
    shapes, y = [], 24
    for index, name in enumerate(series):  # the legend
        x = LABEL + index * 200
        shapes.append(format_html('<rect x="{}" y="4" width="10" height="10" fill="{}"/>', x, COLOURS[index]))
        shapes.append(format_html('<text x="{}" y="13" font-size="10">{}</text>', x + 14, name))
    for label, values in rows:
        shown = label if len(label) <= 36 else label[:35] + "…"
        shapes.append(format_html('<text x="0" y="{}" font-size="10">{}</text>', y + BAR, shown))
        x = LABEL
        for index, value in enumerate(values):
            length = _length(value, biggest)
            bar_y = y + (0 if stacked else index * (BAR + 2))
            shapes.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    x,
                    bar_y,
                    length,
                    BAR,
                    COLOURS[index],
                )
            )
            if stacked:
                x += length
        y += ROW if not stacked else ROW - 10
    height = y + 4
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" class="chart">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        WIDTH,
        height,
        title,
        format_html_join("", "{}", ((shape,) for shape in shapes)),
    )


def _described(rows, series) -> str:
    """The chart in words: each row's figures, to the cent."""
    return " ; ".join(
        f"{label} : " + ", ".join(f"{name} {format_money(value)}" for name, value in zip(series, values))
        for label, values in rows
    )


def sources_chart(bilan) -> dict:
    """Per source: committed up to the end of the period, then left to commit (stacked)."""
    series = (_("Engagé à la fin de la période"), str(TERMS["left"].label))
    rows = [(line.label, (line.envelope - line.left, max(line.left, Decimal("0.00")))) for line in bilan.by_source]
    title = _("Par source de financement : engagé à la fin de la période et reste à engager. %(figures)s.") % {
        "figures": _described(rows, series)
    }
    return {"svg": _svg(title, rows, series, stacked=True), "description": title}


def themes_chart(bilan) -> dict:
    """Per theme: committed (by decision date) and paid in the period, side by side."""
    series = (str(TERMS["committed"].label), str(TERMS["disbursed"].label))
    rows = [(line.label, (line.committed, line.disbursed)) for line in bilan.by_theme]
    title = _("Par enjeu : engagé et versé dans la période. %(figures)s.") % {"figures": _described(rows, series)}
    return {"svg": _svg(title, rows, series, stacked=False), "description": title}
