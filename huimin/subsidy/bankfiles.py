"""The bank's files of a payment batch (a services module: the result import writes).

- The payment file (代发文件) of an approved batch, ``.xlsx`` or ``.csv`` (UTF-8 with BOM, so
  Excel shows the Chinese): one row per line with the child's full resident ID and the full
  account number, as the bank needs them. ``services.batch_bank_file`` checks the permission
  and status and logs the unmasked export first; rows stream from the database in chunks, so
  a batch of 116,400 lines never sits in memory as model objects.
- The bank's result file (回盘文件), ``.xlsx`` or ``.csv``: all or nothing. Every row is checked
  against the batch's lines first (unknown or already settled line, account or amount not
  those of the line, a failure without its reason, a line twice, a result other than
  成功/失败); any problem rejects the whole file with ImportRejected, by row and column, and
  nothing changes. A clean file goes to ``services.batch_result_apply``.
- The result template: the lines still pending, pre-filled with 成功, so an operator (or a
  demo) only edits the failures.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any, NamedTuple

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.datavalidation import DataValidation

from huimin.core import rules as core_rules
from huimin.core.errors import Duplicate, Forbidden, InvalidTransition
from huimin.core.imports import (
    ROW_COLUMN,
    CellError,
    ImportRejected,
    Row,
    RowError,
    cell_text,
    choice,
    date,
    read_rows,
)
from huimin.core.models import Region, User
from huimin.core.spreadsheets import XLSX_TYPE, attachment, csv_row, header_cells, xlsx_row
from huimin.subsidy import selectors, services
from huimin.subsidy.models import BankResultImport, PaymentBatch, PaymentLine

#: Lines fetched from the database per round trip while a file is written.
STREAM_CHUNK = 2000

PAYMENT_COLUMNS = (
    "序号",
    "明细编号",
    "收款人",
    "身份证号码",
    "开户银行",
    "银行账号",
    "金额（元）",
    "用途",
    "发放地",
)
RESULT_COLUMNS = ("明细编号", "银行账号", "金额（元）", "发放结果", "失败原因")
RESULT_DATE_COLUMN = "发放日期"  # optional: the day the bank paid or refused
RESULT_TEMPLATE_COLUMNS = (
    "明细编号",
    "收款人",
    "银行账号",
    "金额（元）",
    "发放结果",
    "失败原因",
    RESULT_DATE_COLUMN,
)
RESULT_PAID = "成功"
RESULT_FAILED = "失败"
RESULT_CHOICES = {RESULT_PAID: True, RESULT_FAILED: False}
#: A result file may be as large as the largest batch we design for (the test of growth).
RESULT_MAX_ROWS = 1_000_000
CSV_TYPE = "text/csv; charset=utf-8"


def purpose(batch: PaymentBatch) -> str:
    """The 用途 the bank prints on the payee's statement."""
    return f"{batch.year}年度育儿补贴"


def plain_account(account: str) -> str:
    """An account number as the bank reads it: one stored before numbers were made plain
    (６２２８…) goes to the bank, and is matched in its result file, in ASCII digits."""
    return account if account.isascii() else core_rules.typed_number(account)


def yuan(fen: int) -> Decimal:
    """Fen as yuan with exactly two decimals: 30000 → Decimal("300.00")."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- payment file


def _place_names(batch: PaymentBatch) -> dict[int, str]:
    """Each region's name below the city, as the bank prints it: 盐湖区北城街道."""
    regions = list(
        Region.objects.filter(path__startswith=batch.region.path)
        .exclude(level=Region.Level.CITY)
        .values_list("pk", "path", "name")
    )
    by_path = {path: name for _, path, name in regions}
    names: dict[int, str] = {}
    for pk, path, _name in regions:
        codes = path.strip("/").split("/")
        chain = ("/".join(codes[: n + 1]) + "/" for n in range(len(codes)))
        names[pk] = "".join(by_path.get(prefix, "") for prefix in chain)
    return names


