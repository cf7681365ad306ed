"""The supervision CLI verbs: ``huimin supervision verify-draw ID | --all`` (一致 / 不一致 with
the differences, exit status 1 on a mismatch) and ``huimin supervision daily`` (the cron job:
escalation, publication, credit; idempotent)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command, get_commands

from huimin.cli import _resolve
from huimin.supervision import selectors, services
from huimin.supervision.models import DrawCandidate, DrawPlan, Inspection, OpinionLetter
from tests.core.test_uploads import image_bytes
from tests.supervision.conftest import TODAY, YANHU, CountySetup

PUBLIC_VALUE = "2026年11月24日上证指数收盘3976.52"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cli_setup(county_setup, fixed_now) -> CountySetup:
    return county_setup


def drawn_plan(
    setup: CountySetup, name: str = "2026年第四季度盐湖区双随机抽查", target_count: int = 2
) -> DrawPlan:
    plan = services.plan_create(
        actor=setup.official, name=name, region_code=YANHU, target_count=target_count
    )
    services.plan_lock(actor=setup.official, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    return services.plan_draw(actor=setup.official, plan_id=plan.pk)


def verify(*args: str) -> str:
    out = StringIO()
    call_command("supervision_verify_draw", *args, stdout=out, no_color=True)
    return out.getvalue()


def report(plan: DrawPlan) -> list[str]:
    """The lines verify-draw prints for a plan, from the verification it reports."""
    result = selectors.draw_verify(plan.pk)
    lines = [f"抽查计划 #{plan.pk}“{plan.name}”"]
    lines += [f"  {c.label}：{'一致' if c.ok else '不一致'}（{c.detail}）" for c in result.checks]
    if result.differences:
        lines += ["  差异：", *(f"    {d}" for d in result.differences)]
    return [*lines, f"  结论：{'一致' if result.ok else '不一致'}"]


def test_the_cli_resolves_the_supervision_verbs():
    commands = set(get_commands())
    assert _resolve(["supervision", "verify-draw", "3"], commands) == [
        "supervision_verify_draw",
        "3",
    ]
    assert _resolve(["supervision", "daily", "--date", "2026-11-30"], commands) == [
        "supervision_daily",
        "--date",
        "2026-11-30",
    ]


def test_verify_draw_reports_each_check_and_a_match(cli_setup):
    plan = drawn_plan(cli_setup)

    printed = verify(str(plan.pk))

    lines = printed.splitlines()
    assert lines == report(plan)
    assert [line.split("：")[0].strip() for line in lines[1:4]] == [
        "随机种子",
        "对象库与人员库摘要",
        "抽取结果",
    ]
    assert all("：一致（" in line for line in lines[1:4])
    assert lines[-1] == "  结论：一致"


def test_verify_draw_reports_a_changed_weight_and_exits_with_status_1(cli_setup):
    plan = drawn_plan(cli_setup)
    candidate = DrawCandidate.objects.filter(plan=plan).order_by("pk").first()
    candidate.weight += 1
    candidate.save()
    out = StringIO()

    with pytest.raises(CommandError) as info:
        call_command("supervision_verify_draw", str(plan.pk), stdout=out, no_color=True)

    assert info.value.returncode == 1
    assert str(info.value) == f"抽取复核不一致：计划 #{plan.pk}。"
    lines = out.getvalue().splitlines()
    assert lines == report(plan)
    assert lines[2].startswith("  对象库与人员库摘要：不一致（")
    assert lines[-1] == "  结论：不一致"


def test_verify_draw_lists_the_differences_of_a_swapped_inspector(cli_setup):
    plan = drawn_plan(cli_setup)
    inspection = plan.inspections.order_by("position").first()
    row = inspection.crew.order_by("position").first()
    crew = set(inspection.crew.values_list("inspector_id", flat=True))
    outsider = next(u for u in cli_setup.inspectors if u.pk not in crew)
    row.inspector = outsider
    row.save()
    out = StringIO()

    with pytest.raises(CommandError) as info:
        call_command("supervision_verify_draw", str(plan.pk), stdout=out, no_color=True)

    assert info.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines == report(plan)
    assert "  差异：" in lines
    difference = lines[lines.index("  差异：") + 1]
    assert difference.startswith(f"    第1个：记录为机构{inspection.institution_id}（检查人员[")
    assert str(outsider.pk) in difference.split("重算为")[0]


def test_verify_draw_all_checks_every_drawn_plan_and_names_the_mismatched(cli_setup):
    first = drawn_plan(cli_setup)
    second = drawn_plan(cli_setup, name="2026年12月盐湖区专项抽查")
    services.plan_create(
        actor=cli_setup.official, name="草稿", region_code=YANHU, target_count=1
    )  # not drawn: not checked

    printed = verify("--all")
    assert printed.splitlines() == [
        *report(first),
        *report(second),
        "共复核 2 个已抽取的计划：2 个一致，0 个不一致。",
    ]

    DrawCandidate.objects.filter(plan=second).update(weight=5)
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("supervision_verify_draw", "--all", stdout=out, no_color=True)
    assert info.value.returncode == 1
    assert str(info.value) == f"抽取复核不一致：计划 #{second.pk}。"
    assert out.getvalue().splitlines()[-1] == "共复核 2 个已抽取的计划：1 个一致，1 个不一致。"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("999",), "未找到编号为 999 的抽查计划，请核对计划编号。"),
        ((), "请给出一个抽查计划编号，或用 --all 复核所有已抽取的计划（二选一）。"),
        (("1", "--all"), "请给出一个抽查计划编号，或用 --all 复核所有已抽取的计划（二选一）。"),
    ],
)
def test_verify_draw_refuses_what_it_cannot_check(db, args, message):
    with pytest.raises(CommandError) as info:
        verify(*args)
    assert str(info.value) == message


def test_verify_draw_of_a_plan_not_yet_drawn_says_so(cli_setup):
    plan = services.plan_create(
        actor=cli_setup.official, name="第四季度抽查", region_code=YANHU, target_count=1
    )
    services.plan_lock(actor=cli_setup.official, plan_id=plan.pk, public_value=PUBLIC_VALUE)

    with pytest.raises(CommandError) as info:
        verify(str(plan.pk))

    assert str(info.value) == (
        f"抽查计划 #{plan.pk}“第四季度抽查”尚未抽取（已锁定，待抽取），没有可复核的抽取结果。"
    )
    assert verify("--all") == "没有已抽取的抽查计划。\n"


# --------------------------------------------------------------------------- daily


def daily(*args: str) -> str:
    out = StringIO()
    call_command("supervision_daily", *args, stdout=out, no_color=True)
    return out.getvalue()


def _rectify(setup: CountySetup, inspection: Inspection) -> OpinionLetter:
    inspector = inspection.crew.order_by("position").first().inspector
    items = list(inspection.items.order_by("position"))
    entries = [services.ItemInput(i.pk, "pass") for i in items]
    entries[0] = services.ItemInput(
        items[0].pk, "fail", note="健康证明过期", needs_correction=True, correction="补办健康证明"
    )
    services.items_record(actor=inspector, inspection_id=inspection.pk, items=entries)
    services.inspection_complete(
        actor=inspector, inspection_id=inspection.pk, inspected_on=TODAY, working_days=1
    )
    return OpinionLetter.objects.get(inspection=inspection)


def test_daily_escalates_publishes_and_rates_once_and_again_changes_nothing(cli_setup):
    plan = drawn_plan(cli_setup)
    first, second = plan.inspections.order_by("position")
    letter = _rectify(cli_setup, first)
    assert letter.deadline == dt.date(2026, 11, 26)

    printed = daily("--date", "2026-11-25")  # the deadline has not passed
    assert printed == (
        "监督检查每日运行（2026-11-25）：\n"
        "  逾期上报的意见书：0 份\n"
        "  新公示的检查结果：1 项\n"
        "  诚信评价有变化的机构：3 家\n"
        "完成。\n"
    )  # the result is published at the first run after completion; the two not yet rated
    # get their first rating

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "today", lambda: dt.date(2027, 1, 4))
        later = daily()
        again = daily()
    assert later == (
        "监督检查每日运行（2027-01-04）：\n"
        "  逾期上报的意见书：1 份\n"
        "  新公示的检查结果：0 项\n"
        "  诚信评价有变化的机构：0 家\n"
        "完成。\n"
    )  # the escalation rated the institution already
    letter.refresh_from_db()
    first.refresh_from_db()
    assert (letter.status, first.published_on) == ("overdue", dt.date(2026, 11, 25))
    assert second.status == "assigned"
    assert again == (
        "监督检查每日运行（2027-01-04）：\n"
        "  逾期上报的意见书：0 份\n"
        "  新公示的检查结果：0 项\n"
        "  诚信评价有变化的机构：0 家\n"
        "完成。\n"
    )


def test_daily_runs_through_the_task_queue_when_asked(cli_setup):
    plan = drawn_plan(cli_setup)
    _rectify(cli_setup, plan.inspections.order_by("position").first())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "today", lambda: dt.date(2026, 11, 27))
        printed = daily("--enqueue")

    assert printed == "已放入后台任务队列，由 huimin db_worker 执行。\n"
    # the test settings run tasks at once
    assert OpinionLetter.objects.get().status == "overdue"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-01", "日期应为 YYYY-MM-DD 格式（例如 2026-11-30），您填写的是“2026-13-01”。"),
        ("2026-11-26", "日期2026-11-26晚于今天，不能提前运行。"),
    ],
)
def test_daily_refuses_a_bad_or_future_date(cli_setup, value, message):
    with pytest.raises(CommandError) as info:
        daily("--date", value)
    assert str(info.value) == message


def test_evidence_sent_in_time_is_not_escalated(cli_setup):
    # all three drawn: which two of three a draw takes depends on the ids the database gave
    plan = drawn_plan(cli_setup, target_count=3)
    inspection = plan.inspections.get(institution=cli_setup.institutions[0])  # the operator's
    letter = _rectify(cli_setup, inspection)
    services.evidence_submit(
        actor=cli_setup.operator,
        letter_id=letter.pk,
        upload=SimpleUploadedFile("证明.png", image_bytes("PNG")),
        note="已补办健康证明",
    )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "today", lambda: dt.date(2026, 12, 1))
        printed = daily()

    assert "  逾期上报的意见书：0 份\n" in printed
    letter.refresh_from_db()
    assert letter.status == "submitted"
