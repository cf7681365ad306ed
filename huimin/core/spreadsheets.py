"""Spreadsheet export shared by every module: a streamed, write-only workbook, and files sent
as downloads.

Every cell of every export (xlsx and csv) goes through one door, ``xlsx_row`` / ``csv_row``:
control characters in stored text are dropped (openpyxl refuses them, and they mean nothing
on paper), and text that a spreadsheet would read as a formula (it begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written as text: an xlsx string cell with Excel's
quote prefix, a csv cell after an apostrophe. Numbers, amounts and dates are passed as
numbers and never touched, so a real negative amount stays a number.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: C0 and C1 control characters but tab, line feed and carriage return; with DEL.
EXPORT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def export_text(text: str) -> str:
    """Stored text as it may be written to a file: without control characters."""
    # isprintable is false for every control character: the common case skips the regex
    return text if text.isprintable() else EXPORT_CONTROL.sub("", text)


def formula_like(text: str) -> bool:
    """Would a spreadsheet take this text for a formula?"""
    return text.startswith(FORMULA_START)


def xlsx_value(sheet: object, value: object) -> object:
    """One exported xlsx cell: text cleaned, and formula-like text as a text cell (the quote
    prefix keeps it text when someone edits it in Excel). Other values pass unchanged."""
    if isinstance(value, Cell):
        if isinstance(value.value, str):
            text = export_text(value.value)
            value.value = text
            if formula_like(text):
                value.data_type = "s"
                value.quotePrefix = True
        return value
    if not isinstance(value, str):
        return value
    text = value if value.isprintable() else EXPORT_CONTROL.sub("", value)
    if not text.startswith(FORMULA_START):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def xlsx_row(sheet: object, values: Iterable[object]) -> list[object]:
    """A row for ``sheet.append`` through ``xlsx_value``."""
    return [xlsx_value(sheet, value) for value in values]


def csv_value(value: object) -> str:
    """One exported csv cell: numbers as written (Decimal keeps its decimals), dates as
    2025-09-01, text cleaned and, when a spreadsheet would take it for a formula, after an
    apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = export_text(str(value))
    return "'" + text if formula_like(text) else text


def csv_row(values: Iterable[object]) -> list[str]:
    """A row for ``csv.writer.writerow`` through ``csv_value``."""
    return [csv_value(value) for value in values]


def attachment(filename: str) -> str:
    """The Content-Disposition of a download named ``filename`` (Chinese kept, RFC 6266)."""
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def download(content: bytes, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment(filename)
    return response


def header_cells(sheet: object, headers: Iterable[str]) -> list[WriteOnlyCell]:
    """A write-only sheet's header row, in bold."""
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=export_text(header))
        cell.font = bold
        cells.append(cell)
    return cells


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header_cells(sheet, headers))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    return workbook_bytes(workbook)


def xlsx_response(
    filename_stem: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(xlsx_bytes(title, headers, rows), f"{filename_stem}-{stamp}.xlsx")
