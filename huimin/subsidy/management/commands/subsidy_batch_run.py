"""huimin subsidy batch-run BATCH_ID: build a payment batch (or finish building it) in the
foreground with a progress display — what the task worker does, for an operator at a terminal.

Each chunk commits with the batch's cursor: Ctrl+C (or a crash) loses at most the chunk in
progress, and running the command again carries on from there; a batch already built is left
as it is."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.errors import DomainError
from huimin.subsidy import rules, services
from huimin.subsidy.models import PaymentBatch

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "在前台生成（或继续生成）一个育儿补贴发放批次并显示进度。可随时按 Ctrl+C 中断，"
        "已完成的部分保留，再次运行从中断处继续；已生成的批次不会重复生成。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch_id", type=int, help="发放批次编号（批次页面上的 #编号）")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=services.BATCH_CHUNK,
            help=f"每次提交处理的申请数（默认 {services.BATCH_CHUNK}）",
        )

    def handle(self, *args: object, **options: object) -> None:
        batch_id = int(options["batch_id"])  # type: ignore[call-overload]
        chunk_size = int(options["chunk_size"])  # type: ignore[call-overload]
        if chunk_size < 1:
            raise CommandError("--chunk-size 应为正整数。")
        batch = PaymentBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"未找到编号为 {batch_id} 的发放批次，请核对批次编号。")
        if batch.status == PaymentBatch.Status.REJECTED:
            raise CommandError(
                f"批次 #{batch.pk}“{batch.name}”已被复核退回，不能再生成；请新建批次。"
            )
        if batch.status not in (PaymentBatch.Status.CREATED, PaymentBatch.Status.RUNNING):
            self.stdout.write(
                f"批次 #{batch.pk}“{batch.name}”已生成（{batch.get_status_display()}），"
                f"无需再运行：明细 {batch.line_count:,} 笔，"
                f"合计 {rules.yuan_display(batch.total_fen)} 元。"
            )
            return
        if batch.status == PaymentBatch.Status.RUNNING:
            self.stdout.write(
                f"批次 #{batch.pk}“{batch.name}”从中断处继续："
                f"已处理 {batch.processed:,}/{batch.expected:,}。"
            )
        else:
            self.stdout.write(f"开始生成批次 #{batch.pk}“{batch.name}”。")
        self.tty = self.stdout.isatty()
        started = time.monotonic()
        try:
            batch = services.batch_run(
                batch_id=batch.pk, chunk_size=chunk_size, on_chunk=self.progress
            )
        except KeyboardInterrupt:
            batch.refresh_from_db()
            raise CommandError(
                f"已中断。已提交的部分保留（已处理 {batch.processed:,}/{batch.expected:,}）；"
                f"再次运行 huimin subsidy batch-run {batch.pk} 即从中断处继续。",
                returncode=130,
            ) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if self.tty:
            self.stdout.write("")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"批次 #{batch.pk}“{batch.name}”{batch.get_status_display()}："
                f"明细 {batch.line_count:,} 笔，合计 {rules.yuan_display(batch.total_fen)} 元，"
                f"用时 {seconds:.1f} 秒。"
            )
        )

    def progress(self, batch: PaymentBatch) -> None:
        """One line per committed chunk; on a terminal, one line redrawn."""
        percent = batch.percent
        done = BAR_WIDTH * percent // 100
        bar = "#" * done + "-" * (BAR_WIDTH - done)
        text = f"  [{bar}] {percent:3d}%  已处理 {batch.processed:,}/{batch.expected:,}"
        if self.tty:
            self.stdout.write("\r" + text, ending="")
            self.stdout.flush()
        else:
            self.stdout.write(text)
