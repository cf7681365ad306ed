"""The application rules of RULES.md §4: who may apply for which child, the birth certificate
number, the months of one year, and the years a move or a death changes."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.subsidy import rules

TODAY = dt.date(2026, 10, 20)
MOTHER = dt.date(1994, 5, 6)


def _problems(**overrides) -> dict[str, str]:
    args = {
        "child_birth_date": dt.date(2024, 3, 15),
        "applicant_birth_date": MOTHER,
        "applicant_sex": "F",
        "relation": rules.Relation.MOTHER,
        "same_person": False,
        "today": TODAY,
    }
    args.update(overrides)
    return {p.field: p.message for p in rules.application_check(**args)}


def test_a_mother_applying_for_a_child_under_3_passes():
    assert _problems() == {}


@pytest.mark.parametrize(
    ("birth", "today"),
    [
        (dt.date(2023, 10, 21), TODAY),  # the day before the third birthday
        (dt.date(2023, 10, 20), TODAY),  # turns 3 today: owed 2025-01 to 2026-10
        (dt.date(2022, 1, 1), TODAY),  # RULES.md §4's example: owed January 2025
        (dt.date(2022, 1, 31), dt.date(2026, 12, 7)),
        (dt.date(2023, 11, 15), dt.date(2026, 12, 7)),  # turned 3 last month: owed 23 months
        (dt.date(2022, 1, 1), dt.date(2030, 6, 1)),  # years later, still owed its month
        (dt.date(2025, 1, 1), dt.date(2028, 1, 1)),  # born in the programme, turned 3
        (dt.date(2026, 10, 20), TODAY),  # born today
    ],
)
def test_every_child_owed_a_month_may_apply_whatever_their_age_today(birth, today):
    assert rules.months_by_year(birth)
    assert _problems(child_birth_date=birth, today=today, applicant_birth_date=MOTHER) == {}


@pytest.mark.parametrize(
    ("birth", "today", "message"),
    [
        (
            dt.date(2021, 12, 31),
            TODAY,
            "孩子出生于2021-12-31，已于2024-12-31年满3周岁，"
            "在育儿补贴制度实施（2025-01-01）前已满3周岁，不在育儿补贴范围内。",
        ),
        (
            dt.date(2020, 2, 29),
            dt.date(2026, 12, 7),
            "孩子出生于2020-02-29，已于2023-02-28年满3周岁，"
            "在育儿补贴制度实施（2025-01-01）前已满3周岁，不在育儿补贴范围内。",
        ),
        (dt.date(2026, 10, 21), TODAY, "孩子的出生日期晚于今天，请核对。"),
    ],
)
def test_a_child_owed_nothing_or_not_yet_born_is_refused_with_the_reason(birth, today, message):
    assert _problems(child_birth_date=birth, today=today) == {"child_resident_id": message}


@pytest.mark.parametrize(
    ("relation", "sex", "message"),
    [
        (
            rules.Relation.MOTHER,
            "M",
            "申请人的身份证号码显示为男性，与“母亲”不符，请核对关系或申请人身份证号码。",
        ),
        (
            rules.Relation.FATHER,
            "F",
            "申请人的身份证号码显示为女性，与“父亲”不符，请核对关系或申请人身份证号码。",
        ),
        ("uncle", "M", "请选择申请人与孩子的关系：父亲、母亲或其他监护人。"),
    ],
)
def test_the_relation_must_match_the_applicants_id(relation, sex, message):
    assert _problems(relation=relation, applicant_sex=sex) == {"relation": message}


@pytest.mark.parametrize("sex", ["M", "F"])
def test_another_guardian_may_be_of_either_sex(sex):
    assert _problems(relation=rules.Relation.GUARDIAN, applicant_sex=sex) == {}


def test_a_minor_applicant_is_refused_and_an_18_year_old_passes():
    assert _problems(applicant_birth_date=dt.date(2008, 10, 21)) == {
        "applicant_resident_id": "申请人未满18周岁，应由成年的父母或监护人申请。"
    }
    assert _problems(applicant_birth_date=dt.date(2008, 10, 20)) == {}


def test_the_child_cannot_apply_for_themselves():
    assert _problems(same_person=True) == {
        "applicant_resident_id": "申请人不能是孩子本人，请填写父母或监护人。"
    }


def test_every_problem_is_reported_at_once():
    assert set(_problems(child_birth_date=dt.date(2020, 1, 1), relation="x", same_person=True)) == {
        "child_resident_id",
        "relation",
        "applicant_resident_id",
    }


@pytest.mark.parametrize(
    ("raw", "number"), [("Q140123456", "Q140123456"), (" q140 123456 ", "Q140123456")]
)
def test_birth_certificate_numbers_are_normalised(raw, number):
    assert rules.birth_certificate_normalize(raw) == number


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写出生医学证明编号。"),
        (
            "140123456",
            "出生医学证明编号应为1个大写字母加9位数字（例如Q140123456），您填写的是“140123456”。",
        ),
        (
            "QQ14012345",
            "出生医学证明编号应为1个大写字母加9位数字（例如Q140123456），您填写的是“QQ14012345”。",
        ),
    ],
)
def test_bad_birth_certificate_numbers_are_refused(raw, message):
    with pytest.raises(rules.ApplicationError) as exc:
        rules.birth_certificate_normalize(raw)
    assert (exc.value.field, exc.value.message) == ("birth_certificate", message)


@pytest.mark.parametrize(
    ("birth", "year", "months"),
    [
        (dt.date(2023, 12, 5), 2025, 12),
        (dt.date(2023, 12, 5), 2026, 12),
        (dt.date(2023, 12, 5), 2027, 0),
        (dt.date(2022, 6, 30), 2025, 6),
        (dt.date(2022, 6, 30), 2026, 0),
        (dt.date(2025, 1, 1), 2027, 12),
        (dt.date(2025, 1, 1), 2028, 0),
        (dt.date(2021, 12, 31), 2025, 0),
    ],
)
def test_months_of_one_year(birth, year, months):
    assert rules.months_in_year(birth, year) == months


def test_every_birth_date_owed_in_a_year_lies_in_its_window():
    for year in (2025, 2026, 2027, 2028):
        low, high = rules.birth_date_window(year)
        day = dt.date(2020, 1, 1)
        while day <= dt.date(2028, 12, 31):
            if rules.months_in_year(day, year):
                assert low <= day <= high
            day += dt.timedelta(days=1)


def test_a_move_is_paid_by_the_new_place_from_the_next_year_and_a_death_stops_after_its_year():
    assert rules.first_year_paid_by_new_place(dt.date(2026, 3, 1)) == 2027
    assert rules.first_year_paid_by_new_place(dt.date(2026, 12, 31)) == 2027
    assert rules.last_payable_year_after_death(dt.date(2026, 3, 1)) == 2026
