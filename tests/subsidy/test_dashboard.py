"""The subsidy dashboard (育儿补贴统计): exact figures by county and by month for a small set
of applications and one settled batch, the batch check, scope, and a constant number of
queries."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from huimin.core.models import User
from huimin.subsidy import bankfiles, selectors, services
from huimin.subsidy.models import (
    Application,
    ApplicationTally,
    PaidTally,
    PaymentBatch,
    PaymentLine,
)
from huimin.subsidy.selectors import CountyFigures, MonthFigures
from tests.subsidy.conftest import TODAY

URL = "/subsidy/dashboard/"
WANRONG_TOWNSHIP = "140822100"


@pytest.fixture
def wanrong(make_user) -> tuple[User, User]:
    """万荣县's township and county officials."""
    return (
        make_user("wr-township", User.Role.TOWNSHIP_OFFICIAL, (WANRONG_TOWNSHIP,)),
        make_user("wr-county", User.Role.COUNTY_OFFICIAL, ("140822",)),
    )


@pytest.fixture
def figures(apply, confirmed, township, county, wanrong, maker, checker, today):
    """盐湖区: 3 confirmed, 1 rejected, 1 waiting for the township (overdue), 1 waiting for the
    county; 万荣县: 1 confirmed, 1 waiting. Submitted in 2026-08 (2) and 2026-10 (the rest).
    The 2025 city batch pays the four confirmed children 3,600 yuan each; the bank refuses
    one of 盐湖区's."""
    wr_township, wr_county = wanrong
    yanhu = [confirmed(dt.date(2024, 3, n + 1)) for n in range(3)]
    rejected = apply(dt.date(2024, 5, 1))
    services.application_review(
        actor=township, application_id=rejected.pk, approve=False, reason="出生医学证明不符"
    )
    overdue = apply(dt.date(2024, 6, 1))
    Application.objects.filter(pk=overdue.pk).update(deadline=dt.date(2026, 10, 1))
    waiting = apply(dt.date(2024, 7, 1))
    services.application_review(actor=township, application_id=waiting.pk, approve=True)

    wr_confirmed = apply(dt.date(2024, 8, 1), region_code=WANRONG_TOWNSHIP)
    services.application_review(actor=wr_township, application_id=wr_confirmed.pk, approve=True)
    services.application_confirm(actor=wr_county, application_id=wr_confirmed.pk, approve=True)
    apply(dt.date(2024, 9, 1), region_code=WANRONG_TOWNSHIP)

    Application.objects.filter(pk__in=[yanhu[0].pk, rejected.pk]).update(
        submitted_on=dt.date(2026, 8, 12)
    )
    services.tallies_rebuild()  # the dates were moved past the services: count again

    batch = services.batch_create(actor=maker, year=2025, region_code="140800")
    services.batch_run(batch_id=batch.pk)
    services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)
    lines = list(batch.lines.order_by("pk"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(bankfiles.RESULT_COLUMNS)
    for line in lines:
        failed = line.application_id == yanhu[2].pk
        sheet.append(
            [
                line.pk,
                line.bank_account,
                "3600.00",
                "失败" if failed else "成功",
                "账户已销户" if failed else "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    bankfiles.result_import(
        actor=maker, batch_id=batch.pk, content=buffer.getvalue(), file_name="回盘.xlsx"
    )
    batch.refresh_from_db()
    return batch


def _row(name: str, code: str, *numbers: int) -> CountyFigures:
    return CountyFigures(code, name, *numbers)


def test_the_dashboard_figures_by_county_are_exact(figures, maker):
    data = selectors.subsidy_dashboard(user=maker, year=2025, today=TODAY)

    rows = {row.name: row for row in data.counties}
    assert len(data.counties) == 13
    assert rows["盐湖区"] == _row("盐湖区", "140802", 6, 3, 1, 2, 1, 2, 720000)
    assert rows["万荣县"] == _row("万荣县", "140822", 2, 1, 0, 1, 0, 1, 360000)
    assert rows["平陆县"] == _row("平陆县", "140829", 0, 0, 0, 0, 0, 0, 0)
    assert data.total == _row("合计", "", 8, 4, 1, 3, 1, 3, 1080000)


def test_the_dashboard_figures_by_month_are_exact(figures, maker):
    data = selectors.subsidy_dashboard(user=maker, year=2025, today=TODAY)
    assert data.months == [
        MonthFigures("2026-08", 2, 1),
        MonthFigures("2026-09", 0, 0),
        MonthFigures("2026-10", 6, 3),
    ]


def test_paid_figures_follow_the_payment_year(figures, maker):
    data = selectors.subsidy_dashboard(user=maker, year=2026, today=TODAY)
    assert (data.total.paid_children, data.total.paid_fen) == (0, 0)
    assert data.total.applications == 8
    assert data.batches == []


def test_each_batch_is_checked_against_the_sum_of_its_lines(figures, maker):
    data = selectors.subsidy_dashboard(user=maker, year=2025, today=TODAY)

    (check,) = data.batches
    assert check.batch == figures
    assert (check.totals.lines, check.totals.amount_fen) == (4, 1440000)
    assert (check.totals.paid, check.totals.paid_fen, check.totals.failed) == (3, 1080000, 1)
    assert check.matches

    PaymentBatch.objects.filter(pk=figures.pk).update(paid_count=4)
    (check,) = selectors.subsidy_dashboard(user=maker, year=2025, today=TODAY).batches
    assert not check.matches


def test_a_county_official_sees_their_county_only(figures, county):
    data = selectors.subsidy_dashboard(user=county, year=2025, today=TODAY)
    assert [row.name for row in data.counties] == ["盐湖区"]
    assert data.total == _row("合计", "", 6, 3, 1, 2, 1, 2, 720000)
    assert data.batches == []  # the batch is the city's


def test_a_township_official_sees_their_township_under_its_county(figures, township):
    data = selectors.subsidy_dashboard(user=township, year=2025, today=TODAY)
    assert [row.name for row in data.counties] == ["盐湖区"]
    assert data.total.applications == 6


def test_the_default_year_is_the_newest_with_money_paid(figures, maker, county):
    services.batch_create(actor=maker, year=2026, region_code="140802")  # nothing paid yet
    assert selectors.subsidy_dashboard(user=maker).year == 2025
    # 盐湖区 reaches only its own batch (the paid one is the city's): the newest batch year
    assert selectors.dashboard_default_year(county) == 2026


def test_a_citizen_has_no_dashboard(client, guardian):
    client.force_login(guardian)
    assert client.get(URL).status_code == 403


# --------------------------------------------------------------------------- the page


def _cells(content: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table class="list" id="{table}">(.*?)</table>', content, re.S)
    assert body is not None
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def test_the_page_shows_the_tables_with_totals(client, figures, maker, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    client.force_login(maker)
    content = client.get(URL, {"year": 2025}).content.decode()

    county = _cells(content, "county-table")
    assert county[0] == [
        "县（市、区）", "申请", "已确认", "未通过", "待办", "其中逾期", "已发放人数",
        "已发放金额（元）",
    ]  # fmt: skip
    assert ["盐湖区", "6", "3", "1", "2", "1", "2", "7,200"] in county
    assert ["万荣县", "2", "1", "0", "1", "0", "1", "3,600"] in county
    assert county[-1] == ["合计", "8", "4", "1", "3", "1", "3", "10,800"]
    assert _cells(content, "month-table") == [
        ["月份", "提交申请", "其中已确认"],
        ["2026-08", "2", "1"],
        ["2026-09", "0", "0"],
        ["2026-10", "6", "3"],
        ["合计", "8", "4"],
    ]
    batches = _cells(content, "batch-table")
    counted_at = PaymentBatch.objects.get().lines_counted_at
    assert batches[1] == [
        "运城市2025年度育儿补贴第1批", "运城市", "发放完成", "4", "14,400", "4", "14,400",
        "10,800", f"✓ 一致核对于 {timezone.localtime(counted_at):%Y-%m-%d %H:%M}",
    ]  # fmt: skip


def test_lines_changed_past_the_services_show_as_a_mismatch_after_the_nightly_count(figures, maker):
    line = figures.lines.filter(status="paid").first()
    type(line).objects.filter(pk=line.pk).update(amount_fen=line.amount_fen + 1)
    (check,) = selectors.subsidy_dashboard(user=maker, year=2025, today=TODAY).batches
    assert check.matches  # the last count was before the change

    call_command("subsidy_daily", stdout=io.StringIO())

    (check,) = selectors.subsidy_dashboard(user=maker, year=2025, today=TODAY).batches
    assert not check.matches
    assert (check.totals.paid, check.totals.paid_fen) == (3, 1080001)


def test_the_page_draws_the_charts_with_echarts_from_the_same_figures(client, figures, maker):
    client.force_login(maker)
    content = client.get(URL, {"year": 2025}).content.decode()

    assert '<script src="/static/vendor/echarts-5.6.0.min.js"></script>' in content
    assert 'id="chart-county"' in content
    assert 'id="chart-month"' in content
    data = json.loads(
        re.search(
            r'<script id="dashboard-data" type="application/json">(.*?)</script>', content, re.S
        ).group(1)
    )
    at = data["counties"].index("盐湖区")
    assert (data["applications"][at], data["confirmed"][at], data["paid_yuan"][at]) == (6, 3, 7200)
    assert data["months"][-1] == "2026-10"


def test_a_mismatching_batch_is_flagged_on_the_page(client, figures, maker):
    PaymentBatch.objects.filter(pk=figures.pk).update(line_count=5)
    client.force_login(maker)
    content = client.get(URL, {"year": 2025}).content.decode()
    assert '<span class="tag bad">✗ 不一致</span>' in content


def test_the_year_filter_is_offered_and_kept(client, figures, maker):
    client.force_login(maker)
    content = client.get(URL, {"year": 2026}).content.decode()
    assert '<option value="2026" selected>2026年</option>' in content
    assert "2026年度发放批次核对" in content
    assert "该年度还没有发放批次。" in content


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_needs_a_constant_number_of_queries(client, confirmed, maker, today):
    client.force_login(maker)
    confirmed(dt.date(2024, 1, 2))
    services.batch_run(
        batch_id=services.batch_create(actor=maker, year=2025, region_code="140800").pk
    )
    few = _queries(client, URL)
    for n in range(6):
        confirmed(dt.date(2024, 2, n + 1))
    services.batch_run(
        batch_id=services.batch_create(actor=maker, year=2025, region_code="140802").pk
    )
    many = _queries(client, URL)
    # session, user, regions, default year, counties, by county, paid, by month, batches,
    # batch lines
    assert few == many == 10


def _tallies() -> tuple[dict, dict]:
    applications = {
        (t.region_id, t.month, t.status): t.count
        for t in ApplicationTally.objects.filter(count__gt=0)
    }
    paid = {(t.region_id, t.year): (t.children, t.amount_fen) for t in PaidTally.objects.all()}
    return applications, paid


def _counted() -> tuple[dict, dict]:
    applications: dict = {}
    for a in Application.objects.all():
        key = (a.region_id, a.submitted_on.isoformat()[:7], a.status)
        applications[key] = applications.get(key, 0) + 1
    paid: dict = {}
    for line in PaymentLine.objects.filter(status=PaymentLine.Status.PAID):
        children, fen = paid.get((line.region_id, line.year), (0, 0))
        paid[(line.region_id, line.year)] = (children + 1, fen + line.amount_fen)
    return applications, paid


def test_the_services_keep_the_tallies_equal_to_a_count_of_the_records(
    figures, apply, township, county
):
    assert _tallies() == _counted()
    assert _tallies()[1] != {}  # the bank result made 3 lines paid

    fresh = apply(dt.date(2025, 1, 1))
    services.application_review(actor=township, application_id=fresh.pk, approve=True)
    assert _tallies() == _counted()
    services.application_hukou_move(
        actor=county, application_id=fresh.pk, moved_on=TODAY, region_code="140822100"
    )
    assert _tallies() == _counted()
    refused = apply(dt.date(2025, 2, 1))
    services.application_review(
        actor=township, application_id=refused.pk, approve=False, reason="材料不全"
    )
    assert _tallies() == _counted()
    assert _tallies()[0][(refused.region_id, TODAY.isoformat()[:7], "rejected")] == 1
