"""The supervision part of the demo city (双随机、一公开), built after the childcare institutions.

The city's supervision year as of the demo day, made through the real services (so every
event, history row, letter number and credit contribution is the one they write):

- more inspectors for the draw pools (no login; the demo inspectors are core's accounts),
  conflicts of interest declared by some of them, complaints (of every three one
  substantiated, one unfounded, one open), a first credit rating for every filed institution;
- the city's quarterly draw (stratified by county) — locked with a public value, then drawn —
  whose inspections are in every state: assigned; completed and passed (published by the
  first daily run after it; or passed on the demo day, published at once by the city
  official or waiting for that night's run); a warning only (never published); ordered to
  rectify with the opinion letter issued, evidence submitted, accepted, ordered again, or
  overdue and escalated to the county; every result published by the daily run of the day it
  was completed, none late;
- 盐湖区's own draw (by risk tier), its inspections assigned; a third plan locked and
  waiting for its draw;
- credit ratings refreshed, so every filed institution has its current level.

Dates are explicit: the story is told as of the demo day (the day given, or today if that is
earlier, since the services refuse future dates; earlier still when the working-day calendar
cannot compute the letters' deadlines yet). Deterministic for a seed and a day: only ctx.rng
and ctx.faker are drawn from. Every draw is verified (``huimin supervision verify-draw
--all``) before the builder returns.
"""

from __future__ import annotations

import datetime as dt
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from huimin.childcare.models import Institution, OperatorBinding
from huimin.core import rules as core_rules
from huimin.core.demo import DemoContext
from huimin.core.errors import CalendarUnknownYear
from huimin.core.models import User
from huimin.core.selectors import WorkdayCalendar
from huimin.supervision import selectors, services
from huimin.supervision.models import (
    DrawPlan,
    Inspection,
    InspectionItem,
    OpinionLetter,
)

YANHU = "140802"
CITY = core_rules.CITY_CODE


@dataclass(frozen=True)
class Scale:
    extra_city_inspectors: int  # besides the demo accounts
    county_inspectors: int  # per county
    complaints: int
    city_percent: int  # the city's draw: share of each county's filed institutions
    city_rounds: int  # how many times the sequence of states is played out
    yanhu_count: int  # 盐湖区's draw
    locked_count: int  # the plan locked and waiting


SCALES = {
    "small": Scale(1, 0, 3, 10, 1, 1, 3),
    "city": Scale(2, 2, 24, 10, 3, 8, 20),
}

#: What was found when a checklist item fails (by the start of its text).
FOUND: dict[str, str] = {
    "食品经营许可": "厨房1名帮厨人员的健康证明已过期，仍在岗",
    "每餐次食品留样": "抽查近一周留样记录，有2餐次未留样，部分留样不足125克",
    "食材采购": "蔬菜、肉类采购未索取票据，近两周进货查验记录缺失",
    "晨午检": "托小班近3日晨午检记录空白，未见全日健康观察记录",
    "玩具、餐具": "玩具消毒记录自上月起中断，餐具消毒柜未正常使用",
    "入托婴幼儿健康检查": "2名幼儿入托体检表缺失，未查验预防接种证",
    "消防设施": "二楼1具灭火器压力不足，东侧疏散通道堆放杂物",
    "确定消防安全管理人": "近两个月未开展防火检查和疏散演练，无记录",
    "收托婴幼儿签订": "3名幼儿未签订托育服务协议",
    "班级规模": "托小班在托18人，超过15人上限，保育人员配备不足",
    "制定一日生活安排": "一日生活安排未公示，当日户外活动不足2小时",
    "配备保健人员": "保健人员为兼职，婴幼儿健康档案不全",
    "视频监控": "录像仅保存30日，午睡室未覆盖视频监控",
    "建立安全管理制度": "突发事件应急预案未更新，本年度未开展演练",
    "工作人员上岗前": "新入职1名保育员上岗前未做背景审查",
    "保育人员经专业培训": "2名保育人员未取得保育师或育婴员证书",
}
#: Small lapses corrected on the spot: a warning, not an order to rectify.
WARNINGS = (
    ("玩具、餐具", "消毒记录个别日期漏记，现场已督促补记"),
    ("制定一日生活安排", "一日生活安排表未张贴在活动室，现场已要求张贴"),
    ("收托婴幼儿签订", "1份托育服务协议缺家长签字日期，现场已补签"),
)
RECTIFY_ITEMS = ("每餐次食品留样", "晨午检", "消防设施", "视频监控", "班级规模", "食材采购")

