"""huimin token-create USERNAME [--name NAME]: issue an API bearer token."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.models import User
from huimin.core.services import api_token_create


class Command(BaseCommand):
    help = "为用户签发接口令牌（只显示一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="令牌用途")

    def handle(self, *args: object, **options: object) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"用户“{options['username']}”不存在。") from None
        token, key = api_token_create(user=user, name=str(options["name"]))
        self.stdout.write(f"令牌（请妥善保存，只显示这一次）：{key}")
        self.stdout.write(
            f"用法：curl -H 'Authorization: Bearer {key}' http://127.0.0.1:8000/api/me"
        )
