"""Text normalisation for matching: traditional → simplified, full-width → half-width,
Chinese numerals and 万/亿 amounts → numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

# Full-width ASCII → ASCII, ideographic/odd spaces → space, zero-width → space (a
# separator, never glue), dashes unified. Length-preserving, so positions stay valid.
_FW = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FW.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20})
_FW.update({0x200B: 0x20, 0x200C: 0x20, 0x200D: 0x20, 0xFEFF: 0x20, 0x2060: 0x20})
_FW.update({0x2014: "—", 0x2015: "—", 0x2212: "-", 0xFE63: "-", 0x2010: "-", 0x2011: "-"})
_FW.update({ord("\r"): "\n", ord("\u3002"): "\u3002"})
_FW[ord("．")] = "."
_FW[ord("、")] = "、"


@cache
def _t2s_table() -> dict[int, str]:
    """OpenCC's traditional→simplified character table (first candidate), as str.translate
    table: fast and length-preserving. Phrase-level conversion is not needed for matching."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1 and target != parts[0]:
                table[ord(parts[0])] = target
    return table


# Taiwan-style wording produced by s2twp converters that would hide labels after t2s.
_TW_PHRASES = (
    ("规范性档案", "规范性文件"),
    ("网际网路", "互联网络"),  # same length: positions stay valid for the original text
    ("入口网站", "门户网站"),
    ("网路申请", "网络申请"),
    ("计画", "计划"),
    ("资讯", "信息"),
)

_HAN = re.compile(r"[\u4e00-\u9fff]")


def detect_script(text: str, sample: int = 20000) -> str:
    """'traditional' when a noticeable share of Han characters are traditional-only."""
    s = text[:sample]
    han = len(_HAN.findall(s))
    if han == 0:
        return "simplified"
    table = _t2s_table()
    changed = sum(1 for ch in s if ord(ch) in table)
    return "traditional" if changed >= 5 and changed / han > 0.04 else "simplified"


def to_simplified(text: str) -> str:
    out = text.translate(_t2s_table())
    for a, b in _TW_PHRASES:
        assert len(a) == len(b)
        out = out.replace(a, b)
    return out


def normalize(text: str, script: str | None = None) -> tuple[str, str]:
    """(normalised text, script). Half-width digits/brackets, simplified characters."""
    script = script or detect_script(text)
    t = text.translate(_FW)
    if script == "traditional":
        t = to_simplified(t)
    return t, script


# --- numbers -----------------------------------------------------------------------------
CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN_NUM = re.compile(f"[{CN_DIGITS}]+")


def cn_to_int(s: str) -> int | None:
    """'二十三' → 23, '一百零五' → 105; None when not a Chinese numeral."""
    if not s or not _CN_NUM.fullmatch(s):
        return None
    try:
        import cn2an

        v = cn2an.cn2an(s, "smart")
    except Exception:  # noqa: BLE001 - cn2an raises plain ValueError/KeyError variants
        return None
    return int(v) if v == int(v) else None


_NUM = re.compile(r"^([+-]?)(\d+(?:,\d{3})*(?:\.\d+)?)(万|亿)?$")


def parse_number(token: str) -> int | Decimal | None:
    """'1,234' → 1234, '3.5万' → 35000, '12.50' → Decimal('12.50'), '二十' → 20."""
    t = token.strip().translate(_FW).replace("，", ",")
    if not t:
        return None
    m = _NUM.match(t)
    if not m:
        return cn_to_int(t)
    sign, digits, mult = m.groups()
    try:
        v = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None
    if mult == "万":
        v *= 10000
    elif mult == "亿":
        v *= 100000000
    if sign == "-":
        v = -v
    return (
        int(v) if v == v.to_integral_value() and "." not in digits or (mult and v == int(v)) else v
    )