COMPLAINTS = (
    "家长反映午餐分量不足、菜品单一，带量食谱未公示",
    "家长反映孩子午睡时无人看护",
    "家长反映收费项目未公示，临时加收活动费用",
    "家长反映孩子在园内擦伤后机构未及时告知",
    "群众反映机构门口接送时段秩序混乱、无人值守",
    "家长反映保育人员频繁更换，孩子难以适应",
)
SUBSTANTIATED = "经现场核查，反映情况属实，已责令机构整改并纳入诚信评价。"
UNFOUNDED = "经调阅视频监控和相关记录核查，反映情况不属实，已向投诉人反馈。"
CONFLICTS = (
    "近亲属在该机构任职",
    "曾为该机构提供有偿咨询服务",
    "与该机构负责人为同学关系，申请回避",
)
EVIDENCE_NOTES = (
    "已按意见书逐项整改：补齐留样和晨午检记录，更换灭火器并清理疏散通道，附整改前后照片。",
    "已组织全体保育人员培训并整改到位，相关记录和照片见附件。",
)

#: The states of the city draw's inspections, in the order they are handed out.
STATES = (
    "overdue",
    "submitted",
    "accepted",
    "reordered",
    "issued",
    "published",  # passed, published by the daily run of that day
    "published_now",  # passed on the demo day, published at once by the city official
    "pass",  # passed on the demo day, published by that night's daily run
    "warning",
    "assigned",
)
RECTIFY_STATES = {"issued", "overdue", "submitted", "accepted", "reordered"}
#: The story's latest deadline, in working days after the demo day (the issued letter's).
AHEAD = 15
#: Working days before the demo day on which each state's inspection took place.
INSPECTED = {
    "overdue": 30,
    "accepted": 12,
    "reordered": 14,
    "submitted": 8,
    "issued": 3,
    "published": 24,
    "published_now": 0,
    "pass": 0,
    "warning": 10,
}


