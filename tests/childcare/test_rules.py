"""The childcare rules of RULES.md §2 as pure functions: every limit at, just under and just
over, with the exact findings (rule, severity, subject, message, found, required)."""

import datetime as dt

import pytest

from huimin.childcare import rules
from huimin.childcare.rules import (
    CareType,
    ChildFacts,
    ClassFacts,
    ClassKind,
    Finding,
    FoodSampleFacts,
    InstitutionFacts,
    InstitutionKind,
    ReturnFacts,
    Severity,
    StaffFacts,
)

D = dt.date
TODAY = D(2026, 11, 25)
SERIOUS, MAJOR, MINOR = Severity.SERIOUS, Severity.MAJOR, Severity.MINOR


def facts(**kw) -> InstitutionFacts:
    """An institution breaking no rule, with the given facts changed."""
    values = {
        "today": TODAY,
        "recording_retention_days": 90,
        "monitoring_coverage_percent": 100,
        "fire_safety_manager": "王强",
        "emergency_plan_on": D(2026, 3, 1),
        "last_drill_on": D(2026, 10, 15),
    }
    values.update(kw)
    return InstitutionFacts(**values)


def test_an_institution_with_nothing_wrong_has_no_findings():
    assert rules.compliance_evaluate(facts()) == []


def test_every_rule_has_a_label_and_every_label_a_rule():
    produced = {
        "class_over_capacity",
        "carer_ratio",
        "child_age_out_of_range",
        "institution_over_capacity",
        "health_worker_required",
        "staff_health_certificate",
        "staff_criminal_check",
        "morning_check_missing",
        "food_sample_missing",
        "food_sample_weight",
        "food_sample_hours",
        "recording_retention",
        "monitoring_coverage",
        "fire_safety_manager",
        "head_qualification",
        "emergency_plan",
        "emergency_drill",
        "recheck_after_absence",
        "outdoor_time",
    }
    assert set(rules.RULE_LABELS) == produced
    assert len(rules.RULES) == 15


def test_compliance_evaluate_runs_every_rule():
    everything_wrong = InstitutionFacts(
        today=TODAY,
        classes=[ClassFacts("小一班", ClassKind.TODDLER, 16, 3)],
        children=[ChildFacts("王小宝", "小一班", ClassKind.TODDLER, D(2024, 11, 25))],
        staff=[
            StaffFacts("刘芳", "caregiver", True, None, None),
            StaffFacts("张秀兰", "head", True, TODAY, TODAY, "vocational", 2, False),
        ],
        present_without_morning_check=[("王小宝", D(2026, 11, 24))],
        meal_days_without_sample=[D(2026, 11, 23)],
        food_samples=[FoodSampleFacts(D(2026, 11, 24), "米饭", 100, 24)],
        returns=[ReturnFacts("王小宝", D(2026, 8, 1), D(2026, 11, 24), False)],
        outdoor_minutes=[("小一班", D(2026, 11, 24), 60)],
    )
    found = [f.rule for f in rules.compliance_evaluate(everything_wrong)]
    assert found == [
        "class_over_capacity",
        "carer_ratio",
        "child_age_out_of_range",
        "staff_health_certificate",
        "staff_criminal_check",
        "morning_check_missing",
        "food_sample_missing",
        "food_sample_weight",
        "food_sample_hours",
        "recording_retention",
        "monitoring_coverage",
        "head_qualification",
        "emergency_plan",
        "emergency_drill",
        "fire_safety_manager",
        "recheck_after_absence",
        "outdoor_time",
    ]


