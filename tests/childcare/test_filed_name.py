"""Public pages show an institution by the name the county acknowledged (备案名称): a new
name typed by the operator appears there only once its change filing is acknowledged
(issue 11, item 22)."""

from __future__ import annotations

from huimin.childcare import services
from huimin.childcare.models import Filing
from huimin.supervision import services as supervision


def _public_names(client) -> list[str]:
    body = client.get("/api/supervision/public/credit").json()
    return [row["institution_name"] for row in body["items"]]


def test_a_new_name_is_public_only_once_the_county_acknowledges_it(
    client, filed_institution, operator, yanhu_official
):
    institution = filed_institution  # filed as 盐湖区综合托育服务中心
    supervision.credit_refresh(institution_id=institution.pk, reason="测试")
    assert _public_names(client) == ["盐湖区综合托育服务中心"]

    services.institution_update(
        actor=operator, institution_id=institution.pk, name="盐湖区阳光托育服务中心"
    )
    institution.refresh_from_db()
    assert (institution.name, institution.public_name) == (
        "盐湖区阳光托育服务中心",
        "盐湖区综合托育服务中心",
    )
    assert _public_names(client) == ["盐湖区综合托育服务中心"]
    assert (
        client.get("/supervision/public/", {"q": "阳光"})
        .content.decode()
        .count("盐湖区阳光托育服务中心")
        == 0
    )

    change = Filing.objects.get(kind=Filing.Kind.CHANGE)
    services.filing_decide(actor=yanhu_official, filing_id=change.pk, acknowledge=True)
    assert _public_names(client) == ["盐湖区阳光托育服务中心"]
    assert "盐湖区阳光托育服务中心" in client.get("/supervision/public/").content.decode()
