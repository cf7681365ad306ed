"""API of the subsidy module: the public entitlement quote."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from huimin.core.api import IsoDate, errors
from huimin.subsidy import rules, selectors

router = Router(tags=["育儿补贴 subsidy"])


Yuan = Annotated[str, Field(pattern=r"^\d+\.\d{2}$", examples=["3600.00"], description="元")]


class QuoteQuery(Schema):
    birth_date: IsoDate = Field(description="孩子的出生日期 YYYY-MM-DD", examples=["2023-12-15"])


class QuoteYearOut(Schema):
    year: int = Field(description="发放年度")
    months: int = Field(description="该年度应发月数")
    amount: Yuan


class QuoteOut(Schema):
    eligible: bool = Field(description="是否可领取育儿补贴")
    total_months: int
    total_amount: Yuan
    years: list[QuoteYearOut]


@router.get(
    "/quote",
    auth=None,
    url_name="subsidy_quote",
    response={200: QuoteOut, **errors(422)},
    summary="按出生日期测算育儿补贴",
)
def quote(request: HttpRequest, query: Query[QuoteQuery]) -> dict[str, Any]:
    """The months and amount of the childcare subsidy owed for a birth date, per calendar year
    and in total (《育儿补贴制度实施方案》: 300 yuan a month up to the third birthday, or three
    full years for children born from 2025 on). No login. 422 with a Chinese ``detail`` for a
    malformed date, a future date or one before 1900."""
    return rules.quote_json(selectors.entitlement_quote(birth_date=query.birth_date))
