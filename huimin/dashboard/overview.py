"""The city and county overview (全市概览 / 本县概览): every module's figures by county, read
only through each module's own scoped selector (``overview_by_county`` / ``*_by_county``), so
what a user sees here is what the module's lists show them.

A figure is a count or a sum the lists behind it can show; a share (inclusive places, the
policy limit used, the on-time rate) is computed from two such sums, for a county and for the
city alike, never averaged over counties. A module the user may not read is left out whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huimin.childcare import selectors as childcare
from huimin.core.errors import Forbidden, NotFound
from huimin.core.models import Region, User
from huimin.core.rules import Perm
from huimin.core.selectors import region_counties, region_paths_for_user
from huimin.demonstration import selectors as demonstration
from huimin.disability import selectors as disability
from huimin.subsidy import selectors as subsidy
from huimin.supervision import selectors as supervision
from huimin.wildlife import selectors as wildlife

Number = int | float | Decimal | None


@dataclass(frozen=True)
class Figure:
    """One figure of the overview: where it comes from, how it is shown and the list behind
    it (a URL name and its filters for a county's region code and the year)."""

    key: str
    label: str | Promise
    unit: str | Promise
    section: str
    url_name: str
    query: Callable[[str, int], dict[str, Any]]
    share: bool = False  # a percentage of two sums (not summed over counties)


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    perm: Perm


SECTIONS = (
    Section("childcare", _("托育服务"), Perm.INSTITUTION_VIEW),
    Section("supervision", _("监督检查"), Perm.SUPERVISION_VIEW),
    Section("subsidy", _("育儿补贴"), Perm.SUBSIDY_VIEW),
    Section("wildlife", _("野生动物致害救助"), Perm.WILDLIFE_VIEW),
    Section("disability", _("残疾人证上门办理"), Perm.DISABILITY_VIEW),
    Section("demonstration", _("示范托育机构"), Perm.DEMO_VIEW),
    Section("outreach", _("走访慰问与志愿服务"), Perm.OUTREACH_VIEW),
)


def _q(**fixed: Any) -> Callable[[str, int], dict[str, Any]]:
    """Filters of a list: ``region`` (the county's code, none for the city) and ``fixed``;
    a value ``"{year}"`` takes the overview's year."""

    def query(code: str, year: int) -> dict[str, Any]:
        values = {k: (year if v == "{year}" else v) for k, v in fixed.items()}
        return {**({"region": code} if code else {}), **values}

    return query


def _year_region(code: str, year: int) -> dict[str, Any]:
    return {"year": year, **({"region": code} if code else {})}


def _year(_code: str, year: int) -> dict[str, Any]:
    return {"year": year}


def _none(_code: str, _year: int) -> dict[str, Any]:
    return {}


FIGURES: tuple[Figure, ...] = (
    # childcare: the institution list (region by code, status, inclusive, with_findings)
    Figure("filed", _("已备案托育机构"), _("家"), "childcare", "childcare_institution_list",
           _q(status="filed")),
    Figure("places", _("托位"), _("个"), "childcare", "childcare_institution_list",
           _q(status="filed")),
    Figure("inclusive", _("普惠托育机构"), _("家"), "childcare", "childcare_institution_list",
           _q(status="filed", inclusive="yes")),
    Figure("inclusive_share", _("普惠托位占比"), "%", "childcare", "childcare_institution_list",
           _q(status="filed", inclusive="yes"), share=True),
    Figure("with_findings", _("有未整改问题的机构"), _("家"), "childcare",
           "childcare_institution_list", _q(with_findings="any")),
    Figure("open_findings", _("未整改合规问题"), _("项"), "childcare",
           "childcare_institution_list", _q(with_findings="any")),
    # supervision: inspections, opinion letters, credit
    Figure("inspections", _("双随机抽查"), _("次"), "supervision", "supervision_inspection_list",
           _q()),
    Figure("inspected", _("已完成检查"), _("次"), "supervision", "supervision_inspection_list",
           _q(status="completed")),
    Figure("letters_overdue", _("逾期未整改意见书"), _("份"), "supervision",
           "supervision_letter_list", _q(status="overdue")),
    Figure("credit_A", _("诚信A级"), _("家"), "supervision", "supervision_credit_list",
           _q(level="A")),
    Figure("credit_B", _("诚信B级"), _("家"), "supervision", "supervision_credit_list",
           _q(level="B")),
    Figure("credit_C", _("诚信C级"), _("家"), "supervision", "supervision_credit_list",
           _q(level="C")),
    Figure("credit_D", _("诚信D级"), _("家"), "supervision", "supervision_credit_list",
           _q(level="D")),
    # subsidy: applications by status (tallies), paid by payment year
    Figure("confirmed", _("已确认育儿补贴（孩子）"), _("人"), "subsidy",
           "subsidy_application_list", _q(status="confirmed")),
    Figure("subsidy_overdue", _("逾期未办结申请"), _("份"), "subsidy", "subsidy_application_list",
           _q(overdue="1")),
    Figure("paid_children", _("本年度已发放（孩子）"), _("人"), "subsidy", "subsidy_dashboard",
           _year),
    Figure("paid_yuan", _("本年度已发放金额"), _("元"), "subsidy", "subsidy_dashboard", _year),
    # wildlife: claims of the policy year, the year's policies' limits
    Figure("claims", _("报案"), _("件"), "wildlife", "wildlife_claim_list", _q(year="{year}")),
    Figure("claims_paid", _("已赔付"), _("件"), "wildlife", "wildlife_claim_list",
           _q(year="{year}", status="paid")),
    Figure("limit_used", _("累计赔偿限额已使用"), "%", "wildlife", "wildlife_policy_list", _year,
           share=True),
    # disability: cases, overdue, the year's visits and on-time rate (its dashboard)
    Figure("cases", _("上门办证申请"), _("件"), "disability", "disability_case_list", _q()),
    Figure("cases_overdue", _("逾期未办结"), _("件"), "disability", "disability_case_list",
           _q(overdue="1")),
    Figure("visits", _("本年度上门"), _("次"), "disability", "disability_dashboard", _year_region),
    Figure("on_time", _("按时办结率"), "%", "disability", "disability_dashboard", _year_region,
           share=True),
    # demonstration: titles in force, awards paid (its dashboard, by county)
    Figure("titles", _("示范托育机构（省级和市级）"), _("家"), "demonstration",
           "demonstration_dashboard", _none),
    Figure("awards_paid", _("已拨付示范奖补"), _("项"), "demonstration",
           "demonstration_dashboard", _none),
    # outreach: its lists (region by code, year, status, overdue)
    Figure("activities", _("本年度走访和志愿服务活动"), _("次"), "outreach",
           "outreach_activity_list", _q(year="{year}")),
    Figure("followups_open", _("待跟进事项"), _("项"), "outreach", "outreach_followup_list",
           _q(status="open")),
    Figure("followups_overdue", _("逾期未跟进"), _("项"), "outreach", "outreach_followup_list",
           _q(status="open", overdue="1")),
)  # fmt: skip

FIGURE_BY_KEY = {f.key: f for f in FIGURES}

#: The shares: figure → (numerator, denominator) among the raw sums.
SHARES = {
    "inclusive_share": ("inclusive_places", "places"),
    "limit_used": ("committed_fen", "limit_fen"),
    "on_time": ("on_time_done", "completed"),
}


@dataclass
class CountyRow:
    code: str  # "" for the city as a whole
    name: str
    region_id: int | None
    raw: dict[str, Number] = field(default_factory=dict)  # counts and sums, keyed

    def value(self, key: str) -> Number:
        if key in SHARES:
            top, bottom = SHARES[key]
            denominator = self.raw.get(bottom) or 0
            return (
                round(100 * float(self.raw.get(top) or 0) / float(denominator), 1)
                if (denominator)
                else None
            )
        return self.raw.get(key, 0)


@dataclass
class Overview:
    year: int
    today: dt.date
    county: Region | None  # None: the city
    sections: list[Section]
    figures: list[Figure]
    rows: list[CountyRow]  # the counties shown (one on a county's page)
    total: CountyRow  # the city (or the county) as a whole

    @property
    def figures_by_key(self) -> dict[str, Figure]:
        return {f.key: f for f in self.figures}

    def link(self, figure: Figure, row: CountyRow) -> str:
        """The list behind a figure of a county (or of the whole page for ``total``)."""
        query = figure.query(row.code, self.year)
        url = reverse(figure.url_name)
        return f"{url}?{urlencode(query)}" if query else url


def overview_may_view(user: User) -> bool:
    return user.can(Perm.OVERVIEW_VIEW)


def counties_for_user(user: User) -> list[Region]:
    """The counties a user's overview covers: all 13 for the city (or a superuser), else those
    the user's regions are or lie in (a county official: their county)."""
    if not overview_may_view(user):
        raise Forbidden()
    paths = region_paths_for_user(user)
    counties = list(region_counties())
    return [c for c in counties if any(c.path.startswith(p) or p.startswith(c.path) for p in paths)]


def covers_city(user: User) -> bool:
    """Whether the user's overview is the whole city (a city administrator, a superuser)."""
    return len(counties_for_user(user)) == len(region_counties())


def _raw_by_county(user: User, year: int, today: dt.date) -> tuple[list[Section], dict]:
    """Every module's figures by county code, for the modules the user may read."""
    raw: dict[str, dict[str, Number]] = {}
    sections = []

    def put(code: str, **values: Number) -> None:
        raw.setdefault(code, {}).update(values)

    if user.can(Perm.INSTITUTION_VIEW):
        sections.append("childcare")
        for code, c in childcare.overview_by_county(user=user, today=today).items():
            put(code, filed=c.filed, places=c.places, inclusive=c.inclusive,
                inclusive_places=c.inclusive_places, with_findings=c.with_findings,
                open_findings=c.open_findings)  # fmt: skip
    if user.can(Perm.SUPERVISION_VIEW):
        sections.append("supervision")
        for code, s in supervision.overview_by_county(user=user).items():
            put(code, inspections=s.inspections, inspected=s.completed,
                letters_overdue=s.overdue_letters,
                **{f"credit_{level}": s.credit.get(level, 0) for level in "ABCD"})  # fmt: skip
    if user.can(Perm.SUBSIDY_VIEW):
        sections.append("subsidy")
        for code, f in subsidy.county_figures_for_user(user=user, year=year, today=today).items():
            put(code, confirmed=f.confirmed, subsidy_overdue=f.overdue,
                paid_children=f.paid_children, paid_yuan=Decimal(f.paid_fen) / 100)  # fmt: skip
    if user.can(Perm.WILDLIFE_VIEW):
        sections.append("wildlife")
        for code, w in wildlife.overview_by_county(user=user, year=year).items():
            put(code, claims=w.claims, claims_paid=w.paid, committed_fen=w.committed_fen,
                limit_fen=w.limit_fen)  # fmt: skip
    if user.can(Perm.DISABILITY_VIEW):
        sections.append("disability")
        for code, d in disability.overview_by_county(user=user, year=year, today=today).items():
            put(code, cases=d.cases, cases_overdue=d.overdue, visits=d.visits,
                completed=d.completed, on_time_done=d.on_time)  # fmt: skip
    if user.can(Perm.DEMO_VIEW):
        sections.append("demonstration")
        for code, m in demonstration.overview_by_county(user=user, today=today).items():
            put(code, titles=m.provincial + m.city_level, awards_paid=m.awards_paid)
    if user.can(Perm.OUTREACH_VIEW):
        from huimin.outreach.selectors import outreach_totals_by_county

        sections.append("outreach")
        for code, o in outreach_totals_by_county(user, year=year, today=today).items():
            put(code, activities=o.activities, followups_open=o.followups_open,
                followups_overdue=o.followups_overdue)  # fmt: skip
    return [s for s in SECTIONS if s.key in sections], raw


def overview_for_user(*, user: User, year: int, today: dt.date, county_code: str = "") -> Overview:
    """The overview of the city (``county_code`` empty) or of one county, as the user may see
    it. A county outside the user's counties is NotFound (existence never leaks); the city
    page of a user whose counties are not all 13 shows only theirs."""
    counties = counties_for_user(user)
    county = None
    if county_code:
        county = next((c for c in counties if c.code == county_code), None)
        if county is None:
            raise NotFound("未找到该县（市、区），或不在您的负责范围内。")
        counties = [county]
    sections, raw = _raw_by_county(user, year, today)
    shown = {s.key for s in sections}
    rows = [CountyRow(c.code, c.name, c.pk, dict(raw.get(c.code, {}))) for c in counties]
    total_raw: dict[str, Number] = {}
    for row in rows:
        for key, value in row.raw.items():
            total_raw[key] = (total_raw.get(key) or 0) + (value or 0)  # type: ignore[operator]
    if county is not None:
        total = CountyRow(county.code, county.name, county.pk, total_raw)
    else:
        total = CountyRow("", "运城市", None, total_raw)
    return Overview(
        year=year,
        today=today,
        county=county,
        sections=sections,
        figures=[f for f in FIGURES if f.section in shown],
        rows=rows,
        total=total,
    )
