"""The settlement notice (赔付通知书) of a claim as a PDF, made as the opinion letters are:
reportlab with the CJK font embedded, so it reads right on a machine without Chinese fonts.

Pure rendering from ``NoticeContent``: no database here (``notice_content`` in the views'
service call fills it from a claim the user may see).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from huimin.core.documents import (
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_SIZE,
    chinese_date,
    paragraph,
    pdf_bytes,
    styles,
    table,
)

TITLE = "野生动物致害赔付通知书"
BODY_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT


@dataclass(frozen=True)
class NoticeLine:
    crop: str
    stage: str
    area_mu: Decimal
    loss_percent: int
    yuan_per_mu: Decimal
    amount: str


@dataclass(frozen=True)
class NoticeContent:
    number: str
    insurer: str
    county: str
    year: int
    farmer: str
    village: str
    species: str
    damaged_on: dt.date
    reported_at: dt.datetime
    accepted_at: dt.datetime | None
    surveyed_at: dt.datetime | None
    agreed_at: dt.datetime | None
    payment_due: dt.date | None
    paid_at: dt.datetime | None
    lines: tuple[NoticeLine, ...]
    amount: str
    paid: str
    shortfall: str  # "" when none
    bank: str  # 开户银行 and the masked account
    issued_on: dt.date


def _when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return chinese_date(value)


def notice_pdf(content: NoticeContent) -> bytes:
    """One A4 page (or more): who, what, the survey lines, the amount, the steps' dates."""
    style = styles()
    size = style.body.fontSize
    story: list[Flowable] = [
        paragraph(TITLE, style.title),
        paragraph(f"编号：{content.number}", style.right),
        Spacer(0, size * 0.5),
        paragraph(f"{content.farmer}（{content.village}）：", style.body),
        paragraph(
            f"您于{chinese_date(content.damaged_on)}遭受{content.species}损害农作物一案，"
            f"经{content.insurer}查勘定损，依据{content.county}{content.year}年度野生动物致害"
            "政府救助责任保险的赔偿标准，赔付如下：",
            style.body_indent,
        ),
        Spacer(0, size * 0.5),
    ]
    head = ["作物", "生长期", "面积（亩）", "损失程度", "标准（元/亩）", "金额（元）"]
    rows = [head] + [
        [
            x.crop,
            x.stage,
            f"{x.area_mu:.2f}",
            f"{x.loss_percent}%",
            f"{x.yuan_per_mu:.2f}",
            x.amount,
        ]
        for x in content.lines
    ]
    rows.append(["合计", "", "", "", "", content.amount])
    widths = [BODY_WIDTH * w for w in (0.14, 0.14, 0.17, 0.15, 0.2, 0.2)]
    story.append(
        table(
            rows,
            col_widths=widths,
            commands=[
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("FONTSIZE", (0, 0), (-1, -1), 10.5),
            ],
        )
    )
    story += [
        Spacer(0, size * 0.4),
        paragraph("金额 = 面积 × 赔偿标准 × 损失程度 ÷ 100，四舍五入到分。", style.small),
        Spacer(0, size * 0.6),
        paragraph(f"定损金额：{content.amount}元；实际赔付：{content.paid}元。", style.body_indent),
    ]
    if content.shortfall:
        story.append(
            paragraph(
                f"本保单年度累计赔偿限额已不足，超出限额的{content.shortfall}元未能赔付。",
                style.body_indent,
            )
        )
    story.append(paragraph(f"赔款打入：{content.bank}。", style.body_indent))
    steps = [
        ["报案", _when(content.reported_at)],
        ["接案", _when(content.accepted_at)],
        ["查勘定损", _when(content.surveyed_at)],
        ["农户确认", _when(content.agreed_at)],
        ["应赔付日期", _when(content.payment_due)],
        ["赔付", _when(content.paid_at)],
    ]
    story += [
        Spacer(0, size * 0.6),
        table(
            steps,
            col_widths=[30 * mm, 70 * mm],
            commands=[("FONTSIZE", (0, 0), (-1, -1), 10.5)],
        ),
        Spacer(0, size * 1.2),
        paragraph(f"{content.insurer}（印章）", style.right),
        paragraph(chinese_date(content.issued_on), style.right),
    ]
    return pdf_bytes(
        story, title=f"{TITLE} {content.number}", author=content.insurer, subject=TITLE
    )
