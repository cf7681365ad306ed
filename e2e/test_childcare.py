"""The childcare pages in a real browser: an operator overfills a 托小班 through the enrolment
form and sees the finding appear on the institution page; the county official of 盐湖区 then
finds the institution on the findings page. Also a tour of the other childcare pages, for the
screenshots."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from e2e.support import playwright_or_skip

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from huimin.childcare.models import CareClass, Institution
    from huimin.core.models import User

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

Login = Callable[..., "Page"]
Screenshot = Callable[[str], None]

CLASS_NAMES = ("苗苗班", "星星班", "向日葵班", "小太阳班")
CARERS = ("刘芳", "陈静", "赵敏")
CHILDREN = (
    "王子涵", "李若曦", "张梓萱", "刘一诺", "陈沐阳", "杨浩宇", "赵欣怡", "黄子墨",
    "周雨桐", "吴宇轩", "徐诗涵", "孙梓睿", "马可欣", "朱俊熙", "胡语嫣",
)  # fmt: skip


def _free_resident_id(birth: dt.date, *, male: bool) -> str:
    """A valid resident ID of 盐湖区 with this birth date that nobody in the demo has."""
    from huimin.core import rules as core_rules
    from huimin.core.models import Person

    for n in range(499, 0, -1):
        number = core_rules.resident_id_build("140802", birth, n * 2 + (1 if male else 0))
        if not Person.objects.filter(resident_id=number).exists():
            return number
    raise AssertionError("no free resident ID")  # pragma: no cover


def _operator_institution(operator: User) -> Institution:
    """The demo operator's institution (the demo city binds one), else one registered now."""
    from huimin.childcare import selectors, services

    institution = selectors.institution_of_operator(operator)
    if institution is not None:
        return institution
    return services.institution_register(
        actor=operator,
        region_code="140802100",
        name="盐湖区综合托育服务中心",
        kind="independent",
        address="运城市盐湖区北城街道学苑路12号",
        legal_person="张秀兰",
        capacity=120,
        fee_full_day=120_000,
        monitoring_coverage_percent=100,
        recording_retention_days=90,
        fire_safety_manager="王强",
    )


def _toddler_class_of_fifteen(operator: User) -> CareClass:
    """A new 托小班 at the operator's institution: 3 caregivers, 15 children — full."""
    from huimin.childcare import rules, services

    today = timezone.localdate()
    institution = _operator_institution(operator)
    taken = set(institution.classes.values_list("name", flat=True))
    name = next(n for n in CLASS_NAMES if n not in taken)
    carers = [
        services.staff_hire(
            actor=operator,
            institution_id=institution.pk,
            resident_id=_free_resident_id(dt.date(1990, 5, 1 + i), male=False),
            name=carer,
            role="caregiver",
            hired_on=today - dt.timedelta(days=200),
            health_cert_on=today - dt.timedelta(days=30),
            criminal_check_on=today - dt.timedelta(days=30),
        )
        for i, carer in enumerate(CARERS)
    ]
    care_class = services.class_create(
        actor=operator,
        institution_id=institution.pk,
        name=name,
        kind="toddler",
        caregiver_ids=[c.pk for c in carers],
    )
    for i, child in enumerate(CHILDREN):
        services.enrollment_create(
            actor=operator,
            class_id=care_class.pk,
            child_resident_id=_free_resident_id(
                rules.add_months(today, -18) - dt.timedelta(days=i * 7), male=i % 2 == 0
            ),
            child_name=child,
            guardian_resident_id=_free_resident_id(dt.date(1991, 3, 1 + i), male=False),
            guardian_name=child[0] + "母",
            guardian_relation="母亲",
            enrolled_on=today,
            agreement_signed_on=today,
            admission_check_on=today,
            vaccination_complete=True,
        )
    return care_class


