"""Highlighted title and snippet: escaped text with <mark> around every query word.

Positions are found on the normalised text (so a traditional query marks the simplified
characters it matched) and mapped back to the original characters; every piece of document
text goes through ``escape`` — a document containing ``<script>`` shows it as text.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import text

SNIPPET_CHARS = 160


def _spans(norm: str, words: list[str]) -> list[tuple[int, int]]:
    spans = []
    for w in words:
        start = norm.find(w)
        while start != -1:
            spans.append((start, start + len(w)))
            start = norm.find(w, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _render(original: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    out, pos = [], lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out.append(escape(original[pos:s]))
        out.append("<mark>" + escape(original[s:e]) + "</mark>")
        pos = e
    out.append(escape(original[pos:hi]))
    return "".join(out)


def _original_spans(original: str, words: list[str]) -> list[tuple[int, int]]:
    norm, offsets = text.normalise_aligned(original)
    spans = _spans(norm, words)
    if offsets is None:
        return spans
    return [(offsets[s], offsets[e - 1] + 1) for s, e in spans]


def highlight(original: str, words: list[str]) -> SafeString:
    original = original or ""
    return mark_safe(_render(original, _original_spans(original, words), 0, len(original)))


def snippet(original: str, words: list[str], size: int = SNIPPET_CHARS) -> SafeString:
    """The window of ``size`` characters holding the most query words, ellipsised."""
    original = " ".join((original or "").split())
    spans = _original_spans(original, words)
    if not spans:
        lo, hi = 0, min(len(original), size)
    else:
        # Start a little before the span whose window covers the most matches (two pointers).
        best, best_n, j = spans[0][0], 0, 0
        for i, (s, _e) in enumerate(spans):
            j = max(j, i)
            while j < len(spans) and spans[j][0] < s + size:
                j += 1
            if j - i > best_n:
                best, best_n = s, j - i
        lo = max(0, best - size // 5)
        hi = min(len(original), lo + size)
        lo = max(0, min(lo, hi - size))
    html = _render(original, spans, lo, hi)
    if lo > 0:
        html = "…" + html
    if hi < len(original):
        html += "…"
    return mark_safe(html)
