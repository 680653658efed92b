"""索引号 (index_number) and 文号 (document_number).

索引号 (CONVENTIONS §1): the national reference format is ``组织机构代码/YYYY-NNNNN``
(e.g. ``000014349/2018-00222``); many sites put the USCC in front, some use YYYYMM, some local
schemes. The platform makes the template configurable per agency (§1.3 "Platform rule"), never
renumbers, and keeps imported legacy numbers verbatim: :func:`parse_index_number` therefore never
rejects a non-empty number, it only says whether it recognises the pattern.

文号 (GLOSSARY ``document_number``): GB/T 9704-2012 §7.2.4 — 发文机关代字 + year in full inside
六角括号 〔〕 + serial without 第 and without leading zeros + 号, e.g. ``国办函〔2020〕109号``.
Imports often carry [], (), （）, 【】 variants (CONVENTIONS §3): :func:`normalise_document_number`.

Pure Python, no Django.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from gongkai.rules.uscc import (
    InvalidOrgCode,
    InvalidUSCC,
    is_valid_org_code,
    is_valid_uscc,
    validate_org_code,
    validate_uscc,
)

__all__ = [
    "IndexNumberError",
    "IndexNumberTemplate",
    "NATIONAL_TEMPLATE",
    "ParsedIndexNumber",
    "format_index_number",
    "counter_scope",
    "parse_index_number",
    "template_from_example",
    "DocumentNumber",
    "InvalidDocumentNumber",
    "normalise_document_number",
    "validate_document_number",
]

# Plausible years for 索引号 and 文号: older than the 2008 Regulation is possible for imported
# archives, later than next century is a typo.
MIN_YEAR = 1949
MAX_YEAR = 2100


class IndexNumberError(ValueError):
    """Cannot build an index number; ``message`` is the Chinese explanation."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------------------------
# Template and formatting
# ---------------------------------------------------------------------------------------------

PrefixKind = Literal["org_code", "uscc", "custom"]
YearFormat = Literal["YYYY", "YYYYMM"]

_CUSTOM_PREFIX_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-]*\Z")


@dataclass(frozen=True)
class IndexNumberTemplate:
    """How one agency writes its index numbers (CONVENTIONS §1.3, platform rule).

    ``separator`` goes between the prefix and the back part; the back part is always
    ``<year>-<serial>`` as in the national format.
    """

    prefix_kind: PrefixKind = "org_code"
    custom_prefix: str = ""
    separator: str = "/"
    year_format: YearFormat = "YYYY"
    serial_width: int = 5

    def __post_init__(self) -> None:
        if self.prefix_kind not in ("org_code", "uscc", "custom"):
            raise IndexNumberError(
                f"索引号前段码类型“{self.prefix_kind}”无效，应为组织机构代码、统一社会信用代码或自定义",
                code="prefix_kind",
            )
        if self.prefix_kind == "custom" and not _CUSTOM_PREFIX_RE.match(self.custom_prefix):
            raise IndexNumberError(
                "自定义前段码不能为空，只能由字母、数字和连字符组成，且以字母或数字开头",
                code="custom_prefix",
            )
        if self.separator not in ("/", "-"):
            raise IndexNumberError("索引号分隔符只能是“/”或“-”", code="separator")
        if self.year_format not in ("YYYY", "YYYYMM"):
            raise IndexNumberError("年度格式只能是 YYYY 或 YYYYMM", code="year_format")
        if not isinstance(self.serial_width, int) or not 5 <= self.serial_width <= 7:
            raise IndexNumberError("流水号位数应为5至7位", code="serial_width")


NATIONAL_TEMPLATE = IndexNumberTemplate()


def _prefix(template: IndexNumberTemplate, agency_org_code: str | None, agency_uscc: str | None):
    if template.prefix_kind == "custom":
        return template.custom_prefix
    try:
        if template.prefix_kind == "uscc":
            if not agency_uscc:
                raise IndexNumberError(
                    "索引号模板使用统一社会信用代码作前段码，但本机关尚未填写统一社会信用代码",
                    code="missing_uscc",
                )
            return validate_uscc(agency_uscc)
        # org_code: take it as given, else derive it from the USCC (chars 9–17, §1.1).
        if agency_org_code:
            return validate_org_code(agency_org_code)
        if agency_uscc:
            return validate_uscc(agency_uscc)[8:17]
        raise IndexNumberError(
            "索引号模板使用组织机构代码作前段码，但本机关既无组织机构代码也无统一社会信用代码",
            code="missing_org_code",
        )
    except (InvalidUSCC, InvalidOrgCode) as e:
        raise IndexNumberError(f"无法生成索引号：{e.message}", code="invalid_prefix") from e


