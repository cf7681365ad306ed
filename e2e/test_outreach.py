"""Community outreach (issue 16): 北城街道's official sees her overdue follow-ups on her home
page, records a winter visit to a household with a heating need, the follow-up appears with
its deadline in working days (5 in the heating season), and she closes it with what was done;
the city administrator reads the bank's course of classes, the volunteers' hours by month and
the follow-up list filtered as the overview links to it. Screenshots:
``e2e/screenshots/outreach-*.png``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from e2e.support import log_in, new_page, playwright_or_skip, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

DESK = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}


def _shoot(page: Page, name: str) -> None:
    shoot(page, f"outreach-{name}")


def test_visit_need_follow_up_deadline_and_closing(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext
) -> None:
    from django.utils import timezone

    from huimin.core import rules as core_rules
    from huimin.core.models import Household, HouseholdMember, Person, Region
    from huimin.core.selectors import WorkdayCalendar
    from huimin.outreach import rules
    from huimin.outreach.models import Activity, FollowUp

    today = timezone.localdate()
    village = Region.objects.filter(code__startswith="140802100", level="village").first()
    place = village or Region.objects.get(code="140802100")
    head = Person.objects.create(
        resident_id=core_rules.resident_id_build("140802", dt.date(1944, 2, 9), 352),
        name="刘秀兰",
        birth_date=dt.date(1944, 2, 9),
        sex="F",
        region=place,
    )
    household = Household.objects.create(region=place)
    HouseholdMember.objects.create(household=household, person=head, relation="head")
    days = rules.need_working_days("heating", today)
    deadline = WorkdayCalendar().deadline(today, days)

    official = new_page(browser, live_server.url, TABLET["width"], TABLET["height"])
    admin = new_page(browser, live_server.url, DESK["width"], DESK["height"])
    try:
        log_in(official, "beicheng")
        expect(official.locator("main")).to_contain_text("逾期未办的走访跟进事项")
        _shoot(official, "1-home-overdue")

        official.goto("/outreach/visits/new/")
        official.fill("#id_resident_id", head.resident_id)
        official.fill("#id_visited_on", today.isoformat())
        official.fill("#id_visitors", "赵丽娟、社区网格员")
        official.fill("#id_situation", "独居老人，煤炉取暖，屋里只有十度左右，腿脚不便")
        official.select_option("#id_needs-0-kind", "heating")
        official.fill("#id_needs-0-description", "煤炉老化，需更换为电暖设备")
        official.select_option("#id_needs-1-kind", "medical")
        official.fill("#id_needs-1-description", "需家庭医生上门测血压")
        _shoot(official, "2-visit-form")
        official.get_by_role("button", name="保存走访记录").click()
        expect(official.locator(".messages")).to_contain_text("生成2个跟进事项")
        heating = FollowUp.objects.get(visit__person=head, kind="heating")
        assert heating.deadline == deadline
        assert heating.owner.username == "beicheng"
        expect(official.locator("#deadline")).to_contain_text(
            f"办理期限 {deadline:%Y-%m-%d}（{today:%Y-%m-%d} 走访发现，{days}个工作日）"
        )
        _shoot(official, "3-follow-up")

        official.fill("#id_reason", "街道协调供电所，已安装电暖器一台")
        official.get_by_role("button", name="提交").click()
        expect(official.locator(".messages")).to_contain_text("跟进事项已更新")
        expect(official.locator("main")).to_contain_text("待跟进 → 已办结")
        heating.refresh_from_db()
        assert (heating.status, heating.closed_on) == ("done", today)
        _shoot(official, "4-follow-up-done")

        official.goto("/outreach/followups/?status=open")
        expect(official.locator("#rows")).to_contain_text("需家庭医生上门测血压")
        expect(official.locator("#rows")).not_to_contain_text("煤炉老化")
        _shoot(official, "5-follow-up-list")
        official.goto("/outreach/children/")
        _shoot(official, "6-children")

        # the city: the bank's classes, volunteers by month, the overview's filtered link
        log_in(admin, "admin")
        classes = Activity.objects.get(organiser="山西银行河津支行")
        admin.goto(f"/outreach/activities/{classes.pk}/")
        expect(admin.locator(".figures")).to_contain_text("2000")
        _shoot(admin, "7-bank-classes")
        admin.goto("/outreach/activities/?kind=volunteer")
        expect(admin.locator("#rows")).to_contain_text("治环境、净家园")
        _shoot(admin, "8-activity-list")
        admin.goto("/outreach/volunteers/")
        admin.locator("#rows tr").filter(has_text="档案人员").first.locator("a").click()
        expect(admin.locator("h1")).to_contain_text("志愿服务时长")
        _shoot(admin, "9-volunteer-months")
        county = Region.objects.get(code="140802")
        admin.goto(f"/outreach/followups/?region={county.pk}&status=open&overdue=1")
        expect(admin.locator("#rows")).to_contain_text("逾期")
        _shoot(admin, "10-overdue-yanhu")
    finally:
        official.context.close()
        admin.context.close()
