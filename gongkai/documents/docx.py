"""Editable DOCX in an official-document (公文) layout, with python-docx.

Same layout as :mod:`gongkai.documents.pdf` (GB/T 9704-2012 approximations). Chinese fonts are
set through ``w:rFonts/@w:eastAsia`` (python-docx's ``font.name`` only sets the Latin slots, so
Word would otherwise fall back to its default CJK font). The names are the ones installed on
government desktops (Windows/WPS); LibreOffice substitutes Noto CJK when they are missing.

Typical use::

    doc = new_document("政府信息公开申请答复书")
    add_title(doc, "政府信息公开申请答复书")
    add_paragraph(doc, "张三：", indent_first_line=False)
    add_paragraph(doc, "本机关于……收到您的申请……")
    add_table(doc, [["项目", "内容"]], [["编号", "QS-1"]])
    add_signature(doc, "青山市教育局", date.today())
    data = to_bytes(doc)
"""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gongkai.documents import clean_text, format_cn_date

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAITI_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_SIZE = Pt(11)
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE_SPACING = Pt(28.9)  # 22 lines in the 225 mm text block

_NUMERIC = re.compile(r"^-?[\d,]+(\.\d+)?%?$")

MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}


def set_run_font(run, name: str = BODY_FONT, size=BODY_SIZE, bold: bool | None = None) -> None:
    """Set Latin and East-Asian font of a run (``w:eastAsia`` is what CJK text uses)."""
    run.font.name = LATIN_FONT
    run.font.size = size
    if bold is not None:
        run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), name)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)


def _exact_spacing(paragraph, line=LINE_SPACING, before=Pt(0), after=Pt(0)) -> None:
    pf = paragraph.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    pf.space_before = before
    pf.space_after = after


def new_document(title: str | None = None):
    """A blank A4 document with 公文 margins, body style 3号仿宋 and page numbers "— n —"."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.footer_distance = Mm(20)

    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_SPACING
    normal.paragraph_format.space_after = Pt(0)

    if title:
        doc.core_properties.title = title
    _add_page_number(section)
    return doc


def _add_page_number(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(p.add_run("— "), BODY_FONT, PAGE_NUMBER_SIZE)
    run = p.add_run()
    set_run_font(run, BODY_FONT, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    set_run_font(p.add_run(" —"), BODY_FONT, PAGE_NUMBER_SIZE)


def add_title(doc, text: str):
    """The document title: 2号小标宋, centred, one blank line below (GB/T 9704 §7.3.1)."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_spacing(p, line=Pt(36), after=LINE_SPACING)
    set_run_font(p.add_run(text), TITLE_FONT, TITLE_SIZE)
    return p


