"""The payment batch pages: list and filters, creating a batch (built by the immediate task
backend under tests), its progress, the checker's decision (never the maker's), the bank
files and the upload of the bank's result with its per-row errors."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from huimin.core.models import AccessLog, User
from huimin.subsidy import services
from huimin.subsidy.models import BankResultImport, BatchDecision, PaymentBatch, PaymentLine

LIST = "/subsidy/batches/"
NEW = "/subsidy/batches/new/"


def _detail(batch: PaymentBatch) -> str:
    return f"/subsidy/batches/{batch.pk}/"


def _text(response) -> str:
    return response.content.decode()


def _queries(client, url: str, **kwargs) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(ctx.captured_queries), _text(response)


@pytest.fixture
def children(confirmed):
    return [
        confirmed(dt.date(2023, 10, 21), child_name="王甲"),
        confirmed(dt.date(2024, 12, 31), child_name="王乙"),
        confirmed(dt.date(2025, 1, 1), child_name="王丙", bank_account="6222020200112233445"),
    ]


@pytest.fixture
def built(children, maker, django_capture_on_commit_callbacks) -> PaymentBatch:
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(actor=maker, year=2025, region_code="140800")
    batch.refresh_from_db()
    return batch


@pytest.fixture
def approved(built, checker) -> PaymentBatch:
    services.batch_decide(actor=checker, batch_id=built.pk, approve=True)
    built.refresh_from_db()
    return built


# --------------------------------------------------------------------------- list


def test_the_list_shows_the_batches_with_their_figures(client, built, maker):
    client.force_login(maker)
    content = _text(client.get(LIST))

    assert f'<a href="/subsidy/batches/{built.pk}/">运城市2025年度育儿补贴第1批</a>' in content
    assert '<span class="tag warn">待复核</span>' in content
    assert '<td class="num">3</td>\n  <td class="num">10,800</td>' in content
    assert 'href="/subsidy/batches/new/"' in content


def test_the_list_filters_by_year_and_status(client, built, maker):
    client.force_login(maker)
    assert "第1批" in _text(client.get(LIST, {"year": 2025, "status": "built"}))
    assert "没有符合条件的发放批次。" in _text(client.get(LIST, {"year": 2026}))
    assert "没有符合条件的发放批次。" in _text(client.get(LIST, {"status": "approved"}))


def test_the_list_htmx_request_gets_only_the_rows(client, built, maker):
    client.force_login(maker)
    content = _text(client.get(LIST, {"year": 2025}, headers={"HX-Request": "true"}))
    assert "<html" not in content
    assert "共 1 个批次。" in content


def test_the_list_pages_by_50_in_a_constant_number_of_queries(client, maker, city):
    client.force_login(maker)
    PaymentBatch.objects.create(
        name="一", year=2025, region=city["140800"], created_by=maker, fen_per_month=30000
    )
    few, _ = _queries(client, LIST)
    PaymentBatch.objects.bulk_create(
        PaymentBatch(
            name=f"批{n}", year=2025, region=city["140802"], created_by=maker, fen_per_month=30000
        )
        for n in range(60)
    )
    many, content = _queries(client, LIST)
    assert few == many == 6  # session, user, regions, count, the page's ids, its rows
    assert "共 61 个批次。" in content
    assert "第 1 / 2 页" in content


def test_a_county_official_sees_only_batches_of_their_county(client, county, maker, city):
    PaymentBatch.objects.create(
        name="盐湖区批次", year=2025, region=city["140802"], created_by=maker, fen_per_month=30000
    )
    PaymentBatch.objects.create(
        name="万荣县批次", year=2025, region=city["140822"], created_by=maker, fen_per_month=30000
    )
    client.force_login(county)
    content = _text(client.get(LIST))
    assert "盐湖区批次" in content
    assert "万荣县批次" not in content
    assert "新建发放批次" not in content


def test_a_citizen_may_not_see_batches(client, guardian):
    client.force_login(guardian)
    assert client.get(LIST).status_code == 403


# --------------------------------------------------------------------------- create


def test_the_create_form_offers_the_years_and_the_regions_in_scope(client, maker, today):
    client.force_login(maker)
    content = _text(client.get(NEW))
    assert '<option value="2025">2025年</option>' in content
    assert '<option value="140800">全市（运城市）</option>' in content
    assert '<option value="140829">平陆县</option>' in content


def test_creating_a_batch_builds_it_and_opens_its_page(
    client, children, maker, django_capture_on_commit_callbacks
):
    client.force_login(maker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, {"year": "2025", "region": "140802", "name": ""})

    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/subsidy/batches/{batch.pk}/"
    assert (batch.name, batch.status, batch.line_count, batch.total_fen) == (
        "盐湖区2025年度育儿补贴第1批",
        "built",
        3,
        1080000,
    )
    content = _text(client.get(response["Location"]))
    assert "已创建发放批次“盐湖区2025年度育儿补贴第1批”，正在后台生成发放明细。" in content
    assert "批次合计与明细之和一致" in content


def test_a_refused_batch_keeps_the_values_and_says_what_to_fix(client, maker, today):
    client.force_login(maker)
    response = client.post(NEW, {"year": "2030", "region": "", "name": "年末补发"})
    content = _text(response)
    assert response.status_code == 200
    assert "请选择发放区域：全市或一个县（市、区）。" in content
    assert 'value="年末补发"' in content
    assert not PaymentBatch.objects.exists()


def test_a_county_official_may_not_create_a_batch(client, county):
    client.force_login(county)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"year": "2025", "region": "140802"}).status_code == 403
    assert not PaymentBatch.objects.exists()


# --------------------------------------------------------------------------- detail and progress


def test_the_batch_page_shows_totals_and_their_check(client, built, maker):
    client.force_login(maker)
    content = _text(client.get(_detail(built)))

    assert "<h1>运城市2025年度育儿补贴第1批 " in content
    assert (
        '<tr><th>批次合计（生成时记录）</th><td class="num">3</td><td class="num">10,800</td></tr>'
    ) in content
    assert (
        '<tr><th>明细之和（有效明细）</th><td class="num">3</td><td class="num">10,800</td></tr>'
    ) in content
    assert "✓ 批次合计与明细之和一致" in content
    assert 'id="progress"' not in content


def test_a_batch_whose_stored_total_drifted_is_flagged(client, built, maker):
    PaymentBatch.objects.filter(pk=built.pk).update(line_count=4)
    client.force_login(maker)
    content = _text(client.get(_detail(built)))
    assert (
        "✗ 批次合计与明细之和不一致：批次记录 4 笔 10,800 元，明细之和 3 笔 10,800 元"
    ) in content


def test_the_lines_are_listed_masked_and_filtered(client, built, maker):
    client.force_login(maker)
    line = built.lines.select_related("child").get(child__name="王丙")
    content = _text(client.get(_detail(built)))

    assert "共 3 笔明细。" in content
    assert line.child.masked_resident_id in content
    assert line.child.resident_id not in content
    assert "6222***********3445" in content
    assert "6222020200112233445" not in content

    content = _text(
        client.get(
            _detail(built),
            {"q": line.child.resident_id},
            headers={"HX-Request": "true", "HX-Target": "lines"},
        )
    )
    assert "<html" not in content
    assert "共 1 笔明细。" in content
    assert "6222***********3445" in content
    assert "共 0 笔明细。" in _text(client.get(_detail(built), {"status": "paid"}))
    assert "共 3 笔明细。" in _text(client.get(_detail(built), {"q": "王丽", "region": "140802"}))
    assert "共 0 笔明细。" in _text(client.get(_detail(built), {"region": "140829"}))


def test_the_batch_page_needs_a_constant_number_of_queries(
    client, confirmed, maker, django_capture_on_commit_callbacks
):
    confirmed(dt.date(2024, 1, 5))
    with django_capture_on_commit_callbacks(execute=True):
        small = services.batch_create(actor=maker, year=2025, region_code="140802")
    for n in range(5):
        confirmed(dt.date(2024, 2, n + 1))
    with django_capture_on_commit_callbacks(execute=True):
        large = services.batch_create(actor=maker, year=2025, region_code="140800")
    client.force_login(maker)

    few, _ = _queries(client, _detail(small))
    many, content = _queries(client, _detail(large))

    assert "共 5 笔明细。" in content
    # session, user, regions, batch (with its lines as last summed), timeline (history, events,
    # access), filter regions, line count, the line page's ids and rows, decisions, imports
    assert few == many == 13


def _running(batch: PaymentBatch, processed: int, expected: int) -> None:
    PaymentBatch.objects.filter(pk=batch.pk).update(
        status="running", processed=processed, expected=expected
    )


def test_a_running_batch_shows_its_progress_and_polls_every_second(client, built, maker):
    _running(built, 2, 5)
    client.force_login(maker)

    content = _text(client.get(_detail(built)))
    assert (
        f'<div id="progress" class="batch-progress" hx-get="/subsidy/batches/{built.pk}/progress/"'
        ' hx-trigger="every 1s" hx-swap="outerHTML" aria-live="polite">'
    ) in content
    assert '<progress id="progress-bar" max="100" value="40">40%</progress>' in content
    assert "已处理 2 / 5 人（40%）" in content
    assert '<meta http-equiv="refresh" content="3">' in content  # without JavaScript


def test_the_progress_fragment_reports_the_figures(client, built, maker):
    _running(built, 3, 4)
    client.force_login(maker)
    response = client.get(f"/subsidy/batches/{built.pk}/progress/", headers={"HX-Request": "true"})
    content = _text(response)

    assert "<html" not in content
    assert 'hx-trigger="every 1s"' in content
    assert 'value="75"' in content
    assert "已处理 3 / 4 人（75%）" in content
    assert "HX-Refresh" not in response


def test_the_progress_fragment_stops_polling_and_reloads_the_page_once_built(client, built, maker):
    client.force_login(maker)
    response = client.get(f"/subsidy/batches/{built.pk}/progress/", headers={"HX-Request": "true"})
    content = _text(response)

    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in content
    assert "生成完成：处理 3 人，生成明细 3 笔。" in content


def test_a_batch_waiting_for_the_worker_says_so(client, children, maker):
    client.force_login(maker)
    batch = services.batch_create(actor=maker, year=2025, region_code="140800")  # not run
    content = _text(client.get(_detail(batch)))
    assert "等待后台任务开始生成明细……" in content
    assert "明细正在生成，完成后显示在这里。" in content


def test_a_batch_outside_the_users_county_is_not_found(client, built, make_user):
    wanrong = make_user("wanrong-official", User.Role.COUNTY_OFFICIAL, ("140822",))
    client.force_login(wanrong)
    assert client.get(_detail(built)).status_code == 404
    assert client.get(f"/subsidy/batches/{built.pk}/progress/").status_code == 404


# --------------------------------------------------------------------------- maker and checker


def test_the_maker_is_told_why_they_cannot_check_their_own_batch(client, built, maker):
    client.force_login(maker)
    content = _text(client.get(_detail(built)))
    assert "您是本批次的制单人（周建军），按“制单与复核分离”的要求不能复核自己创建的批次" in content
    assert 'value="approve"' not in content


def test_the_maker_cannot_approve_their_own_batch_through_the_page(client, built, maker):
    client.force_login(maker)
    response = client.post(f"/subsidy/batches/{built.pk}/decide/", {"decision": "approve"})

    assert response.status_code == 403
    assert "制单人不能复核自己创建的批次，请由另一位财务人员复核。" in _text(response)
    built.refresh_from_db()
    assert built.status == "built"
    assert not BatchDecision.objects.exists()


def test_the_checker_approves(client, built, checker):
    client.force_login(checker)
    assert 'value="approve"' in _text(client.get(_detail(built)))

    response = client.post(f"/subsidy/batches/{built.pk}/decide/", {"decision": "approve"})

    assert response.status_code == 302
    built.refresh_from_db()
    assert built.status == "approved"
    assert list(BatchDecision.objects.values_list("outcome", "actor")) == [("approve", checker.pk)]
    content = _text(client.get(_detail(built)))
    assert "批次已复核通过，可以导出银行发放文件。" in content
    assert f'href="/subsidy/batches/{built.pk}/bank-file.xlsx"' in content


def test_sending_back_needs_a_reason(client, built, checker):
    client.force_login(checker)
    response = client.post(f"/subsidy/batches/{built.pk}/decide/", {"decision": "reject"})

    assert response.status_code == 200
    assert "退回时请填写原因。" in _text(response)
    built.refresh_from_db()
    assert built.status == "built"
    assert not BatchDecision.objects.exists()


def test_the_checker_sends_a_batch_back_with_the_reason(client, built, checker):
    client.force_login(checker)
    response = client.post(
        f"/subsidy/batches/{built.pk}/decide/", {"decision": "reject", "reason": "区域选错"}
    )

    assert response.status_code == 302
    built.refresh_from_db()
    assert built.status == "rejected"
    assert set(built.lines.values_list("status", flat=True)) == {"cancelled"}
    content = _text(client.get(_detail(built)))
    assert "批次已退回，明细已全部作废，不再核对合计。" in content
    assert "区域选错" in content


# --------------------------------------------------------------------------- bank files


def test_the_bank_file_downloads_and_is_logged(client, approved, maker):
    client.force_login(maker)
    response = client.get(f"/subsidy/batches/{approved.pk}/bank-file.csv")

    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''"
        "%E8%BF%90%E5%9F%8E%E5%B8%822025%E5%B9%B4%E5%BA%A6%E8%82%B2%E5%84%BF%E8%A1%A5%E8%B4%B4"
        "%E7%AC%AC1%E6%89%B9-%E9%93%B6%E8%A1%8C%E4%BB%A3%E5%8F%91%E6%96%87%E4%BB%B6.csv"
    )
    assert content.decode("utf-8-sig").count("2025年度育儿补贴") == 3
    assert AccessLog.objects.get().purpose == "导出银行发放文件"


def test_the_xlsx_bank_file_downloads(client, approved, maker):
    client.force_login(maker)
    response = client.get(f"/subsidy/batches/{approved.pk}/bank-file.xlsx")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_a_county_official_may_see_the_batch_but_not_export_it(client, approved, county):
    client.force_login(county)
    content = _text(client.get(_detail(approved)))
    assert "bank-file.xlsx" not in content
    assert client.get(f"/subsidy/batches/{approved.pk}/bank-file.xlsx").status_code == 403
    assert not AccessLog.objects.exists()


def test_an_unknown_file_type_is_not_found(client, approved, maker):
    client.force_login(maker)
    assert client.get(f"/subsidy/batches/{approved.pk}/bank-file.pdf").status_code == 404


def test_no_bank_file_before_approval(client, built, maker):
    client.force_login(maker)
    response = client.get(f"/subsidy/batches/{built.pk}/bank-file.xlsx")
    assert response.status_code == 409
    assert "复核通过后才能导出银行发放文件" in _text(response)
    assert not AccessLog.objects.exists()


# --------------------------------------------------------------------------- bank result


def _result_xlsx(rows: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["明细编号", "银行账号", "金额（元）", "发放结果", "失败原因"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "回盘.xlsx"
    return buffer


def test_uploading_the_result_settles_the_batch_and_shows_the_failures(client, approved, maker):
    lines = list(approved.lines.order_by("pk"))
    upload = _result_xlsx(
        [
            [lines[0].pk, lines[0].bank_account, "3600.00", "成功", ""],
            [lines[1].pk, lines[1].bank_account, "3600.00", "失败", "账户已销户"],
            [lines[2].pk, lines[2].bank_account, "3600.00", "成功", ""],
        ]
    )
    client.force_login(maker)
    response = client.post(f"/subsidy/batches/{approved.pk}/result/", {"file": upload})

    assert response.status_code == 302
    content = _text(client.get(_detail(approved)))
    assert (
        "已导入银行回盘“回盘.xlsx”：发放成功2笔，发放失败1笔。发放失败的孩子将进入下一个发放批次。"
    ) in content
    assert '<span class="tag ok">发放完成</span>' in content
    assert '<div class="small bad-text reason">账户已销户</div>' in content
    assert "会进入下一个发放批次" in content
    assert "✓ 批次合计与明细之和一致" in content
    assert list(approved.lines.order_by("pk").values_list("status", flat=True)) == [
        "paid",
        "failed",
        "paid",
    ]


def test_a_refused_result_file_lists_its_errors_by_row_and_changes_nothing(client, approved, maker):
    lines = list(approved.lines.order_by("pk"))
    upload = _result_xlsx(
        [
            [lines[0].pk, lines[0].bank_account, "3600.00", "成功", ""],
            [lines[1].pk, lines[1].bank_account, "3600.00", "失败", ""],
            [lines[0].pk, lines[0].bank_account, "3600.00", "成功", ""],
        ]
    )
    client.force_login(maker)
    response = client.post(f"/subsidy/batches/{approved.pk}/result/", {"file": upload})
    content = _text(response)

    assert response.status_code == 200
    assert "文件中有 2 处错误，未导入任何结果" in content
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>', content
    )
    assert rows == [
        ("3", "失败原因", "发放失败的明细请填写失败原因（如“账户已销户”），以便通知申请人更正。"),
        ("4", "明细编号", "与第2行的明细编号重复。"),
    ]
    assert set(PaymentLine.objects.values_list("status", flat=True)) == {"pending"}
    assert not BankResultImport.objects.exists()


def test_the_same_result_file_twice_is_refused_on_the_page(client, approved, maker):
    line = approved.lines.order_by("pk").first()
    row = [[line.pk, line.bank_account, "3600.00", "成功", ""]]
    client.force_login(maker)
    content = _result_xlsx(row).getvalue()  # one file: a workbook saved again has a new date

    def upload() -> io.BytesIO:
        buffer = io.BytesIO(content)
        buffer.name = "回盘.xlsx"
        return buffer

    client.post(f"/subsidy/batches/{approved.pk}/result/", {"file": upload()})
    response = client.post(f"/subsidy/batches/{approved.pk}/result/", {"file": upload()})

    assert response.status_code == 200
    assert "这份银行回盘文件已经导入过，未作任何更改。" in _text(response)
    assert BankResultImport.objects.count() == 1


def test_the_result_template_downloads_pre_filled(client, approved, maker):
    client.force_login(maker)
    response = client.get(f"/subsidy/batches/{approved.pk}/result-template.xlsx")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert AccessLog.objects.count() == 1


def test_the_batch_timeline_shows_the_state_changes_to_the_finance_officer(client, approved, maker):
    client.force_login(maker)
    content = _text(client.get(_detail(approved)))
    assert "创建批次" in content
    assert "生成发放明细3笔，合计10,800元" in content
    assert "待复核 → 已复核，待发放" in content
