import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huimin.subsidy import rules
from huimin.subsidy.rules import BirthDateError, Rates, entitlement

D = dt.date
TODAY = D(2026, 11, 29)


def _years(birth: dt.date, today: dt.date = TODAY) -> dict[int, int]:
    return {y.year: y.months for y in entitlement(birth, today=today).years}


# --------------------------------------------------------------------------- the month rule

MONTH_RULE = [
    # born before 2022-01: turned 3 before the programme began
    (D(2021, 12, 31), {}, 0),
    (D(2021, 1, 1), {}, 0),
    # born in 2022-01: only 2025-01, the month of the third birthday
    (D(2022, 1, 1), {2025: 1}, 1),
    (D(2022, 1, 31), {2025: 1}, 1),
    (D(2022, 2, 1), {2025: 2}, 2),
    # mid-2022: 2025-01 up to and including 2025-06
    (D(2022, 6, 15), {2025: 6}, 6),
    (D(2022, 12, 31), {2025: 12}, 12),
    # 2023: the whole of 2025, then 2026 up to the third birthday's month
    (D(2023, 1, 1), {2025: 12, 2026: 1}, 13),
    (D(2023, 6, 30), {2025: 12, 2026: 6}, 18),
    (D(2023, 12, 1), {2025: 12, 2026: 12}, 24),
    (D(2023, 12, 15), {2025: 12, 2026: 12}, 24),
    (D(2023, 12, 31), {2025: 12, 2026: 12}, 24),
    # 2024: 2025 and 2026 whole, 2027 up to the third birthday's month
    (D(2024, 1, 1), {2025: 12, 2026: 12, 2027: 1}, 25),
    (D(2024, 2, 29), {2025: 12, 2026: 12, 2027: 2}, 26),  # turns 3 on 2027-02-28
    (D(2024, 6, 15), {2025: 12, 2026: 12, 2027: 6}, 30),
    (D(2024, 12, 1), {2025: 12, 2026: 12, 2027: 12}, 36),
    (D(2024, 12, 31), {2025: 12, 2026: 12, 2027: 12}, 36),
    # born on or after 2025-01-01: the birth year and the next two, whole, whatever the month
    (D(2025, 1, 1), {2025: 12, 2026: 12, 2027: 12}, 36),
    (D(2025, 1, 31), {2025: 12, 2026: 12, 2027: 12}, 36),
    (D(2025, 12, 31), {2025: 12, 2026: 12, 2027: 12}, 36),
    (D(2026, 1, 1), {2026: 12, 2027: 12, 2028: 12}, 36),
    (D(2026, 11, 29), {2026: 12, 2027: 12, 2028: 12}, 36),  # born today
]


@pytest.mark.parametrize(
    ("birth", "years", "total_months"), MONTH_RULE, ids=[str(case[0]) for case in MONTH_RULE]
)
def test_month_rule_per_year_and_in_total(birth, years, total_months):
    result = entitlement(birth, today=TODAY)

    assert {y.year: y.months for y in result.years} == years
    assert [y.year for y in result.years] == sorted(years)
    assert result.total_months == total_months == sum(years.values())
    assert result.total_amount_fen == total_months * 300_00
    assert result.total_amount == Decimal(total_months * 300).quantize(Decimal("0.01"))
    assert result.eligible is (total_months > 0)


def test_child_born_2023_12_gets_24_months_and_7200_yuan():
    result = entitlement(D(2023, 12, 15), today=TODAY)

    assert [(y.year, y.months, y.amount) for y in result.years] == [
        (2025, 12, Decimal("3600.00")),
        (2026, 12, Decimal("3600.00")),
    ]
    assert (result.total_months, result.total_amount) == (24, Decimal("7200.00"))


def test_child_born_2022_01_gets_one_month_of_2025():
    result = entitlement(D(2022, 1, 20), today=TODAY)

    assert [(y.year, y.months, y.amount) for y in result.years] == [(2025, 1, Decimal("300.00"))]
    assert result.eligible


def test_child_born_before_2022_gets_nothing_and_is_not_eligible():
    result = entitlement(D(2021, 12, 31), today=TODAY)

    assert result.years == ()
    assert (result.eligible, result.total_months, result.total_amount) == (
        False,
        0,
        Decimal("0.00"),
    )


def test_child_born_2025_or_later_gets_10800_yuan_over_three_years():
    result = entitlement(D(2025, 7, 1), today=TODAY)

    assert [(y.year, y.amount) for y in result.years] == [
        (2025, Decimal("3600.00")),
        (2026, Decimal("3600.00")),
        (2027, Decimal("3600.00")),
    ]
    assert result.total_amount == Decimal("10800.00")


@pytest.mark.parametrize(
    ("birth", "third"),
    [
        (D(2023, 12, 15), D(2026, 12, 15)),
        (D(2024, 2, 29), D(2027, 2, 28)),  # 《民法典》第二百零二条: the month's last day
        (D(2020, 2, 29), D(2023, 2, 28)),
        (D(2021, 2, 28), D(2024, 2, 28)),
    ],
)
def test_third_birthday(birth, third):
    assert rules.third_birthday(birth) == third