# --------------------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to the month's end
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day, a year on
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # four years on: a leap day again
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # across the year end
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 8, 25), 3, D(2026, 11, 25)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),  # backwards across the year start
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 5), 0, D(2026, 5, 5)),
        (D(2023, 11, 25), 36, D(2026, 11, 25)),
    ],
)
def test_add_months(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (D(2026, 5, 25), D(2026, 11, 25), 6),  # exactly 6 months
        (D(2026, 5, 26), D(2026, 11, 25), 5),  # one day short
        (D(2026, 11, 25), D(2026, 11, 25), 0),  # born today
        (D(2026, 1, 31), D(2026, 2, 27), 0),
        (D(2026, 1, 31), D(2026, 2, 28), 1),  # month-end birthday: the month's last day
        (D(2024, 1, 31), D(2024, 2, 29), 1),
        (D(2024, 1, 31), D(2024, 3, 30), 1),
        (D(2024, 1, 31), D(2024, 3, 31), 2),
        (D(2024, 2, 29), D(2025, 2, 27), 11),  # leap-day birth
        (D(2024, 2, 29), D(2025, 2, 28), 12),  # a non-leap year: completes on 28 Feb
        (D(2024, 2, 29), D(2025, 3, 1), 12),
        (D(2024, 2, 29), D(2028, 2, 28), 47),
        (D(2024, 2, 29), D(2028, 2, 29), 48),
        (D(2023, 11, 25), D(2026, 11, 24), 35),
        (D(2023, 11, 25), D(2026, 11, 25), 36),  # third birthday
        (D(2025, 12, 31), D(2026, 1, 1), 0),
    ],
)
def test_age_in_months(birth, on, months):
    assert rules.age_in_months(birth, on) == months


@pytest.mark.parametrize(
    ("kind", "children", "carers"),
    [
        (ClassKind.INFANT, 0, 0),
        (ClassKind.INFANT, 1, 1),
        (ClassKind.INFANT, 3, 1),
        (ClassKind.INFANT, 4, 2),
        (ClassKind.INFANT, 10, 4),
        (ClassKind.TODDLER, 5, 1),
        (ClassKind.TODDLER, 6, 2),
        (ClassKind.TODDLER, 15, 3),
        (ClassKind.TODDLER, 16, 4),
        (ClassKind.OLDER, 7, 1),
        (ClassKind.OLDER, 8, 2),
        (ClassKind.OLDER, 20, 3),
        (ClassKind.MIXED, 5, 1),
        (ClassKind.MIXED, 18, 4),
    ],
)
def test_carers_required(kind, children, carers):
    assert rules.carers_required(kind, children) == carers


# --------------------------------------------------------------------------- classes


def _over(label: str, children: int, limit: int) -> list[Finding]:
    return [
        Finding(
            "class_over_capacity",
            SERIOUS,
            "班级：一班",
            f"{label}“一班”在托{children}人，超过上限{limit}人。",
            f"{children}人",
            f"不超过{limit}人",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "children", "expected"),
    [
        (ClassKind.INFANT, 9, []),
        (ClassKind.INFANT, 10, []),
        (ClassKind.INFANT, 11, _over("乳儿班", 11, 10)),
        (ClassKind.TODDLER, 14, []),
        (ClassKind.TODDLER, 15, []),
        (ClassKind.TODDLER, 16, _over("托小班", 16, 15)),
        (ClassKind.OLDER, 19, []),
        (ClassKind.OLDER, 20, []),
        (ClassKind.OLDER, 21, _over("托大班", 21, 20)),
        (ClassKind.MIXED, 17, []),
        (ClassKind.MIXED, 18, []),
        (ClassKind.MIXED, 19, _over("混合班", 19, 18)),
    ],
)
def test_class_over_capacity(kind, children, expected):
    assert rules.class_over_capacity(facts(classes=[ClassFacts("一班", kind, children, 9)])) == (
        expected
    )


