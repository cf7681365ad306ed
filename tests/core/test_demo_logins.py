"""huimin demo-logins names where each citizen account lives and what it is for."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.demo_snapshot import demo_city


@pytest.mark.django_db
def test_each_citizen_login_says_where_it_lives_and_what_it_is_for():
    demo_city(seed=2025, scale="small", today=dt.date(2026, 11, 29), log=lambda s: None)
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert lines["citizen"].endswith(" 盐湖区北城街道群众（育儿补贴申请人）")
    assert lines["farmer"].endswith(" 张村镇窑头村群众（野生动物致害报案农户）")
