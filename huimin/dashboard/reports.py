"""The overview's yearly reports: requested on the reports page, built in the background
(``tasks.report_build_task``) as a PDF (the CJK font embedded, with bar charts drawn by
reportlab) and an .xlsx (through the one safe writer), kept for download.

A report is built with the requesting user's scope, from the same ``overview_for_user`` as
the page, so its figures are the page's figures of that year on the day it was built.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from huimin.core.documents import (
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_SIZE,
    cjk_font,
    paragraph,
    pdf_bytes,
    styles,
    table,
)
from huimin.core.errors import Forbidden, InvalidInput, NotFound
from huimin.core.models import Event, User
from huimin.core.selectors import region_paths_for_user
from huimin.core.services import record_transition
from huimin.core.spreadsheets import header_cells, workbook_bytes, xlsx_row
from huimin.dashboard.models import ReportRun
from huimin.dashboard.overview import (
    Overview,
    counties_for_user,
    covers_city,
    overview_for_user,
    overview_may_view,
)

S = ReportRun.Status

#: The width of a page's text.
BODY_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT

#: The life of a report: queued, running, then done or failed; a failed one may run again.
ALLOWED: dict[str, set[str]] = {
    S.QUEUED: {S.RUNNING, S.FAILED},
    S.RUNNING: {S.DONE, S.FAILED},
    S.FAILED: {S.QUEUED},
}

#: The years a report may be asked for: the programme's first and up to this year.
FIRST_YEAR = 2025


# --------------------------------------------------------------------------- reads


def report_scope(user: User) -> QuerySet[ReportRun]:
    """The reports a user reaches: the city's and every county's for a user whose overview is
    the city, else those of the user's counties (never the city's)."""
    if not overview_may_view(user):
        return ReportRun.objects.none()
    if covers_city(user):
        return ReportRun.objects.all()
    return ReportRun.objects.filter(region__in=[c.pk for c in counties_for_user(user)])


def report_list_for_user(*, user: User) -> QuerySet[ReportRun]:
    if not overview_may_view(user):
        raise Forbidden()
    return report_scope(user).select_related("region", "requested_by").order_by("-id")


def report_get_for_user(*, user: User, report_id: int) -> ReportRun:
    try:
        return report_list_for_user(user=user).get(pk=report_id)
    except ReportRun.DoesNotExist:
        raise NotFound() from None


# --------------------------------------------------------------------------- writes


def report_request(*, actor: User, year: int, county_code: str = "") -> ReportRun:
    """Queue the yearly report of the city (``county_code`` empty) or of one of the actor's
    counties; the build starts after commit. A county official asking for the city, or a
    county not theirs, is NotFound (as its page is). Raises Forbidden, NotFound, InvalidInput."""
    if not overview_may_view(actor):
        raise Forbidden()
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise InvalidInput(
            f"年度应在{FIRST_YEAR}年至{today.year}年之间。", field_errors={"year": "年度无效。"}
        )
    counties = counties_for_user(actor)
    region = None
    if county_code:
        region = next((c for c in counties if c.code == county_code), None)
        if region is None:
            raise NotFound("未找到该县（市、区），或不在您的负责范围内。")
    elif not covers_city(actor):
        raise NotFound("您只能生成本县（市、区）的年度报告。")
    with transaction.atomic():
        run = ReportRun.objects.create(region=region, year=year, requested_by=actor)
        Event.objects.create(
            content_type=ContentType.objects.get_for_model(ReportRun),
            object_id=run.pk,
            actor=actor,
            from_status="",
            to_status=S.QUEUED,
            reason=f"{run.scope_name}{year}年度报告",
        )
        transaction.on_commit(lambda: report_enqueue(report_id=run.pk))
    return run


def report_enqueue(*, report_id: int) -> None:
    from huimin.dashboard.tasks import report_build_task

    report_build_task.enqueue(report_id)


def _progress(run: ReportRun, percent: int, step: str) -> None:
    run.progress, run.step = percent, step
    ReportRun.objects.filter(pk=run.pk).update(progress=percent, step=step)


def report_build(*, report_id: int) -> ReportRun:
    """Build a queued report's PDF and xlsx with its requester's scope, saying how far it is
    as it goes; a report already built is returned as it is (a task run twice). A failure is
    recorded on the report (status failed, the error) and raised again."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=report_id)
        if run.status != S.QUEUED:
            return run
        record_transition(obj=run, allowed=ALLOWED, to_status=S.RUNNING, actor=None)
        run.started_at = timezone.now()
        run.save(update_fields=["started_at"])
    try:
        _progress(run, 10, "汇总各模块数据")
        requester = User.objects.get(pk=run.requested_by_id)
        region_paths_for_user(requester)  # the scope is the requester's, as on the page
        data = overview_for_user(
            user=requester,
            year=run.year,
            today=timezone.localdate(),
            county_code=run.region.code if run.region else "",
        )
        _progress(run, 40, "生成PDF报告（含图表）")
        pdf = report_pdf(data, built_on=timezone.localdate())
        _progress(run, 75, "生成Excel表格")
        xlsx = report_xlsx(data)
        _progress(run, 90, "保存文件")
        stem = f"{run.scope_name}-{run.year}年度报告-{run.pk}"
        with transaction.atomic():
            run = ReportRun.objects.select_for_update().get(pk=report_id)
            run.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            run.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
            run.progress, run.step, run.finished_at = 100, "", timezone.now()
            run.save(update_fields=["pdf", "xlsx", "progress", "step", "finished_at"])
            record_transition(obj=run, allowed=ALLOWED, to_status=S.DONE, actor=None)
    except Exception as exc:
        with transaction.atomic():
            run = ReportRun.objects.select_for_update().get(pk=report_id)
            run.error = f"{type(exc).__name__}: {exc}"[:300]
            run.finished_at = timezone.now()
            run.save(update_fields=["error", "finished_at"])
            record_transition(
                obj=run, allowed=ALLOWED, to_status=S.FAILED, actor=None, reason=run.error
            )
        raise
    return run