def _payment_rows(batch: PaymentBatch) -> Iterator[tuple[object, ...]]:
    """The payment file's rows, streamed: every line of the batch that is not void."""
    places = _place_names(batch)
    use = purpose(batch)
    lines = (
        PaymentLine.objects.filter(batch=batch)
        .exclude(status=PaymentLine.Status.CANCELLED)
        .order_by("pk")
        .values_list(
            "pk",
            "account_name",
            "child__resident_id",
            "bank_name",
            "bank_account",
            "amount_fen",
            "region_id",
        )
        .iterator(chunk_size=STREAM_CHUNK)
    )
    for number, (pk, holder, resident_id, bank, account, fen, region_id) in enumerate(
        lines, start=1
    ):
        yield (
            number,
            pk,
            holder,
            resident_id,
            bank,
            plain_account(account),
            yuan(fen),
            use,
            places.get(region_id, ""),
        )


@dataclass(frozen=True)
class BankFile:
    """A file to send: its name, type and bytes in chunks (read lazily)."""

    filename: str
    content_type: str
    chunks: Iterator[bytes]

    @property
    def content_disposition(self) -> str:
        return attachment(self.filename)

    def read(self) -> bytes:
        return b"".join(self.chunks)


def _file_chunks(handle: IO[bytes], size: int = 256 * 1024) -> Iterator[bytes]:
    try:
        handle.seek(0)
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


def _stem(batch: PaymentBatch) -> str:
    return f"{batch.name}-银行代发文件"


def _sheet(workbook: Workbook, title: str, widths: dict[str, int], headers: tuple[str, ...]) -> Any:
    """A write-only sheet with its column widths, the header row in bold and frozen."""
    sheet = workbook.create_sheet(title=title)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, headers))
    return sheet


