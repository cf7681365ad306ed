"""The childcare subsidy in a real browser, end to end: a guardian applies for her child, the
北城街道 official reviews, the 盐湖区 official confirms; the checker sends the demo's 2026 batch
back; the finance officer creates a new 2026 batch and watches its progress while a worker
builds it; the checker approves it; the finance officer downloads the bank file and imports
the bank's result with one failure. Screenshots in e2e/screenshots/subsidy-*.png."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from e2e.support import playwright_or_skip

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

Login = Callable[..., "Page"]
Screenshot = Callable[[str], None]

CHILD = "罗小禾"
BIRTH = dt.date(2025, 6, 18)


def _free_child_id() -> str:
    """A valid 盐湖区 resident ID born on BIRTH that nobody in the demo has."""
    from huimin.core import rules as core_rules
    from huimin.core.models import Person

    for n in range(499, 0, -1):
        number = core_rules.resident_id_build("140802", BIRTH, n * 2)
        if not Person.objects.filter(resident_id=number).exists():
            return number
    raise AssertionError("no free resident ID")  # pragma: no cover


def _free_certificate() -> str:
    from huimin.subsidy.models import Application

    for n in range(999_999_999, 0, -1):
        number = f"Z{n:09d}"
        if not Application.objects.filter(birth_certificate=number).exists():
            return number
    raise AssertionError("no free certificate")  # pragma: no cover


def _logout(page: Page) -> None:
    page.context.clear_cookies()


def _decide(page: Page, outcome: str, button: str) -> None:
    page.locator("#decide").get_by_label(outcome, exact=True).check()
    page.get_by_role("button", name=button).click()


def test_a_child_is_applied_for_confirmed_and_paid_through_the_pages(
    login: Login, page: Page, screenshot: Screenshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huimin.subsidy import services
    from huimin.subsidy.models import Application, PaymentBatch, PaymentLine

    # 1. The guardian applies online.
    login("citizen")
    page.goto("/subsidy/apply/")
    child_id, certificate = _free_child_id(), _free_certificate()
    form = page.locator("form", has=page.get_by_role("button", name="提交申请"))
    form.get_by_label("孩子姓名").fill(CHILD)
    form.get_by_label("孩子的居民身份证号码").fill(child_id)
    form.get_by_label("出生医学证明编号").fill(certificate)
    form.get_by_label("孩子户籍所在地").select_option("140802100")
    form.get_by_label("母亲", exact=True).check()
    form.get_by_label("开户银行").fill("中国农业银行运城分行")
    form.get_by_label("银行账号").fill("6228480012345678901")
    form.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("预计可领取育儿补贴 10,800 元，共 36 个月")).to_be_visible()
    screenshot("subsidy-1-guardian-applied")
    application = Application.objects.get(child__resident_id=child_id)
    assert application.status == Application.Status.SUBMITTED
    assert application.channel == Application.Channel.ONLINE

    # 2. The township reviews, 3. the county confirms.
    _logout(page)
    login("beicheng")
    page.goto(f"/subsidy/applications/{application.pk}/")
    expect(page.get_by_role("heading", name="乡镇审核", exact=True)).to_be_visible()
    screenshot("subsidy-2-township-reviews")
    _decide(page, "通过", "提交审核结果")
    expect(page.get_by_text("待县级确认").first).to_be_visible()
    _logout(page)
    login("yanhu")
    page.goto(f"/subsidy/applications/{application.pk}/")
    _decide(page, "通过", "提交确认结果")
    expect(page.get_by_text("已确认").first).to_be_visible()
    screenshot("subsidy-3-county-confirmed")
    application.refresh_from_db()
    assert application.status == Application.Status.CONFIRMED

    # 4. The checker sends back the demo's 2026 batch, freeing its children.
    demo_batch = PaymentBatch.objects.get(year=2026, status=PaymentBatch.Status.BUILT)
    _logout(page)
    login("finance2")
    page.goto(f"/subsidy/batches/{demo_batch.pk}/")
    page.get_by_label("退回原因").fill("新确认的孩子未包含在内，退回重新生成。")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_text("复核退回").first).to_be_visible()

    # 5. The finance officer creates a batch; a worker builds it in chunks while the page shows
    # the progress (here a thread stands for the worker: the task is not run on commit).
    queued: list[int] = []
    monkeypatch.setattr(services, "batch_enqueue", lambda *, batch_id: queued.append(batch_id))
    _logout(page)
    login("finance")
    page.goto("/subsidy/batches/new/")
    page.get_by_label("发放年度").select_option("2026")
    page.get_by_label("发放区域").select_option("140800")
    page.get_by_role("button", name=re.compile("创建")).click()
    expect(page.get_by_text("等待后台任务开始生成明细")).to_be_visible()
    assert len(queued) == 1
    batch_id = queued[0]

    def worker() -> None:
        from django.db import connections

        try:
            services.batch_run(
                batch_id=batch_id, chunk_size=20, on_chunk=lambda _batch: time.sleep(0.5)
            )
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        expect(page.locator(".progress-figures")).to_contain_text(
            re.compile(r"已处理 (2|4|6|8|10|12|14|16)\d / \d+ 人"), timeout=15_000
        )
        screenshot("subsidy-4-batch-progress")
    finally:
        thread.join(timeout=60)
    # once built, the page reloads itself: the maker is told they cannot check their own batch
    expect(page.get_by_text("不能复核自己创建的批次")).to_be_visible(timeout=15_000)
    batch = PaymentBatch.objects.get(pk=batch_id)
    assert batch.status == PaymentBatch.Status.BUILT
    assert batch.lines.filter(application=application).count() == 1
    assert batch.line_count == batch.lines.count()
    screenshot("subsidy-5-batch-built")

    # 6. The checker approves.
    _logout(page)
    login("finance2")
    page.goto(f"/subsidy/batches/{batch_id}/")
    page.get_by_role("button", name="复核通过").click()
    expect(page.get_by_text("已复核，待发放").first).to_be_visible()

    # 7. The maker downloads the bank file and imports the bank's result: one failure.
    _logout(page)
    login("finance")
    page.goto(f"/subsidy/batches/{batch_id}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel（.xlsx）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as template:
        page.get_by_role("link", name=re.compile("下载回盘模板")).click()
    result = _one_failure(template.value.path(), line_of=application, reason="户名与账号不符")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "银行回盘.xlsx", "mimeType": "application/octet-stream", "buffer": result}]
    )
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_text("发放完成").first).to_be_visible()
    screenshot("subsidy-6-batch-settled")
    page.get_by_role("link", name="只看发放失败").click()
    expect(page.get_by_text("户名与账号不符").first).to_be_visible()
    screenshot("subsidy-7-failed-lines")
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.SETTLED
    assert (batch.paid_count, batch.failed_count) == (batch.line_count - 1, 1)
    line = PaymentLine.objects.get(batch=batch, application=application)
    assert (line.status, line.failure_reason) == ("failed", "户名与账号不符")

    # 8. The dashboard shows the year's figures.
    page.goto("/subsidy/dashboard/?year=2026")
    expect(page.get_by_role("heading", name="育儿补贴统计")).to_be_visible()
    page.wait_for_timeout(800)  # the charts animate in
    screenshot("subsidy-8-dashboard")


def _one_failure(path: object, *, line_of: object, reason: str) -> bytes:
    """The bank's result: the downloaded template (every line 成功) with the line of one
    application turned into a failure."""
    from openpyxl import load_workbook

    from huimin.subsidy.models import PaymentLine

    line = PaymentLine.objects.filter(application=line_of).latest("pk")
    with open(str(path), "rb") as downloaded:  # a download's path has no .xlsx suffix
        workbook = load_workbook(io.BytesIO(downloaded.read()))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    id_col, result_col = header.index("明细编号"), header.index("发放结果")
    reason_col = header.index("失败原因")
    for row in sheet.iter_rows(min_row=2):
        if str(row[id_col].value) == str(line.pk):
            row[result_col].value = "失败"
            row[reason_col].value = reason
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
