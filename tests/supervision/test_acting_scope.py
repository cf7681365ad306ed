"""Seeing is not acting (issue 11, item 1): a county official sees the city's plans that reach
into the county, but may not lock, draw or cancel them — through the service, the API or the
page — and nothing changes when refused. The plan's page offers them no action and no preview
of other counties' institutions with their risk factors."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from huimin.core.errors import Forbidden
from huimin.core.models import Event, User
from huimin.supervision import services
from huimin.supervision.models import (
    DrawCandidate,
    DrawInspector,
    DrawPlan,
    Inspection,
    OpinionLetter,
)
from tests.supervision.conftest import CITY, CountySetup, filed_institution

PUBLIC_VALUE = "2026年11月24日上证指数收盘3976.52"
CHOSEN = "我自己挑的数字12345"


@pytest.fixture
def city_plan(county_setup: CountySetup, fixed_now, make_user) -> Callable[[str], DrawPlan]:
    """A city-wide plan in the state asked for, made by the city's official; a filed
    institution in 平陆县 with a complaint-free record too, so the pool spans three counties."""
    filed_institution(county_setup.regions["140829100"], "平陆县圣人涧托育园")
    admin = make_user("city", User.Role.CITY_ADMIN, (CITY,), full_name="张建华")

    def _plan(status: str) -> DrawPlan:
        plan = services.plan_create(
            actor=admin, name="2026年全市双随机抽查", region_code=CITY, target_count=2
        )
        if status in ("locked", "drawn"):
            services.plan_lock(actor=admin, plan_id=plan.pk, public_value=PUBLIC_VALUE)
        if status == "drawn":
            services.plan_draw(actor=admin, plan_id=plan.pk)
        return DrawPlan.objects.get(pk=plan.pk)

    return _plan


def snapshot(plan_id: int) -> tuple:
    plan = DrawPlan.objects.get(pk=plan_id)
    return (
        plan.status,
        plan.public_value,
        plan.seed,
        plan.locked_at,
        plan.drawn_at,
        plan.pool_hash,
        Event.objects.count(),
        Inspection.objects.count(),
        DrawCandidate.objects.count(),
        DrawInspector.objects.count(),
    )


SERVICE_WRITES = [
    ("draft", "lock", lambda a, p: services.plan_lock(actor=a, plan_id=p, public_value=CHOSEN)),
    ("locked", "draw", lambda a, p: services.plan_draw(actor=a, plan_id=p)),
    ("draft", "cancel", lambda a, p: services.plan_cancel(actor=a, plan_id=p, reason="不抽了")),
    ("locked", "cancel", lambda a, p: services.plan_cancel(actor=a, plan_id=p, reason="不抽了")),
]


@pytest.mark.parametrize(("status", "write", "call"), SERVICE_WRITES)
def test_a_county_official_who_sees_a_city_plan_may_not_act_on_it(
    county_setup, city_plan, status, write, call
):
    plan = city_plan(status)
    official = county_setup.other_official  # 万荣县
    assert services.selectors.plan_get_for_user(user=official, plan_id=plan.pk) == plan  # sees
    before = snapshot(plan.pk)

    with pytest.raises(Forbidden) as error:
        call(official, plan.pk)

    assert str(error.value) == (
        "该记录属于运城市，不在您负责的区域内：您可以查看，但不能办理。请由负责该区域的工作人员办理。"
    )
    assert snapshot(plan.pk) == before


API_WRITES = [
    ("draft", "lock", {"public_value": CHOSEN}),
    ("locked", "draw", {}),
    ("draft", "cancel", {"reason": "不抽了"}),
    ("locked", "cancel", {"reason": "不抽了"}),
]


@pytest.mark.parametrize(("status", "write", "body"), API_WRITES)
def test_the_api_refuses_a_county_acting_on_a_city_plan(
    county_setup, city_plan, status, write, body
):
    plan = city_plan(status)
    client = Client()
    client.force_login(county_setup.other_official)
    before = snapshot(plan.pk)

    response = client.post(
        f"/api/supervision/plans/{plan.pk}/{write}", body, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert snapshot(plan.pk) == before
    shown = client.get(f"/api/supervision/plans/{plan.pk}").json()
    assert (shown["id"], shown["may_act"]) == (plan.pk, False)


PAGE_WRITES = [
    ("draft", "supervision_plan_lock", {"public_value": CHOSEN}),
    ("locked", "supervision_plan_draw", {}),
    ("locked", "supervision_plan_cancel", {"reason": "不抽了"}),
]


@pytest.mark.parametrize(("status", "url_name", "form"), PAGE_WRITES)
def test_the_pages_refuse_a_county_acting_on_a_city_plan(
    county_setup, city_plan, status, url_name, form
):
    plan = city_plan(status)
    client = Client()
    client.force_login(county_setup.other_official)
    before = snapshot(plan.pk)

    response = client.post(reverse(url_name, args=[plan.pk]), form)

    assert response.status_code == 403
    assert snapshot(plan.pk) == before


@pytest.mark.parametrize("status", ["draft", "locked"])
def test_a_city_plan_page_offers_a_county_no_action_and_no_pool_preview(
    county_setup, city_plan, status
):
    plan = city_plan(status)
    client = Client()
    client.force_login(county_setup.other_official)

    response = client.get(reverse("supervision_plan_detail", args=[plan.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert (response.context["can_lock"], response.context["can_draw"]) == (False, False)
    assert response.context["can_cancel"] is False
    assert "candidates" not in response.context
    for absent in (
        "作废计划",
        "锁定计划并公布种子",
        reverse("supervision_plan_draw", args=[plan.pk]),
        "对象库预览",
        "盐湖区综合托育服务中心",
        "平陆县圣人涧托育园",
    ):
        assert absent not in page
    assert "您可以查看，但锁定、抽取和作废由运城市办理" in page


def test_a_drawn_city_plan_shows_a_county_only_its_own_institutions_in_the_pool(
    county_setup, city_plan
):
    plan = city_plan("drawn")
    client = Client()
    client.force_login(county_setup.other_official)

    response = client.get(reverse("supervision_plan_detail", args=[plan.pk]))

    assert response.status_code == 200
    assert [c.institution.name for c in response.context["candidates"]] == [
        "万荣县解店镇童乐托育园"
    ]
    assert response.context["pool"] is None
    assert "检查人员库（抽取时的快照" not in response.content.decode()


def test_the_city_still_acts_on_its_plan_and_sees_every_county(county_setup, city_plan):
    plan = city_plan("draft")
    admin = User.objects.get(username="city")
    client = Client()
    client.force_login(admin)

    page = client.get(reverse("supervision_plan_detail", args=[plan.pk]))

    assert client.get(f"/api/supervision/plans/{plan.pk}").json()["may_act"] is True
    assert page.context["can_lock"] is True
    assert len(page.context["candidates"]) == 5
    locked = services.plan_lock(actor=admin, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    assert locked.status == "locked"


def test_the_plan_list_offers_a_county_only_to_view_a_city_plan(county_setup, city_plan):
    plan = city_plan("locked")
    client = Client()
    client.force_login(county_setup.other_official)

    response = client.get(reverse("supervision_plan_list"))

    row = response.content.decode()
    link = f'<a href="{reverse("supervision_plan_detail", args=[plan.pk])}">查看</a>'
    assert link in row
    assert [p.may_act for p in response.context["page"]] == [False]


# --------------------------------------------------------------------------- every write
# The inspection and letter writes, tried by those who see the record but may not write it:
# the institution's operator and the county official see its inspections and letters; only
# the drawn crew records and judges, only the operator sends evidence, only the county
# publishes and decides complaints. Refused (Forbidden) and nothing changes.


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


PNG = _png()


def supervision_state() -> tuple:
    models = apps.get_app_config("supervision").get_models()
    rows = tuple(
        tuple(sorted(map(repr, m.objects.values_list()))) for m in models if m._meta.managed
    )
    return rows, Event.objects.count()


def _drawn(setup: CountySetup, name: str) -> DrawPlan:
    plan = services.plan_create(
        actor=setup.official, name=name, region_code="140802", target_count=3
    )
    services.plan_lock(actor=setup.official, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    return services.plan_draw(actor=setup.official, plan_id=plan.pk)


@pytest.fixture
def records(county_setup: CountySetup, fixed_now, settings, tmp_path) -> dict[str, Any]:
    """For the operator's institution: an inspection still assigned, and one completed with
    a letter whose evidence waits for the crew's judgement; an open complaint."""
    settings.MEDIA_ROOT = tmp_path / "media"
    setup = county_setup
    target = setup.institutions[0]
    assigned = _drawn(setup, "第一轮").inspections.get(institution=target)
    done = _drawn(setup, "第二轮").inspections.get(institution=target)
    crew = done.crew.order_by("position").first().inspector
    items = list(done.items.order_by("position"))
    entries = [services.ItemInput(i.pk, "pass") for i in items]
    entries[0] = services.ItemInput(
        items[0].pk, "fail", note="健康证明过期", needs_correction=True, correction="补办健康证明"
    )
    services.items_record(actor=crew, inspection_id=done.pk, items=entries)
    services.inspection_complete(actor=crew, inspection_id=done.pk, inspected_on=fixed_now)
    letter = OpinionLetter.objects.get(inspection=done)
    services.evidence_submit(
        actor=setup.operator,
        letter_id=letter.pk,
        upload=SimpleUploadedFile("e.png", PNG, "image/png"),
        note="已补办",
    )
    complaint = services.complaint_record(
        actor=setup.official, institution_id=target.pk, received_on=fixed_now, summary="投诉"
    )
    return {
        "assigned": assigned,
        "item": assigned.items.order_by("position").first(),
        "done": done,
        "letter": letter,
        "complaint": complaint,
        "day": fixed_now,
    }


