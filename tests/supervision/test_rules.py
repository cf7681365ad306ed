"""The pure policy of supervision: the reproducible draw, weights, strata, credit, numbers."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huimin.supervision import rules
from huimin.supervision.rules import Candidate, InspectorEntry, PlanSpec

CITY = "140800/"
YANHU = "140800/140802/"
WANRONG = "140800/140822/"


def spec(**kw) -> PlanSpec:
    values = {
        "plan_id": 1,
        "region_code": "140800",
        "target_count": 2,
        "target_percent": None,
        "inspectors_per_target": 2,
        "by_county": False,
        "by_risk": False,
    }
    values.update(kw)
    return PlanSpec(**values)


def pool(n: int = 10, county_path: str = YANHU, weight: int = 1, start: int = 1) -> list[Candidate]:
    county = county_path.strip("/").split("/")[1]
    return [
        Candidate(i, f"{county_path}{county}100/", county, weight) for i in range(start, start + n)
    ]


def inspectors(n: int = 4, path: str = CITY, conflicts: dict[int, tuple[int, ...]] | None = None):
    conflicts = conflicts or {}
    return [InspectorEntry(100 + i, (path,), conflicts.get(100 + i, ())) for i in range(n)]


SEED = rules.draw_seed(spec(), "上证指数3976.52")


# --------------------------------------------------------------------------- seed and hashes


def test_seed_is_sha256_of_algorithm_plan_and_public_value():
    import hashlib

    text = f"huimin-draw-v1|{spec().canonical()}|上证指数3976.52"
    assert SEED == hashlib.sha256(text.encode()).hexdigest()
    assert rules.draw_seed(spec(), "上证指数3976.53") != SEED
    assert rules.draw_seed(spec(target_count=3), "上证指数3976.52") != SEED


def test_pool_hash_ignores_order_and_sees_any_change():
    candidates, crew = pool(5), inspectors(3)
    reference = rules.pool_hash(candidates, crew)
    assert rules.pool_hash(list(reversed(candidates)), list(reversed(crew))) == reference
    changed = [*candidates[:-1], Candidate(5, candidates[-1].region_path, "140802", 2)]
    assert rules.pool_hash(changed, crew) != reference
    assert rules.pool_hash(candidates[:-1], crew) != reference
    conflicted = [*crew[:-1], InspectorEntry(crew[-1].id, crew[-1].region_paths, (3,))]
    assert rules.pool_hash(candidates, conflicted) != reference


# --------------------------------------------------------------------------- the draw


def test_same_inputs_same_draw_whatever_their_order():
    candidates, crew = pool(20), inspectors(6)
    first = rules.draw(spec(target_count=5), SEED, candidates, crew)
    shuffled_c, shuffled_i = candidates[:], crew[:]
    random.Random(7).shuffle(shuffled_c)
    random.Random(8).shuffle(shuffled_i)
    assert rules.draw(spec(target_count=5), SEED, shuffled_c, shuffled_i) == first
    assert [a.order for a in first] == [1, 2, 3, 4, 5]
    assert len({a.target for a in first}) == 5
    assert all(len(a.inspectors) == 2 and len(set(a.inspectors)) == 2 for a in first)


def test_another_seed_draws_differently():
    candidates, crew = pool(30), inspectors(6)
    draws = {
        tuple(a.target for a in rules.draw(spec(target_count=3), f"{n:064x}", candidates, crew))
        for n in range(20)
    }
    assert len(draws) > 10


def test_inspectors_only_from_regions_covering_the_target():
    candidates = pool(3, WANRONG)
    crew = [
        InspectorEntry(1, (YANHU,)),
        InspectorEntry(2, (WANRONG,)),
        InspectorEntry(3, (CITY,)),
        InspectorEntry(4, (YANHU,)),
    ]
    for a in rules.draw(spec(target_count=3), SEED, candidates, crew):
        assert sorted(a.inspectors) == [2, 3]


def test_too_few_eligible_inspectors_is_refused_with_the_reason():
    candidates = pool(1)
    crew = inspectors(3, conflicts={100: (1,), 101: (1,)})
    with pytest.raises(rules.DrawError) as error:
        rules.draw(spec(target_count=1), SEED, candidates, crew)
    assert str(error.value) == (
        "机构（编号1）只有1名可抽取的检查人员（已排除有利害关系的人员），少于每个对象2名："
        "请补充检查人员库或减少每个对象的检查人员数。"
    )


def test_empty_pool_is_refused():
    with pytest.raises(rules.DrawError, match="检查对象库为空"):
        rules.draw(spec(), SEED, [], inspectors())


@settings(max_examples=150, deadline=None)
@given(
    seed=st.text(min_size=1, max_size=20),
    conflicts=st.dictionaries(
        st.integers(100, 107), st.lists(st.integers(1, 12), max_size=12), max_size=8
    ),
    per_target=st.integers(2, 3),
)
def test_an_inspector_is_never_drawn_for_a_target_of_their_conflict(seed, conflicts, per_target):
    crew = inspectors(8, conflicts={k: tuple(v) for k, v in conflicts.items()})
    try:
        assignments = rules.draw(
            spec(target_count=12, inspectors_per_target=per_target), seed, pool(12), crew
        )
    except rules.DrawError:
        return  # too many conflicts for some target: refused, never a conflicted inspector
    by_id = {i.id: i for i in crew}
    for a in assignments:
        assert len(a.inspectors) == per_target
        for inspector_id in a.inspectors:
            assert a.target not in by_id[inspector_id].conflicts


def test_risk_weights_shift_draw_frequency_as_published():
    """One target drawn from 1 candidate of weight 3 and 6 of weight 1: it must be the first
    drawn with probability 3/9 (weighted sampling). Over 6,000 seeds the observed share lies
    within 0.02 of 1/3 (about 5 standard deviations), and each weight-1 candidate's within
    0.02 of 1/9."""
    candidates = [Candidate(1, YANHU + "1/", "140802", 3), *pool(6, start=2)]
    crew = inspectors(2)
    counts = dict.fromkeys(range(1, 8), 0)
    runs = 6000
    for n in range(runs):
        (first,) = rules.draw(spec(target_count=1), f"seed-{n}", candidates, crew)
        counts[first.target] += 1
    assert abs(counts[1] / runs - 3 / 9) < 0.02
    for other in range(2, 8):
        assert abs(counts[other] / runs - 1 / 9) < 0.02


def test_weighted_draw_of_several_favours_the_weighted():
    """Drawing 3 of 12 where 3 carry weight 3: over 3,000 seeds a weighted candidate is in
    the draw more than twice as often as an unweighted one."""
    heavy = [Candidate(i, YANHU + "1/", "140802", 3) for i in (1, 2, 3)]
    candidates = heavy + pool(9, start=4)
    seen = dict.fromkeys(range(1, 13), 0)
    for n in range(3000):
        for a in rules.draw(spec(target_count=3), f"s{n}", candidates, inspectors(2)):
            seen[a.target] += 1
    heavy_rate = sum(seen[i] for i in (1, 2, 3)) / 3
    light_rate = sum(seen[i] for i in range(4, 13)) / 9
    assert heavy_rate > 2 * light_rate


# --------------------------------------------------------------------------- strata


def test_strata_by_county_split_a_number_by_size_largest_remainder():
    sizes = {"140802": 6, "140822": 3, "140829": 1}
    assert rules.stratum_quotas(sizes, spec(target_count=5)) == {
        "140802": 3,
        "140822": 2,  # 1.5 → remainder .5 beats 140829's .5 by name order
        "140829": 0,
    }
    assert rules.stratum_quotas(sizes, spec(target_count=50)) == {
        "140802": 6,
        "140822": 3,
        "140829": 1,
    }


def test_strata_by_share_round_up_in_every_stratum():
    sizes = {"a": 6, "b": 3, "c": 1}
    quotas = rules.stratum_quotas(sizes, spec(target_count=None, target_percent=20))
    assert quotas == {"a": 2, "b": 1, "c": 1}


def test_draw_by_county_and_risk_takes_from_every_stratum():
    candidates = pool(6, YANHU) + pool(4, WANRONG, start=50)
    candidates[0] = Candidate(1, candidates[0].region_path, "140802", 2, ("complaints",))
    assignments = rules.draw(
        spec(target_count=None, target_percent=50, by_county=True, by_risk=True),
        SEED,
        candidates,
        inspectors(4),
    )
    strata = sorted(a.stratum for a in assignments)
    assert strata == [
        "140802/high",
        "140802/normal",
        "140802/normal",
        "140802/normal",
        "140822/normal",
        "140822/normal",
    ]
    assert next(a.target for a in assignments if a.stratum == "140802/high") == 1


# --------------------------------------------------------------------------- plan checks


@pytest.mark.parametrize(
    ("kw", "errors"),
    [
        ({}, {}),
        (
            {"target_count": None},
            {"target_count": "请填写抽取数量或抽取比例中的一项（只填一项）。"},
        ),
        (
            {"target_percent": 10},
            {"target_count": "请填写抽取数量或抽取比例中的一项（只填一项）。"},
        ),
        ({"target_count": 0}, {"target_count": "抽取数量至少为1家。"}),
        (
            {"target_count": None, "target_percent": 101},
            {"target_percent": "抽取比例应在1%至100%之间。"},
        ),
        (
            {"inspectors_per_target": 1},
            {"inspectors_per_target": "每个检查对象应抽取2至5名检查人员，您填写的是1名。"},
        ),
        ({"inspectors_per_target": 5}, {}),
        (
            {"inspectors_per_target": 6},
            {"inspectors_per_target": "每个检查对象应抽取2至5名检查人员，您填写的是6名。"},
        ),
    ],
)
def test_plan_check(kw, errors):
    assert rules.plan_check(spec(**kw)) == errors


def test_public_value_bounds():
    assert rules.public_value_normalize("  3976.52 ") == "3976.52"
    with pytest.raises(rules.DrawError, match="4至200个字符"):
        rules.public_value_normalize("123")


# --------------------------------------------------------------------------- weights


def test_weight_table_rows_add_to_the_base():
    facts = rules.RiskFacts(open_findings=2, serious_findings=1, complaints=1, credit_level="D")
    reasons = rules.risk_reasons(facts)
    assert reasons == ("open_findings", "serious_findings", "complaints", "credit_d")
    assert rules.risk_weight(reasons) == 1 + 1 + 1 + 1 + 2
    assert rules.risk_weight(rules.risk_reasons(rules.RiskFacts())) == 1
    assert rules.risk_weight(rules.risk_reasons(rules.RiskFacts(credit_level="C"))) == 2
    assert rules.risk_weight(rules.risk_reasons(rules.RiskFacts(credit_level="B"))) == 1
    assert rules.risk_tier(1) == "normal"
    assert rules.risk_tier(2) == "high"


# --------------------------------------------------------------------------- outcome, numbers


@pytest.mark.parametrize(
    ("items", "outcome"),
    [
        ([("pass", False), ("na", False)], "pass"),
        ([("pass", False), ("fail", False)], "warning"),
        ([("fail", False), ("fail", True)], "rectify"),
    ],
)
def test_inspection_outcome(items, outcome):
    assert rules.inspection_outcome(items) == outcome
    assert rules.published(outcome) is (outcome != "warning")


@pytest.mark.parametrize(
    ("county", "number"),
    [
        ("盐湖区", "运盐卫监意〔2026〕第0003号"),
        ("临猗县", "运临卫监意〔2026〕第0003号"),
        ("永济市", "运永卫监意〔2026〕第0003号"),
        ("运城市", "运卫监意〔2026〕第0003号"),
    ],
)
def test_letter_number(county, number):
    assert rules.letter_number(county, 2026, 3) == number


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (60, True), (61, False)])
def test_rectify_days_bounds(days, ok):
    assert (rules.rectify_days_check(days) == "") is ok


# --------------------------------------------------------------------------- credit


def test_credit_of_a_clean_institution_is_100_A_with_every_row_shown():
    result = rules.credit_score(rules.CreditFacts())
    assert (result.score, result.level) == (100, "A")
    assert [c.code for c in result.contributions] == [row[0] for row in rules.CREDIT_TABLE]
    assert all(c.points == 0 for c in result.contributions)


def test_credit_contributions_each_and_capped():
    facts = rules.CreditFacts(
        inspections_passed=5,  # +2 each, at most +6
        inspections_rectify=1,  # -8
        failed_items=15,  # -2 each, at most -20
        overdue_letters=1,  # -15
        complaints_substantiated=1,  # -5
        open_serious_findings=1,  # -10
        open_other_findings=7,  # -2 each, at most -10
    )
    result = rules.credit_score(facts)
    points = {c.code: c.points for c in result.contributions}
    assert points == {
        "inspections_passed": 6,
        "inspections_warned": 0,
        "inspections_rectify": -8,
        "failed_items": -20,
        "overdue_letters": -15,
        "complaints_substantiated": -5,
        "open_serious_findings": -10,
        "open_other_findings": -10,
    }
    assert result.score == 100 + 6 - 8 - 20 - 15 - 5 - 10 - 10 == 38
    assert result.level == "D"
    rule = next(c.rule for c in result.contributions if c.code == "failed_items")
    assert rule == "每项-2分，最多-20分"


@pytest.mark.parametrize(
    ("score", "level"),
    [(110, "A"), (90, "A"), (89, "B"), (75, "B"), (74, "C"), (60, "C"), (59, "D"), (0, "D")],
)
def test_credit_levels_at_their_floors(score, level):
    assert rules.credit_level(score) == level


def test_credit_score_never_below_zero():
    result = rules.credit_score(rules.CreditFacts(overdue_letters=20, inspections_rectify=20))
    assert result.score == 0
    assert not math.isnan(result.score)
