"""Every CSV download: streamed row by row, each text cell spreadsheet-safe."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse


def spreadsheet_safe(text) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    """A file that hands back what is written, so csv.writer yields lines to stream."""

    def write(self, value):
        return value


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """`header`, then `rows`, as a CSV attachment. Text cells, the header's included (a
    person's name heads a RACI column), are made spreadsheet-safe; numbers and dates are
    written as they are."""
    writer = csv.writer(_Echo())

    def line(row: Sequence) -> str:
        return writer.writerow(
            [spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row]
        )

    def lines():
        yield line(header)
        for row in rows:
            yield line(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
