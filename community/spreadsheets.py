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
