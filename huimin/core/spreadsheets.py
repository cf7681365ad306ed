"""Spreadsheet export shared by every module: a streamed, write-only workbook, and files sent
as downloads."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        cell = WriteOnlyCell(sheet, value=header)
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
        sheet.append(list(row))
    return workbook_bytes(workbook)


def xlsx_response(
    filename_stem: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(xlsx_bytes(title, headers, rows), f"{filename_stem}-{stamp}.xlsx")
