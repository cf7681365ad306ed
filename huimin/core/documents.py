"""PDF documents shared by every module: the embedded CJK font, paragraph styles, and a builder
that draws page headers and footers once the page count is known.

The font is always embedded (a subset, by reportlab) so a document reads right on a machine
without Chinese fonts. reportlab's built-in ``STSong-Light`` is never used: it is not embedded.
Noto CJK (OTF/CFF outlines) cannot be embedded by reportlab, so the font is WenQuanYi Zen Hei:
the system's copy when installed (full coverage), else the GB2312 subset bundled in
``core/fonts/`` (see the README there).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as rl_paragraph

#: WenQuanYi Zen Hei as Debian/Ubuntu, Fedora and Arch install it: (path, face in the .ttc).
SYSTEM_FONTS: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc"), 0),
)
#: The fallback shipped with the code: GB2312 + ASCII + punctuation, about 2.3 MB.
BUNDLED_FONT = Path(__file__).resolve().parent / "fonts" / "wqy-zenhei-gb2312.ttf"

PAGE_SIZE = A4
MARGIN_LEFT = 25 * mm
MARGIN_RIGHT = 22 * mm
MARGIN_TOP = 25 * mm
MARGIN_BOTTOM = 22 * mm


class FontMissing(RuntimeError):
    """No CJK font that can be embedded: an installation problem, not a user's mistake."""

    def __init__(self, tried: Sequence[Path]) -> None:
        listed = "、".join(str(path) for path in tried)
        super().__init__(
            "无法生成 PDF：找不到可嵌入的中文字体（已查找：" + listed + "）。"
            "请安装文泉驿正黑字体（Debian/Ubuntu：apt-get install fonts-wqy-zenhei），"
            "或恢复随程序附带的 huimin/core/fonts/wqy-zenhei-gb2312.ttf。"
        )


@dataclass(frozen=True)
class CjkFont:
    name: str  # the name registered with reportlab, for styles and canvas.setFont
    path: Path
    bundled: bool  # True: the GB2312 subset; rarer characters print as empty boxes


@functools.lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    """Register the CJK font with reportlab once per process and return it: the system's
    WenQuanYi Zen Hei when present, else the bundled subset. Raises FontMissing."""
    tried: list[Path] = []
    for path, face in SYSTEM_FONTS:
        tried.append(path)
        if path.is_file():
            try:
                return _register("HuiminCJK", path, face, bundled=False)
            except (OSError, TTFError):
                continue  # unreadable or damaged: try the next one
    tried.append(BUNDLED_FONT)
    if BUNDLED_FONT.is_file():
        try:
            return _register("HuiminCJK-GB2312", BUNDLED_FONT, 0, bundled=True)
        except (OSError, TTFError):
            pass
    raise FontMissing(tried)


#: Chinese punctuation that must not start a line. reportlab's CJK wrapping knows only the
#: Japanese set (、。」〕）), so "；" or "》" could begin a line; with these added it hangs
#: the mark in the right margin instead (标点悬挂), as Chinese typesetting does.
CANNOT_START_LINE = "，；：！？》〉”’％"


def _register(name: str, path: Path, face: int, *, bundled: bool) -> CjkFont:
    pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=face))
    for module in (rl_textsplit, rl_paragraph):  # each holds its own copy of the string
        known = module.ALL_CANNOT_START
        module.ALL_CANNOT_START = known + "".join(c for c in CANNOT_START_LINE if c not in known)
    # One face only: <b> and <i> in paragraph markup map to it instead of failing.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return CjkFont(name=name, path=path, bundled=bundled)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles in the CJK font; every one wraps CJK text (``wordWrap="CJK"``)."""

    font: str
    title: ParagraphStyle  # 22 pt (二号), centred
    heading: ParagraphStyle  # 14 pt, left
    body: ParagraphStyle  # 12 pt (小四), justified
    body_indent: ParagraphStyle  # body with a two-character first-line indent
    item: ParagraphStyle  # body with a hanging bullet, see numbered()
    right: ParagraphStyle
    centre: ParagraphStyle
    small: ParagraphStyle  # 9 pt notes


def styles(size: float = 12) -> Styles:
    """The paragraph styles for body text of ``size`` points, in the registered CJK font."""
    return _styles(cjk_font().name, size)


