"""Geometry of the envelope's charts, drawn server-side as inline SVG by templates/budget/_charts.html.

No JavaScript, no inline style (the CSP forbids it): the template writes SVG presentation
attributes (x, y, width, height) from these numbers and colours come from CSS classes. Each
chart is a picture of a table printed beside it with the same figures."""

from decimal import Decimal

WIDTH = 480  # the viewBox width of a chart in a half column; the SVG scales to its column with CSS
WIDE = 960  # a chart across the page
LABEL_GAP = 18  # a label line above each bar
BAR = 18


def _scale(value, biggest, full) -> float:
    """A length from 0 to `full` for a value from 0 to `biggest` (geometry only: floats are fine here)."""
    if not biggest or not value or value <= 0:
        return 0.0
    return round(float(Decimal(value) / Decimal(biggest)) * full, 1)


def sources_chart(sources) -> dict:
    """One bar per source: what is committed, then what remains, end to end (scaled to the largest source)."""
    biggest = max((s.amount for s in sources), default=0)
    rows, y = [], 0
    for source in sources:
        committed = _scale(source.committed_total, biggest, WIDTH)
        total = _scale(source.amount, biggest, WIDTH)
        rows.append(
            {
                "source": source,
                "label_y": y + 14,
                "bar_y": y + LABEL_GAP + 2,
                "committed_width": committed,
                "remaining_x": committed,
                "remaining_width": round(total - committed, 1),
            }
        )
        y += LABEL_GAP + BAR + 16
    return {"width": WIDTH, "height": max(y, 1), "rows": rows, "bar": BAR}


def themes_chart(rows) -> dict:
    """Three bars per theme: target (current value), committed, paid; one scale for all."""
    biggest = max((max(r["current"] or 0, r["committed"], r["paid"]) for r in rows), default=0)
    bar, out, y = 12, [], 0
    for row in rows:
        out.append(
            {
                "row": row,
                "label_y": y + 14,
                "bars": [
                    {"kind": "target", "y": y + LABEL_GAP + 2, "width": _scale(row["current"], biggest, WIDTH)},
                    {
                        "kind": "committed",
                        "y": y + LABEL_GAP + 2 + bar + 2,
                        "width": _scale(row["committed"], biggest, WIDTH),
                    },
                    {
                        "kind": "paid",
                        "y": y + LABEL_GAP + 2 + 2 * (bar + 2),
                        "width": _scale(row["paid"], biggest, WIDTH),
                    },
                ],
            }
        )
        y += LABEL_GAP + 3 * (bar + 2) + 14
    return {"width": WIDTH, "height": max(y, 1), "rows": out, "bar": bar}


def quarters_chart(quarters) -> dict:
    """One column per fiscal quarter of the plan: what was paid in it (scaled to the biggest quarter)."""
    plot = 200  # the columns' height; labels below
    count = max(len(quarters), 1)
    step = WIDE / count
    biggest = max((q["paid"] for q in quarters), default=0)
    columns = []
    for i, quarter in enumerate(quarters):
        height = _scale(quarter["paid"], biggest, plot)
        columns.append(
            {
                "quarter": quarter,
                "x": round(i * step + step * 0.15, 1),
                "width": round(step * 0.7, 1),
                "y": round(plot - height, 1),
                "height": height,
                "label_x": round(i * step + step / 2, 1),
                "year_label": quarter["quarter"] == 1,
            }
        )
    return {
        "width": WIDE,
        "height": plot + 40,
        "plot": plot,
        "columns": columns,
        "label_y": plot + 16,
        "year_y": plot + 34,
    }
