"""The city and county overview (issue 16, items 7–9): figures equal independent counts of
the data, a county official sees only their county, every figure's list shows the same count,
the yearly report's PDF (font embedded) and xlsx carry the same figures, query count pinned."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from openpyxl import load_workbook

from huimin.childcare.models import Finding, InclusiveRecognition, Institution
from huimin.core.models import Event, Region, User
from huimin.dashboard.models import ReportRun
from huimin.dashboard.overview import FIGURES
from huimin.demonstration.models import Award, Title
from huimin.disability.models import Case
from huimin.outreach.models import Activity, FollowUp
from huimin.subsidy.models import Application, PaymentLine
from huimin.supervision.models import CreditRating, Inspection, OpinionLetter
from huimin.wildlife.models import Claim, Policy
from tests.demo_snapshot import demo_city

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)
YEAR = 2025
WANRONG = "140822"


@pytest.fixture
def demo(db):
    demo_city(seed=2025, scale="small", today=TODAY)


@pytest.fixture
def admin(demo) -> User:
    return User.objects.get(username="admin")


@pytest.fixture
def wanrong(demo) -> User:
    return User.objects.get(username="wanrong")


def _page(client, user: User, url: str):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def expected_figures(county: Region | None, year: int, today: dt.date) -> dict[str, object]:
    """Every figure counted straight from the records, without the modules' selectors."""
    where = county.path if county else "140800/"
    inside = {"region__path__startswith": where}
    inst_inside = {"institution__region__path__startswith": where}
    filed = Institution.objects.filter(status="filed", **inside)
    in_force = InclusiveRecognition.objects.filter(
        status__in=InclusiveRecognition.IN_FORCE, valid_from__lte=today, valid_to__gte=today
    ).values("institution")
    inclusive = filed.filter(pk__in=in_force)
    places = filed.aggregate(s=Sum("capacity"))["s"] or 0
    inclusive_places = inclusive.aggregate(s=Sum("capacity"))["s"] or 0
    open_findings = Finding.objects.filter(status="open", **inst_inside)
    levels = {level: 0 for level in "ABCD"}
    for inst in filed:
        latest = CreditRating.objects.filter(institution=inst).order_by("-computed_at", "-id")
        rating = latest.first()
        if rating is not None:
            levels[rating.level] += 1
    paid = PaymentLine.objects.filter(status="paid", year=year, **inside)
    policies = Policy.objects.filter(year=year, **inside)
    limit = policies.aggregate(s=Sum("limit_fen"))["s"] or 0
    committed = policies.aggregate(s=Sum("committed_fen"))["s"] or 0
    cases = Case.objects.filter(**inside)
    visited = [c for c in cases if c.visited_on and c.visited_on.year == year]
    done = [c for c in visited if c.completed_on and c.deadline]
    on_time = [c for c in done if c.completed_on <= c.deadline]
    titles = Title.objects.filter(
        status="active", valid_from__lte=today, valid_to__gte=today, **inside
    )
    return {
        "filed": filed.count(),
        "places": places,
        "inclusive": inclusive.count(),
        "inclusive_share": round(100 * inclusive_places / places, 1) if places else None,
        "with_findings": open_findings.values("institution").distinct().count(),
        "open_findings": open_findings.count(),
        "inspections": Inspection.objects.filter(**inst_inside).count(),
        "inspected": Inspection.objects.filter(status="completed", **inst_inside).count(),
        "letters_overdue": OpinionLetter.objects.filter(status="overdue", **inst_inside).count(),
        **{f"credit_{level}": n for level, n in levels.items()},
        "confirmed": Application.objects.filter(status="confirmed", **inside).count(),
        "subsidy_overdue": Application.objects.filter(
            status__in=["submitted", "township_approved"], deadline__lt=today, **inside
        ).count(),
        "paid_children": paid.count(),
        "paid_yuan": Decimal(paid.aggregate(s=Sum("amount_fen"))["s"] or 0) / 100,
        "claims": Claim.objects.filter(policy__year=year, **inside).count(),
        "claims_paid": Claim.objects.filter(policy__year=year, status="paid", **inside).count(),
        "limit_used": round(100 * committed / limit, 1) if limit else None,
        "cases": cases.count(),
        "cases_overdue": cases.filter(
            status__in=["visited", "assessed", "posted", "approved"], deadline__lt=today
        ).count(),
        "visits": len(visited),
        "on_time": round(100 * len(on_time) / len(done), 1) if done else None,
        "titles": titles.count(),
        "awards_paid": Award.objects.filter(status="paid", **inside).count(),
        "activities": Activity.objects.filter(year=year, **inside).count(),
        "followups_open": FollowUp.objects.filter(status="open", **inside).count(),
        "followups_overdue": FollowUp.objects.filter(
            status="open", deadline__lt=today, **inside
        ).count(),
    }


