"""The spreadsheet row reader every import uses (issue 11 item 5): every row read counts
against the limit, blank or not, reading stops at the limit and after a bounded time, and a
sheet of 1.5 million blank rows is refused quickly with a message that says what to do."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook

from huimin.core import imports
from huimin.core.errors import InvalidInput

COLUMNS = ("姓名", "身份证号")
BLANK_ROWS = 1_500_000
TOO_MANY = (
    "一次最多导入2000行（空行也计算在内）：请删除表格下方多余的空行，或把文件拆分后分批导入。"
)


def _xlsx(rows: list[list[object]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _blank_rows(count: int, *, dimension: str | None, columns: tuple[str, ...] = COLUMNS) -> bytes:
    """A header row and ``count`` blank rows (``<row r="n"/>``), as a hostile 220 KB file is
    made; ``dimension`` is what the sheet claims its size is (None: no claim at all)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([], columns)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                blank = "".join(f'<row r="{n}"/>' for n in range(2, count + 2))
                text = text.replace("</row></sheetData>", "</row>" + blank + "</sheetData>")
                text = re.sub(r"<dimension [^>]*/>", dimension or "", text)
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def _gaps(last_row: int, *, dimension: bool) -> bytes:
    """A header and one name in row ``last_row``, no row element between."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.cell(row=last_row, column=1, value="王丽")
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension:
        return buffer.getvalue()
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            target.writestr(item, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile() -> bytes:
    return _blank_rows(BLANK_ROWS, dimension=None)


def test_a_sheet_of_a_million_and_a_half_blank_rows_is_refused_quickly(hostile):
    started = time.monotonic()

    with pytest.raises(InvalidInput) as info:
        list(imports.read_rows(hostile, COLUMNS))

    assert time.monotonic() - started < 2
    assert info.value.message == TOO_MANY


def test_a_sheet_that_records_its_size_is_refused_before_a_row_is_read(monkeypatch):
    content = _gaps(3000, dimension=True)
    monkeypatch.setattr(imports, "_sheet_lines", lambda sheet: pytest.fail("rows were read"))

    with pytest.raises(InvalidInput) as info:
        list(imports.read_rows(content, COLUMNS))

    assert info.value.message == TOO_MANY


def test_rows_missing_from_the_file_count_as_blank_rows_read():
    """A sheet with one cell far below its header: openpyxl yields the rows between as blank
    rows, and each counts."""
    content = _gaps(1_000_000, dimension=False)
    started = time.monotonic()

    with pytest.raises(InvalidInput) as info:
        list(imports.read_rows(content, COLUMNS))

    assert time.monotonic() - started < 1
    assert info.value.message == TOO_MANY


def test_blank_rows_count_against_the_limit():
    content = _xlsx([["王丽", "x"], [None, None], [None, None], ["李四", "y"]])

    with pytest.raises(InvalidInput) as info:
        list(imports.read_rows(content, COLUMNS, max_rows=3))

    assert info.value.message == TOO_MANY.replace("2000", "3")


def test_blank_rows_within_the_limit_are_skipped():
    content = _xlsx([["王丽", "x"], [None, None], ["李四", "y"]])

    rows = list(imports.read_rows(content, COLUMNS, max_rows=3))

    assert [(r.number, r.values["姓名"]) for r in rows] == [(2, "王丽"), (4, "李四")]


def test_a_csv_of_blank_lines_counts_them_too():
    content = ("姓名,身份证号\r\n" + ",\r\n" * 5000).encode()

    with pytest.raises(InvalidInput) as info:
        list(imports.read_rows(content, COLUMNS, allow_csv=True))

    assert info.value.message == TOO_MANY


def test_reading_stops_after_the_time_bound(monkeypatch):
    """A file under the row limit that still reads too slowly (a result file may have a
    million rows) is stopped by the clock."""
    clock = iter(range(0, 10_000, 7))
    monkeypatch.setattr(imports.time, "monotonic", lambda: float(next(clock)))
    content = _blank_rows(3000, dimension=None)

    with pytest.raises(InvalidInput) as info:
        list(imports.read_rows(content, COLUMNS, max_rows=1_000_000, max_seconds=20))

    assert info.value.message == (
        "文件太大，读取超时，未导入任何数据：请删除表格下方多余的空行和右侧多余的列，"
        "或把文件拆分后分批导入。"
    )


def test_columns_right_of_the_header_are_not_read():
    content = _xlsx([["王丽", "x", "多余", "多余"]])

    rows = list(imports.read_rows(content, COLUMNS))

    assert rows[0].values == {"姓名": "王丽", "身份证号": "x"}


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_a_workbook_that_unpacks_far_beyond_its_rows_is_refused_unread(monkeypatch, part):
    """A zip bomb: a few kilobytes that would unpack to megabytes of a sheet or of the shared
    strings openpyxl holds in memory."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                data += b" " * 6_000_000
            target.writestr(item, data)
        if part not in source.namelist():
            target.writestr(part, b" " * 6_000_000)
    content = out.getvalue()
    assert len(content) < 100_000
    monkeypatch.setattr(imports, "load_workbook", lambda *a, **k: pytest.fail("was read"))

    with pytest.raises(InvalidInput) as info:
        list(imports.read_rows(content, COLUMNS, max_rows=10))

    assert info.value.message == (
        "文件解压后超过5 MB，远大于10行表格应有的大小，未导入任何数据："
        "请删除多余的行、列和工作表，或另存为新的 .xlsx 文件后重新上传。"
    )