def _ratio(label: str, children: int, carers: int, per: int, need: int) -> list[Finding]:
    return [
        Finding(
            "carer_ratio",
            SERIOUS,
            "班级：一班",
            f"{label}“一班”在托{children}人，保育人员{carers}名，低于1:{per}的配比，"
            f"至少需要{need}名。",
            f"{carers}名",
            f"至少{need}名",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "children", "carers", "expected"),
    [
        (ClassKind.INFANT, 8, 3, []),
        (ClassKind.INFANT, 9, 3, []),  # 1:3 exactly
        (ClassKind.INFANT, 10, 3, _ratio("乳儿班", 10, 3, 3, 4)),
        (ClassKind.INFANT, 9, 2, _ratio("乳儿班", 9, 2, 3, 3)),
        (ClassKind.TODDLER, 14, 3, []),
        (ClassKind.TODDLER, 15, 3, []),  # 1:5 exactly
        (ClassKind.TODDLER, 16, 3, _ratio("托小班", 16, 3, 5, 4)),
        (ClassKind.TODDLER, 15, 2, _ratio("托小班", 15, 2, 5, 3)),
        (ClassKind.OLDER, 13, 2, []),
        (ClassKind.OLDER, 14, 2, []),  # 1:7 exactly
        (ClassKind.OLDER, 15, 2, _ratio("托大班", 15, 2, 7, 3)),
        (ClassKind.OLDER, 14, 1, _ratio("托大班", 14, 1, 7, 2)),
        (ClassKind.MIXED, 9, 2, []),
        (ClassKind.MIXED, 10, 2, []),  # 1:5 exactly
        (ClassKind.MIXED, 11, 2, _ratio("混合班", 11, 2, 5, 3)),
        (ClassKind.MIXED, 10, 1, _ratio("混合班", 10, 1, 5, 2)),
        (ClassKind.TODDLER, 0, 0, []),  # an empty class needs nobody
        (ClassKind.TODDLER, 1, 0, _ratio("托小班", 1, 0, 5, 1)),
    ],
)
def test_carer_ratio(kind, children, carers, expected):
    assert rules.carer_ratio(facts(classes=[ClassFacts("一班", kind, children, carers)])) == (
        expected
    )


def _age(label: str, months: int, low: int, high: int) -> list[Finding]:
    return [
        Finding(
            "child_age_out_of_range",
            MAJOR,
            "幼儿：王小宝",
            f"王小宝现{months}月龄，不在{label}“一班”{low}至{high}月龄的范围内，请调整班级。",
            f"{months}月龄",
            f"{low}至{high}月龄（不含{high}）",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "birth", "expected"),
    [
        # 乳儿班 6–12 months; today is 2026-11-25
        (ClassKind.INFANT, D(2026, 5, 26), _age("乳儿班", 5, 6, 12)),
        (ClassKind.INFANT, D(2026, 5, 25), []),  # 6 months today
        (ClassKind.INFANT, D(2025, 11, 26), []),  # 11 months, 12 tomorrow
        (ClassKind.INFANT, D(2025, 11, 25), _age("乳儿班", 12, 6, 12)),
        # 托小班 12–24
        (ClassKind.TODDLER, D(2025, 11, 26), _age("托小班", 11, 12, 24)),
        (ClassKind.TODDLER, D(2025, 11, 25), []),
        (ClassKind.TODDLER, D(2024, 11, 26), []),
        (ClassKind.TODDLER, D(2024, 11, 25), _age("托小班", 24, 12, 24)),
        # 托大班 24–36
        (ClassKind.OLDER, D(2024, 11, 26), _age("托大班", 23, 24, 36)),
        (ClassKind.OLDER, D(2024, 11, 25), []),
        (ClassKind.OLDER, D(2023, 11, 26), []),
        (ClassKind.OLDER, D(2023, 11, 25), _age("托大班", 36, 24, 36)),
        # 混合班 18 months and over (under 3)
        (ClassKind.MIXED, D(2025, 5, 26), _age("混合班", 17, 18, 36)),
        (ClassKind.MIXED, D(2025, 5, 25), []),
        (ClassKind.MIXED, D(2023, 11, 26), []),
        (ClassKind.MIXED, D(2023, 11, 25), _age("混合班", 36, 18, 36)),
    ],
)
def test_child_age_out_of_range(kind, birth, expected):
    child = ChildFacts("王小宝", "一班", kind, birth)
    assert rules.child_age_out_of_range(facts(children=[child])) == expected


# --------------------------------------------------------------------------- staff


def _no_health_worker(children: int) -> list[Finding]:
    return [
        Finding(
            "health_worker_required",
            MAJOR,
            "机构",
            f"在托{children}人，150人及以上须配备专职卫生保健人员，目前没有。",
            "0名专职卫生保健人员",
            "至少1名",
        )
    ]


