"""Pure policy of supervision (双随机、一公开): the published risk-weight table, the
reproducible draw, the credit formula, letter numbers and deadlines. No database here.

RULES.md §3. The draw is a function of its inputs only: the seed (fixed and published when
the plan is locked, before any draw), the candidate pool and the inspector pool. Anyone who
has the published record can re-run ``draw`` and must get the same targets and inspectors;
``pool_hash`` fingerprints the exact pools so a changed candidate is noticed.

How the draw works (written for the public page, too):

1. ``seed = SHA-256("huimin-draw-v1|" + canonical plan contents + "|" + public value)``.
2. Targets: within each stratum, every candidate ``i`` gets ``u_i`` = the first 8 bytes of
   ``SHA-256(seed|"target"|id)`` read as a fraction in (0, 1), and the key
   ``ln(u_i) / w_i`` with its published weight ``w_i``; the ``k`` largest keys are drawn
   (weighted sampling without replacement, Efraimidis–Spirakis). A candidate of weight 2 is
   twice as likely as one of weight 1 to be the first drawn.
3. Inspectors: for each drawn target, in the order drawn, the inspectors eligible for it
   (their regions cover its region; no declared conflict with it) are ordered by
   ``SHA-256(seed|"inspector"|target id|inspector id)`` and the first ``m`` taken.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum

DRAW_ALGORITHM = "huimin-draw-v1"

#: At least this many inspectors per inspection (RULES.md §3).
MIN_INSPECTORS_PER_TARGET = 2
MAX_INSPECTORS_PER_TARGET = 5

#: Results are published within this many working days of the inspection (RULES.md §3).
PUBLISH_WORKING_DAYS = 20

#: Rectification deadline of an opinion letter, in working days: default and bounds.
RECTIFY_WORKING_DAYS_DEFAULT = 15
RECTIFY_WORKING_DAYS_MIN = 1
RECTIFY_WORKING_DAYS_MAX = 60

#: Look-back windows of the weight table and the credit formula.
COMPLAINT_WINDOW_DAYS = 365
CREDIT_WINDOW_DAYS = 730


# --------------------------------------------------------------------------- risk weights


class CreditLevel(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


@dataclass(frozen=True)
class WeightRow:
    code: str
    label: str
    weight: int


#: The published weight table: a candidate's weight is 1 plus every row that applies.
WEIGHT_BASE = 1
WEIGHT_TABLE: tuple[WeightRow, ...] = (
    WeightRow("open_findings", "有未整改的合规问题", 1),
    WeightRow("serious_findings", "有未整改的严重合规问题", 1),
    WeightRow("complaints", "近一年有投诉", 1),
    WeightRow("overdue_letters", "有逾期未整改的监督意见书", 1),
    WeightRow("credit_c", "诚信等级为C", 1),
    WeightRow("credit_d", "诚信等级为D", 2),
)
WEIGHT_LABELS = {row.code: row.label for row in WEIGHT_TABLE}


@dataclass(frozen=True)
class RiskFacts:
    open_findings: int = 0
    serious_findings: int = 0
    complaints: int = 0  # in the last COMPLAINT_WINDOW_DAYS
    overdue_letters: int = 0
    credit_level: str = ""


def risk_reasons(facts: RiskFacts) -> tuple[str, ...]:
    """The codes of the weight-table rows that apply, in table order."""
    applies = {
        "open_findings": facts.open_findings > 0,
        "serious_findings": facts.serious_findings > 0,
        "complaints": facts.complaints > 0,
        "overdue_letters": facts.overdue_letters > 0,
        "credit_c": facts.credit_level == CreditLevel.C,
        "credit_d": facts.credit_level == CreditLevel.D,
    }
    return tuple(row.code for row in WEIGHT_TABLE if applies[row.code])


def risk_weight(reasons: Iterable[str]) -> int:
    weights = {row.code: row.weight for row in WEIGHT_TABLE}
    return WEIGHT_BASE + sum(weights[code] for code in reasons)


def risk_tier(weight: int) -> str:
    """The risk stratum: 高风险 when any weight row applies."""
    return "high" if weight > WEIGHT_BASE else "normal"


RISK_TIER_LABELS = {"high": "重点（有风险因素）", "normal": "一般"}


# --------------------------------------------------------------------------- the draw


class DrawError(ValueError):
    """A draw that cannot be made as planned; the message says what to change."""


@dataclass(frozen=True)
class Candidate:
    id: int
    region_path: str
    county: str  # county code, for strata
    weight: int
    reasons: tuple[str, ...] = ()

    def stratum(self, *, by_county: bool, by_risk: bool) -> str:
        parts = []
        if by_county:
            parts.append(self.county)
        if by_risk:
            parts.append(risk_tier(self.weight))
        return "/".join(parts) or "all"


@dataclass(frozen=True)
class InspectorEntry:
    id: int
    region_paths: tuple[str, ...]
    conflicts: tuple[int, ...] = ()  # institution ids

    def eligible_for(self, candidate: Candidate) -> bool:
        return candidate.id not in self.conflicts and any(
            candidate.region_path.startswith(path) for path in self.region_paths
        )


@dataclass(frozen=True)
class PlanSpec:
    """What a plan fixes before the draw; canonical text of it goes into the seed."""

    plan_id: int
    region_code: str
    target_count: int | None  # either a number …
    target_percent: int | None  # … or a share of each stratum, 1–100
    inspectors_per_target: int
    by_county: bool
    by_risk: bool
    filters: dict[str, str] = field(default_factory=dict)

    def canonical(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Assignment:
    target: int
    stratum: str
    order: int
    inspectors: tuple[int, ...]


def plan_check(spec: PlanSpec) -> dict[str, str]:
    """Field errors of a plan, empty when it can be locked."""
    errors: dict[str, str] = {}
    if (spec.target_count is None) == (spec.target_percent is None):
        errors["target_count"] = "请填写抽取数量或抽取比例中的一项（只填一项）。"
    if spec.target_count is not None and spec.target_count < 1:
        errors["target_count"] = "抽取数量至少为1家。"
    if spec.target_percent is not None and not 1 <= spec.target_percent <= 100:
        errors["target_percent"] = "抽取比例应在1%至100%之间。"
    if not MIN_INSPECTORS_PER_TARGET <= spec.inspectors_per_target <= MAX_INSPECTORS_PER_TARGET:
        errors["inspectors_per_target"] = (
            f"每个检查对象应抽取{MIN_INSPECTORS_PER_TARGET}至{MAX_INSPECTORS_PER_TARGET}名"
            f"检查人员，您填写的是{spec.inspectors_per_target}名。"
        )
    return errors


def public_value_normalize(raw: str) -> str:
    value = (raw or "").strip()
    if not 4 <= len(value) <= 200:
        raise DrawError(
            "请填写锁定时公开的随机数来源（4至200个字符），例如当日上证指数收盘点位"
            "或公证处现场摇号结果。"
        )
    return value


def draw_seed(spec: PlanSpec, public_value: str) -> str:
    text = f"{DRAW_ALGORITHM}|{spec.canonical()}|{public_value}"
    return hashlib.sha256(text.encode()).hexdigest()


def pool_hash(candidates: Iterable[Candidate], inspectors: Iterable[InspectorEntry]) -> str:
    """SHA-256 of the exact candidate and inspector pools, order-independent."""
    data = {
        "candidates": sorted(
            [c.id, c.region_path, c.county, c.weight, list(c.reasons)] for c in candidates
        ),
        "inspectors": sorted(
            [i.id, sorted(i.region_paths), sorted(i.conflicts)] for i in inspectors
        ),
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def result_hash(assignments: Iterable[Assignment]) -> str:
    data = [[a.order, a.target, a.stratum, list(a.inspectors)] for a in assignments]
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


def _uniform(seed: str, *parts: object) -> float:
    """A number in (0, 1) from SHA-256 of the seed and the parts."""
    text = "|".join([seed, *(str(p) for p in parts)])
    value = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return (value + 0.5) / 2**64


def stratum_quotas(sizes: dict[str, int], spec: PlanSpec) -> dict[str, int]:
    """How many targets each stratum gives: a share rounds up in every stratum; a number is
    split in proportion to the strata's sizes by largest remainder (ties by stratum name)."""
    total = sum(sizes.values())
    if spec.target_percent is not None:
        return {s: min(n, math.ceil(n * spec.target_percent / 100)) for s, n in sizes.items()}
    wanted = min(spec.target_count or 0, total)
    if total == 0:
        return dict.fromkeys(sizes, 0)
    exact = {s: wanted * n / total for s, n in sizes.items()}
    quotas = {s: math.floor(x) for s, x in exact.items()}
    left = wanted - sum(quotas.values())
    for s in sorted(sizes, key=lambda s: (-(exact[s] - quotas[s]), s))[:left]:
        quotas[s] += 1
    return quotas


