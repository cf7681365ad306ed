"""huimin subsidy quote YYYY-MM-DD: the childcare subsidy owed for a birth date, as the same
JSON as GET /api/subsidy/quote."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.errors import DomainError
from huimin.subsidy import rules, selectors


class Command(BaseCommand):
    help = "按出生日期测算育儿补贴，输出与接口 GET /api/subsidy/quote 相同的 JSON。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("birth_date", help="孩子的出生日期 YYYY-MM-DD，例如 2023-12-15")

    def handle(self, *args: object, **options: object) -> None:
        try:
            birth_date = rules.birth_date_parse(str(options["birth_date"]))
            entitlement = selectors.entitlement_quote(birth_date=birth_date)
        except rules.BirthDateError as exc:
            raise CommandError(str(exc)) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(json.dumps(rules.quote_json(entitlement), ensure_ascii=False))
