"""A change filing shows the county what changed: every changed field, before and after, with
money in yuan, as the county needs to judge it."""

from __future__ import annotations

import re

import pytest

from huimin.childcare import services
from huimin.childcare.models import Filing

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[tuple[str, str, str]]:
    table = html.split('<div class="card" id="changes">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>", table)


def test_a_change_filing_shows_old_and_new_for_every_changed_field(
    client, filed_institution, operator, yanhu_official
):
    services.institution_update(
        actor=operator, institution_id=filed_institution.pk, capacity=150, fee_full_day=130_050
    )
    # a later edit while the filing is open joins it
    services.institution_update(
        actor=operator, institution_id=filed_institution.pk, address="运城市盐湖区学苑路16号"
    )
    filing = Filing.objects.get(kind=Filing.Kind.CHANGE)
    client.force_login(yanhu_official)

    html = client.get(f"/childcare/filings/{filing.pk}/").content.decode()

    assert _rows(html) == [
        ("地址", "运城市盐湖区北城街道学苑路12号", "运城市盐湖区学苑路16号"),
        ("核定托位数", "120", "150"),
        ("全日托收费", "1,200 元/月", "1,300.50 元/月"),
    ]


def test_after_the_decision_the_filing_keeps_showing_what_it_acknowledged(
    client, filed_institution, operator, yanhu_official
):
    services.institution_update(actor=operator, institution_id=filed_institution.pk, capacity=150)
    filing = Filing.objects.get(kind=Filing.Kind.CHANGE)
    services.filing_decide(actor=yanhu_official, filing_id=filing.pk, acknowledge=True)
    # an edit after the decision opens a new filing and is not part of this one
    services.institution_update(actor=operator, institution_id=filed_institution.pk, capacity=160)
    client.force_login(yanhu_official)

    html = client.get(f"/childcare/filings/{filing.pk}/").content.decode()

    assert _rows(html) == [("核定托位数", "120", "150")]
