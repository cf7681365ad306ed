"""Childcare policy: class standards, staffing, health and safety limits, filing materials,
inclusive recognition and operating subsidies, and the compliance rules built on them.

Pure functions, no database. Sources (RULES.md §2): 《托育机构设置标准（试行）》and
《托育机构管理规范（试行）》(国卫人口发〔2019〕58号), the filing rules (国卫办人口发〔2019〕25号),
WS/T 821—2023, and Shanxi's 2025 operating-subsidy rates. Every number is a constant here so
that a province or city raising a standard changes one line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from huimin.core import rules as core_rules

# --------------------------------------------------------------------------- classes (收托)


class ClassKind(StrEnum):
    INFANT = "infant"  # 乳儿班
    TODDLER = "toddler"  # 托小班
    OLDER = "older"  # 托大班
    MIXED = "mixed"  # 混合班


@dataclass(frozen=True)
class ClassStandard:
    label: str
    min_months: int  # inclusive
    max_months: int  # exclusive
    max_children: int
    children_per_carer: int


#: 《托育机构设置标准（试行）》第十条: 乳儿班 6–12 months, ≤10, 1:3; 托小班 12–24, ≤15, 1:5;
#: 托大班 24–36, ≤20, 1:7; 混合班 18 months and over, ≤18 (carer ratio 1:5: configurable
#: default, no authoritative figure found).
CLASS_STANDARDS: dict[ClassKind, ClassStandard] = {
    ClassKind.INFANT: ClassStandard("乳儿班", 6, 12, 10, 3),
    ClassKind.TODDLER: ClassStandard("托小班", 12, 24, 15, 5),
    ClassKind.OLDER: ClassStandard("托大班", 24, 36, 20, 7),
    ClassKind.MIXED: ClassStandard("混合班", 18, 36, 18, 5),
}

#: 《托育机构设置标准（试行）》: a full-time health worker from 150 children on.
HEALTH_WORKER_FROM_CHILDREN = 150
#: 《托育机构管理规范（试行）》: health certificate and criminal-record check before hiring and
#: every year.
HEALTH_CERT_VALID_MONTHS = 12
CRIMINAL_CHECK_VALID_MONTHS = 12
#: Food samples: at least 125 g per dish, kept at least 48 hours.
FOOD_SAMPLE_MIN_GRAMS = 125
FOOD_SAMPLE_MIN_HOURS = 48
#: 24-hour monitoring over all children's areas, recordings kept at least 90 days.
RECORDING_MIN_DAYS = 90
MONITORING_MIN_COVERAGE_PERCENT = 100
#: At least 2 hours outdoors a day.
OUTDOOR_MIN_MINUTES = 120
#: A child away for 3 months or more needs a new health check before returning.
RECHECK_AFTER_ABSENCE_MONTHS = 3
#: How many past days the daily-record rules look at.
DAILY_RULES_LOOKBACK_DAYS = 7


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (2024-02-29 + 12 → 2025-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_in_months(birth: dt.date, on: dt.date) -> int:
    """Completed months of age on a date."""
    months = (on.year - birth.year) * 12 + on.month - birth.month
    if on < add_months(birth, months):
        months -= 1
    return months


def carers_required(kind: ClassKind, children: int) -> int:
    return math.ceil(children / CLASS_STANDARDS[kind].children_per_carer) if children else 0


# --------------------------------------------------------------------------- filing (备案)

#: 国卫办人口发〔2019〕25号: the materials of a filing.
FILING_MATERIALS: dict[str, str] = {
    "business_licence": "营业执照或事业单位法人证书",
    "premises": "场地证明（自有产权证明，或3年以上租赁合同）",
    "staff_qualifications": "工作人员资格证书和健康合格证明",
    "health_evaluation": "卫生评价报告（结论为合格）",
    "fire_safety": "消防安全检查合格证明",
    "food_licence": "食品经营许可证（提供餐食的）",
}
PREMISES_MIN_LEASE_YEARS = 3
#: The county acknowledges a filing within 5 working days, or says what is missing within 15.
FILING_ACK_WORKING_DAYS = 5
FILING_RETURN_WORKING_DAYS = 15


def filing_materials_required(*, serves_meals: bool) -> list[str]:
    return [code for code in FILING_MATERIALS if code != "food_licence" or serves_meals]


def filing_problems(
    *, uploaded: Iterable[str], serves_meals: bool, premises_owned: bool, lease_years: int
) -> list[str]:
    """What stops a filing from being submitted, as Chinese clauses (no final stop, the caller
    joins them with "；"); empty when it may be submitted."""
    have = set(uploaded)
    problems = [
        f"缺少{FILING_MATERIALS[code]}"
        for code in filing_materials_required(serves_meals=serves_meals)
        if code not in have
    ]
    if not premises_owned and lease_years < PREMISES_MIN_LEASE_YEARS:
        problems.append(
            f"场地为租赁的，租期应不少于{PREMISES_MIN_LEASE_YEARS}年，当前填写为{lease_years}年"
        )
    return problems


# --------------------------------------------------------------------------- inclusive (普惠)


class CareType(StrEnum):
    FULL_DAY = "full_day"  # 全日托
    HALF_DAY = "half_day"  # 半日托
    HOURLY = "hourly"  # 计时托
    TEMPORARY = "temporary"  # 临时托


CARE_TYPE_LABELS = {
    CareType.FULL_DAY: "全日托",
    CareType.HALF_DAY: "半日托",
    CareType.HOURLY: "计时托",
    CareType.TEMPORARY: "临时托",
}

#: Inclusive price caps in fen (configurable default; the administrator's PriceCap table
#: overrides them, per care type), in the unit each fee is published in: FEE_UNITS.
DEFAULT_PRICE_CAPS_FEN: dict[CareType, int] = {
    CareType.FULL_DAY: 150_000,
    CareType.HALF_DAY: 90_000,
    CareType.HOURLY: 2_000,
    CareType.TEMPORARY: 10_000,
}
FEE_UNITS = {
    CareType.FULL_DAY: "元/月",
    CareType.HALF_DAY: "元/月",
    CareType.HOURLY: "元/小时",
    CareType.TEMPORARY: "元/天",
}
RECOGNITION_VALID_YEARS = 3  # configurable default
RENEWAL_WINDOW_DAYS = 90


class InstitutionKind(StrEnum):
    INDEPENDENT = "independent"
    KINDERGARTEN = "kindergarten"
    EMPLOYER = "employer"
    COMMUNITY = "community"


#: Shanxi 2025: 500 yuan per child per month in an independent institution, 300 in a
#: kindergarten's childcare class; employer-run and community institutions follow the
#: independent rate (configurable default).
OPERATING_SUBSIDY_MONTHLY_FEN: dict[InstitutionKind, int] = {
    InstitutionKind.INDEPENDENT: 50_000,
    InstitutionKind.KINDERGARTEN: 30_000,
    InstitutionKind.EMPLOYER: 50_000,
    InstitutionKind.COMMUNITY: 50_000,
}


def operating_subsidy_monthly_fen(kind: InstitutionKind, children_enrolled: int) -> int:
    """Children enrolled × the monthly rate of the institution type, in fen."""
    return children_enrolled * OPERATING_SUBSIDY_MONTHLY_FEN[kind]


def inclusive_problems(
    *, fees_fen: dict[str, int], caps_fen: dict[str, int], serious_findings: int
) -> list[str]:
    """Why an institution cannot be recognised as inclusive, as Chinese clauses (no final stop,
    the caller joins them with "；"); empty when it can."""
    problems = []
    for care_type, fee in sorted(fees_fen.items()):
        cap = caps_fen.get(care_type)
        if cap is not None and fee > cap:
            kind = CareType(care_type)
            label, unit = CARE_TYPE_LABELS[kind], FEE_UNITS[kind]
            problems.append(
                f"{label}收费{fen_to_yuan(fee)}{unit}，高于普惠价格上限{fen_to_yuan(cap)}{unit}"
            )
    if not fees_fen:
        problems.append("尚未公示收费标准")
    if serious_findings:
        problems.append(f"有{serious_findings}项未整改的严重合规问题")
    return problems


def fen_to_yuan(fen: int) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan:,}" if not cents else f"{yuan:,}.{cents:02d}"


# --------------------------------------------------------------------------- compliance


class Severity(StrEnum):
    SERIOUS = "serious"
    MAJOR = "major"
    MINOR = "minor"


SEVERITY_LABELS = {Severity.SERIOUS: "严重", Severity.MAJOR: "一般", Severity.MINOR: "轻微"}


@dataclass(frozen=True)
class ClassFacts:
    name: str
    kind: ClassKind
    children: int
    carers: int


@dataclass(frozen=True)
class ChildFacts:
    name: str
    class_name: str
    class_kind: ClassKind
    birth_date: dt.date


@dataclass(frozen=True)
class StaffFacts:
    name: str
    role: str  # head, caregiver, health_worker, cook, guard
    full_time: bool
    health_cert_on: dt.date | None
    criminal_check_on: dt.date | None
    education: str = ""
    experience_years: int | None = None
    head_training: bool = False


@dataclass(frozen=True)
class FoodSampleFacts:
    day: dt.date
    dish: str
    grams: int
    hours_kept: float


@dataclass(frozen=True)
class ReturnFacts:
    """A child back after an absence: the last day present before, the day of return, and
    whether a passed health check lies between them (or on the day of return)."""

    name: str
    last_present: dt.date
    returned: dt.date
    rechecked: bool


@dataclass(frozen=True)
class InstitutionFacts:
    today: dt.date
    capacity: int | None = None
    emergency_plan_on: dt.date | None = None
    last_drill_on: dt.date | None = None
    classes: list[ClassFacts] = field(default_factory=list)
    children: list[ChildFacts] = field(default_factory=list)
    staff: list[StaffFacts] = field(default_factory=list)
    present_without_morning_check: list[tuple[str, dt.date]] = field(default_factory=list)
    meal_days_without_sample: list[dt.date] = field(default_factory=list)
    food_samples: list[FoodSampleFacts] = field(default_factory=list)
    recording_retention_days: int | None = None
    monitoring_coverage_percent: int | None = None
    fire_safety_manager: str = ""
    returns: list[ReturnFacts] = field(default_factory=list)
    #: (class, day, minutes outdoors) for every class-day with children present; 0 when none
    #: was recorded.
    outdoor_minutes: list[tuple[str, dt.date, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    """One breach: the rule, whom it concerns, and the figure found against the one required."""

    rule: str
    severity: Severity
    subject: str
    message: str
    found: str
    required: str


Rule = Callable[[InstitutionFacts], list[Finding]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


@rule
def class_over_capacity(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构设置标准（试行）》第十条: 乳儿班 ≤10, 托小班 ≤15, 托大班 ≤20, 混合班 ≤18."""
    out = []
    for c in facts.classes:
        std = CLASS_STANDARDS[c.kind]
        if c.children > std.max_children:
            out.append(
                Finding(
                    "class_over_capacity",
                    Severity.SERIOUS,
                    f"班级：{c.name}",
                    f"{std.label}“{c.name}”在托{c.children}人，超过上限{std.max_children}人。",
                    f"{c.children}人",
                    f"不超过{std.max_children}人",
                )
            )
    return out