@functools.lru_cache(maxsize=8)
def _styles(font: str, size: float) -> Styles:
    leading = size * 1.6
    body = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=size,
        leading=leading,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
        spaceAfter=size * 0.2,
    )
    return Styles(
        font=font,
        title=ParagraphStyle(
            "title",
            parent=body,
            fontSize=22,
            leading=30,
            alignment=TA_CENTER,
            spaceAfter=size * 0.8,
        ),
        heading=ParagraphStyle(
            "heading", parent=body, fontSize=size + 2, leading=(size + 2) * 1.6, keepWithNext=1
        ),
        body=body,
        body_indent=ParagraphStyle("body_indent", parent=body, firstLineIndent=2 * size),
        item=ParagraphStyle(
            "item",
            parent=body,
            leftIndent=4 * size,
            bulletIndent=2 * size,
            bulletFontName=font,
            bulletFontSize=size,
        ),
        right=ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        centre=ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
        small=ParagraphStyle(
            "small", parent=body, fontSize=9, leading=14, alignment=TA_LEFT, spaceAfter=0
        ),
    )


def markup(text: str) -> str:
    """Plain text as paragraph markup: ``<``, ``>`` and ``&`` printed as themselves, line
    breaks kept."""
    return "<br/>".join(escape(line) for line in text.splitlines() or [""])


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (never markup: user input cannot change the layout)."""
    return Paragraph(markup(text), style)


def numbered(items: Iterable[str], style: ParagraphStyle) -> list[Paragraph]:
    """One paragraph per item, numbered 1. 2. 3. with wrapped lines hanging under the text."""
    return [
        Paragraph(markup(item), style, bulletText=f"{number}.")
        for number, item in enumerate(items, start=1)
    ]


def table(
    rows: Sequence[Sequence[Any]],
    *,
    col_widths: Sequence[float] | None = None,
    row_heights: Sequence[float] | None = None,
    commands: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A platypus Table whose plain-string cells print in the CJK font (the default,
    Helvetica, is not embedded; an empty cell would still put it in the PDF). Cells that
    should wrap are paragraphs; ``commands`` are TableStyle commands."""
    font = cjk_font().name
    result = Table(rows, colWidths=col_widths, rowHeights=row_heights)
    result.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *commands]))
    return result


def chinese_date(day: dt.date) -> str:
    """2026年12月18日 (no leading zeros), as dates are written in official documents."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class PageInfo:
    """Where a page stands, known only after the whole document is laid out."""

    number: int  # 1-based, in the whole document
    count: int
    template: str  # id of the page template the page was laid out with
    number_in_template: int  # 1-based, among the pages of that template
    count_in_template: int


PageDecorator = Callable[[Canvas, PageInfo], None]


def pdf_bytes(
    story: list[Flowable],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    templates: Sequence[str] = ("page",),
    decorate: PageDecorator | None = None,
) -> bytes:
    """Lay out ``story`` on A4 pages and return the PDF.

    ``templates`` are page-template ids sharing one body frame; the story switches between
    them with ``NextPageTemplate(id)``. ``decorate`` draws each page's header and footer
    after layout, so it may print "第 2 页 共 3 页" and number each template's pages apart.
    """
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="惠民 Huimin",
        lang="zh-CN",
        # Pages start in the CJK font: the default, Helvetica, would be listed unembedded.
        initialFontName=cjk_font().name,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(
        [PageTemplate(id=name, frames=[frame], onPage=_mark_template) for name in templates]
    )
    doc.build(story, canvasmaker=_deferred_canvas(decorate))
    return buffer.getvalue()


def _mark_template(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.huimin_template = doc.pageTemplate.id


def _deferred_canvas(decorate: PageDecorator | None) -> type[Canvas]:
    class DeferredCanvas(Canvas):
        """Keeps every laid-out page until save(), then decorates and emits them in order."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.huimin_pages: list[dict[str, Any]] = []
            self.huimin_template = ""

        def showPage(self) -> None:
            self.huimin_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = self.huimin_pages
            names = [page["huimin_template"] for page in pages]
            seen: dict[str, int] = {}
            for number, state in enumerate(pages, start=1):
                self.__dict__.update(state)
                name = names[number - 1]
                seen[name] = seen.get(name, 0) + 1
                if decorate is not None:
                    self.saveState()
                    decorate(
                        self,
                        PageInfo(
                            number=number,
                            count=len(pages),
                            template=name,
                            number_in_template=seen[name],
                            count_in_template=names.count(name),
                        ),
                    )
                    self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    return DeferredCanvas
