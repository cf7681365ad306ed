"""The workforce pages: officials create courses, enrol staff of their institutions and record
completion (the hours become the childcare training record); the institutions short of the
yearly hours; the operator's own staff's hours; the read endpoints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huimin.childcare.models import Staff, TrainingRecord
from huimin.demonstration import services
from huimin.demonstration.models import Course, CourseEnrolment

pytestmark = pytest.mark.django_db


def _course(actor, *, title="婴幼儿回应性照护在岗培训", kind="in_service", hours=72, days_ago=10):
    return services.course_create(
        actor=actor,
        title=title,
        provider="运城幼儿师范高等专科学校",
        kind=kind,
        hours=hours,
        starts_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def test_the_city_creates_a_course_on_the_page(client, demo_setup):
    client.force_login(demo_setup.admin)
    url = reverse("demonstration_course_new")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "托育机构负责人培训",
            "provider": "运城幼儿师范高等专科学校",
            "kind": "head",
            "hours": "40",
            "starts_on": "2026-03-02",
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("demonstration_course_detail", args=[course.pk])
    assert (course.title, course.kind, course.hours, course.region.code) == (
        "托育机构负责人培训",
        "head",
        40,
        "140800",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours", "0", "学时应在1至500之间。"),
        ("hours", "501", "学时应在1至500之间。"),
        ("starts_on", "2026-13-01", "开课日期应为 YYYY-MM-DD 格式的日期。"),
        ("title", "", "请填写课程名称。"),
        ("title", "课程\x07名称", "含有不可见的控制字符"),
    ],
)
def test_a_bad_course_is_refused_with_a_message_and_nothing_is_saved(
    client, demo_setup, field, value, message
):
    client.force_login(demo_setup.admin)
    data = {
        "title": "婴幼儿照护在岗培训",
        "provider": "运城幼儿师范高等专科学校",
        "kind": "in_service",
        "hours": "72",
        "starts_on": "2026-03-02",
        field: value,
    }
    response = client.post(reverse("demonstration_course_new"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Course.objects.count() == 0


def test_the_course_list_filters_by_year_and_type(client, demo_setup):
    _course(demo_setup.admin, title="保育人员岗前培训", kind="pre_service", days_ago=400)
    _course(demo_setup.admin, title="机构负责人培训", kind="head", days_ago=5)
    client.force_login(demo_setup.official)
    url = reverse("demonstration_course_list")
    page = client.get(url).content.decode()
    assert ("保育人员岗前培训" in page, "机构负责人培训" in page) == (True, True)
    year = (timezone.localdate() - dt.timedelta(days=5)).year
    by_kind = client.get(url, {"kind": "head"}).content.decode()
    assert ("保育人员岗前培训" in by_kind, "机构负责人培训" in by_kind) == (False, True)
    by_year = client.get(url, {"year": str(year - 5)}).content.decode()
    assert "没有培训课程。" in by_year


def test_enrolment_and_completion_on_the_course_page_write_the_training_record(
    client, demo_setup, staff
):
    course = _course(demo_setup.admin)
    client.force_login(demo_setup.official)  # the county enrols its own staff on the city course
    url = reverse("demonstration_course_detail", args=[course.pk])
    found = client.get(url, {"q": "王丽"}).content.decode()
    assert ("王丽" in found, "李娜" in found) == (True, False)
    assert client.post(url, {"action": "enrol", "staff": staff[0].pk}).status_code == 302
    enrolment = CourseEnrolment.objects.get()
    today = timezone.localdate().isoformat()
    response = client.post(
        url,
        {
            "action": "complete",
            "enrolment": enrolment.pk,
            "completed_on": today,
            "certificate_no": "ＹＣ2026 0001",  # full-width letters, a space: made plain
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.certificate_no) == ("completed", "YC20260001")
    assert TrainingRecord.objects.get(staff=staff[0]).hours == 72
    assert Staff.objects.get(pk=staff[0].pk).training_hours == 72


def test_a_completion_dated_in_the_future_is_refused_and_nothing_changes(client, demo_setup, staff):
    course = _course(demo_setup.admin)
    enrolment = services.enrolment_add(
        actor=demo_setup.admin, course_id=course.pk, staff_id=staff[0].pk
    )
    client.force_login(demo_setup.admin)
    url = reverse("demonstration_course_detail", args=[course.pk])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        url,
        {
            "action": "complete",
            "enrolment": enrolment.pk,
            "completed_on": tomorrow,
            "certificate_no": "YC2026-0002",
        },
    )
    assert response.status_code == 422
    assert "结业日期不能晚于今天。" in response.content.decode()
    assert CourseEnrolment.objects.get().status == "enrolled"
    assert TrainingRecord.objects.count() == 0


def test_another_county_sees_the_city_course_but_not_the_staff_nor_its_enrolments(
    client, demo_setup, staff
):
    course = _course(demo_setup.admin)
    services.enrolment_add(actor=demo_setup.admin, course_id=course.pk, staff_id=staff[0].pk)
    client.force_login(demo_setup.other_official)
    url = reverse("demonstration_course_detail", args=[course.pk])
    page = client.get(url, {"q": "李娜"})
    assert page.status_code == 200
    assert (list(page.context["page"]), list(page.context["candidates"])) == ([], [])
    assert "王丽" not in page.content.decode()
    assert client.post(url, {"action": "enrol", "staff": staff[1].pk}).status_code == 404
    assert CourseEnrolment.objects.count() == 1


def test_a_county_course_is_not_seen_by_another_county(client, demo_setup):
    course = _course(demo_setup.official, title="盐湖区保育人员在岗培训")
    assert course.region.code == "140802"
    client.force_login(demo_setup.other_official)
    assert client.get(reverse("demonstration_course_detail", args=[course.pk])).status_code == 404
    listing = client.get(reverse("demonstration_course_list")).content.decode()
    assert "盐湖区保育人员在岗培训" not in listing


def test_operators_and_finance_have_no_course_pages(client, demo_setup):
    course = _course(demo_setup.admin)
    for user in (demo_setup.operators[0], demo_setup.finance):
        client.force_login(user)
        assert client.get(reverse("demonstration_course_list")).status_code == 403
        assert (
            client.get(reverse("demonstration_course_detail", args=[course.pk])).status_code == 403
        )


def test_the_short_page_lists_institutions_whose_staff_lack_hours(client, demo_setup, staff):
    course = _course(demo_setup.admin)
    enrolment = services.enrolment_add(
        actor=demo_setup.admin, course_id=course.pk, staff_id=staff[0].pk
    )
    services.enrolment_complete(
        actor=demo_setup.admin,
        enrolment_id=enrolment.pk,
        completed_on=timezone.localdate(),
        certificate_no="YC2026-0003",
    )
    client.force_login(demo_setup.official)
    page = client.get(reverse("demonstration_training_short"))
    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert [(r.institution.name, r.staff, r.short) for r in rows] == [
        ("盐湖区综合托育服务中心", 2, 1)
    ]
    client.force_login(demo_setup.other_official)
    assert list(client.get(reverse("demonstration_training_short")).context["page"]) == []


def test_the_operator_sees_its_own_staff_hours(client, demo_setup, staff):
    course = _course(demo_setup.admin)
    enrolment = services.enrolment_add(
        actor=demo_setup.admin, course_id=course.pk, staff_id=staff[1].pk
    )
    services.enrolment_complete(
        actor=demo_setup.admin,
        enrolment_id=enrolment.pk,
        completed_on=timezone.localdate(),
        certificate_no="YC2026-0004",
    )
    client.force_login(demo_setup.operators[0])
    page = client.get(reverse("demonstration_training_mine"))
    assert page.status_code == 200
    assert [(r.staff.person.name, r.hours, r.missing) for r in page.context["rows"]] == [
        ("王丽", 0, 72),
        ("李娜", 72, 0),
    ]
    client.force_login(demo_setup.operators[1])  # another institution: none of these staff
    assert client.get(reverse("demonstration_training_mine")).context["rows"] == []


def test_the_course_endpoints_use_the_same_scope(client, demo_setup, staff):
    course = _course(demo_setup.admin)
    county_course = _course(demo_setup.official, title="盐湖区保育人员在岗培训")
    services.enrolment_add(actor=demo_setup.admin, course_id=course.pk, staff_id=staff[0].pk)
    client.force_login(demo_setup.other_official)
    listing = client.get("/api/demonstration/courses").json()
    assert [c["title"] for c in listing["items"]] == ["婴幼儿回应性照护在岗培训"]
    one = client.get(f"/api/demonstration/courses/{course.pk}").json()
    assert (one["hours"], one["enrolments"]) == (72, [])
    assert client.get(f"/api/demonstration/courses/{county_course.pk}").status_code == 404
    client.force_login(demo_setup.official)
    one = client.get(f"/api/demonstration/courses/{course.pk}").json()
    assert [(e["staff"], e["status"]) for e in one["enrolments"]] == [("王丽", "enrolled")]
    client.force_login(demo_setup.operators[0])
    assert client.get("/api/demonstration/courses").status_code == 403


# --------------------------------------------------------------------------- query counts


def _queries(client, url: str, **params: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_workforce_pages_take_a_constant_number_of_queries(
    client, demo_setup, staff, make_person
):
    s = demo_setup
    course = _course(s.admin)
    one = services.enrolment_add(actor=s.admin, course_id=course.pk, staff_id=staff[0].pk)
    services.enrolment_complete(
        actor=s.admin,
        enrolment_id=one.pk,
        completed_on=timezone.localdate(),
        certificate_no="YC2026-0101",
    )
    client.force_login(s.official)
    detail = reverse("demonstration_course_detail", args=[course.pk])
    urls = [reverse("demonstration_course_list"), detail, reverse("demonstration_training_short")]
    before = [_queries(client, url) for url in urls]
    searched = _queries(client, detail, q="李")
    _course(s.admin, title="托育机构负责人培训", kind="head")
    _course(s.official, title="盐湖区保育人员在岗培训")
    services.enrolment_add(actor=s.admin, course_id=course.pk, staff_id=staff[1].pk)
    for n, institution in enumerate(s.institutions[1:]):
        for name in ("赵敏", "钱芳"):
            Staff.objects.create(
                institution=institution,
                person=make_person("140802100", name=f"{name}{n}"),
                role=Staff.Role.CAREGIVER,
                hired_on=dt.date(2024, 3, 1),
            )
    assert [_queries(client, url) for url in urls] == before
    assert _queries(client, detail, q="李") == searched
    client.force_login(s.operators[0])
    mine = _queries(client, reverse("demonstration_training_mine"))
    services.enrolment_add(
        actor=s.admin, course_id=Course.objects.get(kind="head").pk, staff_id=staff[1].pk
    )
    assert _queries(client, reverse("demonstration_training_mine")) == mine