def add_centered(doc, text: str, size=BODY_SIZE):
    """A centred body line, e.g. the 文号 under the title."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_spacing(p)
    set_run_font(p.add_run(text), BODY_FONT, size)
    return p


def add_heading(doc, text: str, level: int = 1):
    """Level 1 "一、" in 黑体, level 2 "（一）" in 楷体 (GB/T 9704 §7.3.3)."""
    p = doc.add_paragraph()
    _exact_spacing(p)
    p.paragraph_format.first_line_indent = BODY_SIZE * 2
    font = HEADING_FONT if level <= 1 else KAITI_FONT
    set_run_font(p.add_run(text), font, BODY_SIZE, bold=level > 1)
    return p


def add_paragraph(doc, text: str, indent_first_line: bool = True, bold: bool = False, align=None):
    """A body paragraph; first line indented two characters unless told otherwise.

    Newlines in ``text`` become line breaks inside the paragraph.
    """
    p = doc.add_paragraph()
    _exact_spacing(p)
    p.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent_first_line:
        p.paragraph_format.first_line_indent = BODY_SIZE * 2
    run = None
    for line in text.split("\n"):
        if run is not None:
            run.add_break()
        run = p.add_run(line)
        set_run_font(run, HEADING_FONT if bold else BODY_FONT, BODY_SIZE)
    return p


def _mark_header_row(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def add_table(
    doc,
    header_rows: list[list],
    rows: list[list],
    merges: list[tuple[int, int, int, int]] | tuple = (),
    font_size=TABLE_SIZE,
    col_widths_mm: list[float] | None = None,
):
    """A ruled table. ``header_rows`` repeat on every page and are set in 黑体, centred.

    ``merges`` are ``(r1, c1, r2, c2)`` inclusive rectangles in whole-table coordinates (header
    rows first, then body rows). A merged area shows the text of its top-left cell; the other
    cells of the area should be ``""``/``None`` in the input. Numbers are right-aligned.
    """
    grid = [list(r) for r in header_rows] + [list(r) for r in rows]
    if not grid:
        raise ValueError("add_table: no rows")
    ncols = max(len(r) for r in grid)
    n_head = len(header_rows)
    table = doc.add_table(rows=len(grid), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(grid):
        row = table.rows[r]
        if r < n_head:
            _mark_header_row(row)
        for c in range(ncols):
            value = values[c] if c < len(values) else None
            cell = row.cells[c]
            p = cell.paragraphs[0]
            _exact_spacing(p, line=Pt(font_size.pt * 1.35))
            if value is None or value == "":
                continue
            is_num = (isinstance(value, int | float) and not isinstance(value, bool)) or bool(
                _NUMERIC.match(str(value))
            )
            if r < n_head:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif is_num:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            font = HEADING_FONT if r < n_head else BODY_FONT
            set_run_font(p.add_run(str(value)), font, font_size)
    for r1, c1, r2, c2 in merges:
        if not (0 <= r1 <= r2 < len(grid) and 0 <= c1 <= c2 < ncols):
            raise ValueError(f"add_table: merge {(r1, c1, r2, c2)} outside the table")
        table.cell(r1, c1).merge(table.cell(r2, c2))
    if col_widths_mm:
        for row in table.rows:
            for c, w in enumerate(col_widths_mm[:ncols]):
                row.cells[c].width = Mm(w)
    return table


def add_signature(doc, agency_name: str, when: date | None) -> None:
    """发文机关署名 and 成文日期, right-aligned with a 4-character right indent (GB/T 9704 §7.3.5)."""
    blank = doc.add_paragraph()
    _exact_spacing(blank)
    for text in (agency_name, format_cn_date(when)):
        p = doc.add_paragraph()
        _exact_spacing(p)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = BODY_SIZE * 4
        set_run_font(p.add_run(text), BODY_FONT, BODY_SIZE)


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def document_text(data: bytes) -> str:
    """All paragraph and table text of a DOCX (for tests and search indexing)."""
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:  # merged cells repeat; count them once
                    seen.add(id(cell._tc))
                    parts.append(cell.text)
    return "\n".join(parts)


# ---------------------------------------------------------------------------- HTML → DOCX

_BLOCK_TAGS = {"h1", "h2", "h3", "p", "table", "div", "ol", "ul", "section", "body"}


def _node_text(node) -> str:
    """Text of a node with <br> as newline and HTML whitespace collapsed (CJK-friendly)."""
    parts = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag == "br":
            parts.append("\u2028")
        else:
            parts.append(_node_text(child))
    text = re.sub(r"[ \t\r\n\f]+", " ", clean_text("".join(parts)))
    return "\n".join(line.strip() for line in text.split("\u2028")).strip()


def _table_grid(table) -> tuple[list[list], list[list], list[tuple[int, int, int, int]]]:
    """Resolve rowspan/colspan into a rectangular grid plus merge rectangles."""
    head, body = [], []
    for tr in table.css("tr"):
        parent = tr.parent
        in_head = parent is not None and parent.tag == "thead"
        cells = [c for c in tr.iter() if c.tag in ("td", "th")]
        (head if in_head else body).append(cells)
    rows = head + body
    occupied: dict[tuple[int, int], bool] = {}
    grid: list[list] = [[] for _ in rows]
    merges = []
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while occupied.get((r, c)):
                c += 1
            rs = max(1, int(cell.attributes.get("rowspan") or 1))
            cs = max(1, int(cell.attributes.get("colspan") or 1))
            text = _node_text(cell)
            value = text
            for dr in range(rs):
                for dc in range(cs):
                    occupied[(r + dr, c + dc)] = True
                    if r + dr < len(grid):
                        row = grid[r + dr]
                        while len(row) <= c + dc:
                            row.append("")
                        row[c + dc] = value if (dr, dc) == (0, 0) else ""
            if rs > 1 or cs > 1:
                merges.append((r, c, min(r + rs, len(rows)) - 1, c + cs - 1))
            c += cs
    ncols = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (ncols - len(r)) for r in grid]
    return grid[: len(head)], grid[len(head) :], merges


def html_to_docx(html: str, title: str | None = None):
    """Build a DOCX from the HTML subset the official stylesheet knows (see ``pdf.py``).

    One template therefore gives both the PDF and the editable DOCX: ``h1``/``.doc-title``,
    ``.doc-number``, ``h2``/``h3``, ``p`` (``.addressee``/``.no-indent`` without indent),
    ``ol``/``ul`` items, ``table.grid`` (thead rows, rowspan/colspan), ``.signature`` and
    ``.note``. Returns the python-docx ``Document``.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    root = tree.body
    doc_title = title
    if doc_title is None:
        t = tree.css_first("title")
        doc_title = _node_text(t) if t is not None else None
    doc = new_document(doc_title)

    def classes(node) -> set[str]:
        return set((node.attributes.get("class") or "").split())

    def walk(node, small=False):
        for child in node.iter():
            tag = child.tag
            cls = classes(child)
            if tag == "h1" or "doc-title" in cls:
                add_title(doc, _node_text(child))
            elif "doc-number" in cls:
                add_centered(doc, _node_text(child))
            elif tag in ("h2", "h3"):
                add_heading(doc, _node_text(child), 1 if tag == "h2" else 2)
            elif tag == "p":
                text = _node_text(child)
                if text or not small:
                    p = add_paragraph(
                        doc,
                        text,
                        indent_first_line=not (cls & {"addressee", "no-indent"}) and not small,
                    )
                    if small:
                        for run in p.runs:
                            run.font.size = Pt(12)
                        _exact_spacing(p, line=Pt(20))
            elif tag in ("ol", "ul"):
                for i, li in enumerate((n for n in child.iter() if n.tag == "li"), 1):
                    prefix = f"{i}. " if tag == "ol" else "· "
                    add_paragraph(doc, prefix + _node_text(li))
            elif tag == "table":
                head, body, merges = _table_grid(child)
                if head or body:
                    add_table(doc, head, body, merges)
            elif "signature" in cls:
                lines = [_node_text(p) for p in child.iter() if p.tag == "p"]
                blank = doc.add_paragraph()
                _exact_spacing(blank)
                for text in lines:
                    p = doc.add_paragraph()
                    _exact_spacing(p)
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    p.paragraph_format.right_indent = BODY_SIZE * 4
                    set_run_font(p.add_run(text), BODY_FONT, BODY_SIZE)
            elif "note" in cls:
                walk(child, small=True)
            elif tag in _BLOCK_TAGS:
                walk(child, small)

    if root is not None:
        walk(root)
    return doc
