"""The bank's files of a payment batch: the payment file (.xlsx and .csv) with the columns and
exact amounts the bank needs, and the bank's result file, applied all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from huimin.core.errors import Duplicate, Forbidden, InvalidInput, InvalidTransition
from huimin.core.imports import ImportRejected, RowError
from huimin.core.models import AccessLog, User
from huimin.subsidy import bankfiles, services
from huimin.subsidy.models import BankResultImport, PaymentBatch, PaymentLine
from tests.subsidy.conftest import JIEZHOU

RESULT_HEADER = ["明细编号", "银行账号", "金额（元）", "发放结果", "失败原因"]


@pytest.fixture
def batch(
    confirmed, apply, county, make_user, maker, checker, django_capture_on_commit_callbacks
) -> PaymentBatch:
    """The 2025 city batch of three children (two in 北城街道, one in 解州镇), approved."""
    confirmed(dt.date(2023, 10, 21), child_name="王甲", bank_account="6228480012345678901")
    confirmed(dt.date(2024, 12, 31), child_name="王乙", bank_account="6217000012345670002")
    jiezhou = make_user("jiezhou", User.Role.TOWNSHIP_OFFICIAL, (JIEZHOU,))
    third = apply(
        dt.date(2025, 1, 1),
        child_name="王丙",
        region_code=JIEZHOU,
        bank_account="6222020200112233445",
        bank_name="中国工商银行运城分行",
    )
    services.application_review(actor=jiezhou, application_id=third.pk, approve=True)
    services.application_confirm(actor=county, application_id=third.pk, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.batch_create(actor=maker, year=2025, region_code="140800")
    services.batch_decide(actor=checker, batch_id=created.pk, approve=True)
    created.refresh_from_db()
    return created


def _lines(batch: PaymentBatch) -> list[PaymentLine]:
    return list(batch.lines.select_related("child").order_by("pk"))


def _xlsx(rows: list[list[object]], header: list[str] = RESULT_HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ok(line: PaymentLine) -> list[object]:
    return [line.pk, line.bank_account, f"{line.amount_fen / 100:.2f}", "成功", ""]


def _state(batch: PaymentBatch) -> list[tuple[str, str]]:
    return list(batch.lines.order_by("pk").values_list("status", "failure_reason"))


# --------------------------------------------------------------------------- payment file


def test_the_xlsx_payment_file_has_the_bank_columns_full_numbers_and_exact_amounts(batch, maker):
    lines = _lines(batch)
    content = bankfiles.payment_file_xlsx(actor=maker, batch_id=batch.pk).read()

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["发放明细"]
    rows = list(sheet.iter_rows(values_only=True))
    assert workbook.sheetnames == ["发放明细", "批次信息"]
    assert rows[0] == bankfiles.PAYMENT_COLUMNS
    assert rows[1:] == [
        (1, lines[0].pk, "王丽", lines[0].child.resident_id, "中国农业银行运城分行",
         "6228480012345678901", 3600, "2025年度育儿补贴", "盐湖区北城街道"),
        (2, lines[1].pk, "王丽", lines[1].child.resident_id, "中国农业银行运城分行",
         "6217000012345670002", 3600, "2025年度育儿补贴", "盐湖区北城街道"),
        (3, lines[2].pk, "王丽", lines[2].child.resident_id, "中国工商银行运城分行",
         "6222020200112233445", 3600, "2025年度育儿补贴", "盐湖区解州镇"),
    ]  # fmt: skip
    assert [sheet.cell(row=r, column=7).number_format for r in (2, 3, 4)] == ["0.00"] * 3
    assert [tuple(r) for r in workbook["批次信息"].iter_rows(values_only=True)][4:6] == [
        ("明细笔数", 3),
        ("金额合计（元）", 10800),
    ]


def test_the_csv_payment_file_is_utf8_with_bom_and_amounts_have_two_decimals(batch, maker):
    lines = _lines(batch)
    file = bankfiles.payment_file_csv(actor=maker, batch_id=batch.pk)
    content = file.read()

    assert file.filename == "运城市2025年度育儿补贴第1批-银行代发文件.csv"
    assert file.content_type == "text/csv; charset=utf-8"
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        list(bankfiles.PAYMENT_COLUMNS),
        ["1", str(lines[0].pk), "王丽", lines[0].child.resident_id, "中国农业银行运城分行",
         "6228480012345678901", "3600.00", "2025年度育儿补贴", "盐湖区北城街道"],
        ["2", str(lines[1].pk), "王丽", lines[1].child.resident_id, "中国农业银行运城分行",
         "6217000012345670002", "3600.00", "2025年度育儿补贴", "盐湖区北城街道"],
        ["3", str(lines[2].pk), "王丽", lines[2].child.resident_id, "中国工商银行运城分行",
         "6222020200112233445", "3600.00", "2025年度育儿补贴", "盐湖区解州镇"],
    ]  # fmt: skip


def test_amounts_of_part_years_are_exact(confirmed, maker, checker, today, city):
    """Born 2023-10-21: 10 months of 2026, 3,000.00 yuan."""
    confirmed(dt.date(2023, 10, 21))
    batch = services.batch_create(actor=maker, year=2026, region_code="140802")
    services.batch_run(batch_id=batch.pk)
    services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)

    content = bankfiles.payment_file_csv(actor=maker, batch_id=batch.pk).read()

    row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1]
    assert row[6] == "3000.00"
    assert row[7] == "2026年度育儿补贴"


def test_every_export_is_logged_as_a_view_of_full_numbers(batch, maker):
    bankfiles.payment_file_xlsx(actor=maker, batch_id=batch.pk, ip_address="10.0.0.8").read()
    bankfiles.payment_file_csv(actor=maker, batch_id=batch.pk).read()

    logs = list(
        AccessLog.objects.filter(object_id=batch.pk).values_list("actor", "purpose", "ip_address")
    )
    assert sorted(logs, key=str) == sorted(
        [(maker.pk, "导出银行发放文件", "10.0.0.8"), (maker.pk, "导出银行发放文件", None)], key=str
    )


def test_a_batch_not_yet_approved_has_no_bank_file(confirmed, maker, today):
    confirmed()
    batch = services.batch_create(actor=maker, year=2025, region_code="140800")
    services.batch_run(batch_id=batch.pk)

    with pytest.raises(InvalidTransition) as info:
        bankfiles.payment_file_csv(actor=maker, batch_id=batch.pk)
    assert info.value.message == "批次当前状态为“待复核”：复核通过后才能导出银行发放文件。"
    assert not AccessLog.objects.exists()


def test_lines_that_no_longer_add_up_to_the_batch_are_never_exported(batch, maker):
    first = _lines(batch)[0]
    PaymentLine.objects.filter(pk=first.pk).update(amount_fen=first.amount_fen + 100)

    with pytest.raises(InvalidTransition) as info:
        bankfiles.payment_file_xlsx(actor=maker, batch_id=batch.pk)
    assert info.value.message == (
        "批次合计与明细之和不一致（批次记录3笔10,800元，明细之和3笔10,801元），"
        "不能导出银行发放文件，请联系系统管理员核查。"
    )
    assert not AccessLog.objects.exists()
    batch.refresh_from_db()
    assert batch.lines_counted["amount_fen"] == 1080100  # the batch's page shows it too


def test_a_county_official_may_not_export_the_bank_file(batch, county):
    with pytest.raises(Forbidden):
        bankfiles.payment_file_xlsx(actor=county, batch_id=batch.pk)
    assert not AccessLog.objects.exists()


def test_the_bank_file_streams_the_lines_in_chunks(batch, maker, monkeypatch):
    monkeypatch.setattr(bankfiles, "STREAM_CHUNK", 2)
    content = bankfiles.payment_file_csv(actor=maker, batch_id=batch.pk).read()
    assert content.decode("utf-8-sig").count("\r\n") == 4  # header and three lines


# --------------------------------------------------------------------------- result template


def test_the_result_template_lists_the_pending_lines_pre_filled_with_success(batch, maker):
    lines = _lines(batch)
    content = bankfiles.result_template(actor=maker, batch_id=batch.pk).read()

    sheet = load_workbook(io.BytesIO(content))["银行回盘"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == bankfiles.RESULT_TEMPLATE_COLUMNS
    assert [row[:6] for row in rows[1:]] == [
        (line.pk, "王丽", line.bank_account, 3600, "成功", None) for line in lines
    ]
    assert rows[1][6].date() == dt.date(2026, 10, 20)
    assert sheet.data_validations.dataValidation[0].formula1 == '"成功,失败"'


def test_the_untouched_template_imports_as_all_paid(batch, maker):
    content = bankfiles.result_template(actor=maker, batch_id=batch.pk).read()

    record = bankfiles.result_import(
        actor=maker, batch_id=batch.pk, content=content, file_name="回盘.xlsx"
    )

    batch.refresh_from_db()
    assert (record.paid_count, record.failed_count) == (3, 0)
    assert batch.status == PaymentBatch.Status.SETTLED
    assert (batch.paid_count, batch.paid_fen, batch.failed_count) == (3, 1080000, 0)


# --------------------------------------------------------------------------- result import


def test_the_result_marks_lines_paid_and_failed_with_the_reason(batch, maker):
    first, second, third = _lines(batch)
    content = _xlsx(
        [
            _ok(first),
            [second.pk, second.bank_account, "3600.00", "失败", "账户已销户"],
            _ok(third),
        ]
    )

    record = bankfiles.result_import(
        actor=maker, batch_id=batch.pk, content=content, file_name="回盘20251201.xlsx"
    )

    batch.refresh_from_db()
    assert _state(batch) == [("paid", ""), ("failed", "账户已销户"), ("paid", "")]
    assert (record.file_name, record.paid_count, record.failed_count) == ("回盘20251201.xlsx", 2, 1)
    assert batch.status == PaymentBatch.Status.SETTLED
    assert (batch.paid_count, batch.paid_fen, batch.failed_count) == (2, 720000, 1)
    assert set(batch.lines.values_list("result_import", flat=True)) == {record.pk}


def test_a_partial_result_leaves_the_rest_pending_and_the_batch_open(batch, maker):
    first, _second, _third = _lines(batch)

    bankfiles.result_import(
        actor=maker, batch_id=batch.pk, content=_xlsx([_ok(first)]), file_name="第一份.xlsx"
    )

    batch.refresh_from_db()
    assert _state(batch) == [("paid", ""), ("pending", ""), ("pending", "")]
    assert batch.status == PaymentBatch.Status.APPROVED


def test_a_failure_date_is_kept(batch, maker):
    first, _second, _third = _lines(batch)
    content = _xlsx(
        [[first.pk, first.bank_account, "3600", "失败", "户名与账号不符", "2025-12-02"]],
        header=[*RESULT_HEADER, "发放日期"],
    )
    bankfiles.result_import(actor=maker, batch_id=batch.pk, content=content, file_name="r.xlsx")
    first.refresh_from_db()
    assert (first.status, first.settled_on) == ("failed", dt.date(2025, 12, 2))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_result_file_is_read_in_the_encodings_banks_use(batch, maker, encoding):
    first, second, _third = _lines(batch)
    text = (
        "明细编号,银行账号,金额（元）,发放结果,失败原因\r\n"
        f"{first.pk},{first.bank_account},3600.00,成功,\r\n"
        f"{second.pk},{second.bank_account},3600.00,失败,账户冻结\r\n"
    )

    bankfiles.result_import(
        actor=maker, batch_id=batch.pk, content=text.encode(encoding), file_name="回盘.csv"
    )

    assert _state(batch) == [("paid", ""), ("failed", "账户冻结"), ("pending", "")]


def _refused(batch, maker, content: bytes) -> list[RowError]:
    before = _state(batch)
    with pytest.raises(ImportRejected) as info:
        bankfiles.result_import(actor=maker, batch_id=batch.pk, content=content, file_name="x")
    assert _state(batch) == before
    assert not BankResultImport.objects.exists()
    batch.refresh_from_db()
    assert (batch.status, batch.paid_count, batch.failed_count) == ("approved", 0, 0)
    return info.value.errors


def test_one_bad_row_rejects_the_whole_file_with_its_row_number(batch, maker):
    first, second, third = _lines(batch)
    content = _xlsx(
        [_ok(first), _ok(second), [third.pk, third.bank_account, "3600.00", "失败", ""]]
    )
    assert _refused(batch, maker, content) == [
        RowError(
            4,
            "失败原因",
            "发放失败的明细请填写失败原因（如“账户已销户”），以便通知申请人更正。",
        )
    ]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            lambda line: [999999, line.bank_account, "3600.00", "成功", ""],
            "明细编号",
            "本批次没有编号为999999的明细：请核对是否上传了其他批次的回盘文件。",
        ),
        (
            lambda line: ["第一笔", line.bank_account, "3600.00", "成功", ""],
            "明细编号",
            "“第一笔”不是明细编号：应为银行发放文件中“明细编号”列的整数。",
        ),
        (
            lambda line: [line.pk, "6228480012345678999", "3600.00", "成功", ""],
            "银行账号",
            "与明细{pk}的收款账号（6228***********8901）不一致，请核对是否错行。",
        ),
        (
            lambda line: [line.pk, line.bank_account, "3000.00", "成功", ""],
            "金额（元）",
            "3000.00元与明细{pk}的发放金额3600.00元不一致，请核对。",
        ),
        (
            lambda line: [line.pk, line.bank_account, "3600.001", "成功", ""],
            "金额（元）",
            "“3600.001”不是有效金额：最多两位小数，如 3600.00。",
        ),
        (
            lambda line: [line.pk, line.bank_account, "三千六", "成功", ""],
            "金额（元）",
            "“三千六”不是金额：请填写以元为单位的数字，如 3600.00。",
        ),
        (
            lambda line: [line.pk, line.bank_account, "3600.00", "已支付", ""],
            "发放结果",
            "发放结果“已支付”不在可选范围内，请填写：成功、失败。",
        ),
        (
            lambda line: [line.pk, line.bank_account, "3600.00", "", ""],
            "发放结果",
            "必填，请填写：成功、失败。",
        ),
        (
            lambda line: [line.pk, 6.228480012345679e18, "3600.00", "成功", ""],
            "银行账号",
            "银行账号被Excel存成了数字，末几位可能已丢失：请把该列设为文本格式后重新填写。",
        ),
    ],
    ids=[
        "unknown-line",
        "not-a-number",
        "other-account",
        "other-amount",
        "three-decimals",
        "amount-text",
        "bad-result",
        "no-result",
        "account-as-number",
    ],
)
def test_a_row_that_does_not_match_its_line_is_refused(batch, maker, row, column, message):
    first, second, _third = _lines(batch)
    content = _xlsx([_ok(second), row(first)])
    assert _refused(batch, maker, content) == [RowError(3, column, message.format(pk=first.pk))]


def test_a_line_twice_in_the_file_is_refused(batch, maker):
    first, second, _third = _lines(batch)
    content = _xlsx([_ok(first), _ok(second), _ok(first)])
    assert _refused(batch, maker, content) == [RowError(4, "明细编号", "与第2行的明细编号重复。")]


def test_every_problem_is_listed_not_only_the_first(batch, maker):
    first, second, third = _lines(batch)
    content = _xlsx(
        [
            [first.pk, first.bank_account, "1.00", "成功", ""],
            _ok(second),
            [third.pk, third.bank_account, "3600.00", "退票", ""],
        ]
    )
    assert [(e.row, e.column) for e in _refused(batch, maker, content)] == [
        (2, "金额（元）"),
        (4, "发放结果"),
    ]


def test_an_already_settled_line_is_refused_in_a_later_file(batch, maker):
    first, second, _third = _lines(batch)
    bankfiles.result_import(
        actor=maker, batch_id=batch.pk, content=_xlsx([_ok(first)]), file_name="一.xlsx"
    )

    with pytest.raises(ImportRejected) as info:
        bankfiles.result_import(
            actor=maker,
            batch_id=batch.pk,
            content=_xlsx([_ok(second), _ok(first)]),
            file_name="二.xlsx",
        )

    assert info.value.errors == [
        RowError(3, "明细编号", f"明细{first.pk}已是“已发放”，不能再次回盘，请删除该行。")
    ]
    assert _state(batch) == [("paid", ""), ("pending", ""), ("pending", "")]
    assert BankResultImport.objects.count() == 1


def test_the_same_file_twice_is_refused_and_nothing_changes(batch, maker):
    first, _second, _third = _lines(batch)
    content = _xlsx([_ok(first)])
    bankfiles.result_import(actor=maker, batch_id=batch.pk, content=content, file_name="a.xlsx")
    before = _state(batch)

    with pytest.raises(Duplicate) as info:
        bankfiles.result_import(actor=maker, batch_id=batch.pk, content=content, file_name="b.xlsx")

    assert info.value.message == "这份银行回盘文件已经导入过，未作任何更改。"
    assert _state(batch) == before
    assert BankResultImport.objects.count() == 1


def test_a_file_without_rows_is_refused(batch, maker):
    assert _refused(batch, maker, _xlsx([])) == [
        RowError(2, "整行", "文件中没有数据行，请在列名下方逐行填写回盘结果。")
    ]


def test_a_file_without_the_columns_is_refused(batch, maker):
    errors = _refused(batch, maker, _xlsx([[1, 2]], header=["编号", "账号"]))
    assert errors == [
        RowError(
            1,
            "表头",
            "缺少列：明细编号、银行账号、金额（元）、发放结果、失败原因。第一行应为列名："
            "明细编号、银行账号、金额（元）、发放结果、失败原因；请使用导入模板。",
        )
    ]


@pytest.mark.parametrize("content", [b"\xd0\xcf\x11\xe0\x00\x00 an xls", b"PK\x03\x04 broken"])
def test_a_file_that_is_neither_xlsx_nor_csv_is_refused_plainly(batch, maker, content):
    with pytest.raises(InvalidInput) as info:
        bankfiles.result_import(actor=maker, batch_id=batch.pk, content=content, file_name="x")
    assert info.value.message == (
        "无法读取该文件：请上传 Excel 工作簿（.xlsx）或逗号分隔的 CSV 文件（.csv），"
        "不支持 .xls 或其他格式。"
    )
    assert not BankResultImport.objects.exists()


def test_a_result_for_a_batch_not_approved_is_refused(confirmed, maker, today):
    confirmed()
    batch = services.batch_create(actor=maker, year=2025, region_code="140800")
    services.batch_run(batch_id=batch.pk)
    line = batch.lines.get()

    with pytest.raises(InvalidTransition) as info:
        bankfiles.result_import(
            actor=maker, batch_id=batch.pk, content=_xlsx([_ok(line)]), file_name="x"
        )
    assert info.value.message == "批次当前状态为“待复核”，不能导入银行回盘结果。"
    assert batch.lines.get().status == "pending"


def test_a_county_official_may_not_import_results(batch, county):
    line = _lines(batch)[0]
    with pytest.raises(Forbidden):
        bankfiles.result_import(
            actor=county, batch_id=batch.pk, content=_xlsx([_ok(line)]), file_name="x"
        )
    assert _state(batch)[0] == ("pending", "")


def test_a_result_file_has_its_own_row_cap_not_the_ordinary_import_cap(batch, maker, monkeypatch):
    """An ordinary import stops at 2,000 rows; a result file may be as large as a batch."""
    assert bankfiles.RESULT_MAX_ROWS == 1_000_000
    monkeypatch.setattr(bankfiles, "RESULT_MAX_ROWS", 2)
    first, second, third = _lines(batch)
    with pytest.raises(InvalidInput) as info:
        bankfiles.result_import(
            actor=maker,
            batch_id=batch.pk,
            content=_xlsx([_ok(first), _ok(second), _ok(third)]),
            file_name="all.xlsx",
        )
    assert info.value.message == (
        "一次最多导入2行（空行也计算在内）：请删除表格下方多余的空行，或把文件拆分后分批导入。"
    )
    assert _state(batch)[0] == ("pending", "")


def test_yuan_is_exact():
    assert bankfiles.yuan(300_000) == Decimal("3000.00")
    assert str(bankfiles.yuan(5)) == "0.05"