# --------------------------------------------------------------------------- bad dates


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        (D(2026, 11, 30), "出生日期2026-11-30晚于今天（2026-11-29），请核对后重新填写。"),
        (D(2099, 1, 1), "出生日期2099-01-01晚于今天（2026-11-29），请核对后重新填写。"),
        (D(1899, 12, 31), "出生日期1899-12-31早于1900年1月1日，请核对后重新填写。"),
        (D(1, 1, 1), "出生日期0001-01-01早于1900年1月1日，请核对后重新填写。"),
    ],
)
def test_impossible_birth_dates_are_refused_in_chinese(birth, message):
    with pytest.raises(BirthDateError) as info:
        entitlement(birth, today=TODAY)
    assert str(info.value) == message


def test_1900_01_01_is_accepted_and_owes_nothing():
    assert entitlement(D(1900, 1, 1), today=TODAY).years == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2023-12-15", D(2023, 12, 15)), ("2024-02-29", D(2024, 2, 29))],
)
def test_birth_date_parse_reads_yyyy_mm_dd(text, expected):
    assert rules.birth_date_parse(text) == expected


@pytest.mark.parametrize(
    "text", ["2023-13-01", "2023-02-29", "20231215", "2023/12/15", "2023-12-15T00:00", "", "0"]
)
def test_birth_date_parse_refuses_anything_else(text):
    with pytest.raises(BirthDateError) as info:
        rules.birth_date_parse(text)
    assert str(info.value) == (
        f"出生日期应为 YYYY-MM-DD 格式的日期（例如 2023-12-15），您填写的是“{text}”。"
    )


# --------------------------------------------------------------------------- rates and money


def test_provincial_and_city_topups_add_to_every_month():
    rates = Rates(province_topup_fen_per_month=50_00, city_topup_fen_per_month=25_50)
    result = entitlement(D(2023, 12, 15), today=TODAY, rates=rates)

    assert rates.fen_per_month == 375_50
    assert [(y.year, y.months, y.amount) for y in result.years] == [
        (2025, 12, Decimal("4506.00")),
        (2026, 12, Decimal("4506.00")),
    ]
    assert result.total_amount == Decimal("9012.00")


@pytest.mark.parametrize(
    "fields",
    [
        {"province_topup_fen_per_month": -1},
        {"city_topup_fen_per_month": 1.5},
        {"city_topup_fen_per_month": "100"},
        {"province_topup_fen_per_month": True},
    ],
)
def test_rates_must_be_whole_non_negative_fen(fields):
    with pytest.raises(ValueError, match="应为不小于0的整数"):
        Rates(**fields)


def test_national_rate_is_300_a_month_and_3600_a_year():
    assert (rules.NATIONAL_FEN_PER_MONTH, rules.NATIONAL_FEN_PER_YEAR) == (300_00, 3600_00)


@pytest.mark.parametrize(
    ("fen", "decimal", "display"),
    [
        (0, "0.00", "0"),
        (300_00, "300.00", "300"),
        (7200_00, "7200.00", "7,200"),
        (10800_00, "10800.00", "10,800"),
        (4506_05, "4506.05", "4,506.05"),
    ],
)
def test_money_formats(fen, decimal, display):
    assert str(rules.yuan(fen)) == decimal
    assert rules.yuan_display(fen) == display


def test_quote_json_shape():
    assert rules.quote_json(entitlement(D(2022, 6, 15), today=TODAY)) == {
        "eligible": True,
        "total_months": 6,
        "total_amount": "1800.00",
        "years": [{"year": 2025, "months": 6, "amount": "1800.00"}],
    }


# --------------------------------------------------------------------------- properties


@given(birth=st.dates(min_value=D(1900, 1, 1), max_value=TODAY))
def test_years_add_up_and_stay_within_the_childs_first_years(birth):
    result = entitlement(birth, today=TODAY)
    years = [y.year for y in result.years]

    assert result.total_months == sum(y.months for y in result.years)
    assert result.total_amount_fen == sum(y.amount_fen for y in result.years)
    assert years == sorted(set(years))  # each year once, in order
    assert all(birth.year <= y <= birth.year + 3 and y >= 2025 for y in years)
    assert all(1 <= y.months <= 12 for y in result.years)
    assert all(y.amount_fen == y.months * 300_00 for y in result.years)
    assert result.total_months <= 36
    assert result.eligible is (birth >= D(2022, 1, 1))


@given(birth=st.dates(min_value=D(2022, 1, 1), max_value=D(2024, 12, 31)))
def test_before_2025_the_months_are_those_from_2025_01_to_the_third_birthday(birth):
    third = rules.third_birthday(birth)
    expected = (third.year - 2025) * 12 + third.month

    assert entitlement(birth, today=TODAY).total_months == expected
    assert third.month == birth.month  # a leap-day birth turns 3 in February too


@given(birth=st.dates(min_value=D(2025, 1, 1), max_value=TODAY))
def test_from_2025_on_three_full_years_from_the_birth_year(birth):
    result = entitlement(birth, today=TODAY)

    assert [(y.year, y.months) for y in result.years] == [
        (birth.year, 12),
        (birth.year + 1, 12),
        (birth.year + 2, 12),
    ]


@given(
    birth=st.dates(min_value=D(1900, 1, 1), max_value=TODAY),
    province=st.integers(min_value=0, max_value=10_000_00),
    city=st.integers(min_value=0, max_value=10_000_00),
)
def test_every_year_pays_its_months_at_the_monthly_rate(birth, province, city):
    rates = Rates(province_topup_fen_per_month=province, city_topup_fen_per_month=city)
    result = entitlement(birth, today=TODAY, rates=rates)

    assert all(y.amount_fen == y.months * (300_00 + province + city) for y in result.years)
    assert result.total_amount_fen == result.total_months * rates.fen_per_month
