"""Privacy guard for publications: find personal data before a text or attachment goes public.

Regulation Art. 15 (RULES.md B4): information whose disclosure would harm a third party's lawful
rights (personal privacy) must not be disclosed; a publication that mentions applicants, staff or
citizens must not carry their identity numbers, mobile numbers, bank cards or private e-mail.

What is flagged (``Finding.kind``):

``id_number``   居民身份证号码: 18 digits (GB 11643: plausible province code, real birth date,
                ISO 7064 MOD 11-2 check character) or the legacy 15-digit form (real date).
``mobile``      手机号码: 1[3-9] + 9 digits, also 3-4-4 with spaces/hyphens, with +86/0086/86.
``bank_card``   银行卡号: 13–19 digits (spaces/hyphens every 4 allowed) passing Luhn, with a
                common issuer prefix and a length that prefix uses (UnionPay 62…).
``email``       e-mail addresses, except institutional domains (``*.gov.cn`` by default).

What is deliberately not flagged: 文号 (闽政〔2023〕12号), dates (20230101), 索引号 and USCCs
(organisations are not persons), fixed-line office phones (0591-12345678 — the Guide must publish
them, Art. 12), postcodes, and any candidate that is part of a longer run of digits or letters.
A mobile-shaped number that reads as an amount (followed by 元/万元/人…, a decimal part, or six
trailing zeros) is a figure, not a phone.

``scan`` works on plain text and on HTML source alike: attribute values (alt, title, mailto:
links) are public in a page's source too, so they are scanned as well.

``scan`` is regex-based with compiled patterns and cheap checks only on candidates, so it runs on
a 1 MB text in well under a second (``bench/privacy_scan.py`` prints the figure).

Pure Python, no Django. :func:`extract_text` reads DOCX/PDF/XLSX attachments so the same guard
runs on them.
"""

from __future__ import annotations

import bisect
import io
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Literal

from stdnum import luhn
from stdnum.cn import ric

from gongkai.rules.uscc import is_valid_uscc

__all__ = [
    "Finding",
    "KIND_LABELS",
    "scan",
    "mask",
    "redact",
    "ExtractionError",
    "extract_text",
    "is_valid_id_number",
]

Kind = Literal["id_number", "mobile", "bank_card", "email"]

