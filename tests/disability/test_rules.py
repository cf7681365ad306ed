import datetime as dt

import pytest

from huimin.core import rules as core_rules
from huimin.disability import rules
from huimin.disability.rules import Impairment

from .conftest import id_ending_in_x

ID = core_rules.resident_id_build("140822", dt.date(1948, 5, 3), 124)


def test_single_impairment_number_is_id_category_grade():
    assert rules.certificate_number(ID, [Impairment(4, 2)]) == f"{ID}42"
    assert len(rules.certificate_number(ID, [Impairment(4, 2)])) == 20


def test_multiple_impairments_take_category_7_and_the_most_severe_grade():
    number = rules.certificate_number(ID, [Impairment(1, 3), Impairment(4, 2), Impairment(2, 4)])
    assert number == f"{ID}72"


def test_same_category_twice_keeps_the_category():
    assert rules.overall([Impairment(4, 3), Impairment(4, 1)]) == Impairment(4, 1)


def test_final_lowercase_x_is_written_upper_case():
    number = id_ending_in_x("140822", dt.date(1960, 1, 15))
    assert rules.certificate_number(number.lower(), [Impairment(1, 1)]) == f"{number}11"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("14082219480503124", "18位"),
        (ID[:17] + ("0" if ID[17] != "0" else "1"), "校验码"),
    ],
)
def test_a_bad_resident_id_is_refused(raw, problem):
    with pytest.raises(core_rules.ResidentIdError, match=problem):
        rules.certificate_number(raw, [Impairment(4, 2)])


@pytest.mark.parametrize(
    ("category", "grade", "problem"),
    [(7, 1, "类别7"), (0, 1, "1至6"), (8, 2, "1至6"), (4, 0, "1至4"), (4, 5, "1至4")],
)
def test_out_of_range_category_or_grade_is_refused(category, grade, problem):
    with pytest.raises(rules.AssessmentError, match=problem):
        rules.impairment_check(category, grade)


def test_no_impairment_is_refused():
    with pytest.raises(rules.AssessmentError):
        rules.overall([])


@pytest.mark.parametrize(
    ("token", "expected"),
    [("4-2", Impairment(4, 2)), ("４－２", Impairment(4, 2)), (" 1-1 ", Impairment(1, 1))],
)
def test_impairment_parse(token, expected):
    assert rules.impairment_parse(token) == expected


@pytest.mark.parametrize("token", ["42", "4-", "a-b", "4-2-1", ""])
def test_impairment_parse_refuses_malformed(token):
    with pytest.raises(rules.AssessmentError):
        rules.impairment_parse(token)


def test_priority_orders_flags_and_sums_weights():
    p = rules.priority(["living_alone", "multiple_in_household", "bedridden"])
    assert p.score == 8 + 4 + 2
    assert p.reasons == ("multiple_in_household", "bedridden", "living_alone")
    assert rules.reasons_text(p.reasons) == "一户多残、长期卧床、独居"
    assert rules.priority([]).score == 0


def test_validity_is_ten_years():
    assert rules.valid_until(dt.date(2025, 10, 15)) == dt.date(2035, 10, 14)
    assert rules.valid_until(dt.date(2024, 2, 29)) == dt.date(2034, 2, 28)


def test_renewal_opens_180_days_before_expiry():
    end = dt.date(2035, 10, 14)
    assert not rules.renewal_open(end, end - dt.timedelta(days=181))
    assert rules.renewal_open(end, end - dt.timedelta(days=180))


def test_benefit_terms():
    terms = rules.BenefitTerms((4,), 1, 2, None, 59, False)
    assert rules.benefit_applies(terms, category=4, grade=1, age=40, multiple_household=False)
    assert not rules.benefit_applies(terms, category=4, grade=3, age=40, multiple_household=False)
    assert not rules.benefit_applies(terms, category=1, grade=1, age=40, multiple_household=False)
    assert not rules.benefit_applies(terms, category=4, grade=1, age=60, multiple_household=False)
    multi = rules.BenefitTerms((), 1, 4, None, None, True)
    assert not rules.benefit_applies(multi, category=4, grade=1, age=40, multiple_household=False)
    assert rules.benefit_applies(multi, category=4, grade=1, age=40, multiple_household=True)