FULL_TIME_NURSE = StaffFacts("周护士", "health_worker", True, TODAY, TODAY)
PART_TIME_NURSE = StaffFacts("周护士", "health_worker", False, TODAY, TODAY)
CAREGIVER = StaffFacts("刘芳", "caregiver", True, TODAY, TODAY)


@pytest.mark.parametrize(
    ("children", "staff", "expected"),
    [
        (149, [], []),
        (150, [], _no_health_worker(150)),
        (151, [], _no_health_worker(151)),
        (149, [CAREGIVER], []),
        (150, [FULL_TIME_NURSE], []),
        (151, [FULL_TIME_NURSE], []),
        (150, [PART_TIME_NURSE], _no_health_worker(150)),  # must be full-time
        (150, [CAREGIVER], _no_health_worker(150)),
    ],
)
def test_health_worker_required(children, staff, expected):
    # the children counted across classes
    classes = [
        ClassFacts("大一班", ClassKind.OLDER, 100, 15),
        ClassFacts("大二班", ClassKind.OLDER, children - 100, 15),
    ]
    assert rules.health_worker_required(facts(classes=classes, staff=staff)) == expected


def _health_cert(on: dt.date | None, due: str = "") -> list[Finding]:
    return [
        Finding(
            "staff_health_certificate",
            MAJOR,
            "人员：周护士",
            f"周护士的健康证明已于{due}过期，须每年体检。"
            if on
            else "周护士的健康证明未登记，须每年体检。",
            f"体检日期{on}" if on else "无健康证明",
            "12个月内",
        )
    ]


@pytest.mark.parametrize(
    ("checked_on", "expected"),
    [
        (D(2026, 11, 25), []),  # checked today
        (D(2025, 11, 26), []),  # a year ago tomorrow: the last valid day is today
        (D(2025, 11, 25), _health_cert(D(2025, 11, 25), "2026-11-25")),  # expires today
        (D(2025, 11, 24), _health_cert(D(2025, 11, 24), "2026-11-24")),  # expired yesterday
        (None, _health_cert(None)),
    ],
)
def test_staff_health_certificate(checked_on, expected):
    staff = StaffFacts("周护士", "health_worker", True, checked_on, TODAY)
    assert rules.staff_health_certificate(facts(staff=[staff])) == expected


def _criminal_check(on: dt.date | None, due: str = "") -> list[Finding]:
    return [
        Finding(
            "staff_criminal_check",
            SERIOUS,
            "人员：周护士",
            f"周护士的无犯罪记录查询已于{due}过期，须每年查询。"
            if on
            else "周护士的无犯罪记录查询未登记，须每年查询。",
            f"查询日期{on}" if on else "无查询记录",
            "12个月内",
        )
    ]


@pytest.mark.parametrize(
    ("checked_on", "expected"),
    [
        (D(2026, 11, 25), []),
        (D(2025, 11, 26), []),
        (D(2025, 11, 25), _criminal_check(D(2025, 11, 25), "2026-11-25")),
        (D(2025, 11, 24), _criminal_check(D(2025, 11, 24), "2026-11-24")),
        (None, _criminal_check(None)),
    ],
)
def test_staff_criminal_check(checked_on, expected):
    staff = StaffFacts("周护士", "health_worker", True, TODAY, checked_on)
    assert rules.staff_criminal_check(facts(staff=[staff])) == expected


def test_a_check_made_on_a_leap_day_expires_on_28_february():
    staff = [StaffFacts("周护士", "health_worker", True, D(2024, 2, 29), D(2024, 2, 29))]
    assert rules.staff_health_certificate(facts(today=D(2025, 2, 27), staff=staff)) == []
    assert rules.staff_health_certificate(facts(today=D(2025, 2, 28), staff=staff)) == [
        Finding(
            "staff_health_certificate",
            MAJOR,
            "人员：周护士",
            "周护士的健康证明已于2025-02-28过期，须每年体检。",
            "体检日期2024-02-29",
            "12个月内",
        )
    ]


# --------------------------------------------------------------------------- health


