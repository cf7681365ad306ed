"""The certificate data sheet (残疾人证信息表) and the printed policy explanation for the family
(惠残政策告知书) as PDFs, made as the opinion letters are: reportlab with the CJK font
embedded, so they read right on a machine without Chinese fonts. Rendering only: the views
pass objects a selector already resolved for the user."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from huimin.core import rules as core_rules
from huimin.core.documents import (
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_SIZE,
    chinese_date,
    numbered,
    paragraph,
    pdf_bytes,
    styles,
    table,
)
from huimin.disability import rules, selectors
from huimin.disability.models import Case, Certificate

BODY_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
GRID = [
    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.94, 0.94, 0.94)),
    ("BACKGROUND", (2, 0), (2, -1), colors.Color(0.94, 0.94, 0.94)),
    ("TOPPADDING", (0, 0), (-1, -1), 5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
]


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response


def _county(case: Case) -> str:
    county = case.region.county
    return county.name if county else ""


def certificate_sheet_pdf(certificate: Certificate) -> bytes:
    """One A4 page: the holder, the number, category and grade, each impairment assessed, the
    validity, the visit and the review."""
    case = certificate.case
    person = certificate.person
    style = styles()
    cell = style.body
    impairments = list(case.impairments.select_related("doctor"))
    review = case.reviews.select_related("reviewer").first()
    village = f"{case.region.parent.name if case.region.parent else ''}{case.region.name}"
    rows = [
        ["姓名", person.name, "性别", person.get_sex_display()],
        ["出生日期", chinese_date(person.birth_date), "户籍地", f"{_county(case)}{village}"],
        ["残疾人证号", paragraph(certificate.number, cell), "办理类型", case.get_kind_display()],
        [
            "残疾类别",
            rules.CATEGORY_NAMES[certificate.category],
            "残疾等级",
            rules.GRADE_NAMES[certificate.grade],
        ],
        [
            "发证日期",
            chinese_date(certificate.issued_on),
            "有效期至",
            chinese_date(certificate.valid_until),
        ],
        ["现住址", paragraph(case.address or "—", cell), "监护人", case.guardian_name or "—"],
        [
            "上门日期",
            chinese_date(case.visited_on) if case.visited_on else "—",
            "办结期限",
            chinese_date(case.deadline) if case.deadline else "—",
        ],
        [
            "公示期",
            paragraph(
                f"{chinese_date(case.posted_on)}至{chinese_date(case.posting_ends)}"
                if case.posted_on and case.posting_ends
                else "—",
                cell,
            ),
            "县级审核",
            paragraph(
                f"{review.get_decision_display()}（{chinese_date(review.decided_on)}）"
                if review
                else "—",
                cell,
            ),
        ],
    ]
    rows = [[paragraph(c, cell) if isinstance(c, str) else c for c in row] for row in rows]
    widths = [BODY_WIDTH * w for w in (0.16, 0.34, 0.16, 0.34)]
    story: list[Flowable] = [
        paragraph("残疾人证信息表", style.title),
        paragraph(f"受理编号：{case.number}", style.right),
        Spacer(0, 3 * mm),
        table(rows, col_widths=widths, commands=GRID),
        Spacer(0, 5 * mm),
        paragraph("残疾评定", style.heading),
    ]
    head = ["类别", "等级", "评定依据", "评残医生"]
    assessed = [[paragraph(h, cell) for h in head]] + [
        [
            paragraph(rules.CATEGORY_NAMES[i.category], cell),
            paragraph(rules.GRADE_NAMES[i.grade], cell),
            paragraph(i.basis, cell),
            paragraph(str(i.doctor), cell),
        ]
        for i in impairments
    ]
    story += [
        table(
            assessed,
            col_widths=[BODY_WIDTH * w for w in (0.16, 0.12, 0.52, 0.2)],
            commands=[
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.94, 0.94, 0.94)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ],
        ),
        Spacer(0, 4 * mm),
        paragraph(
            "多重残疾按各类残疾中最重的等级确定。残疾人证号由18位居民身份证号码加残疾类别"
            "代码和残疾等级代码组成，共20位。残疾人证有效期10年，到期前可申请换领。",
            style.small,
        ),
        Spacer(0, 10 * mm),
        paragraph(
            f"{_county(case)}残疾人联合会　　{chinese_date(certificate.issued_on)}", style.right
        ),
    ]
    return pdf_bytes(
        story,
        title=f"残疾人证信息表 {core_rules.mask_resident_id(person.resident_id)}",
        author=f"{_county(case)}残疾人联合会",
    )


def explanation_pdf(case: Case, today: dt.date | None = None) -> bytes:
    """The policies explained at the bedside (ticked ones, or all the person qualifies for
    when none were ticked yet), each with its source document, printed for the family."""
    day = today or timezone.localdate()
    style = styles()
    ticked = list(case.benefits.order_by("id"))
    benefits = ticked or selectors.benefits_for(case, day)
    items = [f"{b.title}：{b.summary}（依据：{b.source}）" for b in benefits]
    story: list[Flowable] = [
        paragraph("惠残政策告知书", style.title),
        Spacer(0, 3 * mm),
        paragraph(f"{case.person.name}及家属：", style.body),
        paragraph(
            f"经{case.visited_on and chinese_date(case.visited_on) or ''}上门评定，"
            f"{case.result_text or '评定结果待定'}。根据您的残疾类别、等级、年龄和家庭情况，"
            "可以申请以下惠残政策，请向村（社区）或县残联咨询办理：",
            style.body_indent,
        ),
        Spacer(0, 2 * mm),
    ]
    if items:
        story += numbered(items, style.item)
    else:
        story.append(paragraph("（评定完成后打印适用的政策。）", style.body))
    story += [
        Spacer(0, 8 * mm),
        paragraph(
            f"办结期限：{chinese_date(case.deadline) if case.deadline else '—'}"
            f"（上门之日起{rules.SERVICE_WORKING_DAYS}个工作日）",
            style.body,
        ),
        paragraph(f"{_county(case)}残疾人联合会　　{chinese_date(day)}", style.right),
    ]
    return pdf_bytes(story, title="惠残政策告知书", author=f"{_county(case)}残疾人联合会")
