"""CSV files as spreadsheets open them: the product's downloads (run report, findings, topic
demand, ambassador candidates) are read in Excel or LibreOffice far more often than by programs.

- A byte-order mark first: without it Excel reads UTF-8 as Windows-1252 ("MÃ¼ller").
- For a German reader, fields between semicolons and decimal commas: Excel set to German
  splits rows on ";" and reads "0.875" as a date or a thousand, "0,875" as the number.
- A cell that a spreadsheet would run as a formula (= + - @, a tab or carriage return first)
  is written as text, with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response
from flask_babel import get_locale

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


class Share(float):
    """A fraction shown as a percentage where the file can say so (an XLSX cell formatted
    "0.0 %"; a CSV keeps the plain fraction for programs)."""


def column_widths(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, least: int = 10, most: int = 60) -> list[int]:
    """A width per column that shows its longest value (in characters), within bounds."""
    widths = [len(str(value)) for value in header]
    for row in rows:
        for i, value in enumerate(row):
            shown = len(value.strftime("%Y-%m-%d %H:%M")) if hasattr(value, "strftime") else len(str(value or ""))
            if i < len(widths):
                widths[i] = max(widths[i], shown)
            else:
                widths.append(shown)
    return [min(most, max(least, width + 2)) for width in widths]


def german_reader() -> bool:
    return str(get_locale() or "en").startswith("de")


def safe_cell(value: Any, *, decimal_comma: bool = False) -> Any:
    """A value as a cell: None as empty, formula-like text defused, a fraction with the
    reader's decimal mark."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    if decimal_comma and isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


def csv_text(rows: Iterable[Sequence[Any]], *, german: bool | None = None) -> str:
    """The rows as a CSV document for the reader's spreadsheet (see the module's notes)."""
    german = german_reader() if german is None else german
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";" if german else ",")
    writer.writerows([safe_cell(value, decimal_comma=german) for value in row] for row in rows)
    return out.getvalue()


def csv_response(text: str, filename: str) -> Response:
    return Response(text, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