def _inspection_writes(r: dict[str, Any]) -> dict[str, Callable[[User], object]]:
    a, item, letter, day = r["assigned"], r["item"], r["letter"], r["day"]
    return {
        "items_record": lambda u: services.items_record(
            actor=u, inspection_id=a.pk, items=[services.ItemInput(item.pk, "pass")]
        ),
        "photo_add": lambda u: services.photo_add(
            actor=u, item_id=item.pk, upload=SimpleUploadedFile("p.png", PNG, "image/png")
        ),
        "inspection_complete": lambda u: services.inspection_complete(
            actor=u, inspection_id=a.pk, inspected_on=day
        ),
        "letter_accept": lambda u: services.letter_accept(actor=u, letter_id=letter.pk),
        "letter_reorder": lambda u: services.letter_reorder(
            actor=u, letter_id=letter.pk, reason="材料不清楚", working_days=10
        ),
    }


@pytest.mark.parametrize("who", ["operator", "official"])
@pytest.mark.parametrize(
    "write",
    ["items_record", "photo_add", "inspection_complete", "letter_accept", "letter_reorder"],
)
def test_who_sees_an_inspection_but_is_not_its_crew_may_not_record_or_judge(
    county_setup, records, who, write
):
    user = getattr(county_setup, who)
    assert services.selectors.inspection_get_for_user(
        user=user, inspection_id=records["assigned"].pk
    )
    assert services.selectors.letter_get_for_user(user=user, letter_id=records["letter"].pk)
    before = supervision_state()

    with pytest.raises(Forbidden):
        _inspection_writes(records)[write](user)

    assert supervision_state() == before


