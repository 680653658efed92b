"""Read a report from .txt/.html/.docx/.pdf bytes into plain text (tables as pipe rows).

No network. Encodings: BOM, UTF-8, then GB18030 (⊃ GBK) vs Big5, whichever reads as
more plausible Chinese.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field


class ReadError(Exception):
    """The file cannot be read at all (the reason is the message, in Chinese)."""


@dataclass
class Loaded:
    text: str
    kind: str  # txt, html, docx, pdf
    encoding: str = ""
    meta: dict = field(default_factory=dict)  # title, published, from page chrome


# Frequent characters of disclosure reports, in both scripts: the decoding that yields
# more of them is the right one.
_COMMON = set("的是政府信息公开年度报告申请情况工作主动依行复议诉讼開資訊報告請況處理")


def _plausibility(s: str) -> float:
    if not s:
        return 0.0
    bad = s.count("\ufffd") * 20
    common = sum(1 for ch in s if ch in _COMMON)
    weird = sum(1 for ch in s if 0xE000 <= ord(ch) <= 0xF8FF or 0x3400 <= ord(ch) <= 0x4DBF)
    return (common * 3 - bad - weird * 5) / len(s)


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        # a truncated last character is still UTF-8
        if e.start >= len(data) - 3 and e.reason.startswith("unexpected end"):
            return data[: e.start].decode("utf-8"), "utf-8"
    head = data[:200000]
    best = max(
        ("gb18030", "big5"),
        key=lambda enc: _plausibility(head.decode(enc, errors="replace")),
    )
    return data.decode(best, errors="replace"), best


_BLOCK_END = re.compile(
    r"</(p|div|h[1-6]|li|tr|table|section|article|blockquote|title)\s*>|<br\s*/?>",
    re.I,
)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_CELL = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]\s*>)", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_DROP = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)
_BODY_HINTS = (
    "div.TRS_Editor",
    "div.trs_editor",
    "div#zoom",
    "div.article-content",
    "div.content",
    "article",
    "div#content",
    "div.article",
    "div.view",
)


def html_to_text(html: str) -> tuple[str, dict]:
    """Article text with table cells as ' | ' and rows/blocks as lines; spans need no
    expansion because value cells are read in order and a merged cell is printed once."""
    from selectolax.lexbor import LexborHTMLParser

    html = _DROP.sub(" ", html)
    tree = LexborHTMLParser(html)
    meta: dict = {}
    t = tree.css_first("title")
    if t is not None:
        meta["title"] = t.text(strip=True)
    for m in tree.css("meta"):
        name = (m.attributes.get("name") or "").lower()
        if name in ("articletitle", "title") and m.attributes.get("content"):
            meta["title"] = m.attributes["content"]
        if name in ("pubdate", "publishdate", "firstpublishedtime") and m.attributes.get("content"):
            meta["published"] = m.attributes["content"]
    root = None
    for sel in _BODY_HINTS:
        node = tree.css_first(sel)
        if node is not None and len(node.text(strip=True)) > 200:
            root = node
            break
    if root is None:
        root = tree.body or tree.root
    if root is None:
        return "", meta
    inner = root.html or ""
    # paragraphs inside a cell must not break the row: an empty <td><p></p></td> is a blank
    # cell, not a line break
    inner = _CELL.sub(lambda m: m.group(1) + _BLOCK_END.sub(" ", m.group(2)) + m.group(3), inner)
    inner = _CELL_END.sub(" | ", inner)
    inner = _BLOCK_END.sub("\n", inner)
    text = LexborHTMLParser(f"<div>{inner}</div>").text(separator="")
    if root is not tree.body and tree.body is not None:
        # page chrome around the article often carries the publication date
        meta["chrome"] = tree.body.text(separator=" ")[:3000]
    return text, meta


def docx_to_text(data: bytes) -> str:
    import docx
    from docx.oxml.ns import qn

    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on bad zips
        raise ReadError(f"无法读取 DOCX 文件：{type(e).__name__}") from e
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, doc)
            for row in table.rows:
                seen = []
                for cell in row.cells:
                    if seen and cell._tc is seen[-1]._tc:
                        continue  # horizontally merged: python-docx repeats the cell
                    seen.append(cell)
                lines.append("| " + " | ".join(c.text.replace("\n", "") for c in seen) + " |")
    return "\n".join(lines)


def pdf_to_text(data: bytes) -> str:
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join((p.extract_text() or "") for p in pdf.pages)
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds on bad files
        try:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return "\n".join((p.extract_text() or "") for p in reader.pages)
        except Exception:  # noqa: BLE001
            raise ReadError(f"无法读取 PDF 文件：{type(e).__name__}") from e


def looks_html(s: str) -> bool:
    head = s[:3000].lower()
    return bool(re.search(r"<(html|body|table|div|p|!doctype)[\s>]", head))


def load_bytes(data: bytes, name: str = "") -> Loaded:
    low = name.lower()
    if data.startswith(b"PK\x03\x04") and (low.endswith(".docx") or b"word/" in data[:4000]):
        return Loaded(docx_to_text(data), "docx")
    if data.startswith(b"%PDF") or low.endswith(".pdf"):
        if not data.startswith(b"%PDF"):
            raise ReadError("不是有效的 PDF 文件")
        return Loaded(pdf_to_text(data), "pdf")
    if b"\x00" in data[:4000] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("二进制文件，不是文本、HTML、DOCX 或 PDF")
    if low.endswith((".html", ".htm")) or looks_html(data[:3000].decode("latin-1")):
        m = _META_CHARSET.search(data[:5000])
        enc = ""
        if m:
            declared = m.group(1).decode("ascii", "replace").lower()
            declared = {"gb2312": "gb18030", "gbk": "gb18030"}.get(declared, declared)
            try:
                text = data.decode(declared)
                enc = declared
            except (LookupError, UnicodeDecodeError):
                text = ""
        if not enc:
            text, enc = decode(data)
        body, meta = html_to_text(text)
        return Loaded(body, "html", enc, meta)
    text, enc = decode(data)
    return Loaded(text, "txt", enc)