def draw(
    spec: PlanSpec,
    seed: str,
    candidates: Sequence[Candidate],
    inspectors: Sequence[InspectorEntry],
) -> list[Assignment]:
    """The targets and their inspectors. Deterministic in its inputs, whatever their order.
    Raises DrawError when the pool is empty or a drawn target has too few eligible
    inspectors."""
    if not candidates:
        raise DrawError("检查对象库为空：没有符合筛选条件的已备案机构，请调整筛选条件。")
    strata: dict[str, list[Candidate]] = {}
    for c in candidates:
        strata.setdefault(c.stratum(by_county=spec.by_county, by_risk=spec.by_risk), []).append(c)
    quotas = stratum_quotas({s: len(cs) for s, cs in strata.items()}, spec)
    drawn: list[tuple[str, Candidate]] = []
    for stratum in sorted(strata):
        keyed = sorted(
            strata[stratum],
            key=lambda c: (-math.log(_uniform(seed, "target", c.id)) / c.weight, c.id),
        )
        drawn.extend((stratum, c) for c in keyed[: quotas[stratum]])
    assignments = []
    for order, (stratum, target) in enumerate(drawn, start=1):
        eligible = sorted(
            (i for i in inspectors if i.eligible_for(target)),
            key=lambda i: (_uniform(seed, "inspector", target.id, i.id), i.id),
        )
        if len(eligible) < spec.inspectors_per_target:
            raise DrawError(
                f"机构（编号{target.id}）只有{len(eligible)}名可抽取的检查人员"
                f"（已排除有利害关系的人员），少于每个对象{spec.inspectors_per_target}名："
                "请补充检查人员库或减少每个对象的检查人员数。"
            )
        chosen = tuple(i.id for i in eligible[: spec.inspectors_per_target])
        assignments.append(Assignment(target.id, stratum, order, chosen))
    return assignments


