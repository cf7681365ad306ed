"""The bank's files of a wildlife payout batch, as the subsidy module makes them
(huimin/subsidy/bankfiles.py): the payment file (代发文件, .xlsx or .csv UTF-8 with BOM) with
the full account numbers the bank needs, and the bank's result file (回盘文件) read all or
nothing: any bad row rejects the whole file by row and column, and nothing changes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden
from huimin.core.imports import ImportRejected, RowError, cell_text, read_rows
from huimin.core.models import User
from huimin.core.spreadsheets import csv_row, xlsx_bytes
from huimin.wildlife import rules, selectors, services
from huimin.wildlife.models import PayoutBatch, PayoutLine

PAYMENT_COLUMNS = (
    "序号",
    "明细编号",
    "收款人",
    "开户银行",
    "银行账号",
    "金额（元）",
    "用途",
    "报案编号",
)
RESULT_COLUMNS = ("明细编号", "银行账号", "金额（元）", "发放结果", "失败原因")
RESULT_PAID, RESULT_FAILED = "成功", "失败"
CSV_TYPE = "text/csv; charset=utf-8"


def purpose(batch: PayoutBatch) -> str:
    return f"{batch.policy.year}年度野生动物致害救助赔款"


def _rows(batch: PayoutBatch) -> list[tuple[object, ...]]:
    use = purpose(batch)
    lines = batch.lines.filter(status=PayoutLine.Status.PENDING, amount_fen__gt=0).select_related(
        "claim"
    )
    return [
        (
            n,
            line.pk,
            line.payee,
            line.bank_name,
            core_rules.typed_number(line.bank_account),
            f"{rules.fen_to_yuan(line.amount_fen)}",
            use,
            line.claim.number,
        )
        for n, line in enumerate(lines.order_by("pk"), start=1)
    ]


def payment_file(*, actor: User, batch_id: int, fmt: str) -> tuple[bytes, str, str]:
    """(content, filename, content type) of a batch's payment file, for WILDLIFE_PAY."""
    if not actor.can(core_rules.Perm.WILDLIFE_PAY):
        raise Forbidden()
    batch = selectors.batch_get_for_user(user=actor, batch_id=batch_id)
    rows = _rows(batch)
    stem = f"代发文件-{batch.name}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(PAYMENT_COLUMNS)
        for row in rows:
            writer.writerow(csv_row(row))
        return ("\ufeff" + out.getvalue()).encode(), f"{stem}.csv", CSV_TYPE
    from huimin.core.spreadsheets import XLSX_TYPE

    return xlsx_bytes("代发文件", PAYMENT_COLUMNS, rows), f"{stem}.xlsx", XLSX_TYPE


def result_import(*, actor: User, batch_id: int, content: bytes) -> PayoutBatch:
    """Read the bank's result file and apply it: every row checked against the batch's pending
    lines first (unknown line, account or amount not the line's, a failure without reason, a
    result other than 成功/失败, a line twice). Raises ImportRejected; nothing changes then."""
    if not actor.can(core_rules.Perm.WILDLIFE_PAY):
        raise Forbidden()
    batch = selectors.batch_get_for_user(user=actor, batch_id=batch_id)
    pending = {line.pk: line for line in batch.lines.filter(status=PayoutLine.Status.PENDING)}
    errors: list[RowError] = []
    results: list[services.LineResult] = []
    seen: set[int] = set()
    for row in read_rows(content, RESULT_COLUMNS, allow_csv=True, max_rows=100_000):
        values = {k: cell_text(v) for k, v in row.values.items()}
        number = values["明细编号"]
        line = pending.get(int(number)) if number.isdigit() else None
        if line is None:
            errors.append(RowError(row.number, "明细编号", f"“{number}”不是本批次待回盘的明细。"))
            continue
        if line.pk in seen:
            errors.append(RowError(row.number, "明细编号", "同一明细出现两次。"))
            continue
        seen.add(line.pk)
        if core_rules.typed_number(values["银行账号"]) != core_rules.typed_number(
            line.bank_account
        ):
            errors.append(RowError(row.number, "银行账号", "与代发文件中的账号不一致。"))
        try:
            amount = Decimal(values["金额（元）"])
        except InvalidOperation:
            amount = Decimal(-1)
        if amount != rules.fen_to_yuan(line.amount_fen):
            errors.append(RowError(row.number, "金额（元）", "与代发文件中的金额不一致。"))
        result = values["发放结果"]
        if result not in (RESULT_PAID, RESULT_FAILED):
            errors.append(RowError(row.number, "发放结果", "应为“成功”或“失败”。"))
        elif result == RESULT_FAILED and not values["失败原因"]:
            errors.append(RowError(row.number, "失败原因", "发放失败的，请填写失败原因。"))
        results.append(services.LineResult(line.pk, result == RESULT_PAID, values["失败原因"]))
    if errors:
        raise ImportRejected(errors)
    return services.batch_result_apply(actor=actor, batch_id=batch.pk, results=results)


def result_template(batch: PayoutBatch) -> bytes:
    """The lines still pending, pre-filled with 成功: an operator (or a demo) edits failures."""
    rows = [
        (
            line.pk,
            core_rules.typed_number(line.bank_account),
            f"{rules.fen_to_yuan(line.amount_fen)}",
            RESULT_PAID,
            "",
        )
        for line in batch.lines.filter(status=PayoutLine.Status.PENDING).order_by("pk")
    ]
    return xlsx_bytes("回盘文件", RESULT_COLUMNS, rows)