COUNTED = [f.key for f in FIGURES]


@pytest.mark.parametrize("year", [YEAR, 2026])
def test_the_city_figures_equal_counts_of_the_records(client, admin, year):
    data = _page(client, admin, f"/overview/?year={year}").context["data"]
    today = timezone.localdate()
    expected = expected_figures(None, year, today)
    assert {k: data.total.value(k) for k in COUNTED} == {k: expected[k] for k in COUNTED}
    assert len(data.rows) == 13
    for row in data.rows:
        county = Region.objects.get(code=row.code)
        want = expected_figures(county, year, today)
        assert {k: row.value(k) for k in COUNTED} == {k: want[k] for k in COUNTED}, row.name


@pytest.mark.parametrize(
    ("year", "keys"),
    [
        (YEAR, ("filed", "places", "inclusive", "open_findings", "inspections", "confirmed",
                "paid_children", "cases", "visits", "on_time", "titles", "awards_paid")),
        (2026, ("claims", "limit_used", "activities", "followups_open")),
    ],
)  # fmt: skip
def test_the_demo_gives_every_module_something_to_count(client, admin, year, keys):
    data = _page(client, admin, f"/overview/?year={year}").context["data"]
    assert [k for k in keys if not data.total.value(k)] == []


def test_a_county_page_has_that_county_s_figures(client, admin):
    data = _page(client, admin, f"/overview/{WANRONG}/?year={YEAR}").context["data"]
    county = Region.objects.get(code=WANRONG)
    want = expected_figures(county, YEAR, timezone.localdate())
    assert [r.code for r in data.rows] == [WANRONG]
    assert {k: data.total.value(k) for k in COUNTED} == {k: want[k] for k in COUNTED}


# --------------------------------------------------------------------------- scope


def test_a_county_official_is_sent_from_the_city_page_to_their_county(client, wanrong):
    client.force_login(wanrong)
    response = client.get("/overview/?year=2025")
    assert response.status_code == 302
    assert response["Location"] == f"/overview/{WANRONG}/?year=2025"


def test_a_county_official_s_overview_and_map_cover_only_their_county(client, wanrong):
    response = _page(client, wanrong, f"/overview/{WANRONG}/?year={YEAR}")
    data = response.context["data"]
    assert [r.code for r in data.rows] == [WANRONG]
    assert [c["name"] for c in response.context["map_data"]["counties"]] == ["万荣县"]
    want = expected_figures(Region.objects.get(code=WANRONG), YEAR, timezone.localdate())
    assert {k: data.total.value(k) for k in COUNTED} == {k: want[k] for k in COUNTED}
    assert "盐湖区" not in response.content.decode()


@pytest.mark.parametrize("code", ["140802", "140829", "140800", "999999"])
def test_another_county_s_overview_is_404_for_a_county_official(client, wanrong, code):
    client.force_login(wanrong)
    assert client.get(f"/overview/{code}/").status_code == 404


@pytest.mark.parametrize("username", ["beicheng", "operator", "inspector", "finance", "citizen"])
def test_other_roles_have_no_overview(client, demo, username):
    client.force_login(User.objects.get(username=username))
    assert client.get("/overview/").status_code == 403
    assert client.get(f"/overview/{WANRONG}/").status_code in (403, 404)
    assert client.get("/overview/reports/").status_code == 403


def test_the_menu_names_the_overview_by_role(client, admin, wanrong):
    client.force_login(admin)
    assert "全市概览" in client.get("/home/").content.decode()
    client.force_login(wanrong)
    page = client.get("/home/").content.decode()
    assert "本县概览" in page
    assert "全市概览" not in page


# --------------------------------------------------------------------------- links

#: Figures whose list counts the same things (places and findings link to the institutions
#: they belong to; the paid, visits and on-time figures open their module's dashboard).
LISTED = [
    "filed", "inclusive", "with_findings", "inspections", "inspected", "letters_overdue",
    "credit_A", "credit_B", "credit_C", "credit_D", "confirmed", "subsidy_overdue", "claims",
    "claims_paid", "cases", "cases_overdue", "activities", "followups_open",
    "followups_overdue",
]  # fmt: skip


def _listed_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.mark.parametrize("scope", ["city", WANRONG])
def test_every_figure_s_list_shows_the_same_count(client, admin, scope):
    url = "/overview/?year=2026" if scope == "city" else f"/overview/{scope}/?year=2026"
    data = _page(client, admin, url).context["data"]
    figures = data.figures_by_key
    shown = {}
    for key in LISTED:
        shown[key] = _listed_count(client, data.link(figures[key], data.total))
    assert shown == {key: data.total.value(key) for key in LISTED}