# --------------------------------------------------------------------------- inspections


class ItemResult(StrEnum):
    PENDING = "pending"
    PASS = "pass"  # noqa: S105 - a result, not a password
    FAIL = "fail"
    NOT_APPLICABLE = "na"


class Outcome(StrEnum):
    """The result of an inspection. Warnings alone are not published (RULES.md §3)."""

    PASS = "pass"  # noqa: S105
    WARNING = "warning"
    RECTIFY = "rectify"


OUTCOME_LABELS = {
    Outcome.PASS: "合格",
    Outcome.WARNING: "警告（不予公示）",
    Outcome.RECTIFY: "责令限期整改",
}


def inspection_outcome(results: Iterable[tuple[str, bool]]) -> Outcome:
    """From (result, needs_correction) per item: any failed item needing correction →
    rectify; failed items that need none → warning; else pass."""
    failed = [needs for result, needs in results if result == ItemResult.FAIL]
    if any(failed):
        return Outcome.RECTIFY
    if failed:
        return Outcome.WARNING
    return Outcome.PASS


def published(outcome: str) -> bool:
    return outcome != Outcome.WARNING


# --------------------------------------------------------------------------- letters


def letter_prefix(county_name: str) -> str:
    """The short county mark in a letter number: 盐湖区 → 盐, 永济市 → 永济, 运城市 → 运."""
    stem = county_name.removesuffix("区").removesuffix("县").removesuffix("市")
    return stem[:1] if len(stem) <= 2 else stem[:2]


