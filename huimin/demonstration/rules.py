"""Pure policy of demonstration institutions (示范托育机构), the workforce's training and the
policy library.

No database here. Every number of ../shared/docs/RULES.md §2 ("Demonstration institutions",
"Staff") is a named setting below. Sources: WS/T 821—2023 《托育机构质量评估标准》 (7 dimensions,
1,000 points, grades A–D, one-vote vetoes); 《运城市普惠托育机构认定扶持实施办法》 and
《运城市试点托育机构评估细则》 as the newspaper reports them (a one-time award of at least
50,000 yuan to each passing city-level demonstration institution). Figures marked
*configurable default* have no authoritative text found: a round or rubric states its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

# --------------------------------------------------------------------------- awards

#: A passing city-level demonstration institution earns a one-time award of at least
#: 50,000 yuan (in fen).
CITY_AWARD_MIN_FEN = 50_000_00
#: A provincial-level round is the province's title: the city pays no award for it.
PROVINCIAL_AWARD_FEN = 0

# --------------------------------------------------------------------------- rubric

#: WS/T 821 shape: the points of a whole rubric and its number of dimensions.
RUBRIC_TOTAL_POINTS = 1000
RUBRIC_DIMENSIONS = 7
#: Grade cuts (configurable default per rubric): A from 900, B from 800, C from 600, else D.
GRADE_A_MIN = 900
GRADE_B_MIN = 800
GRADE_C_MIN = 600
#: The pass mark of a demonstration evaluation (configurable default per rubric).
PASS_MARK = 850

# --------------------------------------------------------------------------- scoring

#: Evaluators per application: at least 3 (configurable default).
EVALUATORS_MIN = 3
#: With this many evaluators or more, the trimmed rule drops the highest and lowest total.
TRIM_FROM_EVALUATORS = 5
#: Scores and the combined score are kept to one decimal, rounded half up.
SCORE_PLACES = Decimal("0.1")

# --------------------------------------------------------------------------- eligibility

#: A serious finding within this many days before the application is a veto condition.
VETO_FINDING_LOOKBACK_DAYS = 365
#: Credit levels that bar an application (supervision's credit rating).
CREDIT_LEVELS_BARRED = frozenset({"D"})

# --------------------------------------------------------------------------- title

#: A demonstration title lasts this many years from the city's approval (configurable default).
TITLE_YEARS = 3

# --------------------------------------------------------------------------- workforce

#: Training hours each staff member should complete in a calendar year (configurable default).
TRAINING_HOURS_PER_YEAR = 72
#: Course hours allowed per course.
COURSE_HOURS_MAX = 500

# --------------------------------------------------------------------------- policy library

#: The trigram tokenizer (SQLite FTS5, pg_trgm) cannot index a query shorter than this many
#: characters: a 1- or 2-character word (托育, 补贴) is searched by ``LIKE`` instead, on the
#: titles and summaries only (the library is small: hundreds of documents, not millions).
SEARCH_TRIGRAM_MIN_CHARS = 3
#: A policy published within this many days is "new" on an operator's home page.
POLICY_NEW_DAYS = 90


class Level(StrEnum):
    PROVINCIAL = "provincial"
    CITY = "city"


class Combine(StrEnum):
    MEAN = "mean"
    TRIMMED = "trimmed"  # drop highest and lowest with TRIM_FROM_EVALUATORS or more


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


def award_problem(level: str, award_fen: int) -> str:
    """Why a round's award is wrong (empty when it is right)."""
    if level == Level.CITY and award_fen < CITY_AWARD_MIN_FEN:
        return f"市级示范托育机构的一次性奖励不低于{CITY_AWARD_MIN_FEN // 100:,}元。"
    if award_fen < 0:
        return "奖励金额不能为负数。"
    return ""


def score_round(value: Decimal) -> Decimal:
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Combined:
    """A combined score and how it was reached: every total counted and those dropped."""

    score: Decimal
    rule: str
    counted: tuple[Decimal, ...]
    dropped: tuple[Decimal, ...]


def combine(totals: list[Decimal], rule: str) -> Combined:
    """The application's score from its evaluators' totals by the round's rule: the mean, or
    (trimmed) the mean after dropping the highest and the lowest total when there are
    TRIM_FROM_EVALUATORS or more. Rounded half up to one decimal. Raises ValueError on none."""
    if not totals:
        raise ValueError("没有评分。")
    ordered = sorted(totals)
    dropped: tuple[Decimal, ...] = ()
    counted = tuple(ordered)
    if rule == Combine.TRIMMED and len(ordered) >= TRIM_FROM_EVALUATORS:
        dropped = (ordered[0], ordered[-1])
        counted = tuple(ordered[1:-1])
    mean = sum(counted, Decimal(0)) / len(counted)
    return Combined(score=score_round(mean), rule=rule, counted=counted, dropped=dropped)


def grade_for(score: Decimal, *, a_min: int, b_min: int, c_min: int) -> Grade:
    if score >= a_min:
        return Grade.A
    if score >= b_min:
        return Grade.B
    if score >= c_min:
        return Grade.C
    return Grade.D


# --------------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class EligibilityFacts:
    filed: bool
    inclusive: bool
    serious_findings_last_year: int
    credit_level: str  # "" when never rated


