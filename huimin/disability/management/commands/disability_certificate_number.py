"""huimin disability certificate-number RESIDENT_ID CATEGORY-GRADE [CATEGORY-GRADE ...]: the
certificate number the rules give (several impairments: the multiple-disability number), or
a clear error naming the problem with exit status 2."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.disability import rules


class Command(BaseCommand):
    help = (
        "按居民身份证号码和各项残疾的“类别-等级”计算残疾人证号，"
        "如 huimin disability certificate-number 140822194805031241 4-2 1-3。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("resident_id", help="18位居民身份证号码")
        parser.add_argument(
            "impairments", nargs="+", help="每项残疾写成“类别-等级”，如 4-2（肢体残疾二级）"
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            core_rules.resident_id_parse(str(options["resident_id"]), today=timezone.localdate())
            items = [rules.impairment_parse(str(t)) for t in options["impairments"]]  # type: ignore[attr-defined]
            number = rules.certificate_number(str(options["resident_id"]), items)
        except (core_rules.ResidentIdError, rules.AssessmentError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(number)
