"""The record timeline as people read it: one entry per change (a transition's history row and
its event are one entry), money in yuan, labels as on the pages."""

from __future__ import annotations

import pytest

from huimin.childcare.models import PriceCap
from huimin.core import services
from huimin.core.models import User
from huimin.core.selectors import timeline_for

pytestmark = pytest.mark.django_db


def _lines(entries):
    return [(e.kind, e.title, e.actor, e.changes, e.reason) for e in entries]


def test_a_status_change_is_one_entry_not_a_change_and_a_status_change(make_user, wanrong_person):
    official = make_user("official", User.Role.COUNTY_OFFICIAL, ("140822",), full_name="李明")

    services.person_transition(
        actor=official, person_id=wanrong_person.pk, to_status="moved_out", reason="迁往太原市"
    )

    assert _lines(timeline_for(wanrong_person)) == [
        ("history", "创建", "系统", [], ""),
        ("event", "状态变更", "李明", [("状态", "正常", "户籍已迁出本市")], "迁往太原市"),
    ]


def test_money_stored_in_fen_is_shown_in_yuan_under_the_pages_label(db):
    cap = PriceCap.objects.create(care_type="full_day", cap_fen=120000)
    cap.cap_fen = 135050
    cap.save()

    entries = timeline_for(cap)

    assert _lines(entries)[1] == (
        "history",
        "修改",
        "系统",
        [("普惠价格上限", "1,200 元", "1,350.50 元")],
        "",
    )


def test_a_step_that_keeps_the_status_is_shown_without_a_status_line(make_user, wanrong_person):
    from django.contrib.contenttypes.models import ContentType

    from huimin.core.models import Event

    official = make_user("official", User.Role.COUNTY_OFFICIAL, ("140822",), full_name="李明")
    Event.objects.create(
        content_type=ContentType.objects.get_for_model(type(wanrong_person)),
        object_id=wanrong_person.pk,
        actor=official,
        from_status="active",
        to_status="active",
        reason="导入银行回盘：成功1笔",
    )

    assert _lines(timeline_for(wanrong_person))[1] == (
        "event",
        "办理",
        "李明",
        [],
        "导入银行回盘：成功1笔",
    )
