"""Wildlife damage on a phone (issue 13), at 390×844: the farmer reports with a photo and his
phone's location, the adjuster accepts, surveys and settles, the farmer confirms, the payout
is paid from the bank's result. Screenshots: ``e2e/screenshots/wildlife-*.png``."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from e2e.support import SCREENSHOTS, log_in, new_page, playwright_or_skip, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 390, 844


def _phone(browser: Browser, live_server: LiveServer) -> Page:
    return new_page(
        browser,
        live_server.url,
        WIDTH,
        HEIGHT,
        geolocation={"latitude": 34.837512, "longitude": 111.218301},
        permissions=["geolocation"],
    )


def _shoot(page: Page, name: str) -> None:
    shoot(page, f"wildlife-{name}")


def _fits(page: Page) -> None:
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= WIDTH


def _photo(path) -> None:  # noqa: ANN001
    image = Image.new("RGB", (640, 480), (86, 140, 60))
    for x in range(200, 440):
        for y in range(180, 300):
            image.putpixel((x, y), (120, 90, 50))
    image.save(path, "JPEG")


def _result_file(batch_id: int) -> bytes:
    from openpyxl import Workbook

    from huimin.wildlife.models import PayoutLine

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["明细编号", "银行账号", "金额（元）", "发放结果", "失败原因"])
    for line in PayoutLine.objects.filter(batch_id=batch_id, status="pending").order_by("pk"):
        sheet.append([line.pk, line.bank_account, f"{line.amount_fen / 100:.2f}", "成功", ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_loss_from_a_phone_report_to_the_payout(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext, tmp_path
) -> None:
    from huimin.wildlife.models import Claim, PayoutBatch

    farmer = _phone(browser, live_server)
    adjuster = _phone(browser, live_server)
    try:
        # the farmer reports from the field: GPS allowed, a photo of the trampled maize
        log_in(farmer, "farmer")
        farmer.locator("nav.side").evaluate("nav => nav")  # the menu exists behind its button
        farmer.goto("/wildlife/report/")
        farmer.select_option("#id_crop", "玉米")
        farmer.fill("#id_area_mu", "2.37")
        farmer.select_option("#id_species", "野猪")
        farmer.fill("#id_description", "夜里野猪拱倒玉米一片")
        farmer.get_by_role("button", name="使用手机定位").click()
        expect(farmer.locator("#where")).to_contain_text("已定位")
        photo = tmp_path / "maize.jpg"
        _photo(photo)
        farmer.set_input_files("#photos", str(photo))
        _fits(farmer)
        _shoot(farmer, "1-farmer-report")
        farmer.get_by_role("button", name="提交报案").click()
        expect(farmer.locator(".messages")).to_contain_text("报案成功")
        expect(farmer.locator("main")).to_contain_text("已报案，待接案")
        _fits(farmer)
        _shoot(farmer, "2-farmer-reported")
        claim = Claim.objects.filter(farmer__account__username="farmer").latest("pk")
        assert claim.location_source == "gps"
        assert claim.photos.count() == 1

        # the adjuster accepts it at once and surveys it
        log_in(adjuster, "adjuster")
        adjuster.goto("/wildlife/claims/?status=reported")
        expect(adjuster.locator("#rows")).to_contain_text(claim.number)
        _fits(adjuster)
        _shoot(adjuster, "3-adjuster-inbox")
        adjuster.goto(f"/wildlife/claims/{claim.pk}/")
        adjuster.locator("#accept").get_by_role("button", name="接案", exact=True).click()
        expect(adjuster.locator(".messages")).to_contain_text("已接案")
        survey = adjuster.locator("#survey")
        survey.locator("select[name=crop]").select_option("玉米")
        survey.locator("select[name=stage]").select_option("成熟期")
        survey.locator("input[name=area_mu]").fill("2.37")
        survey.locator("input[name=loss_percent]").fill("35")
        survey.locator("input[type=file]").set_input_files(str(photo))
        _fits(adjuster)
        _shoot(adjuster, "4-adjuster-survey")
        survey.get_by_role("button", name="提交定损").click()
        expect(adjuster.locator(".messages")).to_contain_text("已定损953.93元")

        # the farmer sees every step's date and confirms the amount
        farmer.goto(f"/wildlife/claims/{claim.pk}/")
        expect(farmer.locator(".amount").first).to_have_text("953.93")
        _fits(farmer)
        _shoot(farmer, "5-farmer-to-confirm")
        farmer.get_by_role("button", name="确认金额").click()
        expect(farmer.locator(".messages")).to_contain_text("赔款将于")

        # the adjuster settles: a payout batch, its bank file, the bank's result
        adjuster.goto("/wildlife/batches/")
        _fits(adjuster)
        adjuster.locator("form.notice-line").filter(has_text="2026").get_by_role(
            "button", name="生成赔付批次"
        ).click()
        expect(adjuster.locator(".messages")).to_contain_text("已生成赔付批次")
        batch = PayoutBatch.objects.latest("pk")
        assert batch.lines.filter(claim=claim).exists()
        with adjuster.expect_download() as download:
            adjuster.get_by_role("link", name="导出代发文件（CSV）").click()
        assert "953.93" in download.value.path().read_text(encoding="utf-8-sig")
        result = tmp_path / "result.xlsx"
        result.write_bytes(_result_file(batch.pk))
        adjuster.set_input_files("input[name=file]", str(result))
        _shoot(adjuster, "6-adjuster-batch")
        adjuster.get_by_role("button", name="导入银行回盘").click()
        expect(adjuster.locator(".messages")).to_contain_text("银行回盘已导入")
        _fits(adjuster)
        _shoot(adjuster, "7-adjuster-batch-settled")

        # the farmer sees the money arrived, with every step dated
        farmer.goto(f"/wildlife/claims/{claim.pk}/")
        expect(farmer.locator(".subtitle")).to_contain_text("已赔付")
        expect(farmer.locator(".steps li.done")).to_have_count(5)
        _fits(farmer)
        _shoot(farmer, "8-farmer-paid")
        claim.refresh_from_db()
        assert (claim.status, claim.paid_fen) == ("paid", 95393)
        with farmer.expect_download() as notice:
            farmer.goto(f"/wildlife/claims/{claim.pk}/")
            farmer.evaluate(
                "() => { const a = document.querySelector('a[href$=\"notice.pdf\"]');"
                " a.setAttribute('download', ''); a.click(); }"
            )
        assert notice.value.path().read_bytes().startswith(b"%PDF-")
        (SCREENSHOTS / "wildlife-notice.pdf").write_bytes(notice.value.path().read_bytes())
    finally:
        farmer.context.close()
        adjuster.context.close()


def test_without_gps_the_farmer_picks_the_point_on_the_map(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext
) -> None:
    from huimin.wildlife import rules
    from huimin.wildlife.models import Claim

    farmer = new_page(browser, live_server.url, WIDTH, HEIGHT)  # no geolocation allowed
    try:
        log_in(farmer, "farmer")
        farmer.goto("/wildlife/report/")
        farmer.select_option("#id_crop", "小麦")
        farmer.fill("#id_area_mu", "1.20")
        farmer.select_option("#id_species", "野兔")
        farmer.get_by_role("button", name="在地图上选点").click()
        box = farmer.locator("#pick-map")
        expect(box).to_be_visible()
        expect(box.locator("canvas")).to_have_count(1)
        size = box.bounding_box()
        assert size is not None
        box.click(position={"x": size["width"] * 0.55, "y": size["height"] * 0.6})
        expect(farmer.locator("#where")).to_contain_text("已在地图上选点")
        _fits(farmer)
        _shoot(farmer, "0-farmer-picks-on-map")
        farmer.get_by_role("button", name="提交报案").click()
        expect(farmer.locator(".messages")).to_contain_text("报案成功")
        claim = Claim.objects.filter(farmer__account__username="farmer").latest("pk")
        assert claim.location_source == "village"
        assert claim.latitude is not None
        assert claim.longitude is not None
        south, north = rules.PICKED_POINT_LATITUDE
        west, east = rules.PICKED_POINT_LONGITUDE
        assert south <= claim.latitude <= north
        assert west <= claim.longitude <= east
    finally:
        farmer.context.close()