@dataclass(frozen=True)
class Refusal:
    """Why an application is not eligible: a stable code and its parameters."""

    code: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return REFUSAL_MESSAGES[self.code].format(**self.params)


REFUSAL_MESSAGES = {
    "not_filed": "机构尚未备案：示范创建只面向已备案的托育机构。",
    "not_inclusive": "机构不是有效期内的普惠托育机构。",
    "veto_finding": "近{days}天内有{n}项严重问题（一票否决）。",
    "credit_barred": "诚信评价等级为{level}级，不得申报。",
}


def eligibility_refusals(facts: EligibilityFacts) -> list[Refusal]:
    """What bars an application, checked automatically (RULES.md §2): filed, inclusive, no
    veto condition (a serious finding in the last year), credit level not D."""
    refusals = []
    if not facts.filed:
        refusals.append(Refusal("not_filed"))
    if not facts.inclusive:
        refusals.append(Refusal("not_inclusive"))
    if facts.serious_findings_last_year:
        refusals.append(
            Refusal(
                "veto_finding",
                {"days": VETO_FINDING_LOOKBACK_DAYS, "n": facts.serious_findings_last_year},
            )
        )
    if facts.credit_level in CREDIT_LEVELS_BARRED:
        refusals.append(Refusal("credit_barred", {"level": facts.credit_level}))
    return refusals


# --------------------------------------------------------------------------- default rubric

#: A rubric shaped like WS/T 821—2023: 7 dimensions, 1,000 points; each item (code, text,
#: points). Veto items (一票否决) carry no points: any evaluator marking one fails the
#: application whatever its score.
RUBRIC_DEFAULT: tuple[tuple[str, int, tuple[tuple[str, str, int], ...]], ...] = (
    (
        "办托条件",
        150,
        (
            ("1.1", "场地面积、功能分区符合设置标准", 60),
            ("1.2", "设施设备、玩教具适宜婴幼儿", 50),
            ("1.3", "户外活动场地及安全防护", 40),
        ),
    ),
    (
        "托育队伍",
        150,
        (
            ("2.1", "负责人资质与机构负责人培训", 40),
            ("2.2", "保育人员配备比例与资格", 60),
            ("2.3", "在岗培训学时与持证情况", 50),
        ),
    ),
    (
        "保育照护",
        200,
        (
            ("3.1", "一日生活安排与回应性照护", 80),
            ("3.2", "早期学习机会与游戏活动", 70),
            ("3.3", "观察记录与个别化照护", 50),
        ),
    ),
    (
        "卫生保健",
        150,
        (
            ("4.1", "晨午检、全日健康观察与缺勤追踪", 50),
            ("4.2", "膳食营养与食品留样", 50),
            ("4.3", "传染病防控与消毒", 50),
        ),
    ),
    (
        "养育支持",
        100,
        (
            ("5.1", "家长沟通与科学育儿指导", 60),
            ("5.2", "社区服务与医育结合", 40),
        ),
    ),
    (
        "安全保障",
        150,
        (
            ("6.1", "全覆盖视频监控与录像保存", 50),
            ("6.2", "消防安全、应急预案与演练", 60),
            ("6.3", "接送交接与安全防护", 40),
        ),
    ),
    (
        "机构管理",
        100,
        (
            ("7.1", "备案、收费公示与服务协议", 50),
            ("7.2", "内部管理制度与档案", 50),
        ),
    ),
)

#: One-vote veto items of the default rubric (code, text).
VETOES_DEFAULT: tuple[tuple[str, str], ...] = (
    ("V1", "近一年发生严重安全责任事故"),
    ("V2", "存在虐待、伤害婴幼儿等侵害其权益的行为"),
    ("V3", "提供虚假申报材料"),
)


def rubric_default_problems() -> list[str]:
    """The default rubric is WS/T 821-shaped: its dimensions add up to the total and each
    dimension's items to the dimension's points."""
    problems = []
    if len(RUBRIC_DEFAULT) != RUBRIC_DIMENSIONS:
        problems.append("dimensions")
    if sum(points for _name, points, _items in RUBRIC_DEFAULT) != RUBRIC_TOTAL_POINTS:
        problems.append("total")
    for name, points, items in RUBRIC_DEFAULT:
        if sum(p for _c, _t, p in items) != points:
            problems.append(name)
    return problems


# --------------------------------------------------------------------------- workforce


@dataclass(frozen=True)
class HoursShort:
    staff_id: int
    hours: int
    required: int

    @property
    def missing(self) -> int:
        return max(self.required - self.hours, 0)


def hours_short(
    hours_by_staff: dict[int, int], required: int = TRAINING_HOURS_PER_YEAR
) -> list[HoursShort]:
    """The staff whose hours in a year fall short of the requirement, most missing first."""
    short = [
        HoursShort(staff_id, hours, required)
        for staff_id, hours in hours_by_staff.items()
        if hours < required
    ]
    return sorted(short, key=lambda s: (-s.missing, s.staff_id))


def search_uses_trigram(query: str) -> bool:
    """A query of 3 or more characters goes to the trigram index; shorter ones cannot."""
    return len(query.strip()) >= SEARCH_TRIGRAM_MIN_CHARS
