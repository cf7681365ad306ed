"""Pure policy of the disability certificate home service (残疾人证上门办证).

No database here. Every number of ../shared/docs/RULES.md §6 is a named setting below.
Sources: 《中华人民共和国残疾人证管理办法》(2018) for the certificate number (the resident ID
followed by the category and grade digits), its 10-year validity and the posting; GB/T
26341—2010 (残疾人残疾分类和分级) for the categories and grades; the reference federation's
practice (15 working days from the visit) for the service's clock, a configurable default.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from huimin.core import rules as core_rules

# --------------------------------------------------------------------------- categories, grades


class Category(IntEnum):
    """GB/T 26341—2010 categories; 7 is a multiple disability (多重残疾)."""

    VISION = 1
    HEARING = 2
    SPEECH = 3
    PHYSICAL = 4
    INTELLECTUAL = 5
    MENTAL = 6
    MULTIPLE = 7


CATEGORY_NAMES: dict[int, str] = {
    1: "视力残疾",
    2: "听力残疾",
    3: "言语残疾",
    4: "肢体残疾",
    5: "智力残疾",
    6: "精神残疾",
    7: "多重残疾",
}
#: The categories a doctor records per impairment (7 is only ever the result of several).
SINGLE_CATEGORIES = (1, 2, 3, 4, 5, 6)
#: Grades 1 (most severe) to 4.
GRADE_MOST_SEVERE = 1
GRADE_LEAST_SEVERE = 4
GRADE_NAMES: dict[int, str] = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
#: Grades counted as severe disability (重度残疾) for the priority queue and benefits.
SEVERE_GRADES = frozenset({1, 2})

# --------------------------------------------------------------------------- the clock

#: The whole home service completes within 15 working days of the visit (configurable).
SERVICE_WORKING_DAYS = 15
#: A qualifying result is posted publicly for 5 working days.
POSTING_WORKING_DAYS = 5
#: The county reviews within 10 working days of the posting's end.
REVIEW_WORKING_DAYS = 10
#: An objection may be raised within 10 working days of the posting's first day.
OBJECTION_WORKING_DAYS = 10
#: A certificate is valid 10 years.
VALIDITY_YEARS = 10
#: Renewal (换证) may be applied for within 180 days before expiry (configurable default).
RENEWAL_WINDOW_DAYS = 180

# --------------------------------------------------------------------------- priority

#: Age from which a carer is elderly (以老养残).
ELDERLY_CARER_AGE = 60


class Flag(StrEnum):
    MULTIPLE_IN_HOUSEHOLD = "multiple_in_household"  # 一户多残 (computed from the registry)
    ELDERLY_CARER = "elderly_carer"  # 以老养残
    SEVERE = "severe"  # 重度残疾
    LIVING_ALONE = "living_alone"  # 独居
    BEDRIDDEN = "bedridden"  # 卧床


FLAG_NAMES: dict[str, str] = {
    Flag.MULTIPLE_IN_HOUSEHOLD: "一户多残",
    Flag.ELDERLY_CARER: "以老养残",
    Flag.SEVERE: "重度残疾",
    Flag.LIVING_ALONE: "独居",
    Flag.BEDRIDDEN: "长期卧床",
}
#: Weight of each flag in the queue's priority (higher first); the three priority households
#: of RULES.md §6 weigh most, then the conditions that make travel impossible.
PRIORITY_WEIGHTS: dict[str, int] = {
    Flag.MULTIPLE_IN_HOUSEHOLD: 8,
    Flag.ELDERLY_CARER: 8,
    Flag.SEVERE: 8,
    Flag.BEDRIDDEN: 4,
    Flag.LIVING_ALONE: 2,
}

# --------------------------------------------------------------------------- photos

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
PHOTOS_MAX_PER_CASE = 9

# --------------------------------------------------------------------------- errors


class AssessmentError(ValueError):
    """A category or grade the rules refuse; the message says what to fix."""


@dataclass(frozen=True)
class Impairment:
    category: int
    grade: int


def impairment_check(category: int, grade: int) -> Impairment:
    """A single impairment: category 1–6 and grade 1–4. Raises AssessmentError."""
    if category == Category.MULTIPLE:
        raise AssessmentError(
            "类别7（多重残疾）不单独评定：请分别评定每一种残疾，系统按最重的等级确定多重残疾。"
        )
    if category not in SINGLE_CATEGORIES:
        raise AssessmentError(f"残疾类别应为1至6（1视力…6精神），您填写的是“{category}”。")
    if not GRADE_MOST_SEVERE <= grade <= GRADE_LEAST_SEVERE:
        raise AssessmentError(f"残疾等级应为1至4（1级最重），您填写的是“{grade}”。")
    return Impairment(category, grade)


def overall(impairments: Iterable[Impairment]) -> Impairment:
    """The certificate's category and grade: one impairment gives its own; several (of
    different categories) give category 7 with the most severe grade (the smallest number).
    The same category twice keeps that category at its most severe grade. Raises
    AssessmentError when there is none."""
    items = list(impairments)
    if not items:
        raise AssessmentError("请至少评定一种残疾的类别和等级。")
    grade = min(i.grade for i in items)
    categories = {i.category for i in items}
    category = next(iter(categories)) if len(categories) == 1 else int(Category.MULTIPLE)
    return Impairment(category, grade)


def certificate_number(resident_id: str, impairments: Iterable[Impairment]) -> str:
    """The 20-character certificate number: the 18-character resident ID (a final x written
    X) + the category digit + the grade digit (《残疾人证管理办法》). Raises
    core.rules.ResidentIdError, AssessmentError."""
    parsed = core_rules.resident_id_parse(resident_id, today=dt.date.max)
    result = overall(impairments)
    return f"{parsed.number}{result.category}{result.grade}"


def certificate_number_masked(number: str) -> str:
    """A certificate number on a page or in the API: the resident ID masked as everywhere
    (core.rules.mask_resident_id), then the category and grade digits."""
    return core_rules.mask_resident_id(number[:18]) + number[18:]


def impairment_parse(token: str) -> Impairment:
    """``"4-2"`` (category-grade, as the CLI and forms write it). Raises AssessmentError."""
    raw = unicodedata.normalize("NFKC", token or "").strip()
    for dash in core_rules.DASHES:
        raw = raw.replace(dash, "-")
    parts = raw.split("-")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise AssessmentError(f"“{token}”格式不对：请写成“类别-等级”，如“4-2”表示肢体残疾二级。")
    return impairment_check(int(parts[0]), int(parts[1]))


# --------------------------------------------------------------------------- priority


@dataclass(frozen=True)
class Priority:
    score: int
    reasons: tuple[str, ...]  # the flags' codes, most weighty first


def priority(flags: Iterable[str]) -> Priority:
    """The queue's priority of a request from its flags: the sum of their weights, and the
    flags as reasons (heaviest first). Unknown flags are ignored."""
    present = sorted(
        {f for f in flags if f in PRIORITY_WEIGHTS},
        key=lambda f: (-PRIORITY_WEIGHTS[f], list(PRIORITY_WEIGHTS).index(f)),
    )
    return Priority(sum(PRIORITY_WEIGHTS[f] for f in present), tuple(present))


def reasons_text(reasons: Iterable[str]) -> str:
    return "、".join(FLAG_NAMES.get(r, r) for r in reasons)


def multiple_in_household(disabled_others: int) -> bool:
    """一户多残: the person and at least one other household member are disabled."""
    return disabled_others >= 1


def elderly(birth_date: dt.date, on: dt.date) -> bool:
    return core_rules.age_years(birth_date, on) >= ELDERLY_CARER_AGE


# --------------------------------------------------------------------------- certificates


def valid_until(issued_on: dt.date) -> dt.date:
    """The last day of validity: 10 years after issue, less a day (29 Feb → 28 Feb)."""
    year = issued_on.year + VALIDITY_YEARS
    try:
        end = issued_on.replace(year=year)
    except ValueError:
        end = dt.date(year, 3, 1)
    return end - dt.timedelta(days=1)


def renewal_open(valid_until_day: dt.date, today: dt.date) -> bool:
    """A renewal may be applied for from 180 days before expiry (and after it)."""
    return today >= valid_until_day - dt.timedelta(days=RENEWAL_WINDOW_DAYS)


# --------------------------------------------------------------------------- benefits


@dataclass(frozen=True)
class BenefitTerms:
    """Who a benefit (policy item) is for: empty categories = all; grades inclusive;
    ages inclusive, None = no bound; ``multiple_household_only`` = 一户多残 households."""

    categories: tuple[int, ...]
    grade_min: int  # the most severe grade it covers (1)
    grade_max: int  # the least severe grade it covers (4)
    age_min: int | None
    age_max: int | None
    multiple_household_only: bool


def benefit_applies(
    terms: BenefitTerms, *, category: int, grade: int, age: int, multiple_household: bool
) -> bool:
    """Whether a person with this result, age and household qualifies for a benefit."""
    if terms.categories and category not in terms.categories:
        return False
    if not terms.grade_min <= grade <= terms.grade_max:
        return False
    if terms.age_min is not None and age < terms.age_min:
        return False
    if terms.age_max is not None and age > terms.age_max:
        return False
    return not (terms.multiple_household_only and not multiple_household)


#: The policy list an administrator starts from (each with its source document).
BENEFITS_DEFAULT: tuple[
    tuple[str, str, str, tuple[int, ...], int, int, int | None, int | None, bool], ...
] = (  # noqa: E501
    (
        "困难残疾人生活补贴",
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        "低保家庭中的残疾人按月领取生活补贴，向村（社区）申请。",
        (),
        1,
        4,
        None,
        None,
        False,
    ),
    (
        "重度残疾人护理补贴",
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        "残疾等级为一级、二级的重度残疾人按月领取护理补贴。",
        (),
        1,
        2,
        None,
        None,
        False,
    ),
    (
        "重度残疾人参加城乡居民基本养老保险代缴",
        "《关于进一步做好困难群体城乡居民基本养老保险参保缴费工作的通知》",
        "政府为重度残疾人代缴最低档次养老保险费（16至59周岁）。",
        (),
        1,
        2,
        16,
        59,
        False,
    ),
    (
        "残疾儿童康复救助",
        "《国务院关于建立残疾儿童康复救助制度的意见》（国发〔2018〕20号）",
        "0至6岁视力、听力、言语、肢体、智力残疾儿童和孤独症儿童的康复训练、辅助器具。",
        (1, 2, 3, 4, 5, 7),
        1,
        4,
        0,
        6,
        False,
    ),
    (
        "基本型辅助器具适配",
        "《山西省残疾人辅助器具适配补贴办法》",
        "肢体、视力、听力残疾人可申请轮椅、助行器、助视器、助听器等基本型辅具。",
        (1, 2, 4, 7),
        1,
        4,
        None,
        None,
        False,
    ),
    (
        "精神残疾人基本药物补贴",
        "《山西省贫困精神障碍患者免费服药工作方案》",
        "精神残疾人可申请基本药物费用补贴。",
        (6,),
        1,
        4,
        None,
        None,
        False,
    ),
    (
        "一户多残家庭重点帮扶",
        "《山西省残疾人联合会关于做好一户多残、以老养残家庭帮扶工作的通知》",
        "一户多残家庭纳入重点帮扶台账，优先安排居家托养和无障碍改造。",
        (),
        1,
        4,
        None,
        None,
        True,
    ),
)