@rule
def carer_ratio(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构设置标准（试行）》第十条: carers to children 1:3 (乳儿班), 1:5 (托小班),
    1:7 (托大班); 混合班 1:5 (configurable default)."""
    out = []
    for c in facts.classes:
        need = carers_required(c.kind, c.children)
        if c.carers < need:
            std = CLASS_STANDARDS[c.kind]
            out.append(
                Finding(
                    "carer_ratio",
                    Severity.SERIOUS,
                    f"班级：{c.name}",
                    f"{std.label}“{c.name}”在托{c.children}人，保育人员{c.carers}名，"
                    f"低于1:{std.children_per_carer}的配比，至少需要{need}名。",
                    f"{c.carers}名",
                    f"至少{need}名",
                )
            )
    return out


@rule
def child_age_out_of_range(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构设置标准（试行）》第十条: 乳儿班 6–12 months, 托小班 12–24, 托大班 24–36,
    混合班 18 months and over (lower bound inclusive, upper exclusive)."""
    out = []
    for child in facts.children:
        std = CLASS_STANDARDS[child.class_kind]
        months = age_in_months(child.birth_date, facts.today)
        if not std.min_months <= months < std.max_months:
            out.append(
                Finding(
                    "child_age_out_of_range",
                    Severity.MAJOR,
                    f"幼儿：{child.name}",
                    f"{child.name}现{months}月龄，不在{std.label}“{child.class_name}”"
                    f"{std.min_months}至{std.max_months}月龄的范围内，请调整班级。",
                    f"{months}月龄",
                    f"{std.min_months}至{std.max_months}月龄（不含{std.max_months}）",
                )
            )
    return out


@rule
def institution_over_capacity(facts: InstitutionFacts) -> list[Finding]:
    """国卫办人口发〔2019〕25号: an institution takes no more children than the places it filed
    (核定托位数)."""
    total = sum(c.children for c in facts.classes)
    if facts.capacity is not None and total > facts.capacity:
        return [
            Finding(
                "institution_over_capacity",
                Severity.MAJOR,
                "机构",
                f"在托{total}人，超过备案的核定托位{facts.capacity}个。",
                f"{total}人",
                f"不超过{facts.capacity}人",
            )
        ]
    return []


@rule
def health_worker_required(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构设置标准（试行）》: a full-time health worker from 150 children on."""
    total = sum(c.children for c in facts.classes)
    has = any(s.role == "health_worker" and s.full_time for s in facts.staff)
    if total >= HEALTH_WORKER_FROM_CHILDREN and not has:
        return [
            Finding(
                "health_worker_required",
                Severity.MAJOR,
                "机构",
                f"在托{total}人，{HEALTH_WORKER_FROM_CHILDREN}人及以上须配备专职卫生保健人员，"
                "目前没有。",
                "0名专职卫生保健人员",
                "至少1名",
            )
        ]
    return []


def _expired(on: dt.date | None, months: int, today: dt.date) -> bool:
    """Missing, or ``months`` old: a check of 2025-11-01 is valid to 2026-10-31 and has expired
    on 2026-11-01 (the day the finding's message names)."""
    return on is None or add_months(on, months) <= today


@rule
def staff_health_certificate(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: a health certificate before hiring and every year."""
    out = []
    for s in facts.staff:
        if _expired(s.health_cert_on, HEALTH_CERT_VALID_MONTHS, facts.today):
            found = f"体检日期{s.health_cert_on}" if s.health_cert_on else "无健康证明"
            due = (
                add_months(s.health_cert_on, HEALTH_CERT_VALID_MONTHS) if s.health_cert_on else None
            )
            out.append(
                Finding(
                    "staff_health_certificate",
                    Severity.MAJOR,
                    f"人员：{s.name}",
                    f"{s.name}的健康证明"
                    + (f"已于{due}过期" if due else "未登记")
                    + "，须每年体检。",
                    found,
                    f"{HEALTH_CERT_VALID_MONTHS}个月内",
                )
            )
    return out


@rule
def staff_criminal_check(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: a criminal-record check before hiring and every year."""
    out = []
    for s in facts.staff:
        if _expired(s.criminal_check_on, CRIMINAL_CHECK_VALID_MONTHS, facts.today):
            found = f"查询日期{s.criminal_check_on}" if s.criminal_check_on else "无查询记录"
            due = (
                add_months(s.criminal_check_on, CRIMINAL_CHECK_VALID_MONTHS)
                if s.criminal_check_on
                else None
            )
            out.append(
                Finding(
                    "staff_criminal_check",
                    Severity.SERIOUS,
                    f"人员：{s.name}",
                    f"{s.name}的无犯罪记录查询"
                    + (f"已于{due}过期" if due else "未登记")
                    + "，须每年查询。",
                    found,
                    f"{CRIMINAL_CHECK_VALID_MONTHS}个月内",
                )
            )
    return out


@rule
def morning_check_missing(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: a morning check every day the child attends."""
    return [
        Finding(
            "morning_check_missing",
            Severity.MAJOR,
            f"幼儿：{name}（{day}）",
            f"{name}于{day}出勤，但没有晨检记录。",
            "无晨检",
            "出勤当日晨检",
        )
        for name, day in facts.present_without_morning_check
    ]


@rule
def food_sample(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: every dish sampled, at least 125 g, kept at least 48 hours."""
    out = [
        Finding(
            "food_sample_missing",
            Severity.MAJOR,
            f"留样：{day}",
            f"{day}提供餐食，但没有食品留样记录。",
            "无留样",
            "每餐每样留样",
        )
        for day in facts.meal_days_without_sample
    ]
    for s in facts.food_samples:
        if s.grams < FOOD_SAMPLE_MIN_GRAMS:
            out.append(
                Finding(
                    "food_sample_weight",
                    Severity.MAJOR,
                    f"留样：{s.day} {s.dish}",
                    f"{s.day}“{s.dish}”留样{s.grams}克，不足{FOOD_SAMPLE_MIN_GRAMS}克。",
                    f"{s.grams}克",
                    f"不少于{FOOD_SAMPLE_MIN_GRAMS}克",
                )
            )
        if s.hours_kept < FOOD_SAMPLE_MIN_HOURS:
            out.append(
                Finding(
                    "food_sample_hours",
                    Severity.MAJOR,
                    f"留样：{s.day} {s.dish}",
                    f"{s.day}“{s.dish}”留样只保存{s.hours_kept:g}小时，"
                    f"不足{FOOD_SAMPLE_MIN_HOURS}小时。",
                    f"{s.hours_kept:g}小时",
                    f"不少于{FOOD_SAMPLE_MIN_HOURS}小时",
                )
            )
    return out


@rule
def recording_retention(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: 24-hour monitoring of all children's areas, recordings kept
    at least 90 days."""
    out = []
    days = facts.recording_retention_days
    if days is None or days < RECORDING_MIN_DAYS:
        out.append(
            Finding(
                "recording_retention",
                Severity.SERIOUS,
                "安全：监控录像",
                f"未登记监控录像保存天数，应不少于{RECORDING_MIN_DAYS}天。"
                if days is None
                else f"监控录像保存{days}天，不足{RECORDING_MIN_DAYS}天。",
                "未登记" if days is None else f"{days}天",
                f"不少于{RECORDING_MIN_DAYS}天",
            )
        )
    coverage = facts.monitoring_coverage_percent
    if coverage is None or coverage < MONITORING_MIN_COVERAGE_PERCENT:
        out.append(
            Finding(
                "monitoring_coverage",
                Severity.MAJOR,
                "安全：监控覆盖",
                "未登记视频监控覆盖情况，婴幼儿活动区域应全覆盖。"
                if coverage is None
                else f"视频监控覆盖婴幼儿活动区域的{coverage}%，应全覆盖。",
                "未登记" if coverage is None else f"{coverage}%",
                f"{MONITORING_MIN_COVERAGE_PERCENT}%",
            )
        )
    return out


#: 《托育机构设置标准（试行）》: the head has 大专 or higher, 3 years of experience in childcare
#: or preschool education, and the head-of-institution training.
EDUCATION_LEVELS: dict[str, str] = {
    "secondary": "高中及以下",
    "vocational": "中专",
    "college": "大专",
    "bachelor": "本科",
    "postgraduate": "研究生",
}
HEAD_MIN_EDUCATION = "college"
HEAD_MIN_EXPERIENCE_YEARS = 3
#: Staff are adults (劳动法: no one under 16 is hired; childcare staff 18 and over, configurable
#: default).
STAFF_MIN_AGE_YEARS = 18
#: Emergency drills "regularly": every 6 months at the least (configurable default).
DRILL_INTERVAL_MONTHS = 6


@rule
def head_qualification(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构设置标准（试行）》: the head of the institution has 大专 or higher, at least 3
    years of experience, and the head-of-institution training."""
    levels = list(EDUCATION_LEVELS)
    out = []
    for s in facts.staff:
        if s.role != "head":
            continue
        gaps, found = [], []
        if s.education not in levels or levels.index(s.education) < levels.index(
            HEAD_MIN_EDUCATION
        ):
            shown = EDUCATION_LEVELS.get(s.education, "未登记")
            gaps.append(f"学历{shown}，低于大专")
            found.append(f"学历{shown}")
        if s.experience_years is None or s.experience_years < HEAD_MIN_EXPERIENCE_YEARS:
            shown = "未登记" if s.experience_years is None else f"{s.experience_years}年"
            gaps.append(f"相关工作经历{shown}，不足{HEAD_MIN_EXPERIENCE_YEARS}年")
            found.append(f"经历{shown}")
        if not s.head_training:
            gaps.append("未参加机构负责人培训")
            found.append("未培训")
        if gaps:
            out.append(
                Finding(
                    "head_qualification",
                    Severity.MAJOR,
                    f"人员：{s.name}",
                    f"机构负责人{s.name}" + "，".join(gaps) + "。",
                    "，".join(found),
                    f"大专及以上，{HEAD_MIN_EXPERIENCE_YEARS}年以上经历，参加负责人培训",
                )
            )
    return out


@rule
def emergency_preparedness(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: emergency plans, and drills held regularly (every 6 months at
    the least: configurable default)."""
    out = []
    if facts.emergency_plan_on is None:
        out.append(
            Finding(
                "emergency_plan",
                Severity.MAJOR,
                "安全：应急预案",
                "未制定突发事件应急预案。",
                "无预案",
                "制定应急预案",
            )
        )
    last = facts.last_drill_on
    if last is None or add_months(last, DRILL_INTERVAL_MONTHS) < facts.today:
        out.append(
            Finding(
                "emergency_drill",
                Severity.MAJOR,
                "安全：应急演练",
                (f"最近一次应急演练在{last}，" if last else "没有应急演练记录，")
                + f"应至少每{DRILL_INTERVAL_MONTHS}个月演练一次。",
                str(last) if last else "无记录",
                f"{DRILL_INTERVAL_MONTHS}个月内",
            )
        )
    return out


@rule
def fire_safety_manager(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: a named fire-safety manager."""
    if not facts.fire_safety_manager.strip():
        return [
            Finding(
                "fire_safety_manager",
                Severity.SERIOUS,
                "安全：消防",
                "未明确消防安全管理人。",
                "未指定",
                "指定1名",
            )
        ]
    return []


@rule
def recheck_after_absence(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: a child away for 3 months or more has a new health check
    before returning."""
    out = []
    for r in facts.returns:
        away_long = add_months(r.last_present, RECHECK_AFTER_ABSENCE_MONTHS) <= r.returned
        if away_long and not r.rechecked:
            out.append(
                Finding(
                    "recheck_after_absence",
                    Severity.MAJOR,
                    f"幼儿：{r.name}",
                    f"{r.name}{r.last_present}后离园，{r.returned}返园，离园满"
                    f"{RECHECK_AFTER_ABSENCE_MONTHS}个月，返园前没有重新健康检查。",
                    f"离园{(r.returned - r.last_present).days}天，未复查",
                    f"离园满{RECHECK_AFTER_ABSENCE_MONTHS}个月须复查",
                )
            )
    return out


@rule
def outdoor_time(facts: InstitutionFacts) -> list[Finding]:
    """《托育机构管理规范（试行）》: at least 2 hours outdoors a day (weather permitting)."""
    return [
        Finding(
            "outdoor_time",
            Severity.MINOR,
            f"班级：{name}（{day}）",
            f"“{name}”{day}户外活动{minutes}分钟，不足{OUTDOOR_MIN_MINUTES}分钟。",
            f"{minutes}分钟",
            f"不少于{OUTDOOR_MIN_MINUTES}分钟",
        )
        for name, day, minutes in facts.outdoor_minutes
        if minutes < OUTDOOR_MIN_MINUTES
    ]


RULE_LABELS: dict[str, str] = {
    "class_over_capacity": "班级超员",
    "carer_ratio": "保育人员配比不足",
    "child_age_out_of_range": "幼儿月龄与班级不符",
    "institution_over_capacity": "超过核定托位",
    "health_worker_required": "缺少专职卫生保健人员",
    "staff_health_certificate": "健康证明过期",
    "staff_criminal_check": "无犯罪记录查询过期",
    "morning_check_missing": "出勤未晨检",
    "food_sample_missing": "缺少食品留样",
    "food_sample_weight": "留样重量不足",
    "food_sample_hours": "留样时间不足",
    "recording_retention": "监控录像保存不足",
    "monitoring_coverage": "监控未全覆盖",
    "fire_safety_manager": "未明确消防安全管理人",
    "head_qualification": "机构负责人资质不符",
    "emergency_plan": "缺少应急预案",
    "emergency_drill": "应急演练不足",
    "recheck_after_absence": "长期离园返园未复查",
    "outdoor_time": "户外活动不足",
}


def compliance_evaluate(facts: InstitutionFacts) -> list[Finding]:
    """Every rule of RULES.md §2 applied to one institution's facts."""
    return [finding for check in RULES for finding in check(facts)]


# --------------------------------------------------------------------------- plausible dates
# Dates that cannot be are refused as the subsidy's forms refuse them (core's rules): no
# enrolment before the child's birth or in the future, adults as guardians, a father's ID
# showing a man and a mother's a woman, no hiring in the future.

#: The sex a guardian's resident ID must show for the relation entered ("M"/"F"), as the
#: subsidy's Relation.SEX; 其他监护人 may be either.
GUARDIAN_SEX = {"父亲": "M", "母亲": "F", "祖父": "M", "外祖父": "M", "祖母": "F", "外祖母": "F"}


def enrollment_problems(
    *,
    enrolled_on: dt.date,
    agreement_signed_on: dt.date,
    admission_check_on: dt.date,
    child_birth: dt.date,
    guardian_birth: dt.date,
    guardian_sex: str,
    relation: str,
    same_person: bool,
    today: dt.date,
) -> dict[str, str]:
    """What cannot be in an enrolment, by form field (empty when all can): the enrolment day
    or the admission check after today, before 1950 or before the child's birth, the
    agreement after today or before 1950; a guardian who is the child, not an adult today, or
    whose ID shows the other sex than the relation says."""
    problems = {}
    for field_name, label, day, born in (
        ("enrolled_on", "入托日期", enrolled_on, child_birth),
        ("admission_check_on", "入托体检日期", admission_check_on, child_birth),
        ("agreement_signed_on", "服务协议签订日期", agreement_signed_on, None),
    ):
        message = core_rules.event_date_problem(label, day, today=today, born=born, whose="幼儿")
        if message:
            problems[field_name] = message
    if same_person:
        problems["guardian_resident_id"] = (
            "监护人不能是幼儿本人，请填写父母或其他监护人的身份证号。"
        )
        return problems
    adult = core_rules.adult_problem("监护人", guardian_birth, today)
    if adult:
        problems["guardian_resident_id"] = adult
    expected = GUARDIAN_SEX.get(relation)
    if expected and guardian_sex != expected:
        shown = "男性" if guardian_sex == "M" else "女性"
        problems["guardian_relation"] = (
            f"监护人的身份证号码显示为{shown}，与“{relation}”不符，请核对关系或监护人身份证号码。"
        )
    return problems


def staff_date_problems(
    *, hired_on: dt.date, left_on: dt.date | None = None, today: dt.date
) -> dict[str, str]:
    """What cannot be in a staff member's dates, by form field: hired or left after today or
    before 1950 (the age at hiring is checked against the person's birth separately)."""
    problems = {}
    for field_name, label, day in (
        ("hired_on", "入职日期", hired_on),
        ("left_on", "离职日期", left_on),
    ):
        if day is not None and (message := core_rules.event_date_problem(label, day, today=today)):
            problems[field_name] = message
    return problems
