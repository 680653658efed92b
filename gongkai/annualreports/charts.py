"""Charts for the 图解版: applications by outcome and applicant type, and the trend over the
years. matplotlib (Agg) with Debian's Noto CJK fonts so Chinese labels render; SVG for the
page, PNG for DOCX/PDF."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cache

from gongkai.reportschema import APPLICANT_COLUMNS

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK", "WenQuanYi Zen Hei", "SimHei"]
OUTCOME_GROUPS = (
    ("disclosed", "予以公开"),
    ("partially_disclosed", "部分公开"),
    ("withheld", "不予公开"),
    ("unavailable", "无法提供"),
    ("not_processed", "不予处理"),
    ("other", "其他处理"),
)
COLORS = ["#b71c1c", "#e57373", "#1565c0", "#64b5f6", "#2e7d32", "#9e9e9e"]


@cache
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in CJK_FONTS if f in have] or CJK_FONTS
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [*fonts, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "svg.fonttype": "none",  # keep text as text in SVG (searchable, accessible)
            "svg.hashsalt": "gongkai",  # stable output
        }
    )
    return plt


def outcome_matrix(cells: Mapping) -> list[tuple[str, list[int]]]:
    """[(outcome group label, [count per applicant type])]."""
    types = [c.key for c in APPLICANT_COLUMNS[:-1]]
    out = []
    for group, label in OUTCOME_GROUPS:
        row = []
        for t in types:
            n = 0
            for k, v in cells.items():
                parts = k.split(".")
                if parts[0] == "applications" and parts[1] == group and parts[-1] == t:
                    n += int(v or 0)
            row.append(n)
        out.append((label, row))
    return out


def _save(fig, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format=fmt,
        dpi=150 if fmt == "png" else 72,
        bbox_inches="tight",
        metadata={"Date": None} if fmt == "svg" else None,
    )
    _plt().close(fig)
    return buf.getvalue()


def outcomes_chart(cells: Mapping, fmt: str = "svg") -> bytes:
    plt = _plt()
    data = outcome_matrix(cells)
    labels = [c.label for c in APPLICANT_COLUMNS[:-1]]
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    left = [0] * len(data)
    for i, lab in enumerate(labels):
        vals = [row[i] for _g, row in data]
        ax.barh([g for g, _r in data], vals, left=left, label=lab, color=COLORS[i % len(COLORS)])
        left = [a + b for a, b in zip(left, vals, strict=True)]
    for y, total in enumerate(left):
        ax.text(total, y, f" {total}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("件")
    ax.set_title("本年度办理结果（按申请人类型）")
    ax.legend(fontsize=8, ncol=3, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)


def applicants_chart(cells: Mapping, fmt: str = "svg") -> bytes:
    plt = _plt()
    labels = [c.label for c in APPLICANT_COLUMNS[:-1]]
    vals = [int(cells.get(f"applications.new.{c.key}") or 0) for c in APPLICANT_COLUMNS[:-1]]
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    bars = ax.bar(labels, vals, color=COLORS[: len(vals)])
    ax.bar_label(bars, fontsize=9)
    ax.set_ylabel("件")
    ax.set_title("本年新收申请（按申请人类型）")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)


def trend_chart(series: Sequence[tuple[int, int, int, int]], fmt: str = "svg") -> bytes:
    """series: [(year, new applications, finished, appeals filed)]."""
    plt = _plt()
    years = [str(y) for y, *_ in series]
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    for i, label in enumerate(("新收申请", "办结申请", "复议诉讼")):
        ys = [row[i + 1] for row in series]
        ax.plot(years, ys, marker="o", label=label, color=COLORS[i * 2])
        for x, y in zip(years, ys, strict=True):
            ax.annotate(
                str(y), (x, y), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8
            )
    ax.set_ylabel("件")
    ax.set_title("历年趋势")
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)