@pytest.mark.parametrize(
    ("unchecked", "expected"),
    [
        ([], []),
        (
            [("王小宝", D(2026, 11, 24))],
            [
                Finding(
                    "morning_check_missing",
                    MAJOR,
                    "幼儿：王小宝（2026-11-24）",
                    "王小宝于2026-11-24出勤，但没有晨检记录。",
                    "无晨检",
                    "出勤当日晨检",
                )
            ],
        ),
        (
            [("王小宝", D(2026, 11, 24)), ("王小宝", D(2026, 11, 25))],
            [
                Finding(
                    "morning_check_missing",
                    MAJOR,
                    f"幼儿：王小宝（{day}）",
                    f"王小宝于{day}出勤，但没有晨检记录。",
                    "无晨检",
                    "出勤当日晨检",
                )
                for day in ("2026-11-24", "2026-11-25")
            ],
        ),
    ],
)
def test_morning_check_missing(unchecked, expected):
    assert rules.morning_check_missing(facts(present_without_morning_check=unchecked)) == expected


def test_a_meal_day_without_a_sample():
    assert rules.food_sample(facts(meal_days_without_sample=[D(2026, 11, 24)])) == [
        Finding(
            "food_sample_missing",
            MAJOR,
            "留样：2026-11-24",
            "2026-11-24提供餐食，但没有食品留样记录。",
            "无留样",
            "每餐每样留样",
        )
    ]


def _weight(grams: int) -> Finding:
    return Finding(
        "food_sample_weight",
        MAJOR,
        "留样：2026-11-24 番茄炒蛋",
        f"2026-11-24“番茄炒蛋”留样{grams}克，不足125克。",
        f"{grams}克",
        "不少于125克",
    )


def _hours(hours: str) -> Finding:
    return Finding(
        "food_sample_hours",
        MAJOR,
        "留样：2026-11-24 番茄炒蛋",
        f"2026-11-24“番茄炒蛋”留样只保存{hours}小时，不足48小时。",
        f"{hours}小时",
        "不少于48小时",
    )


@pytest.mark.parametrize(
    ("grams", "hours", "expected"),
    [
        (124, 48, [_weight(124)]),
        (125, 48, []),
        (126, 48, []),
        (125, 47.9, [_hours("47.9")]),
        (125, 48.0, []),
        (125, 48.1, []),
        (125, 24, [_hours("24")]),
        (124, 47.9, [_weight(124), _hours("47.9")]),
    ],
)
def test_food_sample_weight_and_hours(grams, hours, expected):
    sample = FoodSampleFacts(D(2026, 11, 24), "番茄炒蛋", grams, hours)
    assert rules.food_sample(facts(food_samples=[sample])) == expected


# --------------------------------------------------------------------------- safety


def _retention(days: int | None) -> list[Finding]:
    return [
        Finding(
            "recording_retention",
            SERIOUS,
            "安全：监控录像",
            "未登记监控录像保存天数，应不少于90天。"
            if days is None
            else f"监控录像保存{days}天，不足90天。",
            "未登记" if days is None else f"{days}天",
            "不少于90天",
        )
    ]


def _coverage(percent: int | None) -> list[Finding]:
    return [
        Finding(
            "monitoring_coverage",
            MAJOR,
            "安全：监控覆盖",
            "未登记视频监控覆盖情况，婴幼儿活动区域应全覆盖。"
            if percent is None
            else f"视频监控覆盖婴幼儿活动区域的{percent}%，应全覆盖。",
            "未登记" if percent is None else f"{percent}%",
            "100%",
        )
    ]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (89, _retention(89)),
        (90, []),
        (91, []),
        (0, _retention(0)),
        (None, _retention(None)),
    ],
)
def test_recording_retention(days, expected):
    assert rules.recording_retention(facts(recording_retention_days=days)) == expected


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (99, _coverage(99)),
        (100, []),
        (0, _coverage(0)),
        (None, _coverage(None)),
    ],
)
def test_monitoring_coverage(percent, expected):
    assert rules.recording_retention(facts(monitoring_coverage_percent=percent)) == expected


