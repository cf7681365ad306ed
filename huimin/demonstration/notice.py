"""The award notice (示范托育机构奖补通知书) as a PDF, made as the opinion letters are: reportlab
with the CJK font embedded, so it reads right on a machine without Chinese fonts.

Pure rendering from ``AwardNotice``; ``award_notice`` fills it from an award the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
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
from huimin.demonstration.models import Award

TITLE = "示范托育机构奖补通知书"
ISSUER = "运城市卫生健康委员会　运城市财政局"
BODY_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT


@dataclass(frozen=True)
class AwardNotice:
    number: str
    institution: str
    address: str
    round_name: str
    level: str
    score: str
    grade: str
    evaluators: int
    combine: str
    amount: str  # 67,000.00
    status: str
    title_from: dt.date | None
    title_to: dt.date | None
    paid_on: dt.date | None
    issued_on: dt.date


def award_notice(award: Award) -> AwardNotice:
    application = award.application
    title = getattr(application, "title", None)
    paid = timezone.localdate(award.paid_at) if award.paid_at else None
    return AwardNotice(
        number=f"运卫示范奖〔{award.round.deadline.year}〕第{award.pk:04d}号",
        institution=application.institution.filed_name or application.institution.name,
        address=application.institution.address,
        round_name=award.round.name,
        level=award.round.get_level_display(),
        score=f"{application.score}" if application.score is not None else "—",
        grade=application.grade,
        evaluators=application.assignments.count(),
        combine=award.round.get_combine_display(),
        amount=f"{Decimal(award.amount_fen) / 100:,.2f}",
        status=award.get_status_display(),
        title_from=title.valid_from if title else None,
        title_to=title.valid_to if title else None,
        paid_on=paid,
        issued_on=paid or timezone.localdate(),
    )


def notice_pdf(notice: AwardNotice) -> bytes:
    """One A4 page: the decision, the score, the title's period and the award."""
    style = styles()
    rows = [
        ["机构名称", notice.institution],
        ["机构地址", notice.address],
        ["创建批次", f"{notice.round_name}（{notice.level}）"],
        [
            "评估结果",
            f"综合得分{notice.score}分，等级{notice.grade}"
            f"（{notice.evaluators}名评估专家，{notice.combine}）",
        ],
        [
            "示范称号有效期",
            f"{chinese_date(notice.title_from)}至{chinese_date(notice.title_to)}"
            if notice.title_from and notice.title_to
            else "—",
        ],
        ["一次性奖补", f"人民币{notice.amount}元"],
        [
            "拨付情况",
            f"{notice.status}" + (f"（{chinese_date(notice.paid_on)}）" if notice.paid_on else ""),
        ],
    ]
    grid = table(
        [[paragraph(a, style.body), paragraph(b, style.body)] for a, b in rows],
        col_widths=[36 * mm, BODY_WIDTH - 36 * mm],
        commands=[
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
        ],
    )
    story: list[Flowable] = [
        paragraph(TITLE, style.title),
        paragraph(notice.number, style.centre),
        Spacer(1, 6 * mm),
        paragraph(f"{notice.institution}：", style.body),
        paragraph(
            f"经机构申报、县级推荐、专家现场评估和市级审定，你单位被认定为{notice.level}示范"
            f"托育机构。依照《运城市普惠托育机构认定扶持实施办法》，对达标的市级示范托育机构"
            f"给予一次性奖励。现将有关事项通知如下：",
            style.body_indent,
        ),
        Spacer(1, 3 * mm),
        grid,
        Spacer(1, 5 * mm),
        paragraph(
            "示范称号有效期内发现严重问题的，将撤销示范称号。请继续发挥示范引领作用。",
            style.body_indent,
        ),
        Spacer(1, 14 * mm),
        paragraph(ISSUER, style.right),
        paragraph(chinese_date(notice.issued_on), style.right),
    ]
    return pdf_bytes(story, title=TITLE, author=ISSUER, subject=notice.institution)
