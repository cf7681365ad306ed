"""The opinion letter's PDF, read back with poppler (pdffonts, pdftotext, pdftoppm).

Poppler is a system package (poppler-utils); without it these tests are skipped with the
reason, except under ``CI=true``, where they must run and fail instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from huimin.core import documents
from huimin.supervision.letters import NOTE, LetterContent, letter_pdf

POPPLER = ("pdffonts", "pdftotext", "pdftoppm", "pdfinfo")

CONTENT = LetterContent(
    number="运盐卫监意〔2026〕第0003号",
    issuer="盐湖区卫生健康局",
    institution_name="运城市盐湖区小星星托育服务有限公司（解放路园区）",
    institution_address="山西省运城市盐湖区解放南路1288号金色家园小区3号楼一层",
    legal_person="王丽娟",
    inspected_on=dt.date(2026, 11, 20),
    inspectors=("张伟", "李娜"),
    problems=(
        "乳儿班（6至12个月）实际收托婴儿12名，超过《托育机构设置标准（试行）》规定的10人上限；",
        "晨午检记录自2026年11月3日起缺失，未见当日因病缺勤幼儿的追踪登记；",
        "厨房生熟食品刀具、砧板未分开使用，食品留样不足48小时、每样不足125克。",
    ),
    corrections=(
        "立即按标准调整班级规模，乳儿班收托人数不得超过10人；",
        "完善晨午检及全日健康观察制度，补齐记录，落实因病缺勤追踪登记；",
        "生熟食品加工用具分开并标识，食品留样每样不少于125克、保存48小时以上。",
    ),
    legal_basis=("《托育机构设置标准（试行）》第十条", "《托育机构管理规范（试行）》第十九条"),
    deadline=dt.date(2026, 12, 18),
    issued_on=dt.date(2026, 11, 20),
)


@pytest.fixture(scope="module")
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if not missing:
        return
    problem = f"{', '.join(missing)} missing; run: apt-get install poppler-utils"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true, so the PDF tests must run, but {problem}", pytrace=False)
    pytest.skip(f"PDF tests skipped: {problem}")


@pytest.fixture
def font_fresh() -> Iterator[None]:
    """The font is looked up again in this test and again after it (it is cached per process)."""
    documents.cjk_font.cache_clear()
    yield
    documents.cjk_font.cache_clear()


def _run(*args: str | Path) -> str:
    return subprocess.run(  # noqa: S603 (fixed poppler tools, our own temporary files)
        [str(arg) for arg in args], check=True, capture_output=True, text=True
    ).stdout


def _write(tmp_path: Path, pdf: bytes, name: str = "letter.pdf") -> Path:
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _fonts(path: Path) -> list[tuple[str, str]]:
    """(name, emb) of every font row of ``pdffonts``."""
    lines = _run("pdffonts", path).splitlines()
    assert lines[1].startswith("----")
    rows = []
    for line in lines[2:]:
        # name, type (may hold spaces: "Type 1"), encoding, emb, sub, uni, object, generation
        fields = line.split()
        rows.append((fields[0], fields[-5]))
    return rows


def _pages(path: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)$", _run("pdfinfo", path), re.MULTILINE)
    assert match
    return int(match.group(1))


def _text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", "-enc", "UTF-8", *pages, path, "-")


def _flat(text: str) -> str:
    """Text without any whitespace: wrapped lines joined again."""
    return re.sub(r"\s+", "", text)


def _body(path: Path, page: int, label: str) -> str:
    """A page's flattened text without its header (the part's label) and footer."""
    text = _flat(_text(path, page))
    assert text.startswith(label)
    footer = re.search(re.escape(_flat(CONTENT.number + label)) + r"第\d+页共\d+页$", text)
    assert footer, text[-80:]
    return text[len(label) : footer.start()]


def test_letter_embeds_every_font(poppler, tmp_path):
    path = _write(tmp_path, letter_pdf(CONTENT))

    fonts = _fonts(path)

    assert fonts
    assert all(emb == "yes" for _name, emb in fonts), fonts
    assert all("WenQuanYiZenHei" in name for name, _emb in fonts), fonts


def test_letter_text_reads_back(poppler, tmp_path):
    path = _write(tmp_path, letter_pdf(CONTENT))

    text = _flat(_text(path))

    for expected in (
        "卫生监督意见书",
        "运盐卫监意〔2026〕第0003号",
        "被监督单位：运城市盐湖区小星星托育服务有限公司（解放路园区）",
        "地址：山西省运城市盐湖区解放南路1288号金色家园小区3号楼一层",
        "法定代表人（负责人）：王丽娟",
        "2026年11月20日，我单位卫生监督员对你单位进行了监督检查，发现存在以下问题：",
        "1.乳儿班（6至12个月）实际收托婴儿12名，超过《托育机构设置标准（试行）》规定的10人上限；",
        "3.厨房生熟食品刀具、砧板未分开使用，食品留样不足48小时、每样不足125克。",
        "依据《托育机构设置标准（试行）》第十条、《托育机构管理规范（试行）》第十九条的规定，"
        "现提出如下监督意见：",
        "2.完善晨午检及全日健康观察制度，补齐记录，落实因病缺勤追踪登记；",
        "请于2026年12月18日前整改完毕，并将整改情况书面报告我单位。"
        "逾期未整改的，将依法处理并记入诚信档案。",
        "卫生监督员（签名）：",
        "被监督单位签收人（签名）：",
        "（张伟）",
        "（李娜）",
        "盐湖区卫生健康局（印章）",
        "第一联存档",
        "第二联交被监督单位",
    ):
        assert _flat(expected) in text, expected


def test_each_part_is_the_whole_letter_on_its_own_labelled_page(poppler, tmp_path):
    path = _write(tmp_path, letter_pdf(CONTENT))

    assert _pages(path) == 2
    # The note at the foot names both parts; the labels are read without it.
    first, second = (_flat(_text(path, page)).replace(NOTE, "") for page in (1, 2))
    assert "第一联存档" in first
    assert "第二联" not in first
    assert "第二联交被监督单位" in second
    assert "第一联" not in second
    for part in (first, second):
        assert "运盐卫监意〔2026〕第0003号" in part
        assert "2026年12月18日" in part
        assert "第1页共1页" in part
    assert first.replace("第一联存档", "") == second.replace("第二联交被监督单位", "")


def test_letter_converts_to_png_pages(poppler, tmp_path):
    path = _write(tmp_path, letter_pdf(CONTENT))

    _run("pdftoppm", "-png", "-r", "80", path, tmp_path / "page")

    pngs = sorted(tmp_path.glob("page-*.png"))
    assert [png.name for png in pngs] == ["page-1.png", "page-2.png"]
    for png in pngs:
        assert png.read_bytes().startswith(b"\x89PNG")
        # A blank A4 page at 80 dpi compresses to about 2 kB; the letter's text is far more.
        assert png.stat().st_size > 50_000, png


def test_thirty_long_problems_flow_onto_further_pages_with_nothing_cut(poppler, tmp_path):
    problems = tuple(
        f"第{n}项问题：保育室{n}号的消毒记录、晨午检记录与食品留样记录相互不一致，"
        f"其中第{n}周有三天未见负责人签字，且抽查的{n + 10}名幼儿健康档案中缺少入托体检表，"
        "不符合托育机构卫生保健工作的有关规定，需逐项核实并补齐相关资料。"
        for n in range(1, 31)
    )
    corrections = tuple(f"第{n}项整改：逐项补齐记录并由负责人签字确认。" for n in range(1, 31))
    content = dataclasses.replace(
        CONTENT,
        institution_name="运城市盐湖区" + "阳光雨露普惠托育服务中心" * 6,
        problems=problems,
        corrections=corrections,
        inspectors=("张伟", "李娜", "赵强"),
    )
    path = _write(tmp_path, letter_pdf(content))

    pages = _pages(path)
    assert pages >= 6
    assert pages % 2 == 0
    per_part = pages // 2
    parts = {
        "第一联存档": range(1, per_part + 1),
        "第二联交被监督单位": range(per_part + 1, pages + 1),
    }
    for label, numbers in parts.items():
        for page in numbers:
            assert f"第{page - numbers[0] + 1}页共{per_part}页" in _flat(_text(path, page))
        # Pages joined without their headers and footers: the text runs on across page breaks.
        part = "".join(_body(path, page, label) for page in numbers)
        assert label not in part.replace(NOTE, "")
        assert f"被监督单位：{content.institution_name}" in part
        positions = [part.index(f"{n}.{problem}") for n, problem in enumerate(problems, 1)]
        assert positions == sorted(positions)
        for n, correction in enumerate(corrections, 1):
            assert f"{n}.{correction}" in part
        assert part.index(problems[-1]) < part.index(corrections[0])
        assert part.index(corrections[-1]) < part.index("请于2026年12月18日前整改完毕")
        assert part.index("请于2026年12月18日前") < part.index("（赵强）")
        assert part.index("（赵强）") < part.index("盐湖区卫生健康局（印章）")


def test_markup_characters_in_the_content_print_as_themselves(poppler, tmp_path):
    content = dataclasses.replace(
        CONTENT,
        institution_name="A&B <托育> 中心",
        problems=("消毒液浓度 <250mg/L & 未记录",),
    )
    path = _write(tmp_path, letter_pdf(content))

    text = _text(path)

    assert "A&B <托育> 中心" in text
    assert "消毒液浓度 <250mg/L & 未记录" in text


def test_system_font_is_preferred(font_fresh):
    font = documents.cjk_font()

    if not documents.SYSTEM_FONTS[0][0].is_file():
        pytest.skip("fonts-wqy-zenhei is not installed here")
    assert font.path == documents.SYSTEM_FONTS[0][0]
    assert not font.bundled


def test_bundled_font_is_embedded_when_the_system_has_none(
    poppler, tmp_path, monkeypatch, font_fresh
):
    monkeypatch.setattr(documents, "SYSTEM_FONTS", ((tmp_path / "wqy-zenhei.ttc", 0),))

    path = _write(tmp_path, letter_pdf(CONTENT))

    assert documents.cjk_font().bundled
    assert documents.cjk_font().path == documents.BUNDLED_FONT
    fonts = _fonts(path)
    assert fonts
    assert all(emb == "yes" for _name, emb in fonts), fonts
    text = _flat(_text(path))
    assert "卫生监督意见书" in text
    assert "被监督单位：运城市盐湖区小星星托育服务有限公司（解放路园区）" in text
    assert "2026年12月18日" in text


def test_bundled_font_stays_small():
    assert documents.BUNDLED_FONT.stat().st_size < 4_000_000
    assert (documents.BUNDLED_FONT.parent / "LICENSE-wqy-zenhei.txt").is_file()


def test_without_any_font_the_error_says_what_to_install(tmp_path, monkeypatch, font_fresh):
    monkeypatch.setattr(documents, "SYSTEM_FONTS", ((tmp_path / "wqy-zenhei.ttc", 0),))
    monkeypatch.setattr(documents, "BUNDLED_FONT", tmp_path / "missing.ttf")

    with pytest.raises(documents.FontMissing, match="apt-get install fonts-wqy-zenhei"):
        letter_pdf(CONTENT)


@pytest.mark.parametrize(
    ("day", "written"),
    [(dt.date(2026, 12, 18), "2026年12月18日"), (dt.date(2027, 1, 5), "2027年1月5日")],
)
def test_dates_are_written_without_leading_zeros(day, written):
    assert documents.chinese_date(day) == written
