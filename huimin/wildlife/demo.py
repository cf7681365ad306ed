"""The wildlife part of the demo city: Pinglu's (平陆县) relief insurance, 2023–2026.

- Pinglu's policies for 2023, 2024, 2025 and 2026: 中国人保财险平陆支公司, 500,000 yuan premium
  (province 40%, county 60%, both paid), 8,000,000 yuan aggregate limit, Shanxi's species and
  the demo standards table (小麦 苗期 300, 拔节期 550, 成熟期 850; 玉米 苗期 350, 拔节期 650,
  成熟期 1,150; 花生 苗期 400, 成熟期 1,250 yuan per mu). A past year's table was entered
  before the year started, so it is written directly here (the service refuses a started year).
- 38 claims, made through the services (reports, acceptance, survey visits, agreement,
  batches, bank results):
  * the 32 maize claims of autumn 2024 (wild boar), accepted the same day, surveyed village by
    village, confirmed in early January 2025 and paid by the January 2025 payout batch:
    exactly 157,800.00 yuan (``JANUARY_2025``);
  * six claims of the 2026 year, one in every other state: reported today and waiting,
    accepted, refused (outside the designated production area), surveyed and waiting for the
    farmer's confirmation (the ``farmer`` login's own), agreed and due for payment, and in a
    payout batch sent to the bank. Their assessed amounts bring the payouts to 500,909.00 yuan.
- the ``farmer`` login (core's demo account, 窑头村) has one of the paid maize claims and the
  claim waiting for his confirmation.

Deterministic for a seed and a day: amounts come from the tables below, names from ctx.faker.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from huimin.core.demo import DemoContext, random_bank_account, random_phone, random_resident_id
from huimin.core.models import Person, User
from huimin.wildlife import rules, services
from huimin.wildlife.models import Claim, Policy, Standard

BEIJING = ZoneInfo("Asia/Shanghai")
PINGLU = "140829"
INSURER = "中国人保财险平陆支公司"
YEARS = (2023, 2024, 2025, 2026)
#: where the farmers live: the two demo villages and the other two townships of Pinglu
PLACES = ("140829102201", "140829103201", "140829100", "140829101")

#: The 32 maize claims of the January 2025 payout: (area in mu, stage, loss %). Their amounts
#: (area × standard × loss ÷ 100, half up to the fen) add up to exactly 157,800.00 yuan.
JANUARY_2025: tuple[tuple[str, str, int], ...] = (
    ("10.31", "成熟期", 65),
    ("10.36", "成熟期", 45),
    ("10.05", "成熟期", 35),
    ("9.17", "成熟期", 35),
    ("9.70", "成熟期", 60),
    ("7.72", "成熟期", 55),
    ("9.91", "成熟期", 35),
    ("8.00", "成熟期", 35),
    ("4.35", "成熟期", 45),
    ("8.97", "成熟期", 30),
    ("3.45", "成熟期", 45),
    ("4.09", "成熟期", 40),
    ("9.21", "成熟期", 70),
    ("6.00", "成熟期", 40),
    ("10.63", "成熟期", 60),
    ("10.50", "成熟期", 75),
    ("10.40", "成熟期", 80),
    ("7.24", "成熟期", 45),
    ("9.73", "成熟期", 75),
    ("10.89", "成熟期", 75),
    ("5.54", "成熟期", 35),
    ("6.77", "成熟期", 45),
    ("8.94", "成熟期", 45),
    ("10.09", "成熟期", 75),
    ("8.22", "成熟期", 65),
    ("5.56", "成熟期", 50),
    ("5.20", "成熟期", 70),
    ("7.70", "成熟期", 70),
    ("4.97", "成熟期", 70),
    ("6.03", "成熟期", 30),
    ("7.93", "成熟期", 40),
    ("17.19", "拔节期", 27),  # a late-sown field, still jointing
)
JANUARY_2025_TOTAL_FEN = 157_800_00


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


class _Story:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.admin = ctx.users["admin"]
        self.adjuster = ctx.users["adjuster"]
        self.reporter = ctx.users["pinglu"]  # county forestry enters reports for farmers
        self.farmer = ctx.users["farmer"]
        # the services refuse future dates: the story is told as of the demo day or today
        self.today = min(ctx.today, timezone.localdate(), dt.date(2026, 12, 31))
        self.county = ctx.regions[PINGLU]
        self.policies: dict[int, Policy] = {}

    # ----------------------------------------------------------------- policies

    def policies_build(self) -> None:
        for year in YEARS:
            policy = Policy.objects.create(
                region=self.county,
                year=year,
                insurer=INSURER,
                number=f"PZBF{year}14082900{year % 100:02d}",
                starts_on=dt.date(year, 1, 1),
                ends_on=dt.date(year, 12, 31),
                premium_fen=rules.PREMIUM_DEFAULT_FEN,
                province_percent=rules.PROVINCE_SHARE_PERCENT,
                province_paid_fen=rules.premium_split(rules.PREMIUM_DEFAULT_FEN)[0],
                county_paid_fen=rules.premium_split(rules.PREMIUM_DEFAULT_FEN)[1],
                limit_fen=rules.AGGREGATE_LIMIT_DEFAULT_FEN,
                species=list(rules.SPECIES_DEFAULT),
                created_by=self.admin,
            )
            Standard.objects.bulk_create(
                Standard(policy=policy, crop=c, stage=s, yuan_per_mu=v)
                for c, s, v in rules.STANDARDS_DEMO
            )
            self.policies[year] = policy

    # ----------------------------------------------------------------- farmers

    def farmer_new(self, place: str) -> Person:
        ctx = self.ctx
        sex = "M" if self.rng.random() < 0.7 else "F"
        birth = dt.date(
            self.rng.randint(1955, 1985), self.rng.randint(1, 12), 1 + self.rng.randrange(28)
        )
        name = ctx.faker.last_name() + (
            ctx.faker.first_name_male() if sex == "M" else ctx.faker.first_name_female()
        )
        return Person.objects.create(
            resident_id=random_resident_id(ctx, PINGLU, birth, sex),
            name=name,
            birth_date=birth,
            sex=sex,
            phone=random_phone(self.rng),
            bank_name="山西平陆农村商业银行",
            bank_account=random_bank_account(self.rng),
            region=ctx.regions[place],
        )

    def report(
        self,
        farmer: Person,
        *,
        crop: str,
        area: Decimal,
        species: str,
        at: dt.datetime,
        description: str,
        actor: User | None = None,
    ) -> Claim:
        own = actor is not None
        return services.claim_report(
            actor=actor or self.reporter,
            data=services.ReportInput(
                region_code=farmer.region.code,
                crop=crop,
                area_mu=area,
                species=species,
                damaged_on=at.date() - dt.timedelta(days=self.rng.choice((0, 1))),
                description=description,
                farmer_id=None if own else farmer.pk,
            ),
            at=at,
        )

    # ----------------------------------------------------------------- 2024 maize

    def maize_2024(self) -> list[Claim]:
        """32 wild-boar claims on maize, September–October 2024, village by village; agreed in
        January 2025 and paid by the January 2025 batch."""
        claims: list[Claim] = []
        farmer_person = self.farmer.person
        assert farmer_person is not None  # noqa: S101 - core's demo gives the farmer a record
        by_village: dict[str, list[tuple[Claim, tuple[str, str, int]]]] = {}
        day = dt.date(2024, 9, 9)
        for n, row in enumerate(JANUARY_2025):
            place = PLACES[n % len(PLACES)]
            if n == 0:
                person = farmer_person
            else:
                person = self.farmer_new(place)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            claim = self.report(
                person,
                crop="玉米",
                area=Decimal(row[0]),
                species="野猪",
                at=_at(day, 7 + n % 3, 10 + n),
                description="夜间野猪成群进地，啃食、拱倒玉米",
                actor=self.farmer if n == 0 else None,
            )
            services.claim_accept(actor=self.adjuster, claim_id=claim.pk, at=_at(day, 11, n))
            by_village.setdefault(person.region.code, []).append((claim, row))
            claims.append(claim)
            if n % 3 == 2:
                day += dt.timedelta(days=2)
        # one survey visit per village, two working days after the last of its reports
        for rows in by_village.values():
            last = max(timezone.localtime(c.reported_at).date() for c, _r in rows)
            visit_day = min(last + dt.timedelta(days=2), dt.date(2024, 10, 31))
            while visit_day.weekday() >= 5:
                visit_day -= dt.timedelta(days=1)
            for chunk in (rows[i : i + 5] for i in range(0, len(rows), 5)):
                first = max(timezone.localtime(c.accepted_at).date() for c, _r in chunk)  # type: ignore[arg-type]
                services.visit_record(
                    actor=self.adjuster,
                    visited_on=max(visit_day, first),
                    entries=[
                        services.SurveyEntry(c.pk, "玉米", stage, Decimal(area), loss)
                        for c, (area, stage, loss) in chunk
                    ],
                    note="逐户丈量受损面积，按株数估算损失程度",
                    at=_at(max(visit_day, first), 16),
                )
        for n, claim in enumerate(claims):
            services.claim_confirm(
                actor=self.farmer if n == 0 else self.reporter,
                claim_id=claim.pk,
                at=_at(dt.date(2025, 1, 6 + n % 3), 10, n),
            )
        batch = services.batch_create(
            actor=self.adjuster,
            policy_id=self.policies[2024].pk,
            claim_ids=[c.pk for c in claims],
            name="平陆县2024年度野生动物致害赔付（2025年1月）",
            at=_at(dt.date(2025, 1, 14), 9),
        )
        if batch.total_fen != JANUARY_2025_TOTAL_FEN:
            raise AssertionError(f"January 2025 payout is {batch.total_fen}, not 15780000 fen")
        services.batch_result_apply(
            actor=self.adjuster,
            batch_id=batch.pk,
            results=[
                services.LineResult(line.pk, True, on=dt.date(2025, 1, 16))
                for line in batch.lines.all()
            ],
            at=_at(dt.date(2025, 1, 16), 15),
        )
        return claims

    # ----------------------------------------------------------------- 2026: every state

    def current_year(self) -> None:
        t = self.today
        now = timezone.now()

        def ago(days: int, hour: int = 9) -> dt.datetime:
            return _at(t - dt.timedelta(days=days), hour)

        # in a payout batch sent to the bank: 151.20 mu of maize, total loss (a cooperative)
        coop = self.farmer_new("140829101")
        paying = self.report(
            coop,
            crop="玉米",
            area=Decimal("151.20"),
            species="野猪",
            at=ago(40),
            description="合作社玉米地被野猪群毁坏",
        )
        services.claim_accept(actor=self.adjuster, claim_id=paying.pk, at=ago(40, 14))
        self._survey(paying, "成熟期", "151.20", 100, ago(38, 15))
        services.claim_confirm(actor=self.reporter, claim_id=paying.pk, at=ago(6, 10))
        services.batch_create(
            actor=self.adjuster,
            policy_id=self.policies[2026].pk,
            claim_ids=[paying.pk],
            name="平陆县2026年度野生动物致害赔付（第1批）",
            at=ago(3, 10),
        )
        # agreed, due for payment: 133.30 mu of peanuts
        grower = self.farmer_new("140829103201")
        agreed = self.report(
            grower,
            crop="花生",
            area=Decimal("133.30"),
            species="野猪",
            at=ago(25),
            description="花生成熟期被野猪翻拱",
        )
        services.claim_accept(actor=self.adjuster, claim_id=agreed.pk, at=ago(25, 11))
        self._survey(agreed, "成熟期", "133.30", 100, ago(22, 15))
        services.claim_confirm(actor=self.reporter, claim_id=agreed.pk, at=ago(2, 16))
        # surveyed, waiting for the farmer login's confirmation: whooper swans on his wheat
        assert self.farmer.person is not None  # noqa: S101 - core's demo gives him a record
        swans = self.report(
            self.farmer.person,
            crop="小麦",
            area=Decimal("12.40"),
            species="大天鹅",
            at=ago(5, 8),
            actor=self.farmer,
            description="大天鹅群落在麦田，啃食麦苗",
        )
        services.claim_accept(actor=self.adjuster, claim_id=swans.pk, at=ago(5, 10))
        self._survey(swans, "苗期", "12.40", 70, ago(3, 15))
        # accepted, the survey due within 5 working days
        accepted = self.report(
            self.farmer_new("140829102201"),
            crop="小麦",
            area=Decimal("3.60"),
            species="豆雁",
            at=ago(1, 8),
            description="豆雁啃食麦苗",
        )
        services.claim_accept(actor=self.adjuster, claim_id=accepted.pk, at=ago(1, 9))
        # refused: a field outside the designated production area (in the Yellow River flats)
        refused = self.report(
            self.farmer_new("140829103201"),
            crop="花生",
            area=Decimal("2.10"),
            species="野猪",
            at=ago(60),
            description="滩地花生被野猪拱食",
        )
        services.claim_reject(
            actor=self.adjuster,
            claim_id=refused.pk,
            exclusion=rules.Exclusion.OUTSIDE_AREA,
            note="该地块位于黄河湿地保护区内，不在划定的种植区域",
            at=ago(60, 15),
        )
        # reported this morning and still waiting for acceptance
        when = min(_at(t, 7, 40), now - dt.timedelta(minutes=50))
        self.report(
            self.farmer_new("140829100"),
            crop="小麦",
            area=Decimal("5.25"),
            species="大天鹅",
            at=when,
            description="大天鹅夜宿麦田，麦苗被啃光",
        )

    def _survey(self, claim: Claim, stage: str, area: str, loss: int, at: dt.datetime) -> None:
        services.visit_record(
            actor=self.adjuster,
            visited_on=at.date(),
            entries=[services.SurveyEntry(claim.pk, claim.crop, stage, Decimal(area), loss)],
            at=at,
        )

    def build(self) -> None:
        self.policies_build()
        self.maize_2024()
        self.current_year()
        claims = Claim.objects.filter(policy__region=self.county)
        paid = sum(claims.values_list("paid_fen", flat=True))
        assessed = sum(a or 0 for a in claims.values_list("amount_fen", flat=True))
        self.ctx.log(
            f"  保单：平陆县 {len(YEARS)} 个年度；报案 {claims.count()} 件，"
            f"已赔付 {rules.fen_to_yuan(paid)} 元，定损合计 {rules.fen_to_yuan(assessed)} 元"
        )


def build(ctx: DemoContext) -> None:
    """Pinglu's relief insurance 2023–2026: policies, 38 claims in every state, the January
    2025 payout of 32 maize claims (157,800.00 yuan)."""
    started = time.monotonic()
    ctx.log("野生动物致害救助（平陆县）：")
    _Story(ctx).build()
    ctx.log(f"野生动物致害救助部分用时 {time.monotonic() - started:.1f} 秒")
