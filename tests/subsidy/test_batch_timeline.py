"""A payment batch's timeline: each transition once, with the figures that changed with it in
yuan, and without the build's bookkeeping (cursor, rows processed)."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.core.selectors import timeline_for
from huimin.subsidy import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(confirmed, maker, django_capture_on_commit_callbacks):
    confirmed(dt.date(2023, 10, 21), child_name="王甲")
    confirmed(dt.date(2024, 12, 31), child_name="王乙")
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(actor=maker, year=2025, region_code="140800")
    batch.refresh_from_db()
    return batch


def test_each_state_change_of_a_batch_is_one_entry_with_its_figures_in_yuan(built, maker):
    entries = timeline_for(built)

    assert [(e.kind, e.title, e.actor, e.reason) for e in entries] == [
        ("event", "创建", str(maker), "创建批次"),
        ("event", "状态变更", "系统", "开始生成发放明细"),
        ("event", "状态变更", "系统", "生成发放明细2笔，合计7,200元"),
    ]
    assert entries[0].changes == [("状态", "（无）", "待生成")]
    assert entries[1].changes[0] == ("状态", "待生成", "生成中")
    assert [label for label, _, _ in entries[1].changes] == ["状态", "预计人数", "开始生成"]
    assert entries[2].changes[0] == ("状态", "生成中", "待复核")
    assert ("总金额", "0 元", "7,200 元") in entries[2].changes
    assert ("明细笔数", "0", "2") in entries[2].changes
    labels = {label for e in entries for label, _, _ in e.changes}
    assert not labels & {"处理位置", "已处理", "总金额（分）", "更新时间"}
