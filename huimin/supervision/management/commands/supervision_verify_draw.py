"""huimin supervision verify-draw PLAN_ID | --all: recompute a draw from its published record
(seed, pools' hash, result) and report 一致 or 不一致 with the differences; exit status 1 on a
mismatch."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.supervision import selectors
from huimin.supervision.models import DrawPlan


class Command(BaseCommand):
    help = (
        "复核双随机抽取：按公布的随机种子和记录的对象库、人员库重新抽取，逐项报告“一致”或"
        "“不一致”及差异；有不一致时退出状态为 1。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_id", nargs="?", type=int, help="抽查计划编号")
        parser.add_argument("--all", action="store_true", help="复核所有已抽取的计划")

    def handle(self, *args: object, **options: object) -> None:
        plan_id = options["plan_id"]
        if bool(options["all"]) == (plan_id is not None):
            raise CommandError(
                "请给出一个抽查计划编号，或用 --all 复核所有已抽取的计划（二选一）。"
            )
        if isinstance(plan_id, int):
            plans = [self.drawn(plan_id)]
        else:
            plans = list(DrawPlan.objects.filter(status=DrawPlan.Status.DRAWN).order_by("pk"))
            if not plans:
                self.stdout.write("没有已抽取的抽查计划。")
                return
        mismatched = [plan for plan in plans if not self.report(plan)]
        if len(plans) > 1:
            self.stdout.write(
                f"共复核 {len(plans)} 个已抽取的计划：{len(plans) - len(mismatched)} 个一致，"
                f"{len(mismatched)} 个不一致。"
            )
        if mismatched:
            numbers = "、".join(f"#{plan.pk}" for plan in mismatched)
            raise CommandError(f"抽取复核不一致：计划 {numbers}。", returncode=1)

    def drawn(self, plan_id: int) -> DrawPlan:
        plan = DrawPlan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"未找到编号为 {plan_id} 的抽查计划，请核对计划编号。")
        if plan.status != DrawPlan.Status.DRAWN:
            raise CommandError(
                f"抽查计划 #{plan.pk}“{plan.name}”尚未抽取（{plan.get_status_display()}），"
                "没有可复核的抽取结果。"
            )
        return plan

    def report(self, plan: DrawPlan) -> bool:
        result = selectors.draw_verify(plan.pk)
        self.stdout.write(f"抽查计划 #{plan.pk}“{plan.name}”")
        for check in result.checks:
            self.stdout.write(
                f"  {check.label}：{'一致' if check.ok else '不一致'}（{check.detail}）"
            )
        if result.differences:
            self.stdout.write("  差异：")
            for difference in result.differences:
                self.stdout.write(f"    {difference}")
        verdict = "一致" if result.ok else "不一致"
        style = self.style.SUCCESS if result.ok else self.style.ERROR
        self.stdout.write(style(f"  结论：{verdict}"))
        return result.ok
