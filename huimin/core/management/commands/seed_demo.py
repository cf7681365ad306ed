"""huimin seed-demo [--seed N] [--scale small|city] [--if-empty]"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from huimin.core.demo import SCALES, demo_city_build, demo_city_exists


class Command(BaseCommand):
    help = "生成演示城市（运城市）：行政区划、各角色演示账号和合成人员数据。同一种子结果相同。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（默认 2025）")
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="small",
            help="small：测试规模；city：运城市实际规模",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库已有数据时直接跳过（make run 使用）"
        )

    def handle(self, *args: object, **options: object) -> None:
        if demo_city_exists():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，保留现有数据，跳过演示数据生成。")
                return
            raise CommandError(
                "数据库中已有数据，未生成演示数据。请使用空数据库（删除 var/huimin.sqlite3 "
                "后重新运行 make run），或加 --if-empty 跳过。"
            )
        started = timezone.now()
        demo_city_build(
            seed=int(options["seed"]),  # type: ignore[call-overload]
            scale=str(options["scale"]),
            today=timezone.localdate(),
            log=self.stdout.write,
        )
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示城市已生成（种子 {options['seed']}，规模 {options['scale']}），"
                f"用时 {seconds:.1f} 秒。"
            )
        )