NO_FIRE_MANAGER = [
    Finding(
        "fire_safety_manager", SERIOUS, "安全：消防", "未明确消防安全管理人。", "未指定", "指定1名"
    )
]


@pytest.mark.parametrize(
    ("manager", "expected"),
    [("", NO_FIRE_MANAGER), ("  ", NO_FIRE_MANAGER), ("王强", [])],
)
def test_fire_safety_manager(manager, expected):
    assert rules.fire_safety_manager(facts(fire_safety_manager=manager)) == expected


def _no_recheck(last: str, back: str, days: int) -> list[Finding]:
    return [
        Finding(
            "recheck_after_absence",
            MAJOR,
            "幼儿：王小宝",
            f"王小宝{last}后离园，{back}返园，离园满3个月，返园前没有重新健康检查。",
            f"离园{days}天，未复查",
            "离园满3个月须复查",
        )
    ]


@pytest.mark.parametrize(
    ("last_present", "returned", "rechecked", "expected"),
    [
        (D(2026, 8, 25), D(2026, 11, 24), False, []),  # a day short of 3 months
        (D(2026, 8, 25), D(2026, 11, 25), False, _no_recheck("2026-08-25", "2026-11-25", 92)),
        (D(2026, 8, 25), D(2026, 11, 26), False, _no_recheck("2026-08-25", "2026-11-26", 93)),
        (D(2026, 8, 25), D(2026, 11, 25), True, []),
        (D(2026, 8, 25), D(2026, 11, 26), True, []),
        # from a month's end: 3 months after 30 November is 28 February
        (D(2026, 11, 30), D(2027, 2, 27), False, []),
        (D(2026, 11, 30), D(2027, 2, 28), False, _no_recheck("2026-11-30", "2027-02-28", 90)),
    ],
)
def test_recheck_after_absence(last_present, returned, rechecked, expected):
    back = ReturnFacts("王小宝", last_present, returned, rechecked)
    assert rules.recheck_after_absence(facts(returns=[back])) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (
            119,
            [
                Finding(
                    "outdoor_time",
                    MINOR,
                    "班级：小一班（2026-11-24）",
                    "“小一班”2026-11-24户外活动119分钟，不足120分钟。",
                    "119分钟",
                    "不少于120分钟",
                )
            ],
        ),
        (120, []),
        (121, []),
        (
            0,
            [
                Finding(
                    "outdoor_time",
                    MINOR,
                    "班级：小一班（2026-11-24）",
                    "“小一班”2026-11-24户外活动0分钟，不足120分钟。",
                    "0分钟",
                    "不少于120分钟",
                )
            ],
        ),
    ],
)
def test_outdoor_time(minutes, expected):
    day = [("小一班", D(2026, 11, 24), minutes)]
    assert rules.outdoor_time(facts(outdoor_minutes=day)) == expected


# --------------------------------------------------------------------------- filing

ALL_MATERIALS = list(rules.FILING_MATERIALS)


@pytest.mark.parametrize(
    ("uploaded", "serves_meals", "owned", "lease_years", "expected"),
    [
        (ALL_MATERIALS, True, True, 0, []),
        (ALL_MATERIALS, True, False, 3, []),
        (ALL_MATERIALS, True, False, 4, []),
        (
            ALL_MATERIALS,
            True,
            False,
            2,
            ["场地为租赁的，租期应不少于3年，当前填写为2年"],
        ),
        ([m for m in ALL_MATERIALS if m != "food_licence"], False, True, 0, []),
        (
            [m for m in ALL_MATERIALS if m != "food_licence"],
            True,
            True,
            0,
            ["缺少食品经营许可证（提供餐食的）"],
        ),
        (
            ["business_licence", "health_evaluation"],
            True,
            False,
            0,
            [
                "缺少场地证明（自有产权证明，或3年以上租赁合同）",
                "缺少工作人员资格证书和健康合格证明",
                "缺少消防安全检查合格证明",
                "缺少食品经营许可证（提供餐食的）",
                "场地为租赁的，租期应不少于3年，当前填写为0年",
            ],
        ),
        (
            [],
            False,
            True,
            0,
            [
                "缺少营业执照或事业单位法人证书",
                "缺少场地证明（自有产权证明，或3年以上租赁合同）",
                "缺少工作人员资格证书和健康合格证明",
                "缺少卫生评价报告（结论为合格）",
                "缺少消防安全检查合格证明",
            ],
        ),
    ],
)
def test_filing_problems(uploaded, serves_meals, owned, lease_years, expected):
    problems = rules.filing_problems(
        uploaded=uploaded, serves_meals=serves_meals, premises_owned=owned, lease_years=lease_years
    )
    assert problems == expected


