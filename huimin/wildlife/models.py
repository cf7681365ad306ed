"""Wildlife-damage relief insurance (野生动物致害政府救助责任险): a county's policy years with
their standards tables, loss reports (claims), survey visits, payout batches."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huimin.core.models import Person, Region, User
from huimin.wildlife import rules


def _species_default() -> list[str]:
    return list(rules.SPECIES_DEFAULT)


class Policy(models.Model):
    """A county's policy year: insurer, period, premium and its split, aggregate limit,
    covered species and (in ``standards``) the compensation table. Editable until it starts.

    ``committed_fen`` is what the year has paid or sent to the bank: payouts lock this row and
    never take it past ``limit_fen`` (a database constraint holds it too)."""

    region = models.ForeignKey(
        Region, verbose_name="投保县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("保单年度")
    insurer = models.CharField("承保公司", max_length=100)
    number = models.CharField("保单号", max_length=50, blank=True)
    starts_on = models.DateField("保险期间起")
    ends_on = models.DateField("保险期间止")
    premium_fen = models.BigIntegerField("保费（分）", default=rules.PREMIUM_DEFAULT_FEN)
    province_percent = models.PositiveSmallIntegerField(
        "省级承担比例（%）", default=rules.PROVINCE_SHARE_PERCENT
    )
    province_paid_fen = models.BigIntegerField("省级已缴保费（分）", default=0)
    county_paid_fen = models.BigIntegerField("县级已缴保费（分）", default=0)
    limit_fen = models.BigIntegerField(
        "累计赔偿限额（分）", default=rules.AGGREGATE_LIMIT_DEFAULT_FEN
    )
    committed_fen = models.BigIntegerField("已赔付及在途金额（分）", default=0)
    species = models.JSONField("保障物种", default=_species_default)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "救助责任险保单"
        verbose_name_plural = "救助责任险保单"
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="wildlife_one_policy_a_year"),
            models.CheckConstraint(
                condition=Q(committed_fen__gte=0) & Q(committed_fen__lte=F("limit_fen")),
                name="wildlife_paid_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="wildlife_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(province_percent__lte=100), name="wildlife_province_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.year}年度野生动物致害救助责任险"

    @property
    def province_owes_fen(self) -> int:
        return rules.premium_split(self.premium_fen, self.province_percent)[0]

    @property
    def county_owes_fen(self) -> int:
        return rules.premium_split(self.premium_fen, self.province_percent)[1]

    @property
    def left_fen(self) -> int:
        return self.limit_fen - self.committed_fen


class Standard(models.Model):
    """One line of a policy year's compensation table: crop × growth stage → yuan per mu."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="standards")
    crop = models.CharField("作物", max_length=20)
    stage = models.CharField("生长期", max_length=20)
    yuan_per_mu = models.DecimalField("赔偿标准（元/亩）", max_digits=10, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "赔偿标准"
        verbose_name_plural = "赔偿标准"
        ordering = ["policy", "crop", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "crop", "stage"], name="wildlife_one_standard_per_crop_stage"
            ),
            models.CheckConstraint(condition=Q(yuan_per_mu__gt=0), name="wildlife_standard_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.crop}{self.stage} {self.yuan_per_mu}元/亩"


class Claim(models.Model):
    """A loss report (报案) and its life: acceptance, survey, the farmer's agreement, payout."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("已报案，待接案")
        ACCEPTED = "accepted", _("已接案，待查勘")
        REJECTED = "rejected", _("不予受理")
        SURVEYED = "surveyed", _("已定损，待确认")
        AGREED = "agreed", _("已确认，待赔付")
        PAYING = "paying", _("赔付中")
        PAID = "paid", _("已赔付")

    class Location(models.TextChoices):
        GPS = "gps", _("手机定位")
        VILLAGE = "village", _("在村内选点")
        NONE = "", _("未提供")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="claims")
    region = models.ForeignKey(
        Region, verbose_name="受损地点（村）", on_delete=models.PROTECT, related_name="+"
    )
    farmer = models.ForeignKey(
        Person, verbose_name="受损农户", on_delete=models.PROTECT, related_name="wildlife_claims"
    )
    reported_by = models.ForeignKey(
        User, verbose_name="报案人", on_delete=models.PROTECT, related_name="+"
    )
    crop = models.CharField("作物", max_length=20)
    area_mu = models.DecimalField("报案受损面积（亩）", max_digits=10, decimal_places=2)
    species = models.CharField("致害物种", max_length=20)
    damaged_on = models.DateField("受损日期")
    description = models.CharField("受损情况", max_length=500, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    location_source = models.CharField(
        "位置来源", max_length=8, choices=Location.choices, blank=True, default=Location.NONE
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.REPORTED
    )
    reported_at = models.DateTimeField("报案时间")
    accept_due = models.DateField("应接案日期")
    accepted_at = models.DateTimeField("接案时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name="接案人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_at = models.DateTimeField("不予受理时间", null=True, blank=True)
    exclusion = models.CharField("不予受理原因", max_length=20, blank=True)
    rejection_note = models.CharField("说明", max_length=300, blank=True)
    deadline = models.DateField("应查勘日期", null=True, blank=True)
    deadline_provisional = models.BooleanField("查勘期限为暂定", default=False)
    survey_from = models.DateField("查勘期限起算日", null=True, blank=True)
    surveyed_at = models.DateTimeField("定损时间", null=True, blank=True)
    visit = models.ForeignKey(
        "SurveyVisit", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    amount_fen = models.BigIntegerField("定损金额（分）", null=True, blank=True)
    disputes = models.PositiveSmallIntegerField("异议次数", default=0)
    dispute_note = models.CharField("异议", max_length=300, blank=True)
    agreed_at = models.DateTimeField("农户确认时间", null=True, blank=True)
    payment_due = models.DateField("应赔付日期", null=True, blank=True)
    paid_at = models.DateTimeField("赔付时间", null=True, blank=True)
    paid_fen = models.BigIntegerField("实际赔付（分）", default=0)
    shortfall_fen = models.BigIntegerField("超出限额未赔（分）", default=0)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "野生动物致害报案"
        verbose_name_plural = "野生动物致害报案"
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["policy", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="wildlife_claim_area_gt0"),
            models.CheckConstraint(
                condition=Q(paid_fen__gte=0) & Q(shortfall_fen__gte=0),
                name="wildlife_claim_paid_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.farmer.name} {self.crop}"

    @property
    def number(self) -> str:
        """The claim's number as the farmer reads it: BA + county + year + id."""
        return f"BA{self.reported_at:%Y}{self.pk:06d}" if self.pk else ""

    @property
    def exclusion_label(self) -> str:
        try:
            return rules.EXCLUSION_LABELS[rules.Exclusion(self.exclusion)]
        except ValueError:
            return ""


class SurveyVisit(models.Model):
    """A survey visit (查勘) to a village: one or several claims of that village at once."""

    region = models.ForeignKey(
        Region, verbose_name="查勘地点（村）", on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("查勘日期")
    surveyor = models.ForeignKey(
        User, verbose_name="查勘人", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("查勘说明", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "查勘"
        verbose_name_plural = "查勘"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.visited_on}"


class SurveyItem(models.Model):
    """What the survey found of one crop of a claim; its amount by the year's standard."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    visit = models.ForeignKey(SurveyVisit, on_delete=models.PROTECT, related_name="items")
    crop = models.CharField("作物", max_length=20)
    stage = models.CharField("生长期", max_length=20)
    area_mu = models.DecimalField("查勘面积（亩）", max_digits=10, decimal_places=2)
    loss_percent = models.PositiveSmallIntegerField("损失程度（%）")
    yuan_per_mu = models.DecimalField("赔偿标准（元/亩）", max_digits=10, decimal_places=2)
    amount_fen = models.BigIntegerField("金额（分）")
    current = models.BooleanField("有效", default=True)  # a disputed survey's items are kept

    class Meta:
        verbose_name = "查勘定损明细"
        verbose_name_plural = "查勘定损明细"
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(loss_percent__gte=1) & Q(loss_percent__lte=100),
                name="wildlife_loss_percent_1_100",
            ),
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="wildlife_item_area_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.crop}{self.stage} {self.area_mu}亩 {self.loss_percent}%"


class ClaimPhoto(models.Model):
    """A photo of a claim: the farmer's report or the adjuster's survey."""

    class Kind(models.TextChoices):
        REPORT = "report", _("报案照片")
        SURVEY = "survey", _("查勘照片")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    file = models.FileField("照片", upload_to="wildlife/%Y/%m/")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "报案照片"
        verbose_name_plural = "报案照片"
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return self.file.name


class PayoutBatch(models.Model):
    """A payout batch (赔付批次) of a policy year: the agreed claims it pays, its bank file and
    the bank's result."""

    class Status(models.TextChoices):
        CREATED = "created", _("已生成，待银行发放")
        SETTLED = "settled", _("已回盘")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="batches")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("批次名称", max_length=100)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.CREATED)
    total_fen = models.BigIntegerField("发放金额（分）", default=0)
    line_count = models.PositiveIntegerField("笔数", default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    settled_at = models.DateTimeField("回盘时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "赔付批次"
        verbose_name_plural = "赔付批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class PayoutLine(models.Model):
    """One claim's payout in a batch: the amount sent (within the limit) and the bank's word."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待银行发放")
        PAID = "paid", _("已发放")
        FAILED = "failed", _("发放失败")

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="lines")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payout_lines")
    amount_fen = models.BigIntegerField("发放金额（分）")
    shortfall_fen = models.BigIntegerField("超出限额未赔（分）", default=0)
    payee = models.CharField("收款人", max_length=50)
    bank_name = models.CharField("开户银行", max_length=50)
    bank_account = models.CharField("银行账号", max_length=30)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField("失败原因", max_length=200, blank=True)
    settled_on = models.DateField("发放日期", null=True, blank=True)

    class Meta:
        verbose_name = "赔付明细"
        verbose_name_plural = "赔付明细"
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status__in=["pending", "paid"]),
                name="wildlife_claim_paid_once",
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="wildlife_line_ge0"),
        ]

    def __str__(self) -> str:
        return f"{self.payee} {self.amount_fen}"