def test_operator_overfills_a_toddler_class_and_the_county_sees_the_finding(
    login: Login, screenshot: Screenshot
) -> None:
    from huimin.childcare.models import Finding
    from huimin.core.models import User

    operator = User.objects.get(username="operator")
    care_class = _toddler_class_of_fifteen(operator)
    institution = care_class.institution
    message = f"托小班“{care_class.name}”在托16人，超过上限15人。"
    assert not Finding.objects.filter(status="open", message=message).exists()

    page = login("operator")
    nav = page.get_by_role("navigation", name="导航")
    nav.get_by_role("link", name="本机构", exact=True).click()  # not 本机构培训学时
    page.wait_for_url(re.compile(rf"/childcare/institutions/{institution.pk}/$"))
    expect(page.locator("h1")).to_contain_text(institution.name)
    row = page.locator("table.classes tbody tr", has_text=care_class.name)
    expect(row).to_contain_text("15 / 15")
    expect(page.locator("#findings")).not_to_contain_text(message)

    row.get_by_role("link", name="登记入托").click()
    expect(page.locator("h1")).to_have_text(f"登记入托：{care_class.name}")
    today = timezone.localdate()
    from huimin.childcare import rules

    page.fill("input[name=child_name]", "郭小满")
    page.fill(
        "input[name=child_resident_id]",
        _free_resident_id(rules.add_months(today, -16), male=False),
    )
    page.fill("input[name=guardian_name]", "郭丽")
    page.fill(
        "input[name=guardian_resident_id]", _free_resident_id(dt.date(1993, 8, 8), male=False)
    )
    page.fill("input[name=admission_check_on]", today.isoformat())
    screenshot("childcare_enrol_form")
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(re.compile(rf"/childcare/institutions/{institution.pk}/\?tab=care$"))
    expect(page.get_by_text("已登记入托。")).to_be_visible()
    findings = page.locator("#findings")
    expect(findings).to_contain_text("班级超员")
    expect(findings).to_contain_text(message)
    expect(page.locator("table.classes tbody tr", has_text=care_class.name)).to_contain_text(
        "16 / 15"
    )
    screenshot("childcare_operator_institution")

    page.context.clear_cookies()
    page = login("yanhu")
    page.get_by_role("navigation", name="导航").get_by_role("link", name="合规问题").click()
    page.wait_for_url("**/childcare/findings/")
    ranked = page.locator("table.ranking tbody tr", has_text=institution.name)
    expect(ranked).to_contain_text("班级超员")
    expect(ranked).to_contain_text(message)
    screenshot("childcare_findings_yanhu")

    ranked.get_by_role("link", name=institution.name).click()
    expect(page.locator("#findings")).to_contain_text(message)
    expect(page.get_by_role("link", name="登记入托")).to_have_count(0)


def test_tour_of_the_childcare_pages(login: Login, page: Page, screenshot: Screenshot) -> None:
    """Every childcare page once, as its users see it, saved to be looked at."""
    from huimin.core.models import User

    operator = User.objects.get(username="operator")
    institution = _operator_institution(operator)
    detail = f"/childcare/institutions/{institution.pk}/"

    login("operator")
    page.goto(detail)
    for tab in ("保育与健康", "安全", "人员"):
        page.locator("nav.tabs").get_by_role("link", name=tab).click()
        expect(page.locator("nav.tabs a.active")).to_have_text(tab)
    for tab, name in (("health", "health"), ("safety", "safety"), ("staff", "staff")):
        page.goto(f"{detail}?tab={tab}")
        screenshot(f"childcare_operator_tab_{name}")
    page.goto(f"{detail}filing/")
    screenshot("childcare_operator_filing")
    page.goto(f"{detail}edit/")
    screenshot("childcare_operator_edit")
    klass = institution.classes.first()
    if klass is not None:
        page.goto(f"/childcare/classes/{klass.pk}/attendance/")
        screenshot("childcare_operator_attendance")

    klass = institution.classes.filter(kind="toddler").first()
    if klass is not None:
        page.goto(f"/childcare/classes/{klass.pk}/enrol/")
        page.fill("input[name=child_name]", "郭小满")
        page.fill("input[name=child_resident_id]", "140802240520032")
        page.uncheck("input[name=vaccination_complete]")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("这是15位的旧身份证号码，不再受理")).to_be_visible()
        expect(page.locator("input[name=child_name]")).to_have_value("郭小满")
        screenshot("childcare_operator_enrol_errors")
    page.goto(f"{detail}staff/new/")
    screenshot("childcare_operator_staff_form")

    # A filed institution's change is filed again: the county sees it counting down.
    from huimin.childcare import services

    if institution.status == "filed":
        services.institution_update(
            actor=operator, institution_id=institution.pk, phone="0359-2088001"
        )

    page.context.clear_cookies()
    login("yanhu")
    nav = page.get_by_role("navigation", name="导航")
    nav.get_by_role("link", name="托育机构", exact=True).click()
    expect(page.locator("h1")).to_have_text("托育机构")
    screenshot("childcare_institutions_yanhu")
    page.get_by_role("navigation", name="导航").get_by_role("link", name="备案办理").click()
    expect(page.locator("h1")).to_have_text("备案办理")
    screenshot("childcare_filings_yanhu")
    pending = page.locator("table.list").get_by_role("link", name="办理", exact=True)
    if pending.count():
        expect(page.locator("table.list tbody tr").first).to_contain_text("个工作日")
        pending.first.click()
        page.wait_for_url(re.compile(r"/childcare/filings/\d+/$"))
        screenshot("childcare_filing_detail_yanhu")
        page.get_by_label("予以备案").check()
        page.get_by_role("button", name="提交办理结果").click()
        expect(page.get_by_text("已办理：已备案")).to_be_visible()
    page.goto(f"{detail}?tab=history")
    screenshot("childcare_history_yanhu")

    page.context.clear_cookies()
    login("admin")
    page.goto("/childcare/institutions/")
    screenshot("childcare_institutions_city")
    page.goto("/childcare/findings/")
    screenshot("childcare_findings_city")
    page.goto("/childcare/recognitions/")
    screenshot("childcare_recognitions_city")
    from huimin.childcare.models import InclusiveRecognition

    application = InclusiveRecognition.objects.filter(status="applied").first()
    if application is not None:
        page.goto(f"/childcare/recognitions/{application.pk}/")
        screenshot("childcare_recognition_detail_city")