class _Story:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.scale = SCALES[ctx.scale]
        self.calendar = WorkdayCalendar()
        self.day = self._demo_day(min(ctx.today, services.today()))
        self.admin = ctx.users["admin"]
        self.yanhu = ctx.users["yanhu"]
        self.demo_inspector = ctx.users["inspector"]
        self.filed = list(
            Institution.objects.filter(status=Institution.Status.FILED)
            .select_related("region")
            .order_by("pk")
        )
        self.operators = dict(
            OperatorBinding.objects.order_by("pk").values_list("institution_id", "user_id")
        )
        self.users: dict[int, User] = {}
        self.counts: dict[str, int] = {}
        self.closes: dict[dt.date, str] = {}

    # ----------------------------------------------------------------- dates

    def _workday(self, day: dt.date) -> bool:
        try:
            return self.calendar.is_workday(day)
        except core_rules.CalendarUnknown:
            return day.weekday() < 5

    def _demo_day(self, day: dt.date) -> dt.date:
        """The day the story is told as of: ``day``, or the last day before it on which the
        calendar can compute the story's deadlines (in December, or in a year whose holidays
        are not entered yet, the letters' deadlines could not be set)."""
        for _ in range(400):
            try:
                self.calendar.deadline(day, AHEAD)
                return day
            except CalendarUnknownYear:
                day -= dt.timedelta(days=1)
        return day

    def back(self, working_days: int) -> dt.date:
        """The working day ``working_days`` working days before the demo day."""
        day = self.day
        while working_days > 0:
            day -= dt.timedelta(days=1)
            if self._workday(day):
                working_days -= 1
        return day

    def public_value(self, day: dt.date) -> str:
        """The index's close of ``day``: one value per day, whichever plan is locked with it
        (two plans locked after the same close publish the same figure)."""
        if day not in self.closes:
            points = self.rng.randint(380_000, 400_000)
            close = f"{points // 100}.{points % 100:02d}"
            self.closes[day] = f"{day.year}年{day.month}月{day.day}日上证指数收盘{close}"
        return self.closes[day]

    # ----------------------------------------------------------------- people

    def user(self, user_id: int) -> User:
        if user_id not in self.users:
            self.users[user_id] = User.objects.get(pk=user_id)
        return self.users[user_id]

    def inspectors(self) -> dict[str, list[User]]:
        """Inspectors besides the demo accounts (they cannot log in): city-level ones, and
        at city scale some in every county's law-enforcement team. Returns the county ones by
        county code."""
        faker = self.ctx.faker
        new: list[tuple[User, str]] = []
        for n in range(1, self.scale.extra_city_inspectors + 1):
            user = User(
                username=f"inspector-city{n}",
                role=User.Role.INSPECTOR,
                full_name=faker.name(),
                organisation="运城市卫生健康综合行政执法队",
            )
            new.append((user, CITY))
        for code, name in core_rules.COUNTIES:
            for n in range(1, self.scale.county_inspectors + 1):
                user = User(
                    username=f"inspector{code}-{n}",
                    role=User.Role.INSPECTOR,
                    full_name=faker.name(),
                    organisation=f"{name}卫生健康综合行政执法大队",
                )
                new.append((user, code))
        for user, _code in new:
            user.set_unusable_password()
        bulk_create_with_history([u for u, _ in new], User, default_change_reason="演示数据")
        through = User.regions.through
        created = {u.username: u for u in User.objects.filter(role=User.Role.INSPECTOR)}
        through.objects.bulk_create(
            through(user_id=created[u.username].pk, region_id=self.ctx.regions[code].pk)
            for u, code in new
        )
        self.counts["inspectors"] = len(created)
        by_county: dict[str, list[User]] = {}
        for user, code in new:
            if code != CITY:
                by_county.setdefault(code, []).append(created[user.username])
        return by_county

    def conflicts(self, county_inspectors: dict[str, list[User]]) -> None:
        """Some inspectors declare conflicts. Two city-level inspectors never do, so every
        target keeps at least two eligible inspectors."""
        demo_operator = self.ctx.users["operator"].pk
        flagship = next((i for i in self.filed if self.operators.get(i.pk) == demo_operator), None)
        declared = 0
        if flagship is not None:
            services.conflict_declare(
                actor=self.ctx.users["inspector3"],
                institution_id=flagship.pk,
                reason=CONFLICTS[0],
            )
            declared += 1
        outside = [i for i in self.filed if not i.region.code.startswith(YANHU)]
        if outside:
            services.conflict_declare(
                actor=self.ctx.users["inspector2"],
                institution_id=self.rng.choice(outside).pk,
                reason=CONFLICTS[1],
            )
            declared += 1
        for county, inspectors in county_inspectors.items():
            theirs = [i for i in self.filed if i.region.code.startswith(county)]
            for inspector in inspectors:
                if not theirs or self.rng.random() < 0.5:
                    continue
                services.conflict_declare(
                    actor=inspector,
                    institution_id=self.rng.choice(theirs).pk,
                    reason=self.rng.choice(CONFLICTS),
                )
                declared += 1
        self.counts["conflicts"] = declared

    def complaints(self) -> None:
        """Complaints recorded by the city: of every three, one substantiated, one unfounded,
        one still open."""
        targets = self.rng.sample(self.filed, min(self.scale.complaints, len(self.filed)))
        for n, institution in enumerate(targets):
            complaint = services.complaint_record(
                actor=self.admin,
                institution_id=institution.pk,
                received_on=self.day - dt.timedelta(days=self.rng.randint(5, 200)),
                summary=self.rng.choice(COMPLAINTS),
            )
            if n % 3 < 2:
                services.complaint_decide(
                    actor=self.admin,
                    complaint_id=complaint.pk,
                    substantiated=n % 3 == 0,
                    reason=SUBSTANTIATED if n % 3 == 0 else UNFOUNDED,
                )
        self.counts["complaints"] = len(targets)

    # ----------------------------------------------------------------- draws

    def plan(
        self,
        actor: User,
        *,
        lock_day: dt.date,
        name: str,
        region_code: str,
        target_count: int | None = None,
        target_percent: int | None = None,
        by_county: bool = False,
        by_risk: bool = False,
    ) -> DrawPlan:
        """A plan created and locked with a public value of ``lock_day``."""
        plan = services.plan_create(
            actor=actor,
            name=name,
            region_code=region_code,
            target_count=target_count,
            target_percent=target_percent,
            by_county=by_county,
            by_risk=by_risk,
        )
        return services.plan_lock(
            actor=actor,
            plan_id=plan.pk,
            public_value=self.public_value(lock_day),
            at=self.moment(lock_day, 15, 30),
        )

    def moment(self, day: dt.date, hour: int, minute: int) -> dt.datetime:
        """A time of the story (locked after the market's close, drawn half an hour later),
        never later than now."""
        at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())
        return min(at, timezone.now())

    def draw(self, actor: User, plan: DrawPlan) -> DrawPlan:
        locked = timezone.localtime(plan.locked_at)
        return services.plan_draw(
            actor=actor, plan_id=plan.pk, at=self.moment(locked.date(), 16, 0)
        )

    def quarter(self, ahead: int = 0) -> str:
        """2026年第四季度 (``ahead`` quarters on)."""
        n = self.day.year * 4 + (self.day.month - 1) // 3 + ahead
        return f"{n // 4}年第{'一二三四'[n % 4]}季度"

    # ----------------------------------------------------------------- inspections

    def crew(self, inspection: Inspection) -> list[User]:
        return [
            self.user(c.inspector_id)
            for c in sorted(inspection.crew.all(), key=lambda c: c.position)
        ]

    def assign_states(self, inspections: list[Inspection]) -> list[tuple[Inspection, str]]:
        """Hand out the states: the demo operator's institution gets the overdue letter (its
        operator can still send evidence, and 盐湖区's official sees it escalated); letters go
        to inspections with open findings, passes to
        those without; the evidence to judge and one assigned inspection, where possible,
        to the demo inspector."""
        left = list(inspections)
        out: list[tuple[Inspection, str]] = []
        demo_operator = self.ctx.users["operator"].pk
        flagship = next(
            (i for i in left if self.operators.get(i.institution_id) == demo_operator), None
        )
        if flagship is not None:
            left.remove(flagship)
            out.append((flagship, "overdue"))

        def findings(i: Inspection) -> bool:
            return any(item.finding_id for item in i.items.all())

        def demo(i: Inspection) -> bool:
            return any(c.inspector_id == self.demo_inspector.pk for c in i.crew.all())

        prefer: dict[str, Callable[[Inspection], bool]] = {
            "submitted": demo,
            "assigned": demo,
            **{s: findings for s in ("overdue", "accepted", "reordered", "issued")},
            **{
                s: (lambda i: not findings(i))
                for s in ("published", "published_now", "pass", "warning")
            },
        }
        for _round in range(self.scale.city_rounds):
            for state in STATES:
                if not left:
                    return out
                test = prefer.get(state)
                chosen = next((i for i in left if test is not None and test(i)), left[0])
                left.remove(chosen)
                out.append((chosen, state))
        out.extend((i, "assigned") for i in left)
        return out

    def record(self, inspection: Inspection, state: str) -> None:
        """Record every item as the state needs, then complete the inspection."""
        items = list(inspection.items.all())
        failing: dict[int, tuple[str, bool, str]] = {}  # item id → (note, needs correction, fix)
        if state in RECTIFY_STATES:
            wanted = self.rng.sample(RECTIFY_ITEMS, self.rng.randint(1, 2))
            for item in items:
                if item.finding_id:
                    failing[item.pk] = ("现场复查，该问题仍未整改", True, item.correction)
                elif any(item.text.startswith(w) for w in wanted):
                    failing[item.pk] = (_found(item.text), True, item.correction)
        elif state == "warning":
            start, note = self.rng.choice(WARNINGS)
            for item in items:
                if item.text.startswith(start):
                    failing[item.pk] = (note, False, "")
        entries = [
            services.ItemInput(
                item_id=item.pk,
                result=InspectionItem.Result.FAIL
                if item.pk in failing
                else InspectionItem.Result.PASS,
                note=failing[item.pk][0] if item.pk in failing else "",
                needs_correction=failing[item.pk][1] if item.pk in failing else False,
                correction=failing[item.pk][2] if item.pk in failing else "",
            )
            for item in items
        ]
        inspector = self.crew(inspection)[0]
        services.items_record(actor=inspector, inspection_id=inspection.pk, items=entries)
        day = self.back(INSPECTED[state])
        summary = {
            "warning": "发现个别问题，已现场督促改正，予以警告。",
            "published": "各项检查符合要求。",
            "published_now": "各项检查符合要求。",
            "pass": "各项检查符合要求。",
        }.get(state, "发现的问题须限期整改，已当场送达卫生监督意见书。")
        services.inspection_complete(
            actor=inspector,
            inspection_id=inspection.pk,
            inspected_on=day,
            summary=summary,
            working_days=15,
            on=day,
        )

    def rectify(self, inspection: Inspection, state: str) -> None:
        """The letter's life after it was issued."""
        if state not in {"submitted", "accepted", "reordered"}:
            return
        letter = OpinionLetter.objects.get(inspection=inspection)
        operator = self.user(self.operators[inspection.institution_id])
        services.evidence_submit(
            actor=operator,
            letter_id=letter.pk,
            upload=SimpleUploadedFile("整改照片.png", _evidence_png(), content_type="image/png"),
            note=self.rng.choice(EVIDENCE_NOTES),
        )
        inspector = self.crew(inspection)[0]
        if state == "accepted":
            services.letter_accept(
                actor=inspector, letter_id=letter.pk, note="经复查，整改到位。", on=self.day
            )
        elif state == "reordered":
            services.letter_reorder(
                actor=inspector,
                letter_id=letter.pk,
                reason="整改照片未体现疏散通道清理情况，留样冰箱仍未配备，请补充整改。",
                working_days=10,
                on=self.day,
            )

    def city_draw(self) -> DrawPlan:
        plan = self.plan(
            self.admin,
            lock_day=self.back(INSPECTED["overdue"] + 2),
            name=f"{self.quarter()}全市托育机构双随机抽查",
            region_code=CITY,
            target_percent=self.scale.city_percent,
            by_county=True,
        )
        plan = self.draw(self.admin, plan)
        inspections = list(plan.inspections.prefetch_related("items", "crew").order_by("position"))
        states = self.assign_states(inspections)
        for inspection, state in states:
            if state != "assigned":
                self.record(inspection, state)
        for inspection, state in states:
            self.rectify(inspection, state)
        for inspection, state in states:
            if state == "published_now":
                services.inspection_publish(actor=self.admin, inspection_id=inspection.pk)
        return plan

    def build(self) -> None:
        self.conflicts(self.inspectors())
        self.complaints()
        services.credit_refresh_all(reason="年度诚信评价", on=self.day)
        city = self.city_draw()
        yanhu = self.plan(
            self.yanhu,
            lock_day=self.back(1),
            name=f"{self.day.year}年{self.day.month}月盐湖区托育机构专项抽查",
            region_code=YANHU,
            target_count=self.scale.yanhu_count,
            by_risk=True,
        )
        yanhu = self.draw(self.yanhu, yanhu)
        locked = self.plan(
            self.admin,
            lock_day=self.back(1),  # after the close of a day gone by: its index is known
            name=f"{self.quarter(1)}全市托育机构双随机抽查（重点机构）",
            region_code=CITY,
            target_count=self.scale.locked_count,
            by_risk=True,
        )
        published = self.daily_publications()
        escalated = services.letters_escalate_due(on=self.day)
        services.credit_refresh_all(reason="定期评价", on=self.day)
        for plan in (city, yanhu):
            result = selectors.draw_verify(plan.pk)
            if not result.ok:  # never: the services drew it; a mismatch is a bug to see at once
                raise RuntimeError(f"演示抽查计划“{plan.name}”复核不一致：{result.differences}")
        self._log(city, yanhu, locked, published, escalated)

    def daily_publications(self) -> int:
        """The daily runs of the story's past days: each result is published by the run of
        the day it was completed (the demo day's own run has not happened yet)."""
        days = {
            day
            for day in Inspection.objects.filter(
                status=Inspection.Status.COMPLETED, inspected_on__lt=self.day
            ).values_list("inspected_on", flat=True)
            if day is not None
        }
        return sum(services.results_publish_due(on=day) for day in sorted(days))

    def _log(
        self,
        city: DrawPlan,
        yanhu: DrawPlan,
        locked: DrawPlan,
        published: int,
        escalated: int,
    ) -> None:
        log = self.ctx.log
        log(
            f"  检查人员：{self.counts['inspectors']} 人，"
            f"利害关系申报 {self.counts['conflicts']} 条；投诉 {self.counts['complaints']} 件"
        )
        for plan in (city, yanhu):
            log(
                f"  抽查计划 #{plan.pk}“{plan.name}”：对象库 {plan.candidate_count} 家，"
                f"抽中 {plan.inspections.count()} 家，复核一致"
            )
        log(f"  抽查计划 #{locked.pk}“{locked.name}”：已锁定，待抽取")
        outcomes = Counter(Inspection.objects.values_list("status", flat=True))
        letters = Counter(OpinionLetter.objects.values_list("status", flat=True))
        log(
            f"  监督检查：待检查 {outcomes.get('assigned', 0)}，"
            f"已完成 {outcomes.get('completed', 0)}（每日运行公示 {published}）；"
            f"意见书 {sum(letters.values())} 份"
            f"（待整改 {letters.get('issued', 0)}、待审核 {letters.get('submitted', 0)}、"
            f"整改合格 {letters.get('accepted', 0)}、逾期上报 {letters.get('overdue', 0)}，"
            f"本次上报 {escalated}）"
        )
        levels = Counter(i.credit_level for i in selectors.public_credit())  # type: ignore[attr-defined]
        log("  诚信等级：" + "，".join(f"{level} {levels.get(level, 0)} 家" for level in "ABCD"))


def _found(text: str) -> str:
    return next(
        (note for start, note in FOUND.items() if text.startswith(start)), "现场检查不符合要求"
    )


def _evidence_png(width: int = 96, height: int = 64) -> bytes:
    """A small light-green PNG standing in for a photo of the correction."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((200, 230, 201)) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def build(ctx: DemoContext) -> None:
    """The city's supervision year: pools, complaints, conflicts, two verified draws with their
    inspections in every state, letters, published results and credit ratings."""
    started = time.monotonic()
    ctx.log("监督检查（双随机、一公开）：")
    services.checklist_defaults_ensure()
    _Story(ctx).build()
    ctx.log(f"监督检查部分用时 {time.monotonic() - started:.1f} 秒")