def test_the_county_sees_a_letter_but_sends_no_evidence_for_the_institution(county_setup, records):
    letter = records["letter"]
    services.letter_reorder(
        actor=records["done"].crew.order_by("position").first().inspector,
        letter_id=letter.pk,
        reason="材料不清楚",
        working_days=10,
    )
    before = supervision_state()

    with pytest.raises(Forbidden):
        services.evidence_submit(
            actor=county_setup.official,
            letter_id=letter.pk,
            upload=SimpleUploadedFile("e.png", PNG, "image/png"),
            note="代交",
        )

    assert supervision_state() == before


@pytest.mark.parametrize("who", ["operator", "crew"])
def test_the_operator_and_the_crew_neither_publish_nor_decide_complaints(
    county_setup, records, who
):
    done = records["done"]
    user = (
        county_setup.operator
        if who == "operator"
        else done.crew.order_by("position").first().inspector
    )
    assert services.selectors.inspection_get_for_user(user=user, inspection_id=done.pk)
    before = supervision_state()

    with pytest.raises(Forbidden):
        services.inspection_publish(actor=user, inspection_id=done.pk)
    with pytest.raises(Forbidden):
        services.complaint_decide(
            actor=user, complaint_id=records["complaint"].pk, substantiated=True, reason="查实"
        )

    assert supervision_state() == before


def test_the_see_only_note_is_in_english_too(county_setup, city_plan):
    plan = city_plan("draft")
    client = Client()
    client.force_login(county_setup.other_official)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("supervision_plan_detail", args=[plan.pk])).content.decode()

    assert "This is a plan of 运城市: you may view it, but locking, drawing and" in page
