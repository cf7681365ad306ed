"""huimin demo-logins: one demo login per role."""

from django.conf import settings
from django.core.management.base import BaseCommand

from huimin.core.demo import DEMO_ACCOUNTS, DemoAccount
from huimin.core.models import User


class Command(BaseCommand):
    help = "列出各角色的演示账号。"

    def handle(self, *args: object, **options: object) -> None:
        existing = {
            user.username: user
            for user in User.objects.filter(
                username__in=[a.username for a in DEMO_ACCOUNTS]
            ).select_related("person__region__parent")
        }
        self.stdout.write(f"演示账号（密码均为 {settings.DEMO_PASSWORD}）：")
        for account in DEMO_ACCOUNTS:
            if account.username in existing:
                place = account.organisation or _citizen_place(existing[account.username], account)
                self.stdout.write(f"  {account.username:<11} {account.role.label:<12} {place}")


def _citizen_place(user: User, account: DemoAccount) -> str:
    """Where a citizen's hukou is, and what the account is for."""
    region = user.person.region if user.person is not None else None
    where = f"{region.parent.name if region.parent else ''}{region.name}" if region else ""
    return f"{where}群众" + (f"（{account.about}）" if account.about else "")