def letter_number(county_name: str, year: int, sequence: int) -> str:
    """运盐卫监意〔2026〕第0003号: numbered per county and year (the city's own: 运卫监意)."""
    mark = "" if county_name == "运城市" else letter_prefix(county_name)
    return f"运{mark}卫监意〔{year}〕第{sequence:04d}号"


def rectify_days_check(days: int) -> str:
    if not RECTIFY_WORKING_DAYS_MIN <= days <= RECTIFY_WORKING_DAYS_MAX:
        return (
            f"整改期限应为{RECTIFY_WORKING_DAYS_MIN}至{RECTIFY_WORKING_DAYS_MAX}个工作日，"
            f"您填写的是{days}。"
        )
    return ""


# --------------------------------------------------------------------------- checklist

_NORM = "《托育机构管理规范（试行）》"
#: The default inspection checklist: (category, what is checked, legal basis, correction).
#: Migration 0002 writes it; administrators edit it in the admin afterwards.
DEFAULT_CHECKLIST: tuple[tuple[str, str, str, str], ...] = (
    (
        "food",
        "食品经营许可或备案有效，从业人员持健康证明上岗",
        "《中华人民共和国食品安全法》第三十五条、第四十五条",
        "补办许可或备案，安排从业人员体检并取得健康证明后上岗",
    ),
    (
        "food",
        "每餐次食品留样不少于125克、冷藏保存48小时以上并记录",
        "《中华人民共和国食品安全法》第五十四条；" + _NORM + "第五章",
        "落实每餐次食品留样制度，配备专用留样冰箱并逐餐登记",
    ),
    (
        "food",
        "食材采购索证索票、进货查验记录完整",
        "《中华人民共和国食品安全法》第五十三条",
        "建立并落实进货查验记录制度",
    ),
    (
        "hygiene",
        "晨午检及全日健康观察落实并记录",
        "《托儿所幼儿园卫生保健管理办法》第十五条；" + _NORM + "第五章",
        "每日落实晨午检和全日健康观察，完整记录",
    ),
    (
        "hygiene",
        "玩具、餐具、环境按规定清洁消毒并记录",
        "《托儿所幼儿园卫生保健管理办法》第十五条",
        "按规定频次清洁消毒，建立消毒记录",
    ),
    (
        "hygiene",
        "入托婴幼儿健康检查及预防接种证查验",
        "《托儿所幼儿园卫生保健管理办法》第十三条",
        "补查入托体检和预防接种证，建立健康档案",
    ),
    (
        "fire",
        "消防设施器材完好有效，疏散通道、安全出口畅通",
        "《中华人民共和国消防法》第十六条、第二十八条",
        "维修更换消防器材，清理疏散通道和安全出口",
    ),
    (
        "fire",
        "确定消防安全管理人，每月开展防火检查和疏散演练",
        "《中华人民共和国消防法》第十六条；" + _NORM + "第六章",
        "明确消防安全管理人，按月开展防火检查和疏散演练并记录",
    ),
    (
        "admission",
        "收托婴幼儿签订托育服务协议，信息登记完整",
        _NORM + "第三章",
        "与家长补签托育服务协议，完善收托登记",
    ),
    (
        "admission",
        "班级规模与师生比符合标准",
        "《托育机构设置标准（试行）》第十二条；" + _NORM + "第三章",
        "按标准调整班级规模，补足保育人员",
    ),
    (
        "care",
        "制定一日生活安排，保证每日户外活动时间",
        "《托育机构保育指导大纲（试行）》；" + _NORM + "第四章",
        "制定并落实一日生活安排，保证户外活动时间",
    ),
    (
        "health",
        "配备保健人员，建立婴幼儿健康档案和传染病报告制度",
        _NORM + "第五章",
        "配备保健人员，建立健康档案和传染病报告制度",
    ),
    (
        "safety",
        "视频监控覆盖婴幼儿活动场所，录像保存不少于90日",
        _NORM + "第六章",
        "完善视频监控覆盖范围，录像保存不少于90日",
    ),
    (
        "safety",
        "建立安全管理制度和突发事件应急预案，定期演练",
        _NORM + "第六章",
        "建立安全管理制度和应急预案并定期演练",
    ),
    (
        "staff",
        "工作人员上岗前经背景审查和健康检查",
        _NORM + "第七章",
        "对工作人员补做背景审查和健康检查，不合格者调离岗位",
    ),
    (
        "staff",
        "保育人员经专业培训，持证上岗",
        _NORM + "第七章",
        "组织保育人员参加专业培训并取得相应证书",
    ),
)


