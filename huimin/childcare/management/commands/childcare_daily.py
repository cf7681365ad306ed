"""huimin childcare daily: what time alone changes — recognitions expiring, certificates
running out, children ageing out of their class."""

from django.core.management.base import BaseCommand, CommandParser

from huimin.childcare import services
from huimin.childcare.models import Institution
from huimin.childcare.tasks import compliance_refresh_task


class Command(BaseCommand):
    help = "每日运行：普惠认定到期处理，并重新评估所有在营托育机构的合规情况。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="把每个机构的评估放入后台任务队列，而不是在本进程内执行",
        )

    def handle(self, *args: object, **options: object) -> None:
        expired = services.recognition_expire_due()
        self.stdout.write(f"普惠认定到期：{expired} 家")
        ids = list(
            Institution.objects.exclude(status=Institution.Status.CLOSED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        total_open = 0
        for n, pk in enumerate(ids, 1):
            if options["enqueue"]:
                compliance_refresh_task.enqueue(pk)
            else:
                total_open += compliance_refresh_task.call(pk)
            if n % 50 == 0 or n == len(ids):
                self.stdout.write(f"  合规评估：{n}/{len(ids)}")
        if not options["enqueue"]:
            self.stdout.write(
                self.style.SUCCESS(f"完成：{len(ids)} 家机构，未整改问题 {total_open} 项")
            )
