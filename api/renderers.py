"""CSV answers (`?format=csv`): the columns are the serializer's fields, in their order, under their names: stable, as
tools that read them by name expect. UTF-8, comma-separated, amounts with a decimal point (1250.50), dates ISO."""

import csv
import io

from rest_framework.renderers import BaseRenderer


class _Line:
    def write(self, value):
        return value


def csv_lines(columns, rows):
    """The header, then each row (a dict of a serializer's representation) as one CSV line; None is empty."""
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow(["" if row.get(name) is None else _cell(row[name]) for name in columns])


def _cell(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Lists stream their CSV themselves (views.ListView.list): what comes here is an error's detail.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        if isinstance(data, dict):
            writer.writerow(["champ", "message"])
            for key, value in data.items():
                writer.writerow([key, " ".join(str(v) for v in value) if isinstance(value, list) else str(value)])
        return buffer.getvalue().encode()