# --------------------------------------------------------------------------- credit


@dataclass(frozen=True)
class CreditFacts:
    inspections_passed: int = 0
    inspections_warned: int = 0
    inspections_rectify: int = 0
    failed_items: int = 0
    overdue_letters: int = 0
    complaints_substantiated: int = 0
    open_serious_findings: int = 0
    open_other_findings: int = 0


@dataclass(frozen=True)
class Contribution:
    code: str
    label: str
    count: int
    points: int  # negative lowers the score
    rule: str  # how the points follow from the count, in words


@dataclass(frozen=True)
class CreditScore:
    score: int
    level: CreditLevel
    contributions: tuple[Contribution, ...]


CREDIT_BASE = 100
#: (code, label, points each, cap of the row's total or None, wording).
CREDIT_TABLE: tuple[tuple[str, str, int, int | None], ...] = (
    ("inspections_passed", "检查合格", 2, 6),
    ("inspections_warned", "检查发现问题（警告）", -3, None),
    ("inspections_rectify", "检查责令整改", -8, None),
    ("failed_items", "检查不合格项", -2, -20),
    ("overdue_letters", "逾期未整改的监督意见书", -15, None),
    ("complaints_substantiated", "查实的投诉", -5, -20),
    ("open_serious_findings", "未整改的严重合规问题", -10, -30),
    ("open_other_findings", "未整改的一般及轻微合规问题", -2, -10),
)
CREDIT_LEVELS: tuple[tuple[int, CreditLevel], ...] = (
    (90, CreditLevel.A),
    (75, CreditLevel.B),
    (60, CreditLevel.C),
)
CREDIT_LEVEL_LABELS = {
    CreditLevel.A: "A（诚信）",
    CreditLevel.B: "B（基本诚信）",
    CreditLevel.C: "C（失信风险）",
    CreditLevel.D: "D（严重失信）",
}


def credit_level(score: int) -> CreditLevel:
    for floor, level in CREDIT_LEVELS:
        if score >= floor:
            return level
    return CreditLevel.D


def credit_score(facts: CreditFacts) -> CreditScore:
    """100 plus every row of CREDIT_TABLE (each capped), clamped to 0–110; the level by
    CREDIT_LEVELS. Every row is kept, even at 0 points, so the page explains the score."""
    contributions = []
    for code, label, each, cap in CREDIT_TABLE:
        count = getattr(facts, code)
        points = count * each
        if cap is not None:
            points = min(points, cap) if cap > 0 else max(points, cap)
        rule = f"每项{each:+d}分" + (f"，最多{cap:+d}分" if cap is not None else "")
        contributions.append(Contribution(code, label, count, points, rule))
    score = max(0, min(CREDIT_BASE + 10, CREDIT_BASE + sum(c.points for c in contributions)))
    return CreditScore(score, credit_level(score), tuple(contributions))


def windows(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first days of the complaint and the credit look-back windows."""
    return (
        today - dt.timedelta(days=COMPLAINT_WINDOW_DAYS),
        today - dt.timedelta(days=CREDIT_WINDOW_DAYS),
    )
