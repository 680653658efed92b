"""Narrative sections 一、五、六: sanitising staff HTML, and a first draft written from the data.

ANNUAL_REPORT_FORMAT.md §2: 一 covers 主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障;
五 the main problems, how last year's were addressed and next steps; 六 in practice the
信息处理费 actually charged (国办函〔2020〕109号) in 元, or "未收取信息处理费".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from html import escape

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
}


def sanitize(html: str) -> str:
    """Staff rich text → safe HTML (no scripts, styles, links or attributes)."""
    html = (html or "").strip()
    if html and "<" not in html:  # plain text typed without the editor: keep its paragraphs
        html = "".join(
            f"<p>{escape(p.strip())}</p>" for p in re.split(r"\n\s*\n|\n", html) if p.strip()
        )
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={}, link_rel=None).strip()


def html_paragraphs(html: str) -> list[str]:
    """Sanitised HTML → plain paragraphs (for DOCX and text output)."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", html or "")
    text = re.sub(r"(?i)</(p|li|h3|h4|blockquote)>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    import html as _h

    return [line.strip() for line in _h.unescape(text).split("\n") if line.strip()]


def _n(cells: Mapping, key: str) -> int:
    return int(cells.get(key) or 0)


def _change(now: int, before: int | None) -> str:
    if before is None:
        return ""
    diff = now - before
    if diff == 0:
        return "，与上年持平"
    word = "增加" if diff > 0 else "减少"
    pct = f"（{abs(diff) / before:.1%}）" if before else ""
    return f"，比上年{word}{abs(diff)}件{pct}"


def fee_sentence(fees_yuan: Decimal) -> str:
    if not fees_yuan:
        return "本年度未收取信息处理费。"
    amount = format(Decimal(fees_yuan).quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
    return f"本年度依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费{amount}元。"


def draft_section_1(agency_name: str, year: int, cells: Mapping, prev: Mapping | None) -> str:
    new = _n(cells, "applications.new.total")
    prev_new = _n(prev, "applications.new.total") if prev else None
    done = _n(cells, "applications.outcomes_total.total")
    groups = [
        ("予以公开", _n(cells, "applications.disclosed.total")),
        ("部分公开", _n(cells, "applications.partially_disclosed.total")),
    ]
    for g, label in (
        ("withheld", "不予公开"),
        ("unavailable", "无法提供"),
        ("not_processed", "不予处理"),
        ("other", "其他处理"),
    ):
        groups.append(
            (
                label,
                sum(
                    int(v or 0)
                    for k, v in cells.items()
                    if k.startswith(f"applications.{g}.") and k.endswith(".total")
                ),
            )
        )
    parts = "、".join(f"{label}{n}件" for label, n in groups if n)
    parts = f"，其中{parts}" if parts else ""
    recon = _n(cells, "appeals.reconsideration.total")
    lit = _n(cells, "appeals.litigation_direct.total") + _n(
        cells, "appeals.litigation_after_reconsideration.total"
    )
    regs = _n(cells, "proactive.regulations.issued") + _n(cells, "proactive.regulations.made")
    docs = _n(cells, "proactive.normative_documents.issued") + _n(
        cells, "proactive.normative_documents.made"
    )
    return "".join(
        [
            f"<p>{year}年，{escape(agency_name)}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "扎实推进政府信息公开各项工作。</p>",
            "<h3>（一）主动公开</h3>",
            f"<p>本年制发规章{regs}件、行政规范性文件{docs}件，均按规定主动公开。</p>",
            "<h3>（二）依申请公开</h3>",
            f"<p>本年新收政府信息公开申请{new}件{_change(new, prev_new)}，"
            f"上年结转{_n(cells, 'applications.carried_over.total')}件；本年办结{done}件{parts}；"
            f"结转下年度继续办理{_n(cells, 'applications.carried_forward.total')}件。</p>",
            "<h3>（三）政府信息管理</h3><p>（请补充）</p>",
            "<h3>（四）政府信息公开平台建设</h3><p>（请补充）</p>",
            "<h3>（五）监督保障</h3>",
            f"<p>本年度因政府信息公开工作被申请行政复议{recon}件、提起行政诉讼{lit}件。</p>",
        ]
    )


def draft_section_5(last_year_section_5: str = "") -> str:
    parts = []
    if last_year_section_5:
        parts.append("上年度问题整改情况：对照上年度报告所列问题，逐项落实整改。（请补充）")
    parts += ["存在的主要问题：（请补充）", "改进措施：（请补充）"]
    numerals = "一二三"
    return "".join(f"<p>（{numerals[i]}）{t}</p>" for i, t in enumerate(parts))


def draft_section_6(fees_yuan: Decimal) -> str:
    return f"<p>{fee_sentence(fees_yuan)}</p>"
