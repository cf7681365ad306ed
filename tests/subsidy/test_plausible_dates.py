"""The subsidy's dates that cannot be use core's rule (issue 11 item 13): a hukou move before
the child's birth or in 1900 is refused and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.core.errors import InvalidInput
from huimin.subsidy import services

from .conftest import BEICHENG


@pytest.mark.parametrize(
    ("moved_on", "message"),
    [
        (dt.date(2024, 3, 14), "迁移日期2024-03-14早于孩子的出生日期2024-03-15，请核对。"),
        (dt.date(1900, 1, 1), "迁移日期1900-01-01早于1950年，请核对年份。"),
    ],
)
def test_a_hukou_move_before_the_child_was_born_is_refused(confirmed, county, moved_on, message):
    application = confirmed(dt.date(2024, 3, 15))

    with pytest.raises(InvalidInput) as info:
        services.application_hukou_move(
            actor=county,
            application_id=application.pk,
            moved_on=moved_on,
            region_code="140822101",
        )

    assert info.value.field_errors == {"moved_on": message}
    application.refresh_from_db()
    assert (application.region.code, application.previous_region_id) == (BEICHENG, None)