def _period(template: IndexNumberTemplate, when: date) -> str:
    return f"{when:%Y}" if template.year_format == "YYYY" else f"{when:%Y%m}"


def counter_scope(
    template: IndexNumberTemplate,
    agency_org_code: str | None,
    agency_uscc: str | None,
    when: date,
) -> str:
    """The text before the serial (``000014349/2018-``): one serial counter per distinct scope.

    The database layer keeps a counter per scope so a number is unique and never reused.
    """
    return f"{_prefix(template, agency_org_code, agency_uscc)}{template.separator}{_period(template, when)}-"


def format_index_number(
    template: IndexNumberTemplate,
    agency_org_code: str | None,
    agency_uscc: str | None,
    when: date,
    serial: int,
) -> str:
    """E.g. ``format_index_number(NATIONAL_TEMPLATE, "000014349", None, date(2018, 5, 1), 222)``
    → ``000014349/2018-00222``."""
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 1:
        raise IndexNumberError("流水号应为正整数", code="serial")
    if serial >= 10**template.serial_width:
        # Never widen silently: a wider serial would break the agency's fixed-width scheme.
        raise IndexNumberError(
            f"流水号 {serial} 超出模板规定的{template.serial_width}位，请调整索引号模板的流水号位数",
            code="serial_overflow",
        )
    scope = counter_scope(template, agency_org_code, agency_uscc, when)
    return f"{scope}{serial:0{template.serial_width}d}"


# ---------------------------------------------------------------------------------------------
# Parsing (recognise, never reject)
# ---------------------------------------------------------------------------------------------

IndexPattern = Literal[
    "national",  # <prefix>/<YYYY|YYYYMM>-<serial>            000014349/2018-00222
    "hyphenated",  # <prefix>-<YYYY|YYYYMM>-<serial>                 01527918X-2020-153077
    "datetime_serial",  # YYYYMMDD-HHMMSS-<serial>            20230618-205818-135
    "dated_local",  # a-b-...-YYYYMMDD-<serial> (宁波 scheme)  330200-12-01-0102-20200315-15
    "legacy",  # anything else, kept verbatim
]
PrefixKindParsed = Literal["org_code", "uscc", "local"]
# Real index numbers are 20–35 characters; longer text is kept but not decomposed.
_MAX_PARSE_LEN = 80


@dataclass(frozen=True)
class ParsedIndexNumber:
    raw: str
    pattern: IndexPattern
    prefix: str | None = None
    prefix_kind: PrefixKindParsed | None = None
    separator: str | None = None
    year: int | None = None
    month: int | None = None
    serial: int | None = None
    serial_width: int | None = None

    @property
    def recognised(self) -> bool:
        return self.pattern != "legacy"

    @property
    def org_code(self) -> str | None:
        """The 组织机构代码 in the prefix, where there is one (also inside a USCC)."""
        if self.prefix_kind == "org_code":
            return self.prefix.replace("-", "")
        if self.prefix_kind == "uscc":
            return self.prefix[8:17]
        return None


_NATIONAL_RE = re.compile(r"(?P<prefix>[^/\s]+)/(?P<period>\d{4}(?:\d{2})?)-(?P<serial>\d{1,9})\Z")
_DATETIME_RE = re.compile(r"(?P<d>\d{8})-(?P<t>\d{6})-(?P<serial>\d{1,9})\Z")
_DATED_LOCAL_RE = re.compile(
    r"(?P<prefix>[0-9A-Za-z]+(?:-[0-9A-Za-z]+)+)-(?P<d>\d{8})-(?P<serial>\d{1,12})\Z"
)
_HYPHENATED_RE = re.compile(
    r"(?P<prefix>[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*)-(?P<period>\d{4}(?:\d{2})?)-(?P<serial>\d{1,9})\Z"
)


def _prefix_kind(prefix: str) -> PrefixKindParsed:
    p = prefix.upper()
    if len(p) == 18 and is_valid_uscc(p):
        return "uscc"
    if len(p.replace("-", "")) == 9 and is_valid_org_code(p):
        return "org_code"
    return "local"


def _year_ok(y: int) -> bool:
    return MIN_YEAR <= y <= MAX_YEAR


