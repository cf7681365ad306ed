"""The city administrator's rubric and round pages: a new version copies the latest, is edited
and published; a published version refuses every change; a round is opened with its award,
budget and combining rule; bad input is refused with a Chinese message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huimin.demonstration.models import Item, Round, Rubric

pytestmark = pytest.mark.django_db


def _edit(rubric: Rubric) -> str:
    return reverse("demonstration_rubric_edit", args=[rubric.pk])


def test_a_published_version_refuses_changes_on_the_page(client, demo_setup):
    s = demo_setup
    client.force_login(s.admin)
    page = client.get(_edit(s.rubric))
    assert page.status_code == 200
    assert "不能再修改" in page.content.decode()
    item = Item.objects.get(rubric=s.rubric, code="1.1")
    response = client.post(
        _edit(s.rubric),
        {"action": "item", "code": "1.1", "text": "改过的内容", "points": str(item.points)},
    )
    assert response.status_code == 422
    assert "已发布，不能再修改" in response.content.decode()
    assert Item.objects.get(pk=item.pk).text == item.text


def test_a_new_version_is_edited_and_published(client, demo_setup):
    s = demo_setup
    client.force_login(s.admin)
    response = client.post(_edit(s.rubric), {"action": "new_version"})
    draft = Rubric.objects.get(name=s.rubric.name, version=2)
    assert response.status_code == 302
    assert response["Location"] == _edit(draft)
    assert (draft.status, draft.items.count()) == ("draft", s.rubric.items.count())
    item = Item.objects.get(rubric=draft, code="1.1")
    changed = client.post(
        _edit(draft),
        {"action": "item", "code": "1.1", "text": item.text, "points": str(item.points + 10)},
    )
    assert changed.status_code == 302
    page = client.get(_edit(draft)).content.decode()
    assert "其项目合计" in page  # the dimension no longer adds up: publishing is refused
    refused = client.post(_edit(draft), {"action": "publish"})
    assert refused.status_code == 422
    assert "评估标准不能发布" in refused.content.decode()
    assert Rubric.objects.get(pk=draft.pk).status == "draft"
    client.post(
        _edit(draft),
        {"action": "item", "code": "1.1", "text": "新的评估内容", "points": str(item.points)},
    )
    client.post(
        _edit(draft),
        {
            "action": "settings",
            "pass_mark": "860",
            "grade_a_min": "900",
            "grade_b_min": "800",
            "grade_c_min": "600",
        },
    )
    assert client.post(_edit(draft), {"action": "publish"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.pass_mark) == ("published", 860)
    assert Item.objects.get(rubric=draft, code="1.1").text == "新的评估内容"
    assert Item.objects.get(rubric=s.rubric, code="1.1").text == item.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"pass_mark": "850", "grade_a_min": "800", "grade_b_min": "900", "grade_c_min": "600"},
            "等级分数线应为A级高于B级、B级高于C级。",
        ),
        (
            {"pass_mark": "", "grade_a_min": "900", "grade_b_min": "800", "grade_c_min": "600"},
            "请填写合格分。",
        ),
    ],
)
def test_bad_grades_are_refused_with_a_message(client, demo_setup, data, message):
    s = demo_setup
    client.force_login(s.admin)
    client.post(_edit(s.rubric), {"action": "new_version"})
    draft = Rubric.objects.get(version=2)
    response = client.post(_edit(draft), {"action": "settings", **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert (draft.pass_mark, draft.grade_a_min, draft.grade_b_min) == (850, 900, 800)


def test_an_item_code_without_its_dimension_is_refused(client, demo_setup):
    s = demo_setup
    client.force_login(s.admin)
    client.post(_edit(s.rubric), {"action": "new_version"})
    draft = Rubric.objects.get(version=2)
    before = draft.items.count()
    response = client.post(
        _edit(draft), {"action": "item", "code": "X1", "text": "新增项目", "points": "5"}
    )
    assert response.status_code == 422
    assert "计分项目的编号以维度序号开头，如 3.2。" in response.content.decode()
    assert draft.items.count() == before


def test_a_dimension_changed_with_its_items_lets_the_version_be_published(client, demo_setup):
    s = demo_setup
    client.force_login(s.admin)
    client.post(_edit(s.rubric), {"action": "new_version"})
    draft = Rubric.objects.get(version=2)
    dimension = draft.dimensions.get(order=1)
    item = Item.objects.get(rubric=draft, code="1.1")
    client.post(
        _edit(draft),
        {"action": "item", "code": "1.1", "text": item.text, "points": str(item.points + 10)},
    )
    response = client.post(
        _edit(draft),
        {
            "action": "dimension",
            "order": "1",
            "name": dimension.name,
            "points": str(dimension.points + 10),
        },
    )
    assert response.status_code == 302
    assert draft.dimensions.get(order=1).points == dimension.points + 10
    assert client.post(_edit(draft), {"action": "publish"}).status_code == 302
    assert Rubric.objects.get(pk=draft.pk).status == "published"


def test_the_county_sees_the_rubric_but_cannot_edit_it(client, demo_setup):
    s = demo_setup
    client.force_login(s.official)
    assert client.get(reverse("demonstration_rubric")).status_code == 200
    assert client.get(_edit(s.rubric)).status_code == 403
    assert client.post(_edit(s.rubric), {"action": "new_version"}).status_code == 403
    assert client.get(reverse("demonstration_round_new")).status_code == 403
    assert Rubric.objects.count() == 1


def test_a_city_administrator_of_one_county_cannot_version_the_citys_rubric(client, demo_setup):
    s = demo_setup
    client.force_login(s.admin_yanhu)
    response = client.post(_edit(s.rubric), {"action": "new_version"})
    assert response.status_code == 422
    assert "不在您负责的区域内" in response.content.decode()
    assert Rubric.objects.count() == 1


def _round(rubric: Rubric, **changes: str) -> dict[str, str]:
    deadline = timezone.localdate() + dt.timedelta(days=45)
    return {
        "name": "2027年市级示范托育机构创建",
        "level": "city",
        "rubric": str(rubric.pk),
        "deadline": deadline.isoformat(),
        "award": "60000",
        "budget": "600000.00",
        "combine": "mean",
        **changes,
    }


def test_the_city_opens_a_round_on_the_page(client, demo_setup):
    s = demo_setup
    client.force_login(s.admin)
    assert client.get(reverse("demonstration_round_new")).status_code == 200
    response = client.post(reverse("demonstration_round_new"), _round(s.rubric))
    round_ = Round.objects.get(name="2027年市级示范托育机构创建")
    assert response.status_code == 302
    assert (round_.level, round_.award_fen, round_.budget_fen, round_.combine, round_.status) == (
        "city",
        6_000_000,
        60_000_000,
        "mean",
        "open",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"award": "40000"}, "市级示范托育机构的一次性奖励不低于50,000元。"),
        ({"deadline": "2020-01-01"}, "申报截止日期不能早于今天。"),
        ({"deadline": "明天"}, "申报截止日期应为 YYYY-MM-DD 格式的日期。"),
        ({"name": ""}, "请填写批次名称。"),
    ],
)
def test_a_bad_round_is_refused_with_a_message(client, demo_setup, changes, message):
    s = demo_setup
    client.force_login(s.admin)
    response = client.post(reverse("demonstration_round_new"), _round(s.rubric, **changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Round.objects.count() == 1


def test_a_draft_rubric_cannot_carry_a_round(client, demo_setup):
    s = demo_setup
    client.force_login(s.admin)
    client.post(_edit(s.rubric), {"action": "new_version"})
    draft = Rubric.objects.get(version=2)
    page = client.get(reverse("demonstration_round_new")).content.decode()
    assert str(draft) not in page
    response = client.post(reverse("demonstration_round_new"), _round(draft))
    assert response.status_code == 422
    assert Round.objects.count() == 1


def test_a_city_administrator_of_one_county_cannot_open_a_round(client, demo_setup):
    s = demo_setup
    client.force_login(s.admin_yanhu)
    response = client.post(reverse("demonstration_round_new"), _round(s.rubric))
    assert response.status_code == 422
    assert "不在您负责的区域内" in response.content.decode()
    assert Round.objects.count() == 1
