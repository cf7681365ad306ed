"""The city overview (issue 16, items 7–8): the city administrator opens 全市概览, colours the
map by another figure, clicks 万荣县 on the map, lands on its overview, clicks a figure into
the filtered list (the same count) and comes back; a yearly report is built in the background
and its PDF read. Screenshots: ``e2e/screenshots/overview-*.png`` and
``overview-report.pdf``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from e2e.support import SCREENSHOTS, log_in, new_page, playwright_or_skip, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

DESK = {"width": 1280, "height": 900}

#: The pixel of a county on the overview's map, asked of ECharts (the centre of its outline).
COUNTY_PIXEL = """(name) => {
  const box = document.getElementById("overview-map");
  const chart = echarts.getInstanceByDom(box);
  const series = chart.getModel().getSeriesByIndex(0);
  const region = series.coordinateSystem.getRegion(name);
  const at = chart.convertToPixel({seriesIndex: 0}, region.getCenter());
  const rect = box.getBoundingClientRect();
  return [rect.left + at[0], rect.top + at[1]];
}"""


def test_city_map_county_list_and_back_then_the_yearly_report(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext
) -> None:
    page: Page = new_page(browser, live_server.url, DESK["width"], DESK["height"])
    log_in(page, "admin")
    page.get_by_role("link", name="全市概览", exact=True).first.click()
    page.wait_for_url("**/overview/")
    page.goto("/overview/?year=2025")
    expect(page.get_by_role("heading", name="全市概览")).to_be_visible()
    expect(page.locator("#map-card")).to_be_visible()
    expect(page.locator("#overview-map canvas")).to_have_count(1)
    expect(page.locator("#county-table tbody tr")).to_have_count(13)
    page.wait_for_timeout(300)
    shoot(page, "overview-city")

    # colour the map by the subsidy's confirmed children, then look at the map alone
    page.select_option("#figure", "confirmed")
    page.wait_for_timeout(300)
    assert "figure=confirmed" in page.url
    page.locator("#map-card").screenshot(path=SCREENSHOTS / "overview-map.png")

    # a click on 万荣县 on the map opens its overview
    x, y = page.evaluate(COUNTY_PIXEL, "万荣县")
    page.mouse.click(x, y)
    page.wait_for_url("**/overview/140822/?year=2025")
    expect(page.get_by_role("heading", name="万荣县概览")).to_be_visible()
    expect(page.locator("#county-table tbody tr")).to_have_count(1)
    shown = page.locator("#sec-subsidy a[data-figure=confirmed]").inner_text()
    shoot(page, "overview-county")

    # the figure opens the list behind it, filtered to the county, with the same count
    page.locator("#sec-subsidy a[data-figure=confirmed]").click()
    page.wait_for_url("**/subsidy/applications/?region=140822&status=confirmed")
    expect(page.locator("#id_region")).to_have_value("140822")
    expect(page.locator("#id_status")).to_have_value("confirmed")
    from huimin.subsidy.models import Application

    assert (
        int(shown)
        == Application.objects.filter(
            status="confirmed", region__path__startswith="140800/140822/"
        ).count()
    )
    expect(page.get_by_text(f"共 {int(shown)} ", exact=False).first).to_be_visible()
    shoot(page, "overview-county-list")
    page.go_back()
    page.wait_for_url("**/overview/140822/?year=2025")
    expect(page.get_by_role("heading", name="万荣县概览")).to_be_visible()

    # the yearly report of the city, built in the background, then downloaded
    page.goto("/overview/reports/")
    page.select_option("#id_year", "2025")
    page.select_option("#id_county", "")
    page.get_by_role("button", name="生成报告").click()
    row = page.locator("table.list tbody tr").first
    expect(row).to_contain_text("已生成")
    expect(row.get_by_role("link", name="PDF")).to_be_visible()
    shoot(page, "overview-reports")
    pdf = page.request.get(row.get_by_role("link", name="PDF").get_attribute("href") or "")
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    (SCREENSHOTS / "overview-report.pdf").write_bytes(pdf.body())
    xlsx = page.request.get(row.get_by_role("link", name="Excel").get_attribute("href") or "")
    assert xlsx.ok
    assert xlsx.body()[:2] == b"PK"
    page.context.close()