def _xlsx_file(workbook: Workbook, filename: str) -> BankFile:
    """The workbook written to a temporary file, sent in chunks (then the file is closed)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the chunk reader
    workbook.save(handle)
    return BankFile(filename, XLSX_TYPE, _file_chunks(handle))


#: Column widths of the payment sheet and the result template (characters).
_PAYMENT_WIDTHS = {"A": 8, "B": 10, "C": 10, "D": 22, "E": 24, "F": 24, "G": 12, "H": 20, "I": 24}
_RESULT_WIDTHS = {"A": 10, "B": 10, "C": 24, "D": 12, "E": 10, "F": 30, "G": 12}


def payment_file_xlsx(*, actor: User, batch_id: int, ip_address: str | None = None) -> BankFile:
    """The payment file of an approved (or settled) batch as .xlsx, written to a temporary
    file with openpyxl's write-only mode; amounts are numbers with two decimals, ID and
    account numbers text. Raises Forbidden, InvalidTransition, NotFound."""
    batch = services.batch_bank_file(actor=actor, batch_id=batch_id, ip_address=ip_address)
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, "发放明细", _PAYMENT_WIDTHS, PAYMENT_COLUMNS)
    count, total = 0, Decimal("0.00")
    for row in _payment_rows(batch):
        amount = WriteOnlyCell(sheet, value=row[6])
        amount.number_format = "0.00"
        sheet.append(xlsx_row(sheet, [*row[:6], amount, *row[7:]]))
        count += 1
        total += row[6]  # type: ignore[operator]
    summary = workbook.create_sheet(title="批次信息")
    for label, value in (
        ("批次名称", batch.name),
        ("批次编号", batch.pk),
        ("发放年度", batch.year),
        ("发放区域", batch.region.name),
        ("明细笔数", count),
        ("金额合计（元）", total),
        ("用途", purpose(batch)),
    ):
        summary.append(xlsx_row(summary, [label, value]))
    return _xlsx_file(workbook, f"{_stem(batch)}.xlsx")


class _Echo:
    """A write-only 'file' for csv.writer that hands each line back."""

    def write(self, value: str) -> str:
        return value


def payment_file_csv(*, actor: User, batch_id: int, ip_address: str | None = None) -> BankFile:
    """The payment file as CSV: UTF-8 with BOM (Excel then shows the Chinese), amounts as
    text with two decimals; the lines are read and encoded as the response is sent.
    Raises Forbidden, InvalidTransition, NotFound."""
    batch = services.batch_bank_file(actor=actor, batch_id=batch_id, ip_address=ip_address)

    def chunks() -> Iterator[bytes]:
        writer = csv.writer(_Echo())
        yield "\ufeff".encode() + writer.writerow(csv_row(PAYMENT_COLUMNS)).encode()
        buffer: list[str] = []
        for row in _payment_rows(batch):
            buffer.append(writer.writerow(csv_row(row)))
            if len(buffer) >= STREAM_CHUNK:
                yield "".join(buffer).encode()
                buffer.clear()
        if buffer:
            yield "".join(buffer).encode()

    return BankFile(f"{_stem(batch)}.csv", CSV_TYPE, chunks())


# --------------------------------------------------------------------------- result template


def result_template(*, actor: User, batch_id: int, ip_address: str | None = None) -> BankFile:
    """The bank result file to fill in: every pending line pre-filled with 成功 and today's
    date, result a drop-down of 成功/失败. It carries full account numbers, so it is an
    export of the bank file (permission, status and access log as for the payment file).
    Raises Forbidden, InvalidTransition, NotFound."""
    batch = services.batch_bank_file(
        actor=actor, batch_id=batch_id, ip_address=ip_address, purpose="导出银行回盘模板"
    )
    today = services.today()
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, "银行回盘", _RESULT_WIDTHS, RESULT_TEMPLATE_COLUMNS)
    results = DataValidation(
        type="list",
        formula1=f'"{RESULT_PAID},{RESULT_FAILED}"',
        allow_blank=False,
        showErrorMessage=True,
        error=f"请填写“{RESULT_PAID}”或“{RESULT_FAILED}”。",
    )
    sheet.data_validations.append(results)
    lines = (
        PaymentLine.objects.filter(batch=batch, status=PaymentLine.Status.PENDING)
        .order_by("pk")
        .values_list("pk", "account_name", "bank_account", "amount_fen")
        .iterator(chunk_size=STREAM_CHUNK)
    )
    count = 0
    for pk, holder, account, fen in lines:
        account_cell = WriteOnlyCell(sheet, value=plain_account(account))
        account_cell.number_format = "@"
        amount = WriteOnlyCell(sheet, value=yuan(fen))
        amount.number_format = "0.00"
        day = WriteOnlyCell(sheet, value=today)
        day.number_format = "yyyy-mm-dd"
        sheet.append(xlsx_row(sheet, [pk, holder, account_cell, amount, RESULT_PAID, "", day]))
        count += 1
    results.add(f"E2:E{max(count, 1) + 1}")
    notes = workbook.create_sheet(title="填写说明")
    for note in (
        "每行对应一笔发放明细。银行发放成功的保留“成功”；发放失败的改为“失败”，并填写失败原因"
        "（如“账户已销户”“户名与账号不符”）。",
        "请勿修改明细编号、银行账号和金额：导入时会与发放明细逐笔核对，不一致的整份文件都不会导入。",
        "同一份文件只能导入一次；可以只包含部分明细，其余明细留待下一份回盘文件。",
        "发放失败的孩子会在下一个发放批次中重新发放。",
    ):
        notes.append([note])
    return _xlsx_file(workbook, f"{batch.name}-银行回盘模板.xlsx")


# --------------------------------------------------------------------------- result import


class _Line(NamedTuple):
    status: str
    account: str
    amount_fen: int


def _line_id(value: object) -> int:
    text = core_rules.typed_number(cell_text(value))
    if not text:
        raise CellError("必填，请填写银行发放文件中的明细编号。")
    if not (text.isascii() and text.isdigit()):
        raise CellError(f"“{text}”不是明细编号：应为银行发放文件中“明细编号”列的整数。")
    return int(text)


def _account(value: object) -> str:
    if isinstance(value, float):
        raise CellError(
            "银行账号被Excel存成了数字，末几位可能已丢失：请把该列设为文本格式后重新填写。"
        )
    text = core_rules.typed_number(cell_text(value))
    if not text:
        raise CellError("必填，请填写收款银行账号。")
    return text


def _amount_fen(value: object) -> int:
    text = cell_text(value).replace(",", "")
    if not text:
        raise CellError("必填，请填写金额（元），如 3600.00。")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{text}”不是金额：请填写以元为单位的数字，如 3600.00。") from None
    fen = amount * 100
    if not amount.is_finite() or fen != fen.to_integral_value() or amount < 0:
        raise CellError(f"“{text}”不是有效金额：最多两位小数，如 3600.00。")
    return int(fen)


def _check_line(
    lines: dict[int, _Line], row: Row, line_id: int, account: str | None, amount: int | None
) -> None:
    """Check a row against the line it names: still pending, same account, same amount."""
    line = lines.get(line_id)
    if line is None:
        row.fail(
            "明细编号",
            f"本批次没有编号为{line_id}的明细：请核对是否上传了其他批次的回盘文件。",
        )
        return
    if line.status != PaymentLine.Status.PENDING:
        label = PaymentLine.Status(line.status).label
        row.fail("明细编号", f"明细{line_id}已是“{label}”，不能再次回盘，请删除该行。")
        return
    if account is not None and account != line.account:
        row.fail(
            "银行账号",
            f"与明细{line_id}的收款账号（{core_rules.mask_bank_account(line.account)}）"
            "不一致，请核对是否错行。",
        )
    if amount is not None and amount != line.amount_fen:
        row.fail(
            "金额（元）",
            f"{yuan(amount)}元与明细{line_id}的发放金额{yuan(line.amount_fen)}元不一致，请核对。",
        )


def result_import(
    *, actor: User, batch_id: int, content: bytes, file_name: str
) -> BankResultImport:
    """Apply the bank's result file (.xlsx or .csv) to an approved batch: every row is checked
    first and any problem rejects the whole file, nothing changed. The same file twice is
    refused. Raises ImportRejected, InvalidInput, InvalidTransition, Duplicate, Forbidden,
    NotFound."""
    if not actor.can(core_rules.Perm.BATCH_MAKE):
        raise Forbidden("只有财务人员可以导入银行回盘文件。")
    batch = selectors.batch_get_for_user(user=actor, batch_id=batch_id)
    if batch.status != PaymentBatch.Status.APPROVED:
        raise InvalidTransition(
            f"批次当前状态为“{batch.get_status_display()}”，不能导入银行回盘结果。"
        )
    sha256 = hashlib.sha256(content).hexdigest()
    if BankResultImport.objects.filter(batch=batch, sha256=sha256).exists():
        raise Duplicate("这份银行回盘文件已经导入过，未作任何更改。")
    today = services.today()
    lines = {
        pk: _Line(status, plain_account(account), fen)
        for pk, status, account, fen in PaymentLine.objects.filter(batch=batch)
        .values_list("pk", "status", "bank_account", "amount_fen")
        .iterator(chunk_size=STREAM_CHUNK * 5)
    }
    first_row: dict[int, int] = {}
    results: list[services.BankResult] = []
    errors: list[RowError] = []
    for row in read_rows(
        content,
        RESULT_COLUMNS,
        max_rows=RESULT_MAX_ROWS,
        allow_csv=True,
        optional=(RESULT_DATE_COLUMN,),
    ):
        line_id = row.read("明细编号", _line_id)
        account = row.read("银行账号", _account)
        amount = row.read("金额（元）", _amount_fen)
        paid = row.read("发放结果", lambda v: choice(v, RESULT_CHOICES, "发放结果"))
        reason = cell_text(row.values.get("失败原因"))
        settled_on = row.read(RESULT_DATE_COLUMN, lambda v: date(v, today=today, required=False))
        if paid is False and not reason:
            row.fail(
                "失败原因", "发放失败的明细请填写失败原因（如“账户已销户”），以便通知申请人更正。"
            )
        if len(reason) > 200:
            row.fail("失败原因", f"最多200个字，您填写了{len(reason)}个字。")
        if line_id is not None:
            if line_id in first_row:
                row.fail("明细编号", f"与第{first_row[line_id]}行的明细编号重复。")
            else:
                first_row[line_id] = row.number
                _check_line(lines, row, line_id, account, amount)
        if row.errors:
            errors += row.errors
        elif not errors:
            results.append(
                services.BankResult(
                    line_id=line_id,
                    paid=bool(paid),
                    reason="" if paid else reason,
                    settled_on=settled_on,
                )
            )
    if not first_row and not errors:
        errors.append(RowError(2, ROW_COLUMN, "文件中没有数据行，请在列名下方逐行填写回盘结果。"))
    if errors:
        raise ImportRejected(errors)
    return services.batch_result_apply(
        actor=actor,
        batch_id=batch.pk,
        results=results,
        file_name=file_name,
        sha256=sha256,
    )