# --------------------------------------------------------------------------- the files


def _shown(value: object, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value}{unit}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _bar_chart(title: str, names: list[str], values: list[float], unit: str) -> Drawing:
    """A vertical bar chart (counties along the bottom), in the embedded CJK font."""
    font = cjk_font().name
    width, height = BODY_WIDTH, 62 * mm
    drawing = Drawing(width, height)
    # the drawing's first font is the CJK one: reportlab's default (Times-Roman) is not embedded
    drawing.initialFontName = font
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 16 * mm
    chart.width, chart.height = width - 16 * mm, height - 26 * mm
    chart.data = [values or [0]]
    chart.valueAxis.valueMin = 0
    top = max(values) if values else 0
    chart.valueAxis.valueMax = top * 1.15 if top else 1
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = names or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7 if len(names) > 6 else 8
    chart.categoryAxis.labels.angle = 30 if len(names) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(names) > 6 else "n"
    chart.bars[0].fillColor = colors.HexColor("#1f5fa8")
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6
    chart.barLabelFormat = "%.1f" if unit == "%" else "%d"
    chart.barLabels.nudge = 5
    drawing.add(chart)
    drawing.add(String(0, height - 6 * mm, f"{title}（{unit}）", fontName=font, fontSize=10))
    return drawing


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


def report_pdf(data: Overview, *, built_on: dt.date) -> bytes:
    """The yearly report: the figures as a table, then per module a bar chart — of the
    counties side by side for the city, of the module's figures for a county."""
    style = styles(11)
    place = data.county.name if data.county else "运城市"
    title = f"{place}{data.year}年度民生服务概况"
    story: list[Flowable] = [
        paragraph(title, style.title),
        paragraph(f"数据截至{built_on.year}年{built_on.month}月{built_on.day}日", style.centre),
        Spacer(1, 4 * mm),
        paragraph(
            "本报告由惠民平台根据各业务模块的实时数据生成：托育机构、托位和普惠占比、未整改问题、"
            "双随机抽查和逾期未整改意见书、诚信等级、育儿补贴确认和发放、野生动物致害报案和"
            "赔偿限额使用、残疾人证上门办理和按时办结率、示范托育机构等。比例为合计数之比。",
            style.body_indent,
        ),
        Spacer(1, 4 * mm),
    ]
    for section in data.sections:
        figures = [f for f in data.figures if f.section == section.key]
        story.append(paragraph(str(section.title), style.heading))
        rows: list[list[object]] = [["指标", place]]
        for figure in figures:
            rows.append([f"{figure.label}（{figure.unit}）", _shown(data.total.value(figure.key))])
        story.append(
            table(
                rows,
                col_widths=[BODY_WIDTH * 0.65, BODY_WIDTH * 0.35],
                commands=[
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3fa")),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                ],
            )
        )
        story.append(Spacer(1, 3 * mm))
        if data.county is None:
            main = figures[0]
            names = [r.name for r in data.rows]
            values = [_number(r.value(main.key)) for r in data.rows]
            chart = _bar_chart(f"{main.label}·按县（市、区）", names, values, str(main.unit))
        else:
            counts = [f for f in figures if f.unit != "%"]
            chart = _bar_chart(
                f"{section.title}·{place}",
                [str(f.label)[:8] for f in counts],
                [_number(data.total.value(f.key)) for f in counts],
                "数量",
            )
        story.append(KeepTogether([chart, Spacer(1, 4 * mm)]))
    if data.county is None:
        story.append(paragraph("各县（市、区）主要指标", style.heading))
        keys = ["filed", "places", "inclusive_share", "confirmed", "claims", "visits"]
        shown = [data.figures_by_key[k] for k in keys if k in data.figures_by_key]
        head = ["县（市、区）", *[f"{f.label}" for f in shown]]
        body = [[r.name, *[_shown(r.value(f.key)) for f in shown]] for r in data.rows]
        total = ["合计", *[_shown(data.total.value(f.key)) for f in shown]]
        width = (BODY_WIDTH - 24 * mm) / max(len(shown), 1)
        story.append(
            table(
                [
                    [paragraph(h, style.small) for h in head],
                    *body,
                    total,
                ],
                col_widths=[24 * mm, *[width] * len(shown)],
                commands=[
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("FONTSIZE", (0, 1), (-1, -1), 8),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3fa")),
                ],
            )
        )
    return pdf_bytes(story, title=title, author="惠民 运城市民生服务平台", subject=title)


def report_xlsx(data: Overview) -> bytes:
    """The figures by county (a county's report: its one row) with the total row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"{data.year}年度概况")
    headers = ["县（市、区）", "代码", *[f"{f.label}（{f.unit}）" for f in data.figures]]
    sheet.append(header_cells(sheet, headers))
    for row in data.rows:
        sheet.append(xlsx_row(sheet, [row.name, row.code, *_cells(data, row)]))
    if data.county is None:
        sheet.append(xlsx_row(sheet, ["合计", "", *_cells(data, data.total)]))
    return workbook_bytes(workbook)


def _cells(data: Overview, row: object) -> list[object]:
    out: list[object] = []
    for figure in data.figures:
        value = row.value(figure.key)  # type: ignore[attr-defined]
        out.append(float(value) if isinstance(value, Decimal) else value)
    return out
