"""Records of the dashboard app: the overview's yearly reports (``ReportRun``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huimin.core.models import Region, User


def _report_path(run: ReportRun, filename: str) -> str:
    return f"overview/reports/{run.year}/{filename}"


class ReportRun(models.Model):
    """A yearly report of the city (``region`` empty) or of one county, built in the background
    (``tasks.report_build_task``) as a PDF and an .xlsx; ``progress`` (0–100) and ``step`` say
    how far the build is, the files are kept for download afterwards."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("生成失败")

    region = models.ForeignKey(
        Region,
        verbose_name="范围",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空：全市",
    )
    year = models.PositiveSmallIntegerField("年度")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    step = models.CharField("当前步骤", max_length=100, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    pdf = models.FileField("PDF", upload_to=_report_path, blank=True)
    xlsx = models.FileField("Excel", upload_to=_report_path, blank=True)

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        indexes = [models.Index(fields=["region", "-id"], name="dashboard_report_region")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="dashboard_report_pct")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.region.name if self.region else '运城市'}"

    @property
    def scope_name(self) -> str:
        return self.region.name if self.region_id and self.region else "运城市"
