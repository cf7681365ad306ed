"""huimin demo-logins: one demo login per role."""

from django.conf import settings
from django.core.management.base import BaseCommand

from huimin.core.demo import DEMO_ACCOUNTS
from huimin.core.models import User


class Command(BaseCommand):
    help = "列出各角色的演示账号。"

    def handle(self, *args: object, **options: object) -> None:
        existing = set(
            User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
                "username", flat=True
            )
        )
        self.stdout.write(f"演示账号（密码均为 {settings.DEMO_PASSWORD}）：")
        for account in DEMO_ACCOUNTS:
            if account.username in existing:
                place = account.organisation or "盐湖区北城街道群众（育儿补贴申请人）"
                self.stdout.write(f"  {account.username:<11} {account.role.label:<12} {place}")
