from __future__ import annotations

from decimal import Decimal

import pytest

from huimin.demonstration import rules
from huimin.demonstration.rules import EligibilityFacts


def d(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


def test_default_rubric_is_wst821_shaped_7_dimensions_1000_points():
    assert rules.rubric_default_problems() == []
    assert len(rules.RUBRIC_DEFAULT) == 7
    assert sum(points for _n, points, _i in rules.RUBRIC_DEFAULT) == 1000


def test_combined_score_worked_example_five_evaluators_drop_highest_and_lowest():
    # 812, 845.5, 860, 871, 930: drop 812 and 930; (845.5 + 860 + 871) / 3 = 858.833… → 858.8
    combined = rules.combine(d("860", "930", "812", "845.5", "871"), rules.Combine.TRIMMED)
    assert combined.score == Decimal("858.8")
    assert combined.dropped == (Decimal("812"), Decimal("930"))
    assert combined.counted == (Decimal("845.5"), Decimal("860"), Decimal("871"))


def test_trimmed_rule_with_four_evaluators_is_the_plain_mean():
    combined = rules.combine(d("800", "850", "905", "910"), rules.Combine.TRIMMED)
    assert combined.score == Decimal("866.3")  # 3465 / 4 = 866.25 → half up
    assert combined.dropped == ()


def test_mean_rule_never_drops():
    combined = rules.combine(d("700", "800", "900", "950", "990"), rules.Combine.MEAN)
    assert combined.score == Decimal("868.0")
    assert combined.dropped == ()


def test_combine_refuses_no_scores():
    with pytest.raises(ValueError, match="没有评分"):
        rules.combine([], rules.Combine.MEAN)


@pytest.mark.parametrize(
    ("score", "grade"),
    [("1000", "A"), ("900", "A"), ("899.9", "B"), ("800", "B"), ("600", "C"), ("599.9", "D")],
)
def test_grades(score, grade):
    assert rules.grade_for(Decimal(score), a_min=900, b_min=800, c_min=600) == grade


@pytest.mark.parametrize(
    ("facts", "codes"),
    [
        (EligibilityFacts(True, True, 0, "A"), []),
        (EligibilityFacts(True, True, 0, ""), []),
        (EligibilityFacts(False, True, 0, "B"), ["not_filed"]),
        (EligibilityFacts(True, False, 0, "B"), ["not_inclusive"]),
        (EligibilityFacts(True, True, 1, "B"), ["veto_finding"]),
        (EligibilityFacts(True, True, 0, "D"), ["credit_barred"]),
        (EligibilityFacts(True, True, 0, "C"), []),
        (
            EligibilityFacts(False, False, 2, "D"),
            ["not_filed", "not_inclusive", "veto_finding", "credit_barred"],
        ),
    ],
)
def test_eligibility(facts, codes):
    refusals = rules.eligibility_refusals(facts)
    assert [r.code for r in refusals] == codes
    assert all(r.message for r in refusals)


@pytest.mark.parametrize(
    ("level", "award", "ok"),
    [
        ("city", 50_000_00, True),
        ("city", 49_999_99, False),
        ("provincial", 0, True),
        ("provincial", -1, False),
    ],
)
def test_city_award_at_least_50000_yuan(level, award, ok):
    assert (rules.award_problem(level, award) == "") is ok


def test_hours_short_most_missing_first():
    short = rules.hours_short({1: 72, 2: 10, 3: 71, 4: 0}, required=72)
    assert [(s.staff_id, s.missing) for s in short] == [(4, 72), (2, 62), (3, 1)]


def test_two_character_words_do_not_use_the_trigram_index():
    assert not rules.search_uses_trigram("托育")
    assert rules.search_uses_trigram("医育结合")