@pytest.mark.parametrize(
    ("serves_meals", "expected"),
    [
        (
            True,
            [
                "business_licence",
                "premises",
                "staff_qualifications",
                "health_evaluation",
                "fire_safety",
                "food_licence",
            ],
        ),
        (
            False,
            [
                "business_licence",
                "premises",
                "staff_qualifications",
                "health_evaluation",
                "fire_safety",
            ],
        ),
    ],
)
def test_filing_materials_required(serves_meals, expected):
    assert rules.filing_materials_required(serves_meals=serves_meals) == expected


# --------------------------------------------------------------------------- inclusive

CAPS = {str(k): v for k, v in rules.DEFAULT_PRICE_CAPS_FEN.items()}


@pytest.mark.parametrize(
    ("fees", "serious", "expected"),
    [
        ({"full_day": 150_000}, 0, []),  # at the cap
        ({"full_day": 149_999}, 0, []),
        ({"full_day": 150_001}, 0, ["全日托收费1,500.01元/月，高于普惠价格上限1,500元/月"]),
        ({"half_day": 90_001}, 0, ["半日托收费900.01元/月，高于普惠价格上限900元/月"]),
        ({"hourly": 2_001}, 0, ["计时托收费20.01元/小时，高于普惠价格上限20元/小时"]),
        ({"temporary": 10_050}, 0, ["临时托收费100.50元/天，高于普惠价格上限100元/天"]),
        (
            {"full_day": 150_000, "half_day": 90_000, "hourly": 2_000, "temporary": 10_000},
            0,
            [],
        ),
        (
            {"temporary": 10_001, "full_day": 200_000},  # in a stable order
            0,
            [
                "全日托收费2,000元/月，高于普惠价格上限1,500元/月",
                "临时托收费100.01元/天，高于普惠价格上限100元/天",
            ],
        ),
        ({}, 0, ["尚未公示收费标准"]),
        ({"full_day": 120_000}, 1, ["有1项未整改的严重合规问题"]),
        (
            {"full_day": 150_001},
            2,
            [
                "全日托收费1,500.01元/月，高于普惠价格上限1,500元/月",
                "有2项未整改的严重合规问题",
            ],
        ),
    ],
)
def test_inclusive_problems(fees, serious, expected):
    assert rules.inclusive_problems(fees_fen=fees, caps_fen=CAPS, serious_findings=serious) == (
        expected
    )


def test_an_administrators_cap_replaces_the_default():
    caps = {**CAPS, "full_day": 100_000}
    assert rules.inclusive_problems(
        fees_fen={"full_day": 100_001}, caps_fen=caps, serious_findings=0
    ) == ["全日托收费1,000.01元/月，高于普惠价格上限1,000元/月"]


@pytest.mark.parametrize(
    ("fen", "yuan"),
    [(0, "0"), (1, "0.01"), (150_000, "1,500"), (150_001, "1,500.01"), (12_345_670, "123,456.70")],
)
def test_fen_to_yuan(fen, yuan):
    assert rules.fen_to_yuan(fen) == yuan


@pytest.mark.parametrize(
    ("kind", "children", "fen"),
    [
        (InstitutionKind.INDEPENDENT, 1, 50_000),
        (InstitutionKind.INDEPENDENT, 40, 2_000_000),
        (InstitutionKind.KINDERGARTEN, 1, 30_000),
        (InstitutionKind.KINDERGARTEN, 40, 1_200_000),
        (InstitutionKind.EMPLOYER, 40, 2_000_000),
        (InstitutionKind.COMMUNITY, 40, 2_000_000),
        (InstitutionKind.INDEPENDENT, 0, 0),
    ],
)
def test_operating_subsidy_monthly_fen(kind, children, fen):
    assert rules.operating_subsidy_monthly_fen(kind, children) == fen


