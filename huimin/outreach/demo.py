"""The outreach part of the demo city, from the city's newspaper (运城日报):

- 万荣县残联 with the county's 文联 and 书法家协会: the spring-couplet day “我为群众写春联
  欢欢喜喜过大年” for families of disabled people before the Year of the Horse (2026), then the
  “冰雪温暖行” winter-warmth home visits by the federation's staff in groups, with the needs
  they found turned into follow-ups (most done, one cancelled, one long overdue);
- 闻喜县阳隅镇: the village cadres and 龙到村's party members' clean-up “治环境、净家园”
  (志愿服务), and the monthly clean-ups that followed, so volunteers have hours over months;
- 山西银行河津支行's 老年大学教学点 with 府西社区: 32 financial-literacy sessions, 2,000
  attendances (“已累计开课30余场，覆盖老年群体2000人次”);
- 山西银行万荣支行's on-site heating-fee payment days with the heating company and the estates'
  managers in the 2025 heating season: 306 people served (“现场及网点服务客户300余人”).

And around the demo day, visits in 万荣县 (the ``federation`` and ``wanrong`` logins own the
follow-ups), 盐湖区北城街道 (``beicheng``) and 平陆县 (``pinglu``): follow-ups done, open and
overdue, so each of those logins has overdue follow-ups on their home page; two "benefit not
claimed" needs whose benefit was claimed afterwards in its module (a subsidy application, a
disability home-service request) are closed by ``followups_resolve_claimed``, as the daily
command does.

Everything goes through the services; deterministic for a seed and a day (ctx.rng, ctx.faker).
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from huimin.core.demo import DemoContext, random_phone, random_resident_id
from huimin.core.models import Person, Region, User
from huimin.core.services import household_join, region_create
from huimin.disability.models import Case
from huimin.outreach import rules, services
from huimin.outreach.models import Activity, FollowUp
from huimin.subsidy.models import Application

WANRONG, WENXI, HEJIN, YANHU, PINGLU = "140822", "140823", "140882", "140802", "140829"
JIEDIAN = "140822100"  # 解店镇, the county seat of 万荣县
YANGYU = "140823101"  # 阳隅镇
LONGDAO = "140823101201"  # 龙到村
HEJIN_CITY = "140882100"  # 河津市城区街道
FUXI = "140882100201"  # 府西社区 (added here)
BEICHENG = "140802100"

#: Non-login colleagues who hold activities where no demo login serves.
COLLEAGUES = {
    "yangyu_town": ("卫晓东", "闻喜县阳隅镇人民政府", User.Role.TOWNSHIP_OFFICIAL, YANGYU),
    "hejin_county": ("薛志刚", "河津市民政局", User.Role.COUNTY_OFFICIAL, HEJIN),
}
CLASS_TOPICS = (
    "防范电信网络诈骗",
    "反诈演练：冒充公检法",
    "手机银行和扫码支付",
    "养老金领取与社保卡使用",
    "识别假币和残损币兑换",
    "警惕“以房养老”骗局",
    "理财产品风险等级",
    "诗词朗诵",
    "医保电子凭证使用",
    "保健品推销中的陷阱",
)
#: 32 sessions whose attendances add up to exactly 2,000.
CLASS_SESSIONS = 32
CLASS_ATTENDANCES = 2000
#: The on-site heating-fee payment days of the 2025 heating season and the people served.
HEATING_FEE_DAYS = (
    (dt.date(2025, 10, 25), 86),
    (dt.date(2025, 11, 1), 92),
    (dt.date(2025, 11, 8), 71),
    (dt.date(2025, 11, 15), 57),
)


class _Story:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.followups = 0

    # ------------------------------------------------------------------ helpers

    def user(self, login: str) -> User:
        if login in self.ctx.users:
            return self.ctx.users[login]
        name, organisation, role, region = COLLEAGUES[login]
        user = User.objects.create(
            username=login,
            role=role,
            full_name=name,
            organisation=organisation,
            password=make_password(None),
        )
        user.regions.set([self.ctx.regions[region]])
        self.ctx.users[login] = user
        return user

    def region(self, code: str, name: str, parent: str) -> Region:
        if code not in self.ctx.regions:
            existing = Region.objects.filter(code=code).first()
            self.ctx.regions[code] = existing or region_create(
                code=code, name=name, level=Region.Level.VILLAGE, parent=self.ctx.regions[parent]
            )
        return self.ctx.regions[code]

    def villages(self, prefix: str) -> list[Region]:
        found = sorted(
            (r for c, r in self.ctx.regions.items() if c.startswith(prefix) and len(c) == 12),
            key=lambda r: r.code,
        )
        return found or [
            r for c, r in sorted(self.ctx.regions.items()) if c.startswith(prefix) and len(c) == 9
        ]

    def name(self, sex: str) -> str:
        f = self.ctx.faker
        return f.last_name() + (f.first_name_male() if sex == "M" else f.first_name_female())

    def person(self, region: Region, birth: dt.date, sex: str | None = None) -> Person:
        sex = sex or self.rng.choice("MF")
        person = Person(
            resident_id=random_resident_id(self.ctx, region.code[:6], birth, sex),
            name=self.name(sex),
            birth_date=birth,
            sex=sex,
            phone=random_phone(self.rng),
            region=region,
        )
        person.save()
        return person

    def family(self, region: Region, keeper: User, *, baby: bool = False) -> list[Person]:
        """An elderly head of household (often with a disability), an adult child, and when
        ``baby`` a grandchild under 3 — linked in the registry."""
        rng = self.rng
        head = self.person(
            region, dt.date(rng.randint(1940, 1958), rng.randint(1, 12), rng.randint(1, 28))
        )
        child = self.person(
            region, dt.date(rng.randint(1975, 1992), rng.randint(1, 12), rng.randint(1, 28))
        )
        household_join(actor=keeper, person_id=head.pk, member_id=child.pk, relation="child")
        people = [head, child]
        if baby:
            born = self.today - dt.timedelta(days=rng.randint(200, 700))
            grandchild = self.person(region, born)
            household_join(
                actor=keeper, person_id=head.pk, member_id=grandchild.pk, relation="grandchild"
            )
            people.append(grandchild)
        return people

    def activity(self, actor: User, **data: Any) -> Activity:
        return services.activity_create(
            actor=actor, data=services.ActivityInput(**data), today=self.today
        )

    def visit(
        self,
        actor: User,
        person: Person,
        day: dt.date,
        situation: str,
        needs: list[services.NeedInput],
        activity: Activity | None = None,
        visitors: str = "",
    ) -> list[FollowUp]:
        visit = services.visit_record(
            actor=actor,
            data=services.VisitInput(
                resident_id=person.resident_id,
                visited_on=day,
                situation=situation,
                visitors=visitors,
                activity_id=activity.pk if activity else None,
                needs=needs,
            ),
            today=self.today,
        )
        found = list(visit.followups.order_by("id"))
        self.followups += len(found)
        return found

    def close(self, actor: User, followup: FollowUp, status: str, reason: str, on: dt.date) -> None:
        services.followup_transition(
            actor=actor, followup_id=followup.pk, to_status=status, reason=reason, today=on
        )

    # ------------------------------------------------------------------ the newspaper's events

    def couplets_and_warmth(self) -> None:
        federation, county = self.user("federation"), self.user("wanrong")
        couplets = self.activity(
            federation,
            kind="cultural",
            title="“我为群众写春联 欢欢喜喜过大年”主题活动",
            organiser="万荣县残疾人联合会",
            organiser_region=WANRONG,
            partners="万荣县文学艺术界联合会、万荣县书法家协会",
            region=JIEDIAN,
            address="万荣县残疾人联合会",
            starts_on=dt.date(2026, 2, 6),
            report=(
                "书法爱好者现场为困难残疾人群众书写春联和“福”字：“骏马奔腾开锦绣，春风浩荡展宏图”"
                "“残健相融同筑梦，新春共庆齐欢颜”。写好的春联、福字随后由慰问小组带进村入户。"
            ),
        )
        for _ in range(6):
            services.activity_volunteer_add(
                actor=federation, activity_id=couplets.pk, hours=Decimal(4), name=self.name("M")
            )
        villages = self.villages(WANRONG)
        families = [self.family(villages[i % len(villages)], county) for i in range(8)]
        for head, _child in families:
            services.activity_beneficiary_add(
                actor=federation,
                activity_id=couplets.pk,
                resident_id=head.resident_id,
                whole_household=True,
                note="春联、福字",
            )
        warmth = self.activity(
            federation,
            kind="home_visit",
            title="“冰雪温暖行”困难残疾人温暖过冬走访慰问",
            organiser="万荣县残疾人联合会",
            organiser_region=WANRONG,
            region=JIEDIAN,
            address="各乡镇困难残疾人家中",
            starts_on=dt.date(2026, 2, 9),
            ends_on=dt.date(2026, 2, 12),
            report="全体干部职工分成慰问小组，带着春联、福字和慰问品进村入户，帮忙张贴春联，"
            "了解身体状况、生活需求和政策落实情况。",
        )
        staff = ["韩冰", self.name("F"), self.name("M"), self.name("F")]
        for name in staff:
            services.activity_volunteer_add(
                actor=federation, activity_id=warmth.pk, hours=Decimal(16), name=name
            )
        needs_of_february = [
            ("heating", "取暖煤不足，需补助一吨", "done", "乡镇民政办送煤一吨"),
            ("medical", "偏瘫后需康复训练", "done", "已对接县康复中心每周上门"),
            ("repair", "屋顶漏雨，需修缮", "open", ""),  # long overdue
            ("heating", "电暖器损坏", "done", "残联送新电暖器一台"),
            ("other", "希望办理助残公交卡", "cancelled", "本人已在县城办理"),
            ("medical", "需轮椅一辆", "done", "辅具中心适配轮椅"),
        ]
        for i, (kind, text, end, reason) in enumerate(needs_of_february):
            head = families[i][0]
            day = dt.date(2026, 2, 9 + i % 4)
            owner = federation if i % 2 == 0 else county
            (followup,) = self.visit(
                federation,
                head,
                day,
                "老人行动不便，和儿子同住，家中靠烧煤取暖；帮忙贴上了春联。",
                [services.NeedInput(kind=kind, description=text, owner_id=owner.pk)],
                activity=warmth,
                visitors="、".join(staff[:2]),
            )
            if end != "open":
                self.close(owner, followup, end, reason, followup.deadline - dt.timedelta(days=2))

    def longdao(self) -> None:
        town = self.user("yangyu_town")
        longdao = self.ctx.regions[LONGDAO]
        members = list(
            Person.objects.filter(region__path__startswith=self.ctx.regions[YANGYU].path).order_by(
                "id"
            )[:5]
        )
        cadres = [self.name("M") for _ in range(4)]
        days = [
            dt.date(2026, 3, 14),
            dt.date(2026, 5, 16),
            dt.date(2026, 8, 15),
            dt.date(2026, 10, 17),
        ]
        for n, day in enumerate(d for d in days if d <= self.today):
            activity = self.activity(
                town,
                kind="volunteer",
                title="“治环境、净家园”志愿服务活动" if n == 0 else "龙到村人居环境常态化整治",
                organiser="闻喜县阳隅镇人民政府",
                organiser_region=YANGYU,
                partners="龙到村党支部",
                region=longdao.code,
                address="村内主干道、广场巷道及卫生死角",
                starts_on=day,
                report=(
                    "包村干部联合龙到村党员清扫路面、清理生活垃圾、搬运杂物、整治乱堆乱放，"
                    "并向沿途村民宣传维护公共环境、共建美好乡村。"
                )
                if n == 0
                else "",
                head_count=0,
            )
            for name in cadres[: 4 - n % 2]:
                services.activity_volunteer_add(
                    actor=town, activity_id=activity.pk, hours=Decimal(3), name=name
                )
            for person in members[: 5 - n]:
                services.activity_volunteer_add(
                    actor=town,
                    activity_id=activity.pk,
                    hours=Decimal(self.rng.choice(("2.5", "3", "3.5"))),
                    resident_id=person.resident_id,
                )

    def bank_classes(self) -> None:
        county = self.user("hejin_county")
        fuxi = self.region(FUXI, "府西社区", HEJIN_CITY)
        start = dt.date(2026, 1, 6)
        end = min(dt.date(2026, 11, 24), self.today)
        activity = self.activity(
            county,
            kind="class",
            title="老年大学教学点金融知识课堂",
            organiser="山西银行河津支行",
            organiser_region=HEJIN,
            partners="府西社区党支部、老年大学",
            region=fuxi.code,
            address="山西银行河津支行营业网点",
            starts_on=start,
            ends_on=end,
            report="以“金融+教育”模式与府西社区党建共建，通过课堂宣讲、案例讲解、反诈演练提升"
            "老年人金融素养；网点同时开设诗词朗诵等课程。",
        )
        step = max((end - start).days // CLASS_SESSIONS, 1)
        counts = [self.rng.randint(52, 72) for _ in range(CLASS_SESSIONS)]
        i = 0
        while sum(counts) != CLASS_ATTENDANCES:  # spread the difference one by one
            counts[i % CLASS_SESSIONS] += 1 if sum(counts) < CLASS_ATTENDANCES else -1
            i += 1
        for i, count in enumerate(counts):
            services.activity_session_add(
                actor=county,
                activity_id=activity.pk,
                held_on=start + dt.timedelta(days=i * step),
                topic=CLASS_TOPICS[i % len(CLASS_TOPICS)],
                attendance=count,
                today=self.today,
            )
        for _ in range(3):
            services.activity_volunteer_add(
                actor=county, activity_id=activity.pk, hours=Decimal(48), name=self.name("F")
            )

    def heating_fee_days(self) -> None:
        county = self.user("wanrong")
        for day, served in HEATING_FEE_DAYS:
            activity = self.activity(
                county,
                kind="on_site",
                title="供热缴费便民服务进社区",
                organiser="山西银行万荣支行",
                organiser_region=WANRONG,
                partners="万荣县供热公司、小区物业",
                region=JIEDIAN,
                address="解店镇各小区物业服务中心",
                starts_on=day,
                head_count=served,
                report="开卡、绑卡、签约、缴费等服务前移至社区。",
            )
            services.activity_volunteer_add(
                actor=county,
                activity_id=activity.pk,
                hours=Decimal(6),
                name="山西银行万荣支行志愿服务队",
            )

    # ------------------------------------------------------------------ around the demo day

    def visits_now(self) -> None:
        today = self.today
        rounds = [
            ("federation", "wanrong", WANRONG, "federation"),
            ("beicheng", "yanhu", BEICHENG, "beicheng"),
            ("pinglu", "pinglu", PINGLU, "pinglu"),
        ]
        for login, keeper_login, prefix, owner_login in rounds:
            actor, keeper, owner = self.user(login), self.user(keeper_login), self.user(owner_login)
            villages = self.villages(prefix)
            rounds_activity = self.activity(
                actor,
                kind="home_visit",
                title="入冬困难家庭走访慰问",
                organiser=actor.organisation,
                organiser_region=prefix[:6],
                region=villages[0].code,
                address="辖区困难家庭",
                starts_on=today - dt.timedelta(days=19),
                ends_on=today - dt.timedelta(days=3),
            )
            plan = [
                (13, "heating", "取暖炉烟道堵塞，屋内冷", "open"),  # 5 working days: overdue
                (19, "medical", "慢性病需按月送药", "open"),  # 10 working days: overdue
                (17, "repair", "院墙倒塌需修缮", "done"),
                (4, "medical", "老人需要家庭医生签约", "open"),  # not yet due
                (3, "heating", "燃气取暖费用困难", "open"),
            ]
            for i, (ago, kind, text, end) in enumerate(plan):
                people = self.family(villages[i % len(villages)], keeper, baby=i == 3)
                needs = [services.NeedInput(kind=kind, description=text, owner_id=owner.pk)]
                if i == 3:  # a baby under 3 without a subsidy application
                    needs.append(
                        services.NeedInput(
                            kind="benefit",
                            description=f"孙子{people[2].name}尚未申领育儿补贴",
                            benefit="childcare_subsidy",
                            person_resident_id=people[2].resident_id,
                            owner_id=owner.pk,
                        )
                    )
                found = self.visit(
                    actor,
                    people[0],
                    today - dt.timedelta(days=ago),
                    "老两口与儿子同住，身体一般，冬季取暖有困难。",
                    needs,
                    activity=rounds_activity,
                    visitors=str(actor),
                )
                if end == "done":
                    self.close(
                        owner, found[0], "done", "已协调乡镇修缮", today - dt.timedelta(days=2)
                    )

    def claimed_afterwards(self) -> None:
        """Needs for benefits claimed in their module after the visit: the daily run closes
        them (a child's subsidy application in 北城街道; a 万荣县 disability request)."""
        beicheng = self.user("beicheng")
        cutoff = rules.under_three_cutoff(self.today)
        app = (
            Application.objects.filter(
                region__path__startswith=self.ctx.regions[BEICHENG].path,
                child_birth_date__gt=cutoff,
                submitted_on__gt=self.today - dt.timedelta(days=300),
                submitted_on__lte=self.today,
            )
            .exclude(status=Application.Status.REJECTED)
            .select_related("child", "applicant")
            .order_by("id")
            .first()
        )
        if app is not None:
            day = max(app.submitted_on - dt.timedelta(days=5), app.child.birth_date)
            self.visit(
                beicheng,
                app.applicant,
                day,
                "新生儿家庭，母亲在家照顾孩子，不清楚育儿补贴怎么申请。",
                [
                    services.NeedInput(
                        kind="benefit",
                        description=f"{app.child.name}尚未申领育儿补贴",
                        benefit="childcare_subsidy",
                        person_resident_id=app.child.resident_id,
                    )
                ],
            )
        federation = self.user("federation")
        case = (
            Case.objects.filter(
                region__path__startswith=self.ctx.regions[WANRONG].path,
                status=Case.Status.REQUESTED,
            )
            .select_related("person")
            .order_by("id")
            .first()
        )
        if case is not None:
            day = case.requested_at.date() - dt.timedelta(days=6)
            self.visit(
                federation,
                case.person,
                day,
                "长期卧床，尚未办理残疾人证。",
                [
                    services.NeedInput(
                        kind="benefit",
                        description=f"{case.person.name}尚未办理残疾人证",
                        benefit="disability_certificate",
                        person_resident_id=case.person.resident_id,
                    )
                ],
            )

    def build(self) -> None:
        self.couplets_and_warmth()
        self.longdao()
        self.bank_classes()
        self.heating_fee_days()
        self.visits_now()
        self.claimed_afterwards()
        closed = services.followups_resolve_claimed(today=self.today)
        open_ = FollowUp.objects.filter(status=FollowUp.Status.OPEN)
        late = open_.filter(deadline__lt=self.today).count()
        self.ctx.log(
            f"  活动 {Activity.objects.count()} 次，跟进事项 {self.followups} 件"
            f"（待跟进 {open_.count()} 件，其中逾期 {late} 件；"
            f"在相关模块办理后自动办结 {closed} 件）"
        )


def build(ctx: DemoContext) -> None:
    """The newspaper's four outreach events and the visits and follow-ups of the demo day."""
    started = time.monotonic()
    ctx.log("走访慰问与志愿服务：")
    _Story(ctx).build()
    ctx.log(f"走访慰问与志愿服务部分用时 {time.monotonic() - started:.1f} 秒")
