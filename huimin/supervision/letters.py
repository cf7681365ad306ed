"""The 卫生监督意见书 (opinion letter) as a PDF, in the official two-part form: the same letter
twice, part one kept on file (第一联 存档), part two handed to the inspected institution
(第二联 交被监督单位). Each part starts on a new page and flows onto further pages when long;
every page names its part and is numbered within it.

Pure rendering from ``LetterContent``: no database here (the services fill the dataclass).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
)

from huimin.core.documents import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_SIZE,
    PageInfo,
    Styles,
    chinese_date,
    numbered,
    paragraph,
    pdf_bytes,
    styles,
    table,
)

TITLE = "卫生监督意见书"
#: (page-template id, label printed on every page of the part)
PARTS = (("part1", "第一联 存档"), ("part2", "第二联 交被监督单位"))
BODY_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
NOTE = "注：本文书一式二联，第一联存档，第二联交被监督单位。"


@dataclass(frozen=True)
class LetterContent:
    number: str  # 运盐卫监意〔2026〕第0003号
    issuer: str  # 盐湖区卫生健康局
    institution_name: str
    institution_address: str
    legal_person: str  # 法定代表人（负责人）
    inspected_on: dt.date
    inspectors: tuple[str, ...]  # 卫生监督员
    problems: tuple[str, ...]  # 经检查发现的问题, one line each
    corrections: tuple[str, ...]  # 监督意见: what must be corrected
    legal_basis: tuple[str, ...]  # 《托育机构设置标准（试行）》第十条
    deadline: dt.date  # 整改期限
    issued_on: dt.date
    #: set when the deadline counted days in a year without an entered holiday notice
    deadline_note: str = ""


def letter_pdf(content: LetterContent) -> bytes:
    """The letter's PDF: part one, then part two from a new page; the CJK font embedded."""
    style = styles()
    story: list[Flowable] = []
    for index, (template, _label) in enumerate(PARTS):
        if index:
            story += [NextPageTemplate(template), PageBreak()]
        story += _part(content, style)
    labels = dict(PARTS)

    def decorate(canvas: Canvas, page: PageInfo) -> None:
        _page_furniture(canvas, page, labels[page.template], content.number, style.font)

    return pdf_bytes(
        story,
        title=f"{TITLE} {content.number}",
        author=content.issuer,
        subject=f"{TITLE}（{content.institution_name}）",
        templates=[template for template, _label in PARTS],
        decorate=decorate,
    )


def _part(content: LetterContent, style: Styles) -> list[Flowable]:
    """One part of the letter: the whole text, identical in both parts."""
    size = style.body.fontSize
    flow: list[Flowable] = [
        paragraph(TITLE, style.title),
        paragraph(content.number, style.right),
        Spacer(0, size * 0.5),
        _fields(content, style),
        Spacer(0, size),
    ]
    intro = paragraph(
        f"{chinese_date(content.inspected_on)}，我单位卫生监督员对你单位进行了监督检查，"
        "发现存在以下问题：",
        style.body_indent,
    )
    flow += _list_after(intro, content.problems, style)
    basis = "、".join(content.legal_basis)
    opinion = paragraph(
        f"依据{basis}的规定，现提出如下监督意见：" if basis else "现提出如下监督意见：",
        style.body_indent,
    )
    flow += _list_after(opinion, content.corrections, style)
    # The deadline, the signatures, the issuer and the note stay together, on a new page if
    # need be: the signatures never stand on a page without text of the letter.
    flow.append(
        KeepTogether(
            [
                paragraph(
                    f"请于{chinese_date(content.deadline)}前整改完毕，并将整改情况书面报告我单位。"
                    "逾期未整改的，将依法处理并记入诚信档案。",
                    style.body_indent,
                ),
                *(
                    [paragraph(f"（{content.deadline_note}）", style.small)]
                    if content.deadline_note
                    else []
                ),
                Spacer(0, size * 0.8),
                _signatures(content, style),
                Spacer(0, size * 0.8),
                paragraph(f"{content.issuer}（印章）", style.right),
                paragraph(chinese_date(content.issued_on), style.right),
                Spacer(0, size * 0.6),
                paragraph(NOTE, style.small),
            ]
        )
    )
    return flow


def _list_after(lead: Flowable, items: tuple[str, ...], style: Styles) -> list[Flowable]:
    """A lead sentence and its numbered items; the lead never ends a page alone."""
    paragraphs = numbered(items, style.item) if items else [paragraph("无。", style.body_indent)]
    return [KeepTogether([lead, paragraphs[0]]), *paragraphs[1:]]


def _fields(content: LetterContent, style: Styles) -> Table:
    """被监督单位 / 地址 / 法定代表人（负责人）: labels left, values on ruled lines, wrapping."""
    size = style.body.fontSize
    rows = [
        ("被监督单位：", content.institution_name),
        ("地址：", content.institution_address),
        ("法定代表人（负责人）：", content.legal_person),
    ]
    label_width = 11 * size + 4
    return table(
        [[paragraph(label, style.body), paragraph(value, style.body)] for label, value in rows],
        col_widths=[label_width, BODY_WIDTH - label_width],
        commands=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
        ],
    )


def _signatures(content: LetterContent, style: Styles) -> Table:
    """卫生监督员（签名） with one ruled line per inspector, the printed name beside it, and
    被监督单位签收人（签名）; each with a date to fill in by hand."""
    size = style.body.fontSize
    half = BODY_WIDTH / 2
    widths = [7 * size, half - 8 * size]
    names = content.inspectors or ("",)
    # No-break spaces: a paragraph would collapse ordinary and ideographic ones.
    blank_date = "\u00a0" * 10 + "年" + "\u00a0" * 6 + "月" + "\u00a0" * 6 + "日"
    ruled = [
        ("LINEBELOW", (0, 0), (0, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
    inspector_lines = table(
        [["", paragraph(f"（{name}）" if name else "", style.small)] for name in names],
        col_widths=widths,
        row_heights=[size * 2.1] * len(names),
        commands=ruled,
    )
    receiver_line = table([["", ""]], col_widths=widths, row_heights=[size * 2.1], commands=ruled)
    return table(
        [
            [
                paragraph("卫生监督员（签名）：", style.body),
                paragraph("被监督单位签收人（签名）：", style.body),
            ],
            [inspector_lines, receiver_line],
            [paragraph(blank_date, style.body), paragraph(blank_date, style.body)],
        ],
        col_widths=[half, half],
        commands=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 2), (-1, 2), size * 0.6),
        ],
    )


def _page_furniture(canvas: Canvas, page: PageInfo, label: str, number: str, font: str) -> None:
    """The part's label at the top right of every page; the number and page at the foot."""
    width, height = PAGE_SIZE
    right = width - MARGIN_RIGHT
    canvas.setFont(font, 11)
    canvas.drawRightString(right, height - MARGIN_TOP + 9 * mm, label)
    label_width = canvas.stringWidth(label, font, 11)
    canvas.setLineWidth(0.6)
    canvas.rect(
        right - label_width - 2 * mm, height - MARGIN_TOP + 7.4 * mm, label_width + 4 * mm, 5.8 * mm
    )
    canvas.setFont(font, 9)
    canvas.setFillColor(colors.HexColor("#444444"))
    canvas.drawCentredString(
        (MARGIN_LEFT + right) / 2,
        MARGIN_BOTTOM - 12 * mm,
        f"{number}　{label}　第{page.number_in_template}页 共{page.count_in_template}页",
    )