def test_every_care_type_has_a_label_a_unit_and_a_default_cap():
    assert set(rules.CARE_TYPE_LABELS) == set(rules.FEE_UNITS) == set(CareType)
    assert set(rules.DEFAULT_PRICE_CAPS_FEN) == set(CareType)


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        (119, []),
        (120, []),
        (
            121,
            [
                rules.Finding(
                    "institution_over_capacity",
                    rules.Severity.MAJOR,
                    "机构",
                    "在托121人，超过备案的核定托位120个。",
                    "121人",
                    "不超过120人",
                )
            ],
        ),
    ],
)
def test_institution_over_its_filed_places(children, expected):
    facts = rules.InstitutionFacts(
        today=dt.date(2026, 11, 25),
        capacity=120,
        classes=[rules.ClassFacts("大一班", rules.ClassKind.OLDER, children, 99)],
    )
    assert rules.institution_over_capacity(facts) == expected


# --------------------------------------------------------------------------- head, emergencies


def head(education: str = "college", years: int | None = 3, trained: bool = True) -> StaffFacts:
    return StaffFacts("张秀兰", "head", True, TODAY, TODAY, education, years, trained)


@pytest.mark.parametrize(
    ("staff", "message", "found"),
    [
        (head(), None, None),
        (head("bachelor", 10), None, None),
        (head("vocational"), "机构负责人张秀兰学历中专，低于大专。", "学历中专"),
        (head(years=2), "机构负责人张秀兰相关工作经历2年，不足3年。", "经历2年"),
        (head(trained=False), "机构负责人张秀兰未参加机构负责人培训。", "未培训"),
        (
            head("", None, False),
            "机构负责人张秀兰学历未登记，低于大专，相关工作经历未登记，不足3年，"
            "未参加机构负责人培训。",
            "学历未登记，经历未登记，未培训",
        ),
    ],
)
def test_head_qualification(staff, message, found):
    expected = (
        []
        if message is None
        else [
            rules.Finding(
                "head_qualification",
                rules.Severity.MAJOR,
                "人员：张秀兰",
                message,
                found,
                "大专及以上，3年以上经历，参加负责人培训",
            )
        ]
    )
    assert rules.head_qualification(facts(staff=[staff])) == expected


def test_a_caregiver_needs_no_head_qualification():
    caregiver = StaffFacts("刘芳", "caregiver", True, TODAY, TODAY)
    assert rules.head_qualification(facts(staff=[caregiver])) == []


@pytest.mark.parametrize(
    ("last_drill", "expected"),
    [
        (D(2026, 5, 25), []),  # exactly 6 months before 2026-11-25
        (
            D(2026, 5, 24),
            [
                rules.Finding(
                    "emergency_drill",
                    rules.Severity.MAJOR,
                    "安全：应急演练",
                    "最近一次应急演练在2026-05-24，应至少每6个月演练一次。",
                    "2026-05-24",
                    "6个月内",
                )
            ],
        ),
        (
            None,
            [
                rules.Finding(
                    "emergency_drill",
                    rules.Severity.MAJOR,
                    "安全：应急演练",
                    "没有应急演练记录，应至少每6个月演练一次。",
                    "无记录",
                    "6个月内",
                )
            ],
        ),
    ],
)
def test_emergency_drill_every_six_months(last_drill, expected):
    assert rules.emergency_preparedness(facts(last_drill_on=last_drill)) == expected


def test_a_missing_emergency_plan():
    assert rules.emergency_preparedness(facts(emergency_plan_on=None)) == [
        rules.Finding(
            "emergency_plan",
            rules.Severity.MAJOR,
            "安全：应急预案",
            "未制定突发事件应急预案。",
            "无预案",
            "制定应急预案",
        )
    ]
