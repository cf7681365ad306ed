"""The pages and the API through the client: recording a visit with its needs, the follow-up
list (filters, overdue, the overview's ?region=<id>), closing and the check button, activities
with sessions, volunteers, beneficiaries and photos, volunteers by month, the children list;
query counts pinned."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from huimin.core.models import User
from huimin.outreach import services
from huimin.outreach.models import Activity, ActivityPhoto, FollowUp, Session, Visit, Volunteer
from tests.outreach.conftest import DONGDU, JIEDIAN, MIAOQIAN, TODAY, WANRONG

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def _needs(**rows: str) -> dict[str, str]:
    out = {}
    for i in range(3):
        for name in ("kind", "description", "benefit", "person_resident_id", "owner"):
            out[f"needs-{i}-{name}"] = ""
    out.update(rows)
    return out


def test_an_official_records_a_visit_and_its_needs_become_follow_ups(client, township, family):
    client.force_login(township)
    assert client.get(reverse("outreach_visit_new")).status_code == 200
    response = client.post(
        reverse("outreach_visit_new"),
        {
            "resident_id": family["son"].resident_id,
            "visited_on": "2026-11-20",
            "situation": "老人卧床，孩子一岁多",
            "visitors": "刘洋",
            **_needs(
                **{
                    "needs-0-kind": "heating",
                    "needs-0-description": "取暖煤不足",
                    "needs-1-kind": "benefit",
                    "needs-1-description": "孩子未申领育儿补贴",
                    "needs-1-benefit": "childcare_subsidy",
                    "needs-1-person_resident_id": family["baby"].resident_id,
                }
            ),
        },
    )
    assert response.status_code == 302
    heating, benefit = FollowUp.objects.order_by("id")
    # found Friday 2026-11-20 in the heating season: 5 working days → Friday 27 November
    assert (heating.kind, heating.deadline, heating.owner) == (
        "heating",
        dt.date(2026, 11, 27),
        township,
    )
    assert (benefit.person, benefit.deadline) == (family["baby"], dt.date(2026, 12, 4))
    page = client.get(response["Location"]).content.decode()
    assert "办理期限 2026-11-27" in page
    # today is Sunday 29 November: past the deadline, no working day yet lost
    assert "已逾期</span>" in page
    benefit_page = client.get(
        reverse("outreach_followup_detail", args=[benefit.pk])
    ).content.decode()
    assert reverse("subsidy_application_enter") in benefit_page
    assert "检查是否已办理" in benefit_page


def test_a_refused_visit_shows_the_need_row_and_saves_nothing(client, township, family):
    client.force_login(township)
    response = client.post(
        reverse("outreach_visit_new"),
        {
            "resident_id": family["son"].resident_id,
            "visited_on": "2026-11-20",
            "situation": "—",
            **_needs(
                **{
                    "needs-0-kind": "benefit",
                    "needs-0-description": "未申领育儿补贴",
                    "needs-0-benefit": "childcare_subsidy",
                    "needs-0-person_resident_id": family["grandmother"].resident_id,
                }
            ),
        },
    )
    assert response.status_code == 200
    assert "育儿补贴只发给3周岁以下的婴幼儿" in response.content.decode()
    assert not Visit.objects.exists()
    assert not FollowUp.objects.exists()


def test_prefilled_from_the_children_list(client, township, family):
    client.force_login(township)
    page = client.get(reverse("outreach_children")).content.decode()
    assert family["baby"].name in page
    link = f"{reverse('outreach_visit_new')}?person={family['baby'].pk}&amp;need=childcare_subsidy"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert "尚未申领育儿补贴" in form
    assert family["baby"].resident_id not in form  # shown masked, sent by id


def _followups(actor: User, person, n: int) -> list[FollowUp]:
    out = []
    for i in range(n):
        visit = services.visit_record(
            actor=actor,
            data=services.VisitInput(
                resident_id=person.resident_id,
                visited_on=dt.date(2026, 11, 2 + i),
                situation="走访",
                needs=[services.NeedInput(kind="medical", description=f"需求{i}")],
            ),
            today=TODAY,
        )
        out.extend(visit.followups.all())
    return out


def test_the_follow_up_list_filters_and_reads_a_constant_number_of_queries(
    client, township, county, family, city, django_assert_num_queries
):
    _followups(township, family["grandmother"], 2)
    client.force_login(county)
    client.get(reverse("outreach_followup_list"))
    with django_assert_num_queries(10) as first:
        client.get(reverse("outreach_followup_list"))
    _followups(township, family["grandmother"], 6)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("outreach_followup_list"))
    assert response.content.decode().count("需求") >= 8
    # the overview links with a region's id, and ?status=open&overdue=1
    town_id = city[JIEDIAN].pk
    overdue = client.get(
        reverse("outreach_followup_list") + f"?region={town_id}&status=open&overdue=1"
    )
    assert overdue.status_code == 200
    rows = overdue.context["page"].paginator.count
    assert rows == FollowUp.objects.filter(status="open", deadline__lt=TODAY).count()
    elsewhere = client.get(reverse("outreach_followup_list") + f"?region={city['140822101'].pk}")
    assert elsewhere.context["page"].paginator.count == 0


def test_close_and_cancel_from_the_page(client, township, family):
    first, second = _followups(township, family["grandmother"], 2)
    client.force_login(township)
    url = reverse("outreach_followup_close", args=[first.pk])
    assert client.post(url, {"to_status": "done", "reason": ""}).status_code == 422
    first.refresh_from_db()
    assert first.status == "open"
    assert client.post(url, {"to_status": "done", "reason": "已送医"}).status_code == 302
    first.refresh_from_db()
    assert first.status == "done"
    client.post(
        reverse("outreach_followup_close", args=[second.pk]),
        {"to_status": "cancelled", "reason": "重复登记"},
    )
    second.refresh_from_db()
    assert second.status == "cancelled"
    page = client.get(reverse("outreach_followup_detail", args=[second.pk])).content.decode()
    assert "待跟进 → 已取消" in page


def test_other_county_gets_404(client, township, pinglu, family):
    (followup,) = _followups(township, family["grandmother"], 1)
    client.force_login(pinglu)
    assert client.get(reverse("outreach_followup_detail", args=[followup.pk])).status_code == 404
    assert (
        client.post(
            reverse("outreach_followup_close", args=[followup.pk]),
            {"to_status": "done", "reason": "x"},
        ).status_code
        == 404
    )
    followup.refresh_from_db()
    assert followup.status == "open"


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def test_an_activity_with_sessions_volunteers_beneficiaries_and_photos(
    client, county, family, django_assert_max_num_queries
):
    client.force_login(county)
    response = client.post(
        reverse("outreach_activity_new"),
        {
            "kind": "class",
            "title": "金融知识课堂",
            "organiser": "山西银行万荣支行",
            "organiser_region": WANRONG,
            "region": MIAOQIAN,
            "starts_on": "2026-03-02",
            "ends_on": "2026-06-30",
            "head_count": "0",
            "photos": [_png()],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert ActivityPhoto.objects.filter(activity=activity).count() == 1
    add = lambda what, data: client.post(  # noqa: E731
        reverse("outreach_activity_add", args=[activity.pk, what]), data
    )
    assert (
        add("session", {"held_on": "2026-03-05", "topic": "反诈", "attendance": "60"}).status_code
        == 302
    )
    assert (
        add("session", {"held_on": "2026-07-05", "topic": "反诈", "attendance": "60"}).status_code
        == 422
    )
    assert add("volunteer", {"name": "王老师", "hours": "2.5"}).status_code == 302
    assert (
        add(
            "beneficiary", {"resident_id": family["son"].resident_id, "whole_household": "on"}
        ).status_code
        == 302
    )
    assert (
        add(
            "photos",
            {"photos": [SimpleUploadedFile("x.png", b"MZ\x90\x00", content_type="image/png")]},
        ).status_code
        == 422
    )
    assert Session.objects.count() == 1
    assert Volunteer.objects.get().hours == 2.5
    photo = ActivityPhoto.objects.get()
    assert (
        client.get(reverse("outreach_activity_photo", args=[activity.pk, photo.pk])).status_code
        == 200
    )
    with django_assert_max_num_queries(16):
        page = client.get(reverse("outreach_activity_detail", args=[activity.pk]))
    assert "到课人数" in page.content.decode()
    listing = client.get(
        reverse("outreach_activity_list") + f"?kind=class&year=2026&region={activity.region.pk}"
    )
    assert listing.context["page"].paginator.count == 1
    assert (
        client.get(reverse("outreach_activity_list") + "?year=2025").context["page"].paginator.count
        == 0
    )


def test_activity_list_reads_a_constant_number_of_queries(
    client, county, django_assert_num_queries
):
    def make(n: int) -> None:
        for i in range(n):
            services.activity_create(
                actor=county,
                data=services.ActivityInput(
                    kind="volunteer",
                    title=f"活动{i}",
                    organiser="县残联",
                    organiser_region=WANRONG,
                    region=DONGDU if False else JIEDIAN,
                    starts_on=dt.date(2026, 5, 1 + i),
                ),
                today=TODAY,
            )

    make(2)
    client.force_login(county)
    client.get(reverse("outreach_activity_list"))
    with django_assert_num_queries(8) as first:
        client.get(reverse("outreach_activity_list"))
    make(5)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("outreach_activity_list"))


def test_volunteer_pages(client, county, family):
    activity = services.activity_create(
        actor=county,
        data=services.ActivityInput(
            kind="volunteer",
            title="清扫",
            organiser="镇政府",
            organiser_region=WANRONG,
            region=JIEDIAN,
            starts_on=dt.date(2026, 5, 1),
        ),
        today=TODAY,
    )
    later = services.activity_create(
        actor=county,
        data=services.ActivityInput(
            kind="volunteer",
            title="再清扫",
            organiser="镇政府",
            organiser_region=WANRONG,
            region=JIEDIAN,
            starts_on=dt.date(2026, 7, 1),
        ),
        today=TODAY,
    )
    for a, hours in ((activity, "3"), (later, "2.5")):
        services.activity_volunteer_add(
            actor=county, activity_id=a.pk, hours=hours, resident_id=family["son"].resident_id
        )
    client.force_login(county)
    page = client.get(reverse("outreach_volunteer_list")).content.decode()
    assert "张建国" in page
    assert "5.5" in page
    detail = client.get(reverse("outreach_volunteer_detail", args=[f"p{family['son'].pk}"]))
    text = detail.content.decode()
    assert "2026-05" in text
    assert "2026-07" in text
    assert client.get(reverse("outreach_volunteer_detail", args=["p999999"])).status_code == 404


def test_api_lists_and_totals(client, township, county, pinglu, family):
    _followups(township, family["grandmother"], 2)
    client.force_login(county)
    body = client.get("/api/outreach/followups?status=open").json()
    assert body["count"] == 2
    assert body["items"][0]["deadline"] == "2026-11-16"
    one = client.get(f"/api/outreach/followups/{body['items'][0]['id']}").json()
    assert one["events"][0]["to_status"] == "open"
    totals = client.get("/api/outreach/totals?year=2026").json()
    assert totals == [
        {
            "county_code": WANRONG,
            "activities": 0,
            "attendances": 0,
            "volunteer_hours": "0",
            "followups_open": 2,
            "followups_overdue": 2,
        }
    ]
    client.force_login(pinglu)
    assert client.get(f"/api/outreach/followups/{body['items'][0]['id']}").status_code == 404
    assert client.get("/api/outreach/followups").json()["count"] == 0
    client.force_login(User.objects.create_user("op", role="operator"))
    assert client.get("/api/outreach/activities").status_code == 403
