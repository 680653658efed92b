"""Official-document output (公文 layout) shared by letters and annual reports.

- :mod:`gongkai.documents.pdf`: HTML → PDF with WeasyPrint and a GB/T 9704-style stylesheet.
- :mod:`gongkai.documents.docx`: python-docx helpers for the same layout (editable DOCX).

Both follow 《党政机关公文格式》 GB/T 9704-2012 approximately: A4, margins 37/35/28/26 mm
(top/bottom/left/right), title 2号 (22pt) 小标宋, body 3号 (16pt) 仿宋, 22 lines of 28 characters,
first-level headings 黑体, second-level 楷体, 成文日期 in Arabic numerals, page numbers "— 1 —".
"""

import re
from datetime import date, datetime

# Characters XML 1.0 (hence DOCX) cannot hold: C0 controls except tab/newline/CR, lone
# surrogates, U+FFFE/U+FFFF. User text (applications, reasons) may contain them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """``value`` without characters that DOCX/XML cannot store (replaced by nothing)."""
    return _XML_INVALID.sub("", value) if isinstance(value, str) else value


def format_cn_date(d: date | datetime | None) -> str:
    """2026-11-23 → "2026年11月23日" (GB/T 9704-2012 §7.3.5.1: Arabic numerals, no leading 0)."""
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = d.date()
    return f"{d.year}年{d.month}月{d.day}日"