def test_a_county_row_s_links_are_filtered_to_that_county(client, admin):
    data = _page(client, admin, "/overview/?year=2025").context["data"]
    row = next(r for r in data.rows if r.code == WANRONG)
    link = data.link(data.figures_by_key["confirmed"], row)
    assert link == "/subsidy/applications/?region=140822&status=confirmed"
    assert _listed_count(client, link) == row.value("confirmed")
    assert data.link(data.figures_by_key["followups_open"], row) == (
        "/outreach/followups/?region=140822&status=open"
    )


def test_the_page_works_without_javascript_a_table_of_the_counties(client, admin):
    page = _page(client, admin, "/overview/?year=2025").content.decode()
    assert page.count('<tr data-county="') == 13
    assert 'href="/overview/140822/?year=2025"' in page


# --------------------------------------------------------------------------- queries


def test_the_overview_takes_a_constant_number_of_queries(
    client, admin, wanrong, django_assert_num_queries
):
    client.force_login(admin)
    client.get("/overview/")  # the session and the caches warm
    # session, user, regions and the layout's own; the counties; a few grouped counts per
    # module (each grouped by county) — the same whatever the data's size
    with django_assert_num_queries(25):
        assert client.get("/overview/?year=2025").status_code == 200
    client.force_login(wanrong)
    client.get(f"/overview/{WANRONG}/")
    with django_assert_num_queries(24):
        assert client.get(f"/overview/{WANRONG}/?year=2025").status_code == 200


# --------------------------------------------------------------------------- reports


def test_the_report_task_builds_a_pdf_with_the_font_embedded_and_an_xlsx_of_the_figures(
    client, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/overview/reports/", {"year": "2025", "county": ""})
    assert response.status_code == 302
    run = ReportRun.objects.get()
    # the tests' task backend runs the build at once, after the request's commit
    assert (run.status, run.progress, run.region, run.year) == ("done", 100, None, 2025)
    assert list(
        Event.objects.filter(object_id=run.pk, content_type__model="reportrun").values_list(
            "from_status", "to_status"
        )
    ) == [("", "queued"), ("queued", "running"), ("running", "done")]
    pdf = client.get(f"/overview/reports/{run.pk}/pdf/")
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF")
    assert b"/FontFile2" in body  # the TrueType CJK font is embedded
    assert b"/BaseFont /Helvetica" not in body
    assert b"/BaseFont /Times-Roman" not in body  # the charts' text in the CJK font too
    xlsx = client.get(f"/overview/reports/{run.pk}/xlsx/")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    data = _page(client, admin, "/overview/?year=2025").context["data"]
    header = rows[0]
    assert header[:2] == ("县（市、区）", "代码")
    assert len(rows) == 1 + 13 + 1
    total = dict(zip(header, rows[-1], strict=True))
    for figure in data.figures:
        value = data.total.value(figure.key)
        cell = total[f"{figure.label}（{figure.unit}）"]
        assert cell == (float(value) if isinstance(value, Decimal) else value), figure.key
    wanrong_row = dict(zip(header, next(r for r in rows if r[1] == WANRONG), strict=True))
    assert wanrong_row["已确认育儿补贴（孩子）（人）"] == next(
        r for r in data.rows if r.code == WANRONG
    ).value("confirmed")


def test_a_county_official_reports_only_on_their_county(
    client, admin, wanrong, django_capture_on_commit_callbacks
):
    client.force_login(wanrong)
    assert client.post("/overview/reports/", {"year": "2025", "county": ""}).status_code == 400
    assert (
        client.post("/overview/reports/", {"year": "2025", "county": "140802"}).status_code == 400
    )
    assert ReportRun.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/overview/reports/", {"year": "2025", "county": WANRONG})
    assert response.status_code == 302
    own = ReportRun.objects.get()
    assert (own.region.code, own.status) == (WANRONG, "done")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/overview/reports/", {"year": "2025", "county": ""})
    city_report = ReportRun.objects.get(region=None)
    client.force_login(wanrong)
    listed = client.get("/overview/reports/").context["page"]
    assert [r.pk for r in listed] == [own.pk]
    assert client.get(f"/overview/reports/{city_report.pk}/pdf/").status_code == 404
    assert client.get(f"/overview/reports/{own.pk}/pdf/").status_code == 200


def test_a_year_out_of_range_is_refused_and_nothing_is_queued(client, admin):
    client.force_login(admin)
    response = client.post("/overview/reports/", {"year": "2019", "county": ""})
    assert response.status_code == 400
    assert "年度应在2025年至" in response.content.decode()
    assert ReportRun.objects.count() == 0