def _period_ok(period: str) -> tuple[int, int | None] | None:
    """YYYY or YYYYMM → (year, month or None), or None when implausible."""
    year, month = int(period[:4]), (int(period[4:]) if len(period) == 6 else None)
    if _year_ok(year) and (month is None or 1 <= month <= 12):
        return year, month
    return None


def _date8(s: str) -> date | None:
    try:
        d = date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        return None
    return d if _year_ok(d.year) else None


def parse_index_number(s: str) -> ParsedIndexNumber:
    """Recognise the patterns of CONVENTIONS §1.2/§1.3.

    ``raw`` keeps the number exactly as given (outer whitespace trimmed); unknown shapes come back
    as ``pattern == "legacy"`` — they are still valid index numbers, just not decomposed.
    Raises :class:`IndexNumberError` only for an empty string.
    """
    raw = (s or "").strip()
    if not raw:
        raise IndexNumberError("索引号不能为空", code="empty")
    # Full-width ／ and －, as typed with a Chinese IME, are read as their ASCII forms.
    t = unicodedata.normalize("NFKC", raw)
    if len(t) > _MAX_PARSE_LEN:
        return ParsedIndexNumber(raw=raw, pattern="legacy")

    m = _NATIONAL_RE.match(t)
    if m and (ym := _period_ok(m["period"])) is not None:
        year, month = ym
        prefix = m["prefix"]
        kind = _prefix_kind(prefix)
        return ParsedIndexNumber(
            raw=raw,
            pattern="national",
            prefix=prefix.upper() if kind != "local" else prefix,
            prefix_kind=kind,
            separator="/",
            year=year,
            month=month,
            serial=int(m["serial"]),
            serial_width=len(m["serial"]),
        )

    m = _DATETIME_RE.match(t)
    if m and (d := _date8(m["d"])) is not None:
        hh, mm, ss = int(m["t"][:2]), int(m["t"][2:4]), int(m["t"][4:])
        if hh < 24 and mm < 60 and ss < 60:
            return ParsedIndexNumber(
                raw=raw,
                pattern="datetime_serial",
                year=d.year,
                month=d.month,
                serial=int(m["serial"]),
                serial_width=len(m["serial"]),
            )

    m = _DATED_LOCAL_RE.match(t)
    if m and (d := _date8(m["d"])) is not None:
        return ParsedIndexNumber(
            raw=raw,
            pattern="dated_local",
            prefix=m["prefix"],
            prefix_kind="local",
            separator="-",
            year=d.year,
            month=d.month,
            serial=int(m["serial"]),
            serial_width=len(m["serial"]),
        )

    m = _HYPHENATED_RE.match(t)
    if m and (ym := _period_ok(m["period"])) is not None:
        prefix = m["prefix"]
        kind = _prefix_kind(prefix)
        return ParsedIndexNumber(
            raw=raw,
            pattern="hyphenated",
            prefix=prefix.upper() if kind != "local" else prefix,
            prefix_kind=kind,
            separator="-",
            year=ym[0],
            month=ym[1],
            serial=int(m["serial"]),
            serial_width=len(m["serial"]),
        )

    return ParsedIndexNumber(raw=raw, pattern="legacy")


def template_from_example(s: str) -> IndexNumberTemplate | None:
    """Guess an agency's template from one of its existing numbers (for set-up and imports).

    Returns ``None`` when the example does not fit the configurable template (legacy shapes,
    date-time numbers, serial widths outside 5–7).
    """
    p = parse_index_number(s)
    if p.pattern not in ("national", "hyphenated") or not 5 <= (p.serial_width or 0) <= 7:
        return None
    year_format: YearFormat = "YYYYMM" if p.month is not None else "YYYY"
    if p.prefix_kind in ("org_code", "uscc") and "-" not in p.prefix:
        return IndexNumberTemplate(
            prefix_kind=p.prefix_kind,
            separator=p.separator,
            year_format=year_format,
            serial_width=p.serial_width,
        )
    if not _CUSTOM_PREFIX_RE.match(p.prefix):
        return None
    return IndexNumberTemplate(
        prefix_kind="custom",
        custom_prefix=p.prefix,
        separator=p.separator,
        year_format=year_format,
        serial_width=p.serial_width,
    )


# ---------------------------------------------------------------------------------------------
# 文号 / 发文字号
# ---------------------------------------------------------------------------------------------


