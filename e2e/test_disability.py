"""The disability certificate home service (issue 14): a relative asks on a phone (390×844),
the federation schedules a team and visits with a tablet (768×1024) — a birth date that does
not match the ID card is refused, the right one accepted — the doctor assesses two
impairments (multiple disability), the result is posted publicly (masked name and village),
the county reviews once the posting has run, the federation issues the certificate and its
data sheet PDF. Screenshots: ``e2e/screenshots/disability-*.png`` and
``disability-sheet.pdf``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from e2e.support import SCREENSHOTS, log_in, new_page, playwright_or_skip, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESK = {"width": 1280, "height": 800}


def _context(browser: Browser, live_server: LiveServer, viewport: dict[str, int]) -> Page:
    return new_page(browser, live_server.url, viewport["width"], viewport["height"])


def _shoot(page: Page, name: str) -> None:
    shoot(page, f"disability-{name}")


def _fits(page: Page, width: int) -> None:
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= width


def test_request_visit_assessment_posting_review_certificate(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext
) -> None:
    from django.utils import timezone

    from huimin.core import rules as core_rules
    from huimin.core.models import Person, Region, User
    from huimin.core.selectors import WorkdayCalendar
    from huimin.disability.models import Case, Certificate, Team

    today = timezone.localdate()
    village = Region.objects.get(code="140822101201")  # 庙前村, 荣河镇, 万荣县
    grandmother = Person.objects.create(
        resident_id=core_rules.resident_id_build("140822", dt.date(1946, 8, 15), 242),
        name="张桂英",
        birth_date=dt.date(1946, 8, 15),
        sex="F",
        region=village,
    )
    grandson_person = Person.objects.create(
        resident_id=core_rules.resident_id_build("140822", dt.date(1990, 4, 2), 131),
        name="张建军",
        birth_date=dt.date(1990, 4, 2),
        sex="M",
        region=village,
        phone="13934561234",
    )
    grandson = User.objects.create_user(
        username="zhangjianjun",
        password=settings.DEMO_PASSWORD,
        role=User.Role.CITIZEN,
        full_name="张建军",
        person=grandson_person,
    )
    assert grandson.pk
    relative = _context(browser, live_server, PHONE)
    federation = _context(browser, live_server, DESK)
    tablet = _context(browser, live_server, TABLET)
    doctor = _context(browser, live_server, TABLET)
    county = _context(browser, live_server, DESK)
    public = _context(browser, live_server, PHONE)
    try:
        # the grandson asks from his phone for his bedridden grandmother
        log_in(relative, "zhangjianjun")
        relative.goto("/disability/request/")
        relative.fill("#id_name", "张桂英")
        relative.fill("#id_resident_id", grandmother.resident_id)
        relative.select_option("#id_region", "140822101201")
        relative.select_option("#id_requester", "relative")
        relative.fill("#id_condition", "脑出血后右侧偏瘫，长期卧床，双眼视物模糊")
        relative.check("#id_bedridden")
        relative.check("#id_elderly_carer")
        _fits(relative, PHONE["width"])
        _shoot(relative, "1-relative-request")
        relative.get_by_role("button", name="提交申请").click()
        expect(relative.locator(".messages")).to_contain_text("申请已提交")
        _fits(relative, PHONE["width"])
        _shoot(relative, "2-relative-submitted")
        case = Case.objects.get(person=grandmother)
        assert case.reasons == ["elderly_carer", "bedridden"]

        # the federation sees it in the queue with its reasons, makes a team and a route
        calendar = WorkdayCalendar()
        visit_day = today
        log_in(federation, "federation")
        federation.goto("/disability/cases/?status=requested")
        expect(federation.locator("#rows")).to_contain_text("以老养残、长期卧床")
        _shoot(federation, "3-federation-queue")
        federation.goto("/disability/teams/new/")
        federation.select_option("#id_township", "140822101")
        federation.fill("#id_day", visit_day.isoformat())
        federation.select_option("#id_doctor", str(User.objects.get(username="doctor").pk))
        federation.fill("#id_hospital", "运城市中心医院")
        federation.get_by_role("button", name="保存").click()
        expect(federation.locator(".messages")).to_contain_text("上门服务组已建立")
        federation.goto(f"/disability/cases/{case.pk}/")
        federation.get_by_role("button", name="排入路线").click()
        expect(federation.locator(".messages")).to_contain_text("已排入")
        team_url = federation.locator(
            "main .card a[href^='/disability/teams/']"
        ).first.get_attribute("href")
        federation.goto(str(team_url))
        expect(federation.locator(".route")).to_contain_text("庙前村")
        _shoot(federation, "4-federation-route")

        # at the bedside, on the tablet: a birth date that does not match is refused
        log_in(tablet, "federation")
        tablet.goto(f"/disability/cases/{case.pk}/visit/")
        tablet.fill("#id_resident_id", grandmother.resident_id)
        tablet.fill("#id_name", "张桂英")
        tablet.fill("#id_birth_date", "1946-08-16")
        tablet.fill("#id_address", "荣河镇庙前村3组12号")
        tablet.fill("#id_guardian_name", "张建军")
        tablet.fill("#id_guardian_phone", "13934561234")
        tablet.fill("#id_cause", "脑出血")
        tablet.fill("#id_visited_on", visit_day.isoformat())
        tablet.get_by_role("button", name="核验并保存").click()
        expect(tablet.locator("main")).to_contain_text("出生日期不一致")
        _fits(tablet, TABLET["width"])
        _shoot(tablet, "5-visit-refused")
        case.refresh_from_db()
        assert case.status == Case.Status.SCHEDULED
        assert case.visited_on is None
        tablet.fill("#id_birth_date", "1946-08-15")
        tablet.get_by_role("button", name="核验并保存").click()
        expect(tablet.locator(".messages")).to_contain_text("身份核验通过")
        case.refresh_from_db()
        assert case.status == Case.Status.VISITED
        assert case.deadline == calendar.deadline(visit_day, 15)

        # the doctor assesses each impairment with its clinical basis
        log_in(doctor, "doctor")
        doctor.goto(f"/disability/cases/{case.pk}/assess/")
        doctor.select_option("#id_category_1", "4")
        doctor.select_option("#id_grade_1", "1")
        doctor.fill("#id_basis_1", "脑出血致右侧肢体偏瘫，肌力1级，不能独立行走")
        doctor.select_option("#id_category_2", "1")
        doctor.select_option("#id_grade_2", "3")
        doctor.fill("#id_basis_2", "双眼白内障，最佳矫正视力0.1")
        _fits(doctor, TABLET["width"])
        _shoot(doctor, "6-doctor-assess")
        doctor.get_by_role("button", name="保存评定结果").click()
        expect(doctor.locator(".messages")).to_contain_text("评定结果已记录")
        expect(doctor.locator("main")).to_contain_text("多重残疾一级")

        # the staff member ticks the benefits explained and posts the result today
        tablet.goto(f"/disability/cases/{case.pk}/")
        tablet.get_by_role("button", name="记录已宣讲的政策").click()
        expect(tablet.locator(".messages")).to_contain_text("已记录")
        tablet.fill("#id_posted_on", today.isoformat())
        tablet.get_by_role("button", name="公示评定结果").click()
        expect(tablet.locator(".messages")).to_contain_text("评定结果已公示")
        _shoot(tablet, "7-case-posted")

        # the public posting: a masked name and the village, no ID and no diagnosis
        public.goto("/disability/postings/?county=140822")
        expect(public.locator("main")).to_contain_text("张**")
        expect(public.locator("main")).to_contain_text("庙前村")
        text = public.locator("main").inner_text()
        assert "张桂英" not in text
        assert grandmother.resident_id not in text
        assert "偏瘫" not in text
        assert "肢体" not in text
        assert "白内障" not in text
        _fits(public, PHONE["width"])
        _shoot(public, "8-public-posting")

        # two weeks pass (the test moves the case's dates back): the posting has
        # run its 5 working days and the 15-working-day clock still runs
        visited = today - dt.timedelta(days=14)
        while not calendar.is_workday(visited):
            visited -= dt.timedelta(days=1)
        posted = calendar.deadline(visited, 1)
        Team.objects.filter(cases=case).update(day=visited)
        Case.objects.filter(pk=case.pk).update(
            visited_on=visited,
            deadline=calendar.deadline(visited, 15),
            posted_on=posted,
            posting_ends=calendar.deadline(posted, 5),
            objection_until=calendar.deadline(posted, 10),
            review_due=calendar.deadline(calendar.deadline(posted, 5), 10),
        )
        assert calendar.deadline(posted, 5) < today < calendar.deadline(visited, 15)
        log_in(county, "wanrong")
        county.goto(f"/disability/cases/{case.pk}/")
        county.select_option("#id_decision", "approve")
        county.get_by_role("button", name="提交县级审核").click()
        expect(county.locator(".messages")).to_contain_text("县级审核已记录")

        # the federation issues the certificate and prints its data sheet
        federation.goto(f"/disability/cases/{case.pk}/")
        federation.get_by_role("button", name="发放残疾人证").click()
        expect(federation.locator(".messages")).to_contain_text("残疾人证已发放")
        expect(federation.locator(".steps li.done")).to_have_count(7)
        _shoot(federation, "9-case-certified")
        certificate = Certificate.objects.get(case=case)
        assert certificate.number == f"{grandmother.resident_id}71"
        federation.goto(f"/disability/certificates/{certificate.pk}/")
        _shoot(federation, "10-certificate")
        sheet = federation.request.get(f"/disability/certificates/{certificate.pk}/sheet.pdf")
        assert sheet.body().startswith(b"%PDF-")
        (SCREENSHOTS / "disability-sheet.pdf").write_bytes(sheet.body())
        explanation = federation.request.get(f"/disability/cases/{case.pk}/explanation.pdf")
        (SCREENSHOTS / "disability-explanation.pdf").write_bytes(explanation.body())
        federation.goto("/disability/dashboard/?year=2025")
        federation.wait_for_timeout(800)
        _shoot(federation, "11-dashboard")
        federation.goto("/home/")
        expect(federation.locator("main")).to_contain_text("上门办证逾期未办结")
        _shoot(federation, "12-federation-home")
    finally:
        for page in (relative, federation, tablet, doctor, county, public):
            page.context.close()
