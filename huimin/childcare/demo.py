"""The childcare part of the demo city, built after core's regions, accounts and people.

One institution per county at ``small`` scale, about 300 across the 13 counties at ``city``
scale, each with an operator account, its filings, classes, staff, children and guardians,
the last working days' attendance, morning checks, food samples and outdoor time, and a
realistic share of compliance breaches. Rows are bulk-inserted (the services would
re-evaluate compliance after every row); services.compliance_refresh then runs once per
institution, so the findings are exactly the ones the services open. Deterministic for a
seed: only ctx.rng and ctx.faker are drawn from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from huimin.childcare import rules, services
from huimin.childcare.models import (
    Attendance,
    CareClass,
    Enrollment,
    Filing,
    FilingDocument,
    Finding,
    FoodSample,
    GuidanceVisit,
    HealthCheck,
    InclusiveRecognition,
    Institution,
    MedicalExam,
    OperatorBinding,
    OutdoorActivity,
    SafetyRecord,
    Staff,
)
from huimin.core import rules as core_rules
from huimin.core.demo import (
    BANKS,
    DEMO_ACCOUNTS,
    DemoContext,
    random_bank_account,
    random_phone,
    random_resident_id,
)
from huimin.core.models import Event, Person, User
from huimin.core.selectors import WorkdayCalendar

FLAGSHIP = "盐湖区综合托育服务中心"  # named in the city's newspaper; the demo operator's

#: Institutions per county. City scale: about 300, weighted by population (盐湖区 most).
PER_COUNTY: dict[str, dict[str, int]] = {
    "small": {code: 1 for code, _name in core_rules.COUNTIES},
    "city": {
        "140802": 60,  # 盐湖区
        "140821": 25,  # 临猗县
        "140822": 20,  # 万荣县
        "140823": 22,  # 闻喜县
        "140824": 20,  # 稷山县
        "140825": 20,  # 新绛县
        "140826": 14,  # 绛县
        "140827": 13,  # 垣曲县
        "140828": 18,  # 夏县
        "140829": 14,  # 平陆县
        "140830": 20,  # 芮城县
        "140881": 28,  # 永济市
        "140882": 26,  # 河津市
    },
}

#: The first institution of a county, where the county has a well-known one.
FIRST: dict[str, tuple[str, str]] = {
    "140802": (FLAGSHIP, "independent"),
    "140821": ("临猗县童乐托育园", "independent"),
    "140822": ("万荣县幼儿园托班", "kindergarten"),
}

KIND_WEIGHTS = {"independent": 55, "kindergarten": 25, "community": 12, "employer": 8}
STATUS_SHARES = {Institution.Status.FILING: 0.10, Institution.Status.REGISTERED: 0.08}
INCLUSIVE_SHARE = 1 / 3
APPLIED_SHARE = 0.04
REFUSED_SHARE = 0.02
CHANGE_FILING_SHARE = 0.04

#: Share of institutions given each breach (the flagship none). The ones named by the issue
#: occur at least once even in the small city.
DEFECTS: dict[str, float] = {
    "over_full": 0.05,  # a class over its maximum (its carer ratio then usually too)
    "carer_short": 0.03,  # one caregiver fewer than the ratio needs
    "age_out": 0.08,  # a child who has outgrown the class
    "health_cert": 0.12,  # staff whose yearly health certificate has expired
    "criminal_check": 0.04,  # staff whose yearly criminal-record check has expired
    "morning_check": 0.08,  # children present without a morning check
    "food_sample": 0.05,  # a day without samples, a light sample or one kept too briefly
    "recording": 0.06,  # recordings kept under 90 days
    "coverage": 0.04,  # monitoring not over all children's areas
    "fire_manager": 0.02,  # no named fire-safety manager
    "outdoor": 0.06,  # a class under 2 hours outdoors on a day
    "recheck": 0.02,  # a child back after 3 months away without a new health check
}
ALWAYS = ("over_full", "age_out", "health_cert", "morning_check", "recording")
SERIOUS = {"over_full", "carer_short", "criminal_check", "recording", "fire_manager"}

STEMS = (
    "童乐", "小太阳", "爱贝", "七彩", "启航", "金色童年", "阳光宝贝", "蒲公英", "小橡树", "乐贝",
    "欣欣", "育才", "贝贝乐", "米乐", "晨曦", "彩虹", "小星星", "快乐宝贝", "童心", "好孩子",
    "春苗", "小天使", "博雅", "智慧树", "小海豚", "花蕾", "宝贝家", "乐融融", "爱心", "童趣",
    "小精灵", "嘉禾", "知行", "木棉", "青禾", "小书虫", "雨露", "暖阳", "小脚丫", "萌芽",
)  # fmt: skip
INDEPENDENT_SUFFIXES = ("托育园", "托育中心", "婴幼儿照护中心", "托育服务中心", "早教托育中心")
KINDERGARTENS = ("第一幼儿园", "第二幼儿园", "第三幼儿园", "机关幼儿园", "实验幼儿园")
EMPLOYERS = (
    "人民医院职工托育室",
    "中医医院职工托育室",
    "妇幼保健院职工托育室",
    "工业园区职工托育中心",
    "第一中学教职工托育室",
    "机关事务服务中心职工托育室",
)
COMMUNITIES = ("学苑", "康乐", "和平", "幸福", "新华", "南风", "府西", "红旗", "滨河", "槐荫")
ROADS = ("学苑路", "河东街", "解放路", "人民路", "红旗街", "中银大道", "禹都大道", "魏风街",
         "槐东路", "府西街", "建设路", "新华街", "文化路")  # fmt: skip

BOYS = ("浩宇", "子墨", "宇轩", "沐辰", "一鸣", "梓睿", "铭泽", "思远", "奕辰", "俊熙",
        "睿泽", "子轩", "明哲", "景行", "嘉佑", "宸宇")  # fmt: skip
GIRLS = ("子涵", "梓萱", "一诺", "欣怡", "语桐", "若汐", "诗涵", "可馨", "雨桐", "思琪",
         "梦瑶", "嘉怡", "沐瑶", "安琪", "依诺", "芷若")  # fmt: skip
RELATIONS = (("母亲", 60), ("父亲", 30), ("祖母", 6), ("外祖母", 4))

QUALIFICATIONS = {
    "head": (
        "幼儿园教师资格证、托育机构负责人培训合格证",
        "育婴员（一级）、托育机构负责人培训合格证",
    ),
    "caregiver": ("保育师（四级）", "育婴员（四级）", "幼儿园教师资格证", "保育师（三级）"),
    "health_worker": ("护士执业证书", "卫生保健人员岗位培训合格证"),
    "cook": ("健康证、中式烹调师（五级）", "健康证"),
    "guard": ("保安员证",),
}
MAINS = ("番茄炒鸡蛋", "清蒸鲈鱼", "土豆烧牛肉", "香菇蒸鸡", "虾仁蒸蛋", "肉末豆腐", "胡萝卜炖排骨")
GREENS = ("蒜蓉西兰花", "清炒油麦菜", "醋溜白菜", "西葫芦炒蛋", "清炒菠菜")
STAPLES = ("小米饭", "杂粮馒头", "南瓜软饭", "蔬菜面条", "二米饭")
ABSENCES = (
    ("发热", "已电话联系家长，幼儿在家休息，返园前复查体温"),
    ("感冒咳嗽", "已随访，症状减轻"),
    ("家中有事", "家长已告知原因"),
    ("随家长外出", "家长已告知返园日期"),
)
MATERIAL_FILES = {
    "business_licence": "营业执照.pdf",
    "premises": "场地租赁合同.pdf",
    "staff_qualifications": "工作人员资格证书和健康合格证明.pdf",
    "health_evaluation": "卫生评价报告.pdf",
    "fire_safety": "消防安全检查合格证明.pdf",
    "food_licence": "食品经营许可证.pdf",
}
NUMERALS = "一二三四五六"

T = TypeVar("T")


@dataclass
class _ClassPlan:
    kind: rules.ClassKind
    children: int
    carers: int
    name: str = ""
    aged_out: int = 0


@dataclass
class _Plan:
    county: str
    county_name: str
    township: str
    name: str
    kind: str
    classes: list[_ClassPlan]
    status: str = Institution.Status.FILED
    flagship: bool = False
    large: bool = False
    serves_meals: bool = True
    filed_on: dt.date | None = None
    submitted_on: dt.date | None = None  # of the first filing
    missing: str = ""  # the material a returned filing lacked
    defects: list[str] = field(default_factory=list)
    recognition: str = ""  # "recognised", "applied", "refused" or ""
    change_filing: bool = False
    row: Institution | None = None
    operator: User | None = None
    carers: list[list[Staff]] = field(default_factory=list)  # class by class
    class_rows: list[CareClass] = field(default_factory=list)
    enrollments: list[tuple[Enrollment, _ClassPlan]] = field(default_factory=list)
    returning: Enrollment | None = None  # back after 3 months away, not re-checked

    @property
    def inst(self) -> Institution:
        assert self.row is not None  # noqa: S101 - set when its county is written
        return self.row

    @property
    def user(self) -> User:
        assert self.operator is not None  # noqa: S101 - set when its county is written
        return self.operator


class _Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.calendar = WorkdayCalendar()
        self.days = [
            day
            for day in (ctx.today - dt.timedelta(days=n) for n in range(6, -1, -1))
            if self._workday(day)
        ]
        self.counties = dict(core_rules.COUNTIES)
        self.officials = self._county_officials()
        self.types: dict[type[Model], ContentType] = {
            m: ContentType.objects.get_for_model(m)
            for m in (Institution, Filing, InclusiveRecognition)
        }
        self.townships = {
            code: [c for c in ctx.regions if len(c) == 9 and c.startswith(code)]
            for code, _name in core_rules.COUNTIES
        }
        self.placeholders: dict[str, str] = {}
        self.totals = {"children": 0, "staff": 0, "attendance": 0}

    # ----------------------------------------------------------------- small helpers

    def _workday(self, day: dt.date) -> bool:
        try:
            return self.calendar.is_workday(day)
        except core_rules.CalendarUnknown:
            return day.weekday() < 5

    def _deadline_fields(self, start: dt.date) -> dict[str, object]:
        """The filing deadline on the working-day calendar, marked when counted on a
        provisional year (ADR 0010), as the service stores it."""
        marked = self.calendar.deadline_marked(start, rules.FILING_ACK_WORKING_DAYS)
        return {"deadline": marked.date, "deadline_provisional": marked.provisional}

    def _ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def _quota(self, share: float, n: int, *, at_least: int = 0) -> int:
        return max(at_least, round(share * n))

    def _pick(self, items: Sequence[T], k: int) -> list[T]:
        return self.rng.sample(list(items), min(k, len(items)))

    def _name(self, sex: str) -> str:
        faker = self.ctx.faker
        return faker.last_name() + (
            faker.first_name_male() if sex == "M" else faker.first_name_female()
        )

    def _township(self, county: str) -> str:
        return self.rng.choice(self.townships[county])

    def _person(
        self, county: str, birth: dt.date, sex: str, name: str, *, bank: bool = False
    ) -> Person:
        return Person(
            resident_id=random_resident_id(self.ctx, county, birth, sex),
            name=name,
            birth_date=birth,
            sex=sex,
            phone=random_phone(self.rng),
            bank_name=self.rng.choice(BANKS) if bank else "",
            bank_account=random_bank_account(self.rng) if bank else "",
            region=self.ctx.regions[self._township(county)],
        )

    def _county_officials(self) -> dict[str, User]:
        """Who decides filings in each county: the demo account where there is one, else a
        county official account that cannot log in (no password)."""
        officials = {
            a.regions[0]: self.ctx.users[a.username]
            for a in DEMO_ACCOUNTS
            if a.role == User.Role.COUNTY_OFFICIAL and a.username in self.ctx.users
        }
        new = [
            User(
                username=f"county{code}",
                role=User.Role.COUNTY_OFFICIAL,
                full_name=self._name(self.rng.choice("MF")),
                organisation=f"{name}卫生健康局",
            )
            for code, name in core_rules.COUNTIES
            if code not in officials
        ]
        for user in new:
            user.set_unusable_password()
        bulk_create_with_history(new, User)
        through = User.regions.through
        through.objects.bulk_create(
            through(user_id=u.pk, region_id=self.ctx.regions[u.username[-6:]].pk) for u in new
        )
        officials.update({u.username[-6:]: u for u in new})
        return officials

    # ----------------------------------------------------------------- the plan

    def plan(self) -> list[_Plan]:
        """Every institution's name, kind, classes, status, breaches and recognition, drawn
        before any row is written."""
        plans: list[_Plan] = []
        names: set[str] = set()
        for code, count in PER_COUNTY[self.ctx.scale].items():
            for i in range(count):
                plans.append(self._plan_one(code, i, names))
        n = len(plans)
        others = [p for p in plans if not p.flagship]
        pool = list(others)
        self.rng.shuffle(pool)
        for status, share in STATUS_SHARES.items():
            for p in pool[: self._quota(share, n, at_least=1)]:
                p.status = status
            pool = pool[self._quota(share, n, at_least=1) :]
        for defect, share in DEFECTS.items():
            candidates = [
                p
                for p in others
                if (defect != "food_sample" or p.serves_meals)
                and (defect != "recheck" or any(c.kind in ("older", "mixed") for c in p.classes))
            ]
            k = self._quota(share, n, at_least=1 if defect in ALWAYS else 0)
            for p in self._pick(candidates, k):
                p.defects.append(defect)
        self._plan_recognitions(plans)
        filed = [p for p in others if p.status == Institution.Status.FILED]
        for p in self._pick(filed, self._quota(CHANGE_FILING_SHARE, n)):
            p.change_filing = True
        for p in plans:
            self._apply_class_defects(p)
        return plans

    def _plan_one(self, county: str, i: int, names: set[str]) -> _Plan:
        rng = self.rng
        county_name = self.counties[county]
        township = self._township(county)
        large = self.ctx.scale == "city" and (county, i) in {
            ("140802", 1),
            ("140802", 2),
            ("140881", 1),
        }
        if i == 0 and county in FIRST:
            name, kind = FIRST[county]
            if name == FLAGSHIP:
                township = f"{county}100"  # 北城街道
        else:
            kind = "independent" if large else self._weighted(KIND_WEIGHTS)
            name = self._unique_name(county_name, township, kind, names)
        names.add(name)
        flagship = name == FLAGSHIP
        plan = _Plan(
            county=county,
            county_name=county_name,
            township=township,
            name=name,
            kind=kind,
            classes=self._classes(kind, flagship=flagship, large=large),
            flagship=flagship,
            large=large,
            serves_meals=kind != "community" or rng.random() < 0.5,
        )
        if large and i == 2:
            plan.defects.append("part_time_health_worker")
        return plan

    def _weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _unique_name(self, county: str, township: str, kind: str, names: set[str]) -> str:
        rng = self.rng
        town = self.ctx.regions[township].name
        for _attempt in range(50):
            if kind == "independent":
                place = town if rng.random() < 0.3 else county
                name = f"{place}{rng.choice(STEMS)}{rng.choice(INDEPENDENT_SUFFIXES)}"
            elif kind == "kindergarten":
                roll = rng.random()
                if roll < 0.4:
                    name = f"{county}{rng.choice(KINDERGARTENS)}托班"
                elif roll < 0.7:
                    name = f"{town}中心幼儿园托班"
                else:
                    name = f"{county}{rng.choice(STEMS)}幼儿园托班"
            elif kind == "employer":
                name = f"{county}{rng.choice(EMPLOYERS)}"
            else:
                name = f"{town}{rng.choice(COMMUNITIES)}社区托育服务点"
            if name not in names:
                return name
        return f"{county}{rng.choice(STEMS)}托育园（{len(names) + 1}）"

    def _classes(self, kind: str, *, flagship: bool, large: bool) -> list[_ClassPlan]:
        rng = self.rng
        K = rules.ClassKind
        if flagship:  # 托小一班 exactly full: one more child overfills it
            fixed = [(K.INFANT, 8), (K.TODDLER, 15), (K.TODDLER, 12), (K.OLDER, 18), (K.OLDER, 17)]
            fixed.append((K.MIXED, 14))
            plans = [_ClassPlan(k, c, rules.carers_required(k, c)) for k, c in fixed]
        else:
            if large:
                kinds = [K.INFANT] * 2 + [K.TODDLER] * 3 + [K.OLDER] * 4 + [K.MIXED] * 2
            elif kind == "independent":
                kinds = (
                    [K.INFANT] * rng.randint(0, 1)
                    + [K.TODDLER] * rng.randint(1, 2)
                    + [K.OLDER] * rng.randint(1, 2)
                    + [K.MIXED] * rng.randint(0, 1)
                )
            elif kind == "kindergarten":
                kinds = [K.OLDER] * rng.randint(1, 2) + [K.MIXED] * rng.randint(0, 1)
            elif kind == "employer":
                kinds = [K.INFANT] * rng.randint(0, 1) + [K.TODDLER, K.OLDER]
            else:
                kinds = [K.MIXED] + [K.TODDLER] * rng.randint(0, 1)
            plans = []
            for k in kinds:
                most = rules.CLASS_STANDARDS[k].max_children
                low = 0.8 if large else 0.55
                children = max(3, round(most * rng.uniform(low, 0.95)))
                carers = rules.carers_required(k, children) + (1 if rng.random() < 0.2 else 0)
                plans.append(_ClassPlan(k, children, carers))
        seen: dict[rules.ClassKind, int] = {}
        for c in plans:
            seen[c.kind] = seen.get(c.kind, 0) + 1
            label = {"infant": "乳儿", "toddler": "托小", "older": "托大", "mixed": "混龄"}[c.kind]
            c.name = f"{label}{NUMERALS[seen[c.kind] - 1]}班"
        return plans

    def _plan_recognitions(self, plans: list[_Plan]) -> None:
        n = len(plans)
        filed = [p for p in plans if p.status == Institution.Status.FILED and not p.flagship]
        clean = [p for p in filed if not SERIOUS & set(p.defects)]
        flagship = [p for p in plans if p.flagship]
        for p in flagship:
            p.recognition = "recognised"
        for p in self._pick(clean, round(INCLUSIVE_SHARE * n) - len(flagship)):
            p.recognition = "recognised"
        rest = [p for p in filed if not p.recognition]
        for p in self._pick(rest, self._quota(APPLIED_SHARE, n, at_least=1)):
            p.recognition = "applied"
        rest = [p for p in rest if not p.recognition]
        for p in self._pick(rest, self._quota(REFUSED_SHARE, n)):
            p.recognition = "refused"

    def _apply_class_defects(self, p: _Plan) -> None:
        rng = self.rng
        if "over_full" in p.defects:
            c = rng.choice(p.classes)
            most = rules.CLASS_STANDARDS[c.kind].max_children
            c.children, c.carers = most + rng.randint(1, 2), rules.carers_required(c.kind, most)
        if "carer_short" in p.defects:
            c = max(p.classes, key=lambda c: rules.carers_required(c.kind, c.children))
            c.carers = rules.carers_required(c.kind, c.children) - 1
        if "age_out" in p.defects:
            rng.choice(p.classes).aged_out = 1

    # ----------------------------------------------------------------- writing

    def build(self) -> None:
        plans = self.plan()
        by_county: dict[str, list[_Plan]] = {}
        for p in plans:
            by_county.setdefault(p.county, []).append(p)
        for county, group in by_county.items():
            self._write_county(county, group)
            self.ctx.log(
                f"  托育机构：{self.counties[county]} {len(group)} 家"
                f"（累计幼儿 {self.totals['children']} 名、工作人员 {self.totals['staff']} 名）"
            )
        for p in plans:
            services.compliance_refresh(institution=p.inst, on=self.today)
        open_findings = Finding.objects.filter(status=Finding.Status.OPEN)
        with_findings = open_findings.values("institution").distinct().count()
        serious = open_findings.filter(severity=Finding.Severity.SERIOUS).count()
        self.ctx.log(
            f"托育：{len(plans)} 家机构，幼儿 {self.totals['children']} 名，工作人员 "
            f"{self.totals['staff']} 名，考勤 {self.totals['attendance']} 条；合规问题 "
            f"{open_findings.count()} 项（严重 {serious} 项），涉及 {with_findings} 家机构"
        )

    def _write_county(self, county: str, plans: list[_Plan]) -> None:
        self._institutions(county, plans)
        self._operators(plans)
        self._filings(county, plans)
        self._recognitions(county, plans)
        self._documents(plans)
        self._staff(county, plans)
        self._classes_rows(plans)
        self._children(county, plans)
        self._daily(plans)
        self._records(plans)

    def _institutions(self, county: str, plans: list[_Plan]) -> None:
        rng = self.rng
        rows = []
        for p in plans:
            town = self.ctx.regions[p.township].name
            capacity = sum(rules.CLASS_STANDARDS[c.kind].max_children for c in p.classes)
            full = {
                "independent": rng.randrange(100_000, 200_001, 5_000),
                "kindergarten": rng.randrange(60_000, 120_001, 5_000),
                "employer": rng.randrange(50_000, 100_001, 5_000),
                "community": rng.randrange(60_000, 120_001, 5_000),
            }[p.kind]
            if p.recognition == "recognised":
                full = min(full, rules.DEFAULT_PRICE_CAPS_FEN[rules.CareType.FULL_DAY])
            if p.recognition == "refused":
                full = max(full, 165_000)
            if p.flagship:
                full = 120_000
            half_day = p.kind != "employer" and rng.random() < 0.4
            hourly = p.kind in ("independent", "community") and rng.random() < 0.2
            temporary = p.kind in ("independent", "community") and rng.random() < 0.1
            owned = rng.random() < 0.3
            retention = rng.choice((90, 90, 120, 180))
            if "recording" in p.defects:
                retention = rng.choice((30, 45, 60))
            coverage = rng.choice((85, 90, 95)) if "coverage" in p.defects else 100
            rows.append(
                Institution(
                    name=p.name,
                    kind=p.kind,
                    region=self.ctx.regions[p.township],
                    address=(
                        "运城市盐湖区北城街道学苑路12号"
                        if p.flagship
                        else f"运城市{p.county_name}{town}{rng.choice(ROADS)}"
                        f"{rng.randint(1, 300)}号"
                    ),
                    legal_person=self._name(rng.choice("MF")),
                    phone=f"0359-{rng.randint(2_000_000, 8_999_999)}",
                    capacity=capacity + rng.choice((0, 0, 5, 10)),
                    full_day=True,
                    half_day=half_day,
                    hourly=hourly,
                    temporary=temporary,
                    fee_full_day=full,
                    fee_half_day=round(full * 0.6 / 5_000) * 5_000 if half_day else None,
                    fee_hourly=rng.choice((1_500, 1_800, 2_000)) if hourly else None,
                    fee_temporary=rng.choice((8_000, 10_000)) if temporary else None,
                    serves_meals=p.serves_meals,
                    premises_owned=owned,
                    lease_years=0 if owned else rng.choice((3, 5, 5, 8, 10)),
                    monitoring_coverage_percent=coverage,
                    recording_retention_days=retention,
                    fire_safety_manager=(
                        "" if "fire_manager" in p.defects else self._name(rng.choice("MF"))
                    ),
                    health_partner=(
                        "运城市妇幼保健院"
                        if p.flagship
                        else rng.choice(
                            (
                                f"{p.county_name}妇幼保健计划生育服务中心",
                                town + ("社区卫生服务中心" if town.endswith("街道") else "卫生院"),
                            )
                        )
                    ),
                    status=p.status,
                )
            )
        bulk_create_with_history(rows, Institution, default_change_reason="演示数据")
        for p, row in zip(plans, rows, strict=True):
            p.row = row

    def _operators(self, plans: list[_Plan]) -> None:
        """Every institution's operator: the demo account for the flagship, elsewhere an
        account that cannot log in (no password)."""
        new = []
        for i, p in enumerate(plans, start=1):
            if p.flagship:
                p.operator = self.ctx.users["operator"]
                continue
            user = User(
                username=f"op{p.county}{i:02d}",
                role=User.Role.OPERATOR,
                full_name=self._name(self.rng.choice("MF")),
                organisation=p.name,
            )
            user.set_unusable_password()
            p.operator = user
            new.append(user)
        bulk_create_with_history(new, User)
        through = User.regions.through
        through.objects.bulk_create(
            through(user_id=p.user.pk, region_id=self.ctx.regions[p.county].pk)
            for p in plans
            if not p.flagship
        )
        OperatorBinding.objects.bulk_create(
            OperatorBinding(user=p.user, institution=p.inst) for p in plans
        )

    def _filings(self, county: str, plans: list[_Plan]) -> None:
        """The filing history behind each status, with events, deadlines from the calendar:
        filed ones acknowledged, those in filing awaiting the county (some overdue), some
        registered ones returned for missing materials."""
        rng = self.rng
        official = self.officials[county]
        S, F = Institution.Status, Filing.Status
        filings: list[tuple[Filing, dt.datetime]] = []
        events: list[tuple[Event, dt.datetime]] = []
        created: list[Institution] = []
        changes: list[tuple[Institution, User, Filing, dt.datetime]] = []

        for p in plans:
            inst, operator = p.inst, p.user
            if p.status == S.FILED:
                filed_on = p.filed_on = self._ago(60, 1400)
                submitted_on = filed_on - dt.timedelta(days=rng.randint(1, 6))
            elif p.status == S.FILING:
                submitted_on = self._ago(0, 9)  # a few already past the deadline
            else:
                submitted_on = self._ago(20, 90)
            p.submitted_on = submitted_on
            inst.created_at = self._at(submitted_on - dt.timedelta(days=rng.randint(15, 90)), 9)
            created.append(inst)
            submitted_at = self._at(submitted_on, rng.randint(9, 16), rng.choice((5, 20, 40)))
            if p.status == S.FILED:
                decided = self._at(filed_on, 10, 30)
                filing = Filing(
                    institution=inst,
                    kind=Filing.Kind.INITIAL,
                    status=F.ACKNOWLEDGED,
                    summary="首次备案",
                    submitted_by=operator,
                    **self._deadline_fields(submitted_on),
                    decided_at=decided,
                    decided_by=official,
                    decision_note="材料齐全，予以备案。",
                )
                filings.append((filing, submitted_at))
                events.append(
                    self._event(inst, operator, S.REGISTERED, S.FILING, "首次备案", submitted_at)
                )
                events.append(
                    self._event(inst, official, S.FILING, S.FILED, "首次备案已备案", decided)
                )
                if p.change_filing:
                    changed_on = self._ago(0, 8)
                    change = Filing(
                        institution=inst,
                        kind=Filing.Kind.CHANGE,
                        summary=rng.choice(("变更：核定托位数", "变更：全日托收费")),
                        submitted_by=operator,
                        **self._deadline_fields(changed_on),
                    )
                    filings.append((change, self._at(changed_on, 15)))
                    changes.append((inst, operator, change, self._at(changed_on, 15)))
            elif p.status == S.FILING:
                filings.append(
                    (
                        Filing(
                            institution=inst,
                            kind=Filing.Kind.INITIAL,
                            summary="首次备案",
                            submitted_by=operator,
                            **self._deadline_fields(submitted_on),
                        ),
                        submitted_at,
                    )
                )
                events.append(
                    self._event(inst, operator, S.REGISTERED, S.FILING, "首次备案", submitted_at)
                )
            elif rng.random() < 0.6:  # registered after a returned filing
                missing = p.missing = rng.choice(("fire_safety", "health_evaluation", "premises"))
                decided = self._at(submitted_on + dt.timedelta(days=rng.randint(2, 6)), 11)
                note = f"缺少或不合格：{rules.FILING_MATERIALS[missing]}，请补正后重新提交。"
                filings.append(
                    (
                        Filing(
                            institution=inst,
                            kind=Filing.Kind.INITIAL,
                            status=F.RETURNED,
                            summary="首次备案",
                            submitted_by=operator,
                            **self._deadline_fields(submitted_on),
                            decided_at=decided,
                            decided_by=official,
                            missing=[missing],
                            decision_note=note,
                        ),
                        submitted_at,
                    )
                )
                events.append(
                    self._event(inst, operator, S.REGISTERED, S.FILING, "首次备案", submitted_at)
                )
                events.append(
                    self._event(
                        inst, official, S.FILING, S.REGISTERED, "首次备案已退回补正", decided
                    )
                )
        rows = [f for f, _at in filings]
        bulk_create_with_history(rows, Filing, default_change_reason="演示数据")
        for filing, at in filings:
            filing.submitted_at = at
            if filing.status != F.SUBMITTED:
                assert filing.decided_at is not None  # noqa: S101
                events.append(
                    self._event(
                        filing,
                        official,
                        F.SUBMITTED,
                        filing.status,
                        filing.decision_note,
                        filing.decided_at,
                    )
                )
        Filing.objects.bulk_update(rows, ["submitted_at"])
        Institution.objects.bulk_update(created, ["created_at"])
        self._change_edits(changes)
        self._events(events)

    def _change_edits(self, changes: list[tuple[Institution, User, Filing, dt.datetime]]) -> None:
        """The edit behind each change filing, as the service leaves it: the institution's
        history before (its registration, with the old value) and the operator's edit saved
        just before the filing, so the filing page shows old → new. No random draws here, so
        the rest of the demo stays as it was."""
        history = Institution.history.model  # type: ignore[attr-defined]
        for inst, operator, filing, at in changes:
            field = "capacity"
            if filing.summary.endswith("全日托收费") and inst.fee_full_day:
                field = "fee_full_day"
            old = getattr(inst, field) - (10 if field == "capacity" else 10_000)
            history.objects.filter(id=inst.pk, history_type="+").update(
                history_date=inst.created_at, **{field: old}
            )
            Institution.history.bulk_history_create(  # type: ignore[attr-defined]
                [inst],
                update=True,
                default_user=operator,
                default_change_reason=filing.summary,
                default_date=at - dt.timedelta(seconds=1),
            )

    def _documents(self, plans: list[_Plan]) -> None:
        """The filing materials each institution uploaded: all of them once it filed, all but
        the one a returned filing lacked, a few for one still preparing. Every row points at
        one shared placeholder PDF per material."""
        rng = self.rng
        rows: list[tuple[FilingDocument, dt.datetime]] = []
        for p in plans:
            inst = p.inst
            required = rules.filing_materials_required(serves_meals=inst.serves_meals)
            if p.status == Institution.Status.REGISTERED and not p.missing:
                required = self._pick(required, rng.randint(2, 4))
            upload_day = (p.submitted_on or self.today) - dt.timedelta(days=rng.randint(1, 5))
            for material in required:
                if material == p.missing:
                    continue
                document = FilingDocument(
                    institution=inst,
                    material=material,
                    original_name=(
                        "房屋产权证明.pdf"
                        if material == "premises" and inst.premises_owned
                        else MATERIAL_FILES[material]
                    ),
                    uploaded_by=p.user,
                )
                document.file.name = self._placeholder(material)
                rows.append((document, self._at(upload_day, 16, rng.randint(0, 59))))
        objs = [d for d, _at in rows]
        FilingDocument.objects.bulk_create(objs, batch_size=1000)
        for document, at in rows:
            document.uploaded_at = at
        FilingDocument.objects.bulk_update(objs, ["uploaded_at"], batch_size=1000)

    def _placeholder(self, material: str) -> str:
        """The stored name of the material's placeholder PDF, written once."""
        if material not in self.placeholders:
            storage = FilingDocument._meta.get_field("file").storage  # type: ignore[attr-defined]
            name = f"demo/filings/{material}.pdf"
            if not storage.exists(name):
                name = storage.save(name, ContentFile(_placeholder_pdf(material)))
            self.placeholders[material] = name
        return self.placeholders[material]

    def _event(
        self,
        obj: Institution | Filing | InclusiveRecognition,
        actor: User,
        from_status: str,
        to_status: str,
        reason: str,
        at: dt.datetime,
    ) -> tuple[Event, dt.datetime]:
        """A transition as record_transition writes it, dated when it happened."""
        row = Event(
            content_type=self.types[type(obj)],
            object_id=obj.pk,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
        )
        return row, at

    def _events(self, events: list[tuple[Event, dt.datetime]]) -> None:
        rows = [e for e, _at in events]
        Event.objects.bulk_create(rows)
        for row, at in events:
            row.created_at = at
        Event.objects.bulk_update(rows, ["created_at"])

    def _recognitions(self, county: str, plans: list[_Plan]) -> None:
        rng = self.rng
        official = self.officials[county]
        R = InclusiveRecognition.Status
        rows: list[tuple[InclusiveRecognition, dt.datetime]] = []
        caps = {str(k): v for k, v in rules.DEFAULT_PRICE_CAPS_FEN.items()}
        for p in plans:
            inst = p.inst
            if p.recognition == "recognised":
                assert p.filed_on is not None  # noqa: S101 - recognised ones are filed
                start = min(max(self._ago(20, 900), p.filed_on + dt.timedelta(days=30)), self.today)
                rows.append(
                    (
                        InclusiveRecognition(
                            institution=inst,
                            status=R.RECOGNISED,
                            applied_by=p.user,
                            decided_at=self._at(start, 10),
                            decided_by=official,
                            valid_from=start,
                            valid_to=rules.add_months(start, 12 * rules.RECOGNITION_VALID_YEARS)
                            - dt.timedelta(days=1),
                            reasons="收费不高于普惠价格上限，安全和人员配备符合要求，予以认定。",
                        ),
                        self._at(start - dt.timedelta(days=rng.randint(7, 20)), 9, 30),
                    )
                )
            elif p.recognition == "applied":
                rows.append(
                    (
                        InclusiveRecognition(institution=inst, status=R.APPLIED, applied_by=p.user),
                        self._at(self._ago(1, 20), 14),
                    )
                )
            elif p.recognition == "refused":
                applied = self._ago(30, 200)
                problems = rules.inclusive_problems(
                    fees_fen=inst.fees_fen, caps_fen=caps, serious_findings=0
                )
                rows.append(
                    (
                        InclusiveRecognition(
                            institution=inst,
                            status=R.REFUSED,
                            applied_by=p.user,
                            decided_at=self._at(applied + dt.timedelta(days=10), 10),
                            decided_by=official,
                            reasons="不符合普惠认定条件：" + "；".join(problems),
                        ),
                        self._at(applied, 9),
                    )
                )
        objs = [r for r, _at in rows]
        bulk_create_with_history(objs, InclusiveRecognition, default_change_reason="演示数据")
        events = []
        for row, at in rows:
            row.applied_at = at
            if row.decided_at is not None:
                events.append(
                    self._event(row, official, R.APPLIED, row.status, row.reasons, row.decided_at)
                )
        InclusiveRecognition.objects.bulk_update(objs, ["applied_at"])
        self._events(events)

    def _staff(self, county: str, plans: list[_Plan]) -> None:
        """Head, caregivers (as many per class as planned), health worker, cooks and guard,
        their checks mostly current."""
        rng = self.rng
        people: list[Person] = []
        staff: list[Staff] = []
        for p in plans:
            inst = p.inst
            children = sum(c.children for c in p.classes)
            roles: list[tuple[str, bool]] = [("head", True)]
            roles += [("caregiver", True)] * sum(c.carers for c in p.classes)
            if p.large or children >= rules.HEALTH_WORKER_FROM_CHILDREN:
                roles.append(("health_worker", "part_time_health_worker" not in p.defects))
            elif p.flagship or rng.random() < 0.6:
                roles.append(("health_worker", p.flagship or rng.random() < 0.5))
            if inst.serves_meals:
                roles += [("cook", True)] * (2 if children > 60 else 1)
            roles.append(("guard", rng.random() < 0.7))
            members = []
            for role, full_time in roles:
                female = {"guard": 0.1, "cook": 0.6}.get(role, 0.93)
                sex = "F" if rng.random() < female else "M"
                birth = dt.date(rng.randint(1970, 2003), rng.randint(1, 12), rng.randint(1, 28))
                person = self._person(county, birth, sex, self._name(sex))
                people.append(person)
                hired = max(self._ago(60, 2200), dt.date(birth.year + 19, 9, 1))
                hired = min(hired, self.today - dt.timedelta(days=30))
                health = max(self._ago(5, 330), hired - dt.timedelta(days=rng.randint(3, 25)))
                criminal = max(self._ago(5, 330), hired - dt.timedelta(days=rng.randint(3, 25)))
                members.append(
                    Staff(
                        institution=inst,
                        person=person,
                        role=role,
                        full_time=full_time,
                        qualification=rng.choice(QUALIFICATIONS[role]),
                        hired_on=hired,
                        health_cert_on=health,
                        criminal_check_on=criminal,
                        training_hours=rng.randint(8, 120),
                        education=(
                            rng.choice(("college", "bachelor"))
                            if role == "head"
                            else rng.choice(("vocational", "college"))
                        ),
                        experience_years=rng.randint(3, 15) if role == "head" else None,
                        head_training=role == "head",
                    )
                )
            if "health_cert" in p.defects:
                for member in self._pick(members, rng.randint(1, 2)):
                    member.health_cert_on = self._ago(380, 600)
            if "criminal_check" in p.defects:
                for member in self._pick(members, 1):
                    member.criminal_check_on = self._ago(380, 500)
            staff += members
            caregivers = iter(m for m in members if m.role == "caregiver")
            p.carers = [[next(caregivers) for _ in range(c.carers)] for c in p.classes]
        bulk_create_with_history(people, Person, batch_size=1000, default_change_reason="演示数据")
        bulk_create_with_history(staff, Staff, batch_size=1000, default_change_reason="演示数据")
        self.totals["staff"] += len(staff)

    def _classes_rows(self, plans: list[_Plan]) -> None:
        for p in plans:
            p.class_rows = [
                CareClass(institution=p.inst, name=c.name, kind=c.kind) for c in p.classes
            ]
        rows = [row for p in plans for row in p.class_rows]
        bulk_create_with_history(rows, CareClass, default_change_reason="演示数据")
        through = CareClass.caregivers.through
        through.objects.bulk_create(
            through(careclass_id=care_class.pk, staff_id=member.pk)
            for p in plans
            for care_class, group in zip(p.class_rows, p.carers, strict=True)
            for member in group
        )

    def _birth(self, months: int) -> dt.date:
        """A birth date at which a child is ``months`` old (completed) today."""
        latest = rules.add_months(self.today, -months)
        earliest = rules.add_months(self.today, -(months + 1)) + dt.timedelta(days=1)
        birth = earliest + dt.timedelta(days=self.rng.randint(0, (latest - earliest).days))
        return birth if rules.age_in_months(birth, self.today) == months else latest

    def _children(self, county: str, plans: list[_Plan]) -> None:
        """Children of the right age for their class (a planned few have outgrown it), each
        with a guardian, a signed agreement, a passed admission check and full vaccination."""
        rng = self.rng
        people: list[Person] = []
        rows: list[Enrollment] = []
        for p in plans:
            inst = p.inst
            care_types = [("full_day", 85)] + [
                (t, w)
                for t, w, on in (
                    ("half_day", 10, inst.half_day),
                    ("hourly", 3, inst.hourly),
                    ("temporary", 2, inst.temporary),
                )
                if on
            ]
            for plan, care_class in zip(p.classes, p.class_rows, strict=True):
                std = rules.CLASS_STANDARDS[plan.kind]
                for j in range(plan.children):
                    aged_out = j < plan.aged_out
                    months = (
                        std.max_months
                        if aged_out
                        else rng.randint(std.min_months, std.max_months - 1)
                    )
                    birth = self._birth(months)
                    sex = rng.choice("MF")
                    surname = self.ctx.faker.last_name()
                    child = self._person(
                        county, birth, sex, surname + rng.choice(BOYS if sex == "M" else GIRLS)
                    )
                    relation = rng.choices(
                        [r for r, _w in RELATIONS], weights=[w for _r, w in RELATIONS]
                    )[0]
                    parent_sex = "M" if relation == "父亲" else "F"
                    elder = relation in ("祖母", "外祖母")
                    parent_birth = dt.date(
                        rng.randint(1958, 1970) if elder else rng.randint(1986, 2000),
                        rng.randint(1, 12),
                        rng.randint(1, 28),
                    )
                    parent_name = (
                        surname + self.ctx.faker.first_name_male()
                        if relation == "父亲"
                        else self._name("F")
                    )
                    guardian = self._person(
                        county, parent_birth, parent_sex, parent_name, bank=True
                    )
                    people += [child, guardian]
                    earliest = max(rules.add_months(birth, 6), self.today - dt.timedelta(days=330))
                    latest = self.today - dt.timedelta(days=3)
                    if aged_out:
                        latest = rules.add_months(birth, std.max_months) - dt.timedelta(days=20)
                    span = (latest - earliest).days
                    enrolled = (
                        earliest + dt.timedelta(days=rng.randint(0, span)) if span > 0 else earliest
                    )
                    rows.append(
                        Enrollment(
                            institution=inst,
                            care_class=care_class,
                            child=child,
                            guardian=guardian,
                            guardian_relation=relation,
                            care_type=self._weighted(dict(care_types)),
                            agreement_signed_on=enrolled - dt.timedelta(days=rng.randint(1, 10)),
                            admission_check_on=enrolled - dt.timedelta(days=rng.randint(1, 14)),
                            vaccination_complete=True,
                            enrolled_on=enrolled,
                        )
                    )
                    p.enrollments.append((rows[-1], plan))
            if "recheck" in p.defects:
                # enrolled 200+ days ago, so among children of 18 months or more
                older = [e for e, c in p.enrollments if c.kind in ("older", "mixed")]
                if older:
                    e = rng.choice(older)
                    e.enrolled_on = self._ago(200, 260)
                    e.agreement_signed_on = e.enrolled_on - dt.timedelta(days=3)
                    e.admission_check_on = e.enrolled_on - dt.timedelta(days=5)
                    p.returning = e
        bulk_create_with_history(people, Person, batch_size=1000, default_change_reason="演示数据")
        bulk_create_with_history(
            rows, Enrollment, batch_size=1000, default_change_reason="演示数据"
        )
        MedicalExam.objects.bulk_create(
            (
                MedicalExam(
                    enrollment=e,
                    kind=MedicalExam.Kind.ADMISSION,
                    date=e.admission_check_on,
                    passed=True,
                    hospital=self.rng.choice(("运城市妇幼保健院", "运城市中心医院"))
                    if e.institution.region.code.startswith("140802")
                    else f"{self.counties[county]}妇幼保健计划生育服务中心",
                )
                for e in rows
            ),
            batch_size=2000,
        )
        self.totals["children"] += len(rows)

    def _daily(self, plans: list[_Plan]) -> None:
        """The last working days: attendance, morning (and noon) checks for every child
        present, lunch samples and outdoor time; the planned breaches left out or short."""
        rng = self.rng
        attendance: list[Attendance] = []
        checks: list[HealthCheck] = []
        samples: list[FoodSample] = []
        outdoor: list[OutdoorActivity] = []
        for p in plans:
            inst = p.inst
            present: list[tuple[Enrollment, dt.date]] = []
            class_days: dict[int, set[dt.date]] = {}
            for e, _plan in p.enrollments:
                days = [d for d in self.days if d >= e.enrolled_on]
                for n, day in enumerate(days):
                    here = rng.random() < 0.93 or (e is p.returning and n == 0)
                    reason, follow_up = ("", "") if here else rng.choice(ABSENCES)
                    attendance.append(
                        Attendance(
                            enrollment=e,
                            date=day,
                            present=here,
                            absence_reason=reason,
                            follow_up=follow_up,
                        )
                    )
                    if here:
                        present.append((e, day))
                        class_days.setdefault(e.care_class.pk, set()).add(day)
            if p.returning is not None:
                attendance.append(Attendance(enrollment=p.returning, date=self._ago(100, 130)))
            unchecked: list[tuple[Enrollment, dt.date]] = []
            if "morning_check" in p.defects and present:
                unchecked = self._pick(present, rng.randint(1, 3))
            for e, day in present:
                if any(e is u and day == d for u, d in unchecked):
                    continue
                checks.append(
                    HealthCheck(
                        enrollment=e,
                        date=day,
                        morning=True,
                        noon=e.care_type == "full_day",
                        temperature=Decimal(rng.randint(362, 371)) / 10,
                    )
                )
            meal_days = sorted({day for _e, day in present})
            if inst.serves_meals and meal_days:
                samples += self._samples(p, meal_days)
            short = None
            if "outdoor" in p.defects and class_days:
                cid = rng.choice(sorted(class_days))
                short = (cid, rng.choice(sorted(class_days[cid])))
            for care_class in p.class_rows:
                for day in sorted(class_days.get(care_class.pk, ())):
                    minutes = rng.choice((120, 125, 130, 140, 150))
                    if short == (care_class.pk, day):
                        minutes = rng.randint(60, 100)
                    outdoor.append(
                        OutdoorActivity(care_class=care_class, date=day, minutes=minutes)
                    )
        Attendance.objects.bulk_create(attendance, batch_size=2000)
        HealthCheck.objects.bulk_create(checks, batch_size=2000)
        FoodSample.objects.bulk_create(samples, batch_size=2000)
        OutdoorActivity.objects.bulk_create(outdoor, batch_size=2000)
        self.totals["attendance"] += len(attendance)

    def _samples(self, p: _Plan, days: list[dt.date]) -> list[FoodSample]:
        """Three lunch dishes a day, at least 125 g each, kept 48 hours or more."""
        rng = self.rng
        flaw = rng.choice(("missing", "light", "brief")) if "food_sample" in p.defects else ""
        flawed_day = rng.choice(days)
        out = []
        for day in days:
            if flaw == "missing" and day == flawed_day:
                continue
            sampled = self._at(day, 11, 30)
            for n, dish in enumerate((rng.choice(MAINS), rng.choice(GREENS), rng.choice(STAPLES))):
                grams = rng.choice((125, 130, 150, 150, 180))
                hours = rng.choice((48, 48, 72))
                if day == flawed_day and n == 0:
                    grams = 100 if flaw == "light" else grams
                    hours = 24 if flaw == "brief" else hours
                out.append(
                    FoodSample(
                        institution=p.inst,
                        date=day,
                        dish=dish,
                        grams=grams,
                        sampled_at=sampled,
                        kept_until=sampled + dt.timedelta(hours=hours),
                    )
                )
        return out

    def _records(self, plans: list[_Plan]) -> None:
        """Guidance visits of the partner health institution, emergency plans and drills."""
        rng = self.rng
        visits: list[GuidanceVisit] = []
        safety: list[SafetyRecord] = []
        for p in plans:
            inst = p.inst
            if p.flagship or rng.random() < 0.7:
                for _ in range(rng.randint(1, 2)):
                    visits.append(
                        GuidanceVisit(
                            institution=inst,
                            date=self._ago(3, 90),
                            partner=inst.health_partner,
                            notes=rng.choice(
                                (
                                    "指导晨午检和传染病防控，检查因病缺勤追踪记录。",
                                    "婴幼儿膳食营养指导，审核带量食谱。",
                                    "生长发育监测培训，指导保育人员测量身高体重。",
                                    "伤害预防和急救培训，演示海姆立克急救法。",
                                )
                            ),
                        )
                    )
            safety.append(
                SafetyRecord(
                    institution=inst,
                    kind=SafetyRecord.Kind.PLAN,
                    date=self._ago(200, 700),
                    title="突发事件应急预案",
                    details="包括火灾、地震、食物中毒、传染病、走失等情形的处置流程和责任人。",
                )
            )
            safety.append(
                SafetyRecord(
                    institution=inst,
                    kind=SafetyRecord.Kind.DRILL,
                    date=self._ago(10, 120),
                    title=rng.choice(("消防疏散演练", "防震减灾演练", "防拐骗演练")),
                    details="全体保教人员和在托幼儿参加，疏散用时符合要求。",
                )
            )
            if rng.random() < 0.03:
                safety.append(
                    SafetyRecord(
                        institution=inst,
                        kind=SafetyRecord.Kind.INCIDENT,
                        date=self._ago(5, 60),
                        title="幼儿户外活动时膝盖擦伤",
                        details="保育人员当即消毒处理，已告知家长，当日无异常。",
                    )
                )
        GuidanceVisit.objects.bulk_create(visits)
        SafetyRecord.objects.bulk_create(safety)


def _placeholder_pdf(material: str) -> bytes:
    """A one-page PDF saying it stands in for a demo filing material."""
    text = f"Huimin demo city - placeholder for the filing material '{material}'"
    stream = f"BT /F1 14 Tf 60 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def build(ctx: DemoContext) -> None:
    """The childcare institutions of the demo city, their records and compliance findings; the
    demo operator account is bound to 盐湖区综合托育服务中心."""
    total = sum(PER_COUNTY[ctx.scale].values())
    ctx.log(f"托育机构：{total} 家，分布在 13 个县（市、区）")
    _Builder(ctx).build()
