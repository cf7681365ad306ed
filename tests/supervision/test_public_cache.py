"""The public supervision page is a fragment cached until the next publication (core.cache,
ADR 0014): a visit after the first reads one row (the version); each publishing service
bumps the version in its transaction, and the next visit shows what was published."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huimin.core import cache
from huimin.supervision import services
from huimin.supervision.models import CreditRating, DrawPlan, Inspection
from tests.supervision.conftest import TODAY
from tests.supervision.test_pages import (
    drawn_plan,
    inspection_of,
    issue_letter,
    make_plan,
    text,
)


@pytest.fixture
def drawn(county_setup, fixed_now) -> DrawPlan:
    return drawn_plan(county_setup)


RESULT_ROW = "盐湖区综合托育服务中心 盐湖区 2026-11-25 责令限期整改 1 2026-11-25"


def _visit(client: Client, **params: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supervision_public"), params)
    assert response.status_code == 200
    return text(response), len(queries)


def test_a_second_visit_reads_only_the_version_and_shows_the_same_page(county_setup, drawn):
    anonymous = Client()
    first, first_queries = _visit(anonymous)
    again, again_queries = _visit(Client())
    assert again == first
    assert "对象库 3 家，抽中 3 家" in again
    assert (first_queries, again_queries) == (7, 1)
    # another filter is another fragment; the first one is still cached
    wanrong, wanrong_queries = _visit(anonymous, county="140822")
    assert "对象库 3 家" not in wanrong
    assert wanrong_queries == 6
    assert _visit(anonymous, county="140822") == (wanrong, 1)
    # parameters the page does not use share the fragment
    assert _visit(anonymous, utm="x") == (first, 1)


def test_publishing_a_result_shows_on_the_next_visit(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    issue_letter(inspection)
    before, _ = _visit(Client())
    assert RESULT_ROW not in before
    assert "暂无公示的检查结果。" in before
    version = cache.version(cache.SUPERVISION_PUBLIC)
    services.inspection_publish(actor=county_setup.official, inspection_id=inspection.pk)
    assert cache.version(cache.SUPERVISION_PUBLIC) != version
    after, queries = _visit(Client())
    assert RESULT_ROW in after
    assert queries == 9


def test_the_daily_publication_shows_on_the_next_visit(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    issue_letter(inspection)
    assert RESULT_ROW not in _visit(Client())[0]
    version = cache.version(cache.SUPERVISION_PUBLIC)
    assert services.results_publish_due() == 1
    assert cache.version(cache.SUPERVISION_PUBLIC) != version
    assert RESULT_ROW in _visit(Client())[0]
    # a daily run that publishes nothing leaves the cached page alone
    version = cache.version(cache.SUPERVISION_PUBLIC)
    assert services.results_publish_due() == 0
    assert cache.version(cache.SUPERVISION_PUBLIC) == version
    assert _visit(Client())[1] == 1


def test_a_new_draw_and_a_new_credit_level_show_on_the_next_visit(county_setup, drawn):
    page, _ = _visit(Client())
    assert "暂无诚信评价。" in page
    services.credit_refresh_all()
    page, _ = _visit(Client())
    assert "盐湖区综合托育服务中心 盐湖区 A 诚信" in page
    assert CreditRating.objects.count() == 4
    # a refresh that changes no rating writes nothing and keeps the page
    version = cache.version(cache.SUPERVISION_PUBLIC)
    services.credit_refresh_all()
    assert CreditRating.objects.count() == 4
    assert cache.version(cache.SUPERVISION_PUBLIC) == version
    Inspection.objects.all().delete()  # past the services: the cached page does not see it
    assert _visit(Client()) == (page, 1)
    plan = make_plan(county_setup, name="2026年第四季度补充抽查")
    services.plan_lock(actor=county_setup.official, plan_id=plan.pk, public_value="20261126")
    services.plan_draw(actor=county_setup.official, plan_id=plan.pk)
    page, _ = _visit(Client())
    assert "2026年第四季度补充抽查 盐湖区" in page


def test_each_language_has_its_own_fragment(county_setup, drawn):
    chinese, _ = _visit(Client())
    english = Client(headers={"accept-language": "en"})
    english.cookies["django_language"] = "en"
    page, queries = _visit(english)
    assert page != chinese
    assert "Draw records" in page or "Results" in page
    assert queries == 7


@pytest.mark.parametrize("acknowledge", [True, False])
def test_a_filing_decision_bumps_the_public_version(county_setup, acknowledge):
    from huimin.childcare import services as childcare_services
    from huimin.childcare.models import Filing

    institution = county_setup.institutions[0]
    filing = Filing.objects.create(
        institution=institution,
        kind=Filing.Kind.CHANGE,
        status=Filing.Status.SUBMITTED,
        deadline=TODAY,
        submitted_by=county_setup.operator,
    )
    version = cache.version(cache.SUPERVISION_PUBLIC)
    childcare_services.filing_decide(
        actor=county_setup.official, filing_id=filing.pk, acknowledge=acknowledge, note="核对"
    )
    assert cache.version(cache.SUPERVISION_PUBLIC) != version