class InvalidDocumentNumber(ValueError):
    """Not a well-formed 文号; ``message`` is the Chinese explanation."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class DocumentNumber:
    issuer_prefix: str  # 发文机关代字, e.g. 国办函; for 令 numbers e.g. 福建省人民政府令
    year: int | None  # None for 令 numbers (…令第213号), which carry no year
    serial: int

    def __str__(self) -> str:
        if self.year is None:
            return f"{self.issuer_prefix}第{self.serial}号"
        return f"{self.issuer_prefix}〔{self.year}〕{self.serial}号"


# Opening/closing brackets seen around the year: 〔〕 (official), [] ［］ (half/full-width),
# () （）, 【】, 〖〗, ﹝﹞ (small), ［］; NFKC folds the full-width forms before matching.
_OPEN = "〔[(【〖﹝{<《"
_CLOSE = "〕])】〗﹞}>》"
_DOCNO_RE = re.compile(
    rf"(?P<prefix>[^\s{re.escape(_OPEN + _CLOSE)}\d][^{re.escape(_OPEN + _CLOSE)}]*?)\s*"
    rf"[{re.escape(_OPEN)}]\s*(?P<year>\d{{2,4}})\s*年?\s*[{re.escape(_CLOSE)}]\s*"
    r"第?\s*(?P<serial>\d+)\s*号?\Z"
)
_DECREE_RE = re.compile(r"(?P<prefix>\S.*?令)\s*第?\s*(?P<serial>\d+)\s*号\Z")


def _fold(s: str) -> str:
    # NFKC turns （）［］ and full-width digits into ASCII; 〔〕【】 are left alone.
    return unicodedata.normalize("NFKC", s).strip()


def _parse_document_number(s: str) -> DocumentNumber:
    t = _fold(s or "")
    if not t:
        raise InvalidDocumentNumber("文号不能为空", code="empty")
    if len(t) > 100:
        raise InvalidDocumentNumber(f"文号过长（{len(t)}字），请只填写文号本身", code="format")
    m = _DOCNO_RE.match(t)
    if m:
        prefix = re.sub(r"\s+", "", m["prefix"])
        year_s = m["year"]
        if len(year_s) != 4:
            raise InvalidDocumentNumber(
                f"文号“{s.strip()}”中的年份“{year_s}”应写全称（4位），如〔2020〕",
                code="year",
            )
        year = int(year_s)
        if not _year_ok(year):
            raise InvalidDocumentNumber(f"文号“{s.strip()}”中的年份{year}不合理", code="year")
        serial = int(m["serial"])
        if serial < 1:
            raise InvalidDocumentNumber(f"文号“{s.strip()}”中的发文顺序号应为正整数", code="serial")
        return DocumentNumber(prefix, year, serial)
    m = _DECREE_RE.match(t)
    if m:
        serial = int(m["serial"])
        if serial < 1:
            raise InvalidDocumentNumber(f"令号“{s.strip()}”应为正整数", code="serial")
        return DocumentNumber(re.sub(r"\s+", "", m["prefix"]), None, serial)
    if re.match(rf"\s*[{re.escape(_OPEN)}]", t) or re.match(r"\s*\d{4}", t):
        raise InvalidDocumentNumber(
            f"文号“{s.strip()}”缺少发文机关代字，应写作如“国办函〔2020〕109号”",
            code="prefix",
        )
    raise InvalidDocumentNumber(
        f"“{s.strip()}”不是有效的文号：应由发文机关代字、六角括号〔〕括入的4位年份和发文顺序号组成，"
        "如“国办函〔2020〕109号”",
        code="format",
    )


def validate_document_number(s: str) -> DocumentNumber:
    """Parse a 文号 (any bracket variant), or raise :class:`InvalidDocumentNumber`.

    ``str()`` of the result is the normalised form.
    """
    return _parse_document_number(s)


def normalise_document_number(s: str) -> str:
    """``国办函[2020]109号`` → ``国办函〔2020〕109号``; ``闽政办(2019)3号`` → ``闽政办〔2019〕3号``.

    Also folds full-width digits, drops 第 and leading zeros of the serial and spaces
    (GB/T 9704-2012 §7.2.4). Text that is not a recognisable 文号 is returned trimmed but
    otherwise unchanged, so an import never loses what was written.
    """
    try:
        return str(_parse_document_number(s))
    except InvalidDocumentNumber:
        return (s or "").strip()
