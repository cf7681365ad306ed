"""Childcare subsidy (育儿补贴) records: applications with their review decisions, payment
batches with their lines and the bank's results.

The invariant that matters most lives in the database: one payment line per child and year
that is pending or paid (``subsidy_line_one_per_child_year``), so no retry, crash or second
batch can pay a child twice (docs/adr/0008-subsidy-payments.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huimin.core import rules as core_rules
from huimin.core.models import Person, Region, User
from huimin.subsidy import rules


class Application(models.Model):
    """One guardian's application for one child (育儿补贴申请), reviewed by the township and
    confirmed by the county. ``region`` is the child's hukou; after a move it is the new place,
    which pays from ``region_from_year`` on (before that ``previous_region`` pays)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待乡镇审核")
        TOWNSHIP_APPROVED = "township_approved", _("待县级确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未通过")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上申请")
        COUNTER = "counter", _("乡镇代办")
        ROSTER = "roster", _("名册导入")

    class Relation(models.TextChoices):
        FATHER = rules.Relation.FATHER, _("父亲")
        MOTHER = rules.Relation.MOTHER, _("母亲")
        GUARDIAN = rules.Relation.GUARDIAN, _("其他监护人")

    class Holder(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        CHILD = "child", _("孩子本人")

    child = models.ForeignKey(
        Person, verbose_name="孩子", on_delete=models.PROTECT, related_name="subsidy_applications"
    )
    #: The child's birth date, copied from the resident ID so a batch selects without a join.
    child_birth_date = models.DateField("出生日期", editable=False)
    birth_certificate = models.CharField("出生医学证明编号", max_length=10)
    applicant = models.ForeignKey(
        Person, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    relation = models.CharField("与孩子关系", max_length=10, choices=Relation.choices)
    region = models.ForeignKey(
        Region, verbose_name="户籍所在地", on_delete=models.PROTECT, related_name="+"
    )
    previous_region = models.ForeignKey(
        Region,
        verbose_name="原户籍所在地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_from_year = models.PositiveSmallIntegerField("现户籍地发放起始年度", default=2025)
    #: Nothing is paid after this year (death, or hukou moved out of the city).
    last_year = models.PositiveSmallIntegerField("发放截止年度", null=True, blank=True)
    stop_reason = models.CharField("停发原因", max_length=200, blank=True)
    bank_name = models.CharField("开户银行", max_length=50)
    bank_account = models.CharField("银行账号", max_length=30)
    account_holder = models.CharField(
        "账户所有人", max_length=10, choices=Holder.choices, default=Holder.APPLICANT
    )
    account_name = models.CharField("收款人", max_length=50)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_on = models.DateField("申请日期")
    #: 30 working days after ``submitted_on``; empty while that year's holiday calendar is
    #: not entered yet (filled by ``huimin subsidy-daily`` once it is).
    deadline = models.DateField("办结时限", null=True, blank=True)
    #: The deadline counted days in a year whose holiday notice was not entered (ADR 0010).
    deadline_provisional = models.BooleanField("时限为暂定", default=False)
    filed_by = models.ForeignKey(
        User, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "育儿补贴申请"
        verbose_name_plural = "育儿补贴申请"
        ordering = ["-id"]
        constraints = [
            # One application per child, whoever files it; a refused one does not block
            # a corrected new one.
            models.UniqueConstraint(
                fields=["child"],
                condition=~Q(status="rejected"),
                name="subsidy_application_one_per_child",
            ),
            models.UniqueConstraint(
                fields=["birth_certificate"],
                condition=~Q(status="rejected"),
                name="subsidy_application_one_per_certificate",
            ),
        ]
        indexes = [
            # A batch walks the confirmed applications in id order, chunk by chunk: with this
            # index each chunk is a range read. (An index on status and birth date lured
            # SQLite, once ANALYZE had run, into sorting every remaining candidate per chunk.)
            models.Index(fields=["status", "id"], name="subsidy_app_status_id_idx"),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["submitted_on"]),
        ]

    def __str__(self) -> str:
        return f"育儿补贴申请 #{self.pk}"

    @property
    def masked_bank_account(self) -> str:
        return core_rules.mask_bank_account(self.bank_account)

    def payer_region_id(self, year: int) -> int | None:
        """The region that pays ``year``: the old place until the move's next year."""
        if year >= self.region_from_year or self.previous_region_id is None:
            return self.region_id
        return self.previous_region_id


class ApplicationDecision(models.Model):
    """A review decision (审核、确认) on an application: who decided what, at which level, why."""

    class Level(models.TextChoices):
        TOWNSHIP = "township", _("乡镇审核")
        COUNTY = "county", _("县级确认")

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("不通过")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    level = models.CharField("环节", max_length=10, choices=Level.choices)
    outcome = models.CharField("结论", max_length=10, choices=Outcome.choices)
    reason = models.TextField("意见", blank=True)
    actor = models.ForeignKey(
        User, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.get_outcome_display()}"


class PaymentBatch(models.Model):
    """A payment batch (发放批次) for one payment year and region: built by a background task
    in chunks (``cursor`` and ``processed`` make it resumable), approved by a second finance
    officer (maker–checker), exported to the bank, settled by the bank's result file."""

    class Status(models.TextChoices):
        CREATED = "created", _("待生成")
        RUNNING = "running", _("生成中")
        BUILT = "built", _("待复核")
        APPROVED = "approved", _("已复核，待发放")
        SETTLED = "settled", _("发放完成")
        REJECTED = "rejected", _("复核退回")

    name = models.CharField("批次名称", max_length=100)
    year = models.PositiveSmallIntegerField("发放年度")
    region = models.ForeignKey(
        Region, verbose_name="发放区域", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.CREATED)
    created_by = models.ForeignKey(
        User, verbose_name="制单人", on_delete=models.PROTECT, related_name="+"
    )
    fen_per_month = models.PositiveIntegerField("月标准（分）")
    #: Progress of the build: applications expected, scanned, and the last id scanned.
    expected = models.PositiveIntegerField("预计人数", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    cursor = models.PositiveBigIntegerField("处理位置", default=0)
    line_count = models.PositiveIntegerField("明细笔数", default=0)
    total_fen = models.BigIntegerField("总金额（分）", default=0)
    paid_count = models.PositiveIntegerField("发放成功笔数", default=0)
    paid_fen = models.BigIntegerField("发放成功金额（分）", default=0)
    failed_count = models.PositiveIntegerField("发放失败笔数", default=0)
    started_at = models.DateTimeField("开始生成", null=True, blank=True)
    built_at = models.DateTimeField("生成完成", null=True, blank=True)
    #: The batch's lines summed one by one (``selectors.BatchTotals`` as a dict) when a service
    #: last changed them and every night (``huimin subsidy-daily``): the dashboard compares
    #: the stored totals above with it instead of summing every line per view (issue 17).
    lines_counted = models.JSONField("明细之和", null=True, blank=True, editable=False)
    lines_counted_at = models.DateTimeField("明细逐笔核对时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    #: The build's bookkeeping, not for the timeline (core.timeline).
    timeline_hidden = frozenset({"cursor", "processed"})

    class Meta:
        verbose_name = "发放批次"
        verbose_name_plural = "发放批次"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def percent(self) -> int:
        if self.status in (self.Status.CREATED,):
            return 0
        if not self.expected:
            return 100 if self.status != self.Status.RUNNING else 0
        return min(100, self.processed * 100 // self.expected)


class BatchDecision(models.Model):
    """The checker's decision on a built batch: approved or sent back, by someone other than
    its maker."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("复核通过")
        REJECT = "reject", _("退回")

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField("结论", max_length=10, choices=Outcome.choices)
    reason = models.TextField("意见", blank=True)
    actor = models.ForeignKey(
        User, verbose_name="复核人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "批次复核"
        verbose_name_plural = "批次复核"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return self.get_outcome_display()


class BankResultImport(models.Model):
    """One bank result file applied to a batch: who loaded which file, and what it changed."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件摘要", max_length=64)
    paid_count = models.PositiveIntegerField("成功笔数")
    failed_count = models.PositiveIntegerField("失败笔数")
    actor = models.ForeignKey(
        User, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "银行回盘导入"
        verbose_name_plural = "银行回盘导入"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.file_name


class PaymentLine(models.Model):
    """One child's payment for one year in a batch. Written in bulk by the batch, settled by
    the bank's result; a failed line frees the child for a later batch."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发放")
        PAID = "paid", _("已发放")
        FAILED = "failed", _("发放失败")
        CANCELLED = "cancelled", _("已作废")

    # Every index slows the batch's insert: the batch key is served by the (batch, status)
    # index and an import's lines are read through their batch, so those two keys get no index
    # of their own. The child keeps its index: the batch's "no pending or paid line yet" probe
    # uses it (SQLite cannot use the partial unique index with bound parameters).
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="lines")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("发放年度")
    months = models.PositiveSmallIntegerField("月数")
    amount_fen = models.PositiveIntegerField("金额（分）")
    region = models.ForeignKey(
        Region, verbose_name="发放地", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    account_name = models.CharField("收款人", max_length=50)
    bank_name = models.CharField("开户银行", max_length=50)
    bank_account = models.CharField("银行账号", max_length=30)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField("失败原因", max_length=200, blank=True)
    result_import = models.ForeignKey(
        BankResultImport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
    )
    settled_on = models.DateField("发放日期", null=True, blank=True)

    class Meta:
        verbose_name = "发放明细"
        verbose_name_plural = "发放明细"
        ordering = ["id"]
        constraints = [
            # A child is never paid twice for the same year (RULES.md §4): at most one line
            # per child and year that is pending or paid. Failed and cancelled lines do not
            # count, so the child goes into a later batch.
            models.UniqueConstraint(
                fields=["child", "year"],
                condition=Q(status__in=["pending", "paid"]),
                name="subsidy_line_one_per_child_year",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0) & Q(months__gt=0), name="subsidy_line_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "status"]),
            # a batch's page lists its lines in id order: read in order, not 116,400 sorted
            models.Index(fields=["batch", "id"], name="subsidy_line_batch_id_idx"),
        ]

    def __str__(self) -> str:
        return f"发放明细 #{self.pk}"

    @property
    def masked_bank_account(self) -> str:
        return core_rules.mask_bank_account(self.bank_account)


class ApplicationTally(models.Model):
    """How many applications of a hukou region were submitted in a month and are now in a
    status: the subsidy dashboard reads these few thousand rows instead of counting every
    application per view (issue 17). Exact, not estimated: the services recount the rows of a
    region in the transaction of every write that adds applications to it or changes their
    status or region (``services.tally_refresh``), under a lock on the region row."""

    region = models.ForeignKey(
        Region, verbose_name="户籍所在地", on_delete=models.PROTECT, related_name="+"
    )
    month = models.CharField("申请月份", max_length=7)  # "2025-03"
    status = models.CharField("状态", max_length=20, choices=Application.Status.choices)
    count = models.PositiveIntegerField("申请数")

    class Meta:
        verbose_name = "育儿补贴申请统计"
        verbose_name_plural = "育儿补贴申请统计"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "month", "status"], name="subsidy_tally_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.get_status_display()} {self.count}"


class PaidTally(models.Model):
    """Children paid and the amount paid for a payment year by the paying region, kept as
    ``ApplicationTally`` is: recounted for the regions of a batch when its bank result is
    applied (the only write that makes a line paid)."""

    region = models.ForeignKey(
        Region, verbose_name="发放地", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("发放年度")
    children = models.PositiveIntegerField("已发放人数")
    amount_fen = models.PositiveBigIntegerField("已发放金额（分）")

    class Meta:
        verbose_name = "育儿补贴发放统计"
        verbose_name_plural = "育儿补贴发放统计"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], name="subsidy_paid_tally_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.children}人"
