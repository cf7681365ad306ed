"""The policy library: published documents searched by words inside titles and summaries
through the trigram index (SQLite FTS5, pg_trgm); 1- and 2-character words by LIKE; operators
see new ones and confirm reading."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from huimin.core.errors import Forbidden, InvalidInput
from huimin.demonstration import search, selectors, services
from huimin.demonstration.models import PolicyDocument, PolicyRead

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(demo_setup) -> dict[str, PolicyDocument]:
    def publish(title: str, summary: str, subject: str, for_operators: bool = False):
        return services.policy_publish(
            actor=demo_setup.admin,
            data=services.PolicyInput(
                title=title,
                issuers="运城市卫生健康委员会",
                issued_on=dt.date(2025, 3, 1),
                subject=subject,
                summary=summary,
                for_operators=for_operators,
            ),
        )

    return {
        "recognition": publish(
            "运城市普惠托育机构认定扶持实施办法",
            "普惠托育机构的认定条件、程序和运营补贴标准。",
            "recognition",
        ),
        "evaluation": publish(
            "运城市试点托育机构评估细则",
            "示范托育机构现场评估赋分办法和一票否决情形。",
            "demonstration",
        ),
        "guide": publish(
            "运城市托育服务规范管理指南",
            "收托、保育、健康、安全、人员“五位一体”管理制度和操作流程。",
            "supervision",
            for_operators=True,
        ),
        "medical": publish(
            "关于推进医育结合的通知",
            "妇幼保健机构为托育机构提供卫生保健指导。",
            "medical",
            for_operators=True,
        ),
    }


def found(q: str, subject: str = "") -> list[str]:
    return sorted(d.title for d in selectors.policy_search(q, subject=subject))


def test_a_word_inside_a_title_is_found_by_the_trigram_index(library):
    assert found("托育机构评估") == ["运城市试点托育机构评估细则"]
    assert found("规范管理") == ["运城市托育服务规范管理指南"]


def test_a_word_inside_a_summary_is_found(library):
    assert found("一票否决") == ["运城市试点托育机构评估细则"]
    assert found("五位一体") == ["运城市托育服务规范管理指南"]


def test_a_two_character_word_is_found_by_like(library):
    assert found("示范") == ["运城市试点托育机构评估细则"]
    assert found("普惠") == ["运城市普惠托育机构认定扶持实施办法"]


def test_several_words_must_all_match_and_the_subject_filters(library):
    assert found("托育 评估细则") == ["运城市试点托育机构评估细则"]
    assert found("医育结合 认定") == []
    assert found("托育", subject="medical") == ["关于推进医育结合的通知"]
    assert found("不存在的词") == []


def test_quotes_and_wildcards_are_searched_literally(library):
    assert found('"托育') == []
    assert found("%") == []
    assert found("托育_") == []


def test_the_index_follows_a_changed_title(library):
    doc = library["medical"]
    PolicyDocument.objects.filter(pk=doc.pk).update(title="关于推进医养结合的通知")
    doc.title = "关于推进医育托育结合的通知"
    doc.save(update_fields=["title"])
    assert found("医育托育结合") == ["关于推进医育托育结合的通知"]
    assert found("医养结合") == []
    doc.delete()
    assert found("医育托育结合") == []


def test_search_is_not_a_plain_substring_scan_for_three_characters(library, monkeypatch):
    """A 3-character word is answered by the index (MATCH / ILIKE on the trigram index)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        search.matching_ids("评估细则")
    sql = queries.captured_queries[-1]["sql"]
    assert ("demonstration_policy_fts MATCH" in sql) or ("ILIKE" in sql)


def test_an_operator_sees_new_policies_and_confirms_reading(client, demo_setup, library):
    operator = demo_setup.operators[0]
    assert {d.title for d in selectors.policies_unread_for_user(operator)} == {
        "运城市托育服务规范管理指南",
        "关于推进医育结合的通知",
    }
    client.force_login(operator)
    home = client.get(reverse("home")).content.decode()
    assert "新发布待阅知的政策文件" in home
    url = reverse("demonstration_policy_detail", args=[library["guide"].pk])
    assert "确认已阅知" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # confirming twice records it once
    assert PolicyRead.objects.filter(user=operator).count() == 1
    assert [d.title for d in selectors.policies_unread_for_user(operator)] == [
        "关于推进医育结合的通知"
    ]
    with pytest.raises(Forbidden):
        services.policy_confirm_read(actor=demo_setup.official, document_id=library["guide"].pk)


def test_the_public_browses_and_searches_without_logging_in(client, library):
    page = client.get(reverse("demonstration_policy_list"), {"q": "评估细则"})
    assert page.status_code == 200
    assert "运城市试点托育机构评估细则" in page.content.decode()
    assert "运城市托育服务规范管理指南" not in page.content.decode()
    api = client.get("/api/demonstration/public/policies", {"q": "示范"}).json()
    assert [p["title"] for p in api["items"]] == ["运城市试点托育机构评估细则"]


def test_publishing_checks_its_input(demo_setup):
    with pytest.raises(InvalidInput, match="发布日期不能晚于今天"):
        services.policy_publish(
            actor=demo_setup.admin,
            data=services.PolicyInput(
                title="标题",
                issuers="运城市卫生健康委员会",
                issued_on=dt.date(2099, 1, 1),
                subject="fees",
                summary="摘要",
            ),
        )
    with pytest.raises(Forbidden):
        services.policy_publish(
            actor=demo_setup.operators[0],
            data=services.PolicyInput(
                title="标题",
                issuers="机构",
                issued_on=dt.date(2025, 1, 1),
                subject="fees",
                summary="摘要",
            ),
        )