# Chinese labels for the UI (the code names are the keys).
KIND_LABELS: dict[str, str] = {
    "id_number": "居民身份证号码",
    "mobile": "手机号码",
    "bank_card": "银行卡号",
    "email": "电子邮箱",
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int  # offsets into the scanned text, text[start:end] == matched
    end: int
    matched: str
    masked: str  # suggested replacement
    # "low" where the finding may well not be personal data: a 15-digit legacy ID number or a
    # non-UnionPay card number without a keyword nearby, an 18-digit ID number with a wrong
    # check character, an e-mail/mobile inside an office contact block. The UI should still
    # show it, just not as certain.
    confidence: Literal["high", "low"] = "high"

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


# ---------------------------------------------------------------------------------------------
# Boundaries and context
# ---------------------------------------------------------------------------------------------

# A candidate must not be glued to other ASCII letters/digits/underscores (USCCs, hashes, file
# names, longer digit runs) nor be the continuation of a decimal number ("1.5", "3,000").
_L = r"(?<![0-9A-Za-z_])(?<![0-9][.,])"
_R = r"(?![0-9A-Za-z_])(?![.,][0-9])"
# The same left boundary written after a first digit: a pattern that starts with a character
# class lets the regex engine skip quickly to candidate positions (about 40 % faster).
_D1 = r"[0-9](?<![0-9A-Za-z_].)(?<![0-9][.,].)"

# Units and currency that make a digit run a figure, not a phone/card number.
_AMOUNT_AFTER = re.compile(
    r"\s*(?:元|万|亿|千|百|人|件|户|个|次|条|项|份|吨|米|平方|公里|千克|公斤|台|辆|家|名|册|页|字|%|％|‰"
    r"|yuan|RMB|CNY)",
    re.IGNORECASE,
)
_AMOUNT_BEFORE = re.compile(
    r"(?:[¥￥$]|RMB|CNY|金额|合计|共计|总计|累计|小计|投资|资金|预算|数量|件数|总数|人数|户数|次数|个数)"
    r"\s*[:：]?\s*\Z"
)
# An 18-char candidate followed by "/2021-00050" is the front of an index number.
_INDEX_AFTER = re.compile(r"\s*[/／]\s*\d{4}")

# An office contact block (the Guide, an annual report's opening lines): addresses there are
# usually the disclosure office's own, so an e-mail or mobile in it is only "low". Pass the
# agency's published contacts in ``allow`` to drop them altogether.
_CONTACT_BLOCK = re.compile(r"传真|办公地址|通讯地址|邮政编码|邮编|办公时间")

_ID_KEYWORDS = re.compile(r"身份证|身份号码|证件号|公民身份|证号|ID", re.IGNORECASE)


def _is_amount(text: str, start: int, end: int) -> bool:
    if _AMOUNT_AFTER.match(text, end):
        return True
    return bool(_AMOUNT_BEFORE.search(text, max(0, start - 8), start))


_SEPARATORS = str.maketrans("", "", " -+()（）\u3000")


def _digits(s: str) -> str:
    """Digits (and an ID number's X) of a matched candidate, separators dropped."""
    return s.translate(_SEPARATORS).upper()


# ---------------------------------------------------------------------------------------------
# 居民身份证号码 (GB 11643-1999)
# ---------------------------------------------------------------------------------------------

# First two digits: province-level division codes (GB/T 2260) plus 81/82/83, the residence-permit
# codes of Hong Kong, Macao and Taiwan residents (same format, personal data all the same).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


def _birth_ok(y: int, m: int, d: int) -> bool:
    try:
        born = date(y, m, d)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _id18_shape(n: str) -> bool:
    """Region and birth date of an 18-character ID number are plausible (check char not tested)."""
    return (
        len(n) == 18
        and n[:17].isdigit()
        and n[:2] in _PROVINCES
        and _birth_ok(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    )


def is_valid_id_number(s: str) -> bool:
    """An 18-digit (check char verified) or 15-digit 居民身份证号码 with a plausible region and date."""
    n = _digits(s)
    if len(n) == 18:
        return _id18_shape(n) and ric.calc_check_digit(n) == n[17]
    if len(n) == 15:
        if not n.isdigit() or n[:2] not in _PROVINCES:
            return False
        # Legacy numbers carry a two-digit year; all were issued to people born in the 1900s.
        return _birth_ok(1900 + int(n[6:8]), int(n[8:10]), int(n[10:12]))
    return False


_ID18_RE = re.compile(r"(" + _D1 + r"\d{5}(?P<s>[ -]?)\d{8}(?P=s)\d{3}[\dXx])" + _R, re.ASCII)
_ID15_RE = re.compile(r"(" + _D1 + r"\d{14})" + _R, re.ASCII)


def _mask_id(n: str) -> str:
    return n[:2] + "*" * (len(n) - 5) + n[-3:]


# ---------------------------------------------------------------------------------------------
# 手机号码
# ---------------------------------------------------------------------------------------------

_MOBILE_RE = re.compile(
    _L
    + r"((?:(?:\+|00)86[ -]?|86[ -]?|[(（]\+?86[)）][ -]?)?"
    + r"1[3-9]\d(?P<s>[ -]?)\d{4}(?P=s)\d{4})"
    + _R,
    re.ASCII,
)


def _mask_mobile(n: str) -> str:
    n = n[-11:]  # drop the country code
    return n[:3] + "****" + n[-4:]


# ---------------------------------------------------------------------------------------------
# 银行卡号
# ---------------------------------------------------------------------------------------------

_CARD_RE = re.compile(
    r"(" + _D1 + r"(?:\d{3}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?|\d{12,18}))" + _R, re.ASCII
)

# Issuer prefix → lengths that prefix uses. UnionPay (62, and 60/65 co-brands), Visa (4),
# Mastercard (51–55, 2221–2720), JCB (35), American Express (34/37).
_CARD_RULES: tuple[tuple[re.Pattern[str], frozenset[int]], ...] = (
    (re.compile(r"6[025]"), frozenset(range(16, 20))),
    (re.compile(r"4"), frozenset((13, 16, 19))),
    (re.compile(r"5[1-5]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720"), frozenset((16,))),
    (re.compile(r"35"), frozenset(range(16, 20))),
    (re.compile(r"3[47]"), frozenset((15,))),
)


def _card_ok(n: str) -> bool:
    if not any(p.match(n) and len(n) in lengths for p, lengths in _CARD_RULES):
        return False
    if len(set(n)) <= 2:  # 6200000000000000 and the like: placeholders, not cards
        return False
    return luhn.is_valid(n)


def _mask_card(n: str) -> str:
    return n[:4] + "*" * (len(n) - 8) + n[-4:]


# ---------------------------------------------------------------------------------------------
# 电子邮箱
# ---------------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![A-Za-z0-9-])"
)

DEFAULT_INSTITUTIONAL_DOMAINS = ("gov.cn",)


def _mask_email(e: str) -> str:
    local, _, domain = e.partition("@")
    return f"{local[0]}***@{domain}"


# ---------------------------------------------------------------------------------------------
# scan / mask
# ---------------------------------------------------------------------------------------------


def _fold_table() -> dict[int, int]:
    # Full-width digits, letters and the few punctuation marks numbers are written with, mapped
    # one character to one character so offsets in the folded text are offsets in the original.
    table = {0xFF10 + i: ord("0") + i for i in range(10)}
    table.update({0xFF21 + i: ord("A") + i for i in range(26)})
    table.update({0xFF41 + i: ord("a") + i for i in range(26)})
    table.update({ord(a): ord(b) for a, b in zip("＋－＠．＿　", "+-@._ ", strict=True)})
    return table


_FOLD = _fold_table()
_FULLWIDTH_RE = re.compile(
    r"[\uFF0B\uFF20\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]"
    r"[\uFF0B\uFF0D\uFF0E\uFF20\uFF3F\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000 \-+@._0-9A-Za-z]*"
)
_CARD_KEYWORDS = re.compile(r"卡号|账号|帐号|银行|开户|卡|card|account", re.IGNORECASE)
_USCC_KEYWORDS = re.compile(r"信用代码|社会信用|代码")


class _Taken:
    """Disjoint, sorted spans already claimed by a finding (bisect, so scans stay linear-ish)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, a: int, b: int) -> bool:
        i = bisect.bisect_right(self.starts, a)
        if i and self.ends[i - 1] > a:
            return False
        return i == len(self.starts) or self.starts[i] >= b

    def add(self, a: int, b: int) -> None:
        i = bisect.bisect_right(self.starts, a)
        self.starts.insert(i, a)
        self.ends.insert(i, b)


def scan(
    text: str,
    *,
    institutional_email_domains: tuple[str, ...] = DEFAULT_INSTITUTIONAL_DOMAINS,
    allow: tuple[str, ...] | frozenset[str] = (),
) -> list[Finding]:
    """All personal-data findings in ``text``, sorted by position, never overlapping.

    ``institutional_email_domains``: addresses at these domains (or their subdomains) are the
    agency's published contacts, not personal data. ``allow``: values the agency publishes on
    purpose (e.g. a township office's duty mobile in its Guide); compared without separators,
    country code or case.
    """
    if not text:
        return []
    original = text
    if _FULLWIDTH_RE.search(text):  # rare: fold only the full-width runs, same offsets
        text = _FULLWIDTH_RE.sub(lambda m: m.group().translate(_FOLD), text)
    allowed: set[str] = set()
    for v in allow:
        v = v.translate(_FOLD).strip()
        if "@" in v:
            allowed.add(v.lower())
        else:
            allowed.update((_digits(v), _digits(v)[-11:]))  # with or without +86
    found: list[Finding] = []
    taken = _Taken()

    def add(kind: Kind, a: int, b: int, value: str, masked: str, confidence="high") -> None:
        if value in allowed:
            return
        found.append(Finding(kind, a, b, original[a:b], masked, confidence))
        taken.add(a, b)

    def context(a: int, width: int = 20) -> str:
        return text[max(0, a - width) : a]

    # Order matters: e-mail first (a QQ address's local part looks like a phone), then the
    # strongly checked ID numbers, then cards, then phones.
    domains = tuple(d.lower().lstrip(".") for d in institutional_email_domains)
    for m in _EMAIL_RE.finditer(text):
        addr = m.group(1)
        dom = addr.rpartition("@")[2].lower()
        if any(dom == d or dom.endswith("." + d) for d in domains):
            continue
        a = m.start(1)
        conf = "low" if _CONTACT_BLOCK.search(context(a, 60)) else "high"
        add("email", a, m.end(1), addr.lower(), _mask_email(addr), conf)

    for m in _ID18_RE.finditer(text):
        a, b = m.span(1)
        n = _digits(m.group(1))
        if not taken.free(a, b) or not _id18_shape(n) or _INDEX_AFTER.match(text, b):
            continue
        if is_valid_uscc(n) and _USCC_KEYWORDS.search(context(a)):
            continue  # an all-digit USCC labelled as such: an organisation, not a person
        # A wrong check character is most often a typing error in a real number: still flag
        # it (so it is not mistaken for a bank card), but as uncertain.
        ok = ric.calc_check_digit(n) == n[17]
        add("id_number", a, b, n, _mask_id(n), "high" if ok else "low")

    for m in _ID15_RE.finditer(text):
        a, b = m.span(1)
        n = m.group(1)
        if not taken.free(a, b) or not is_valid_id_number(n) or _is_amount(text, a, b):
            continue
        if _INDEX_AFTER.match(text, b):
            continue
        sure = _ID_KEYWORDS.search(context(a))
        add("id_number", a, b, n, _mask_id(n), "high" if sure else "low")

    for m in _CARD_RE.finditer(text):
        a, b = m.span(1)
        n = _digits(m.group(1))
        if not 13 <= len(n) <= 19 or not taken.free(a, b) or not _card_ok(n):
            continue
        if _is_amount(text, a, b) or _INDEX_AFTER.match(text, b):
            continue
        if len(n) == 18 and is_valid_uscc(n):
            # An all-digit 18-character run passes the USCC check 1 time in 31 by chance; a
            # UnionPay-shaped one (62…) is only taken for a USCC when the text calls it a code.
            if not n.startswith("62") or _USCC_KEYWORDS.search(context(a)):
                continue
        # UnionPay numbers (62…) are what Chinese documents carry; other prefixes passing Luhn
        # by chance (1 in 10) are common among long figures, so without a 卡号/账号 keyword
        # they are only "low".
        sure = n.startswith("62") or _CARD_KEYWORDS.search(context(a))
        add("bank_card", a, b, n, _mask_card(n), "high" if sure else "low")

    for m in _MOBILE_RE.finditer(text):
        a, b = m.span(1)
        n = _digits(m.group(1))
        if not taken.free(a, b) or _is_amount(text, a, b) or n.endswith("000000"):
            continue
        if _INDEX_AFTER.match(text, b):
            continue
        conf = "low" if _CONTACT_BLOCK.search(context(a, 60)) else "high"
        add("mobile", a, b, n[-11:], _mask_mobile(n), conf)

    found.sort(key=lambda f: f.start)
    return found


def mask(text: str, findings: list[Finding]) -> str:
    """``text`` with every finding replaced by its suggested mask.

    Findings must come from ``scan(text)`` (same text); overlapping ones are applied once.
    """
    out: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.start < pos:
            continue
        if text[f.start : f.end] != f.matched:
            raise ValueError("finding does not belong to this text")
        out.append(text[pos : f.start])
        out.append(f.masked)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def redact(text: str, **kwargs) -> str:
    """``mask(text, scan(text))``."""
    return mask(text, scan(text, **kwargs))


# ---------------------------------------------------------------------------------------------
# Text extraction from attachments
# ---------------------------------------------------------------------------------------------


class ExtractionError(ValueError):
    """The attachment's text could not be read; ``message`` is the Chinese explanation.

    ``code``: "unsupported" | "corrupt" | "encrypted" | "no_text" | "unreadable".
    An attachment that raises must be checked by a person: it has *not* been found clean.
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _read_bytes(path_or_bytes) -> bytes:
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        return bytes(path_or_bytes)
    if hasattr(path_or_bytes, "read"):
        return path_or_bytes.read()
    try:
        with open(path_or_bytes, "rb") as fh:
            return fh.read()
    except OSError as e:
        raise ExtractionError(f"无法读取文件：{e.strerror or e}", code="unreadable") from e


def _docx_text(data: bytes, filename: str) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises a mix of zipfile/KeyError/ValueError/lxml errors
        raise ExtractionError(
            f"文件“{filename}”不是有效的 Word（DOCX）文档或已损坏，无法读取", code="corrupt"
        ) from e

    def walk(container) -> list[str]:
        # iter_inner_content keeps paragraphs and tables in document order; cells may hold
        # nested tables, so recurse.
        lines: list[str] = []
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    lines.append("\t".join("\n".join(walk(cell)) for cell in row.cells))
        return lines

    lines = walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                lines.extend(walk(part))
    return "\n".join(lines)


def _pdf_text(data: bytes, filename: str) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An empty user password is common for "protected" but openable PDFs.
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise ExtractionError(
                    f"PDF 文件“{filename}”已加密，无法检查其中的个人信息", code="encrypted"
                )
        pages = [page.extract_text() or "" for page in reader.pages]
    except ExtractionError:
        raise
    except Exception as e:  # pypdf raises PdfReadError, KeyError, ValueError… on broken files
        raise ExtractionError(
            f"PDF 文件“{filename}”已损坏或格式不正确，无法读取", code="corrupt"
        ) from e
    text = "\n".join(pages)
    if pages and not text.strip():
        raise ExtractionError(
            f"PDF 文件“{filename}”中没有可提取的文字（可能是扫描件），无法自动检查个人信息，请人工核对",
            code="no_text",
        )
    return text


def _xlsx_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # 13812345678.0 → 13812345678
    return str(v)


def _xlsx_text(data: bytes, filename: str) -> str:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # InvalidFileException, BadZipFile, KeyError…
        raise ExtractionError(
            f"文件“{filename}”不是有效的 Excel（XLSX）工作簿或已损坏，无法读取", code="corrupt"
        ) from e
    lines: list[str] = []
    try:
        for ws in wb.worksheets:
            lines.append(str(ws.title))
            for row in ws.iter_rows(values_only=True):
                cells = [_xlsx_cell(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    lines.append("\t".join(cells))
    except Exception as e:
        raise ExtractionError(
            f"Excel 文件“{filename}”内容损坏，无法完整读取", code="corrupt"
        ) from e
    finally:
        wb.close()
    return "\n".join(lines)


def _plain_text(data: bytes, filename: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError(f"无法识别文件“{filename}”的文字编码", code="corrupt")
    return str(best)


_EXTRACTORS = {
    ".docx": _docx_text,
    ".pdf": _pdf_text,
    ".xlsx": _xlsx_text,
    ".xlsm": _xlsx_text,
    ".txt": _plain_text,
    ".csv": _plain_text,
}


def extract_text(path_or_bytes, filename: str | None = None) -> str:
    """Plain text of a DOCX (paragraphs, tables, headers/footers), PDF (text layer) or XLSX
    (every sheet, cells tab-separated) attachment, for :func:`scan`.

    ``path_or_bytes``: a path, bytes or a binary file object. ``filename`` (defaults to the
    path's name) chooses the reader by its extension. Raises :class:`ExtractionError` with a
    Chinese message for unsupported, corrupt, encrypted or image-only files — never anything else.
    """
    if filename is None:
        if isinstance(path_or_bytes, str | os.PathLike):
            filename = os.fspath(path_or_bytes)
        else:
            filename = getattr(path_or_bytes, "name", "") or ""
    name = os.path.basename(str(filename))
    ext = os.path.splitext(name)[1].lower()
    extractor = _EXTRACTORS.get(ext)
    if extractor is None:
        hint = "，请另存为 DOCX/XLSX 后上传" if ext in (".doc", ".xls", ".wps", ".et") else ""
        raise ExtractionError(
            f"不支持检查“{ext or '无扩展名'}”类型的文件“{name}”（支持 DOCX、PDF、XLSX、TXT、CSV）{hint}",
            code="unsupported",
        )
    data = _read_bytes(path_or_bytes)
    if not data:
        raise ExtractionError(f"文件“{name}”是空文件", code="corrupt")
    if ext in (".docx", ".xlsx", ".xlsm") and not zipfile.is_zipfile(io.BytesIO(data)):
        raise ExtractionError(
            f"文件“{name}”不是有效的 {ext[1:].upper()} 文件（可能是改了扩展名的旧格式文件或已损坏）",
            code="corrupt",
        )
    return extractor(data, name)
