"""Body HTML: sanitising (nh3), plain text for search and the privacy guard, text-only edits."""

from __future__ import annotations

import re

import lxml.html
import nh3

# Simple rich text as government documents use it: paragraphs, headings, lists, tables, links.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "a",
    "blockquote",
    "span",
    "sub",
    "sup",
    "hr",
    "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "p": {"align"},
    "div": {"align"},
}


def sanitise_body(html: str) -> str:
    """Only the tags above survive; scripts, styles, event handlers and javascript: URLs go."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


_BLOCK_END = re.compile(
    r"(?i)(<br\s*/?>|</(?:p|div|h[1-6]|li|tr|table|blockquote|caption|ul|ol)\s*>|<hr\s*/?>)"
)
_CELL_END = re.compile(r"(?i)(</t[dh]\s*>)")


def html_to_text(html: str) -> str:
    """Plain text of a (sanitised) body: one line per block, cells tab-separated."""
    if not html or not html.strip():
        return ""
    marked = _CELL_END.sub(r"\1\t", _BLOCK_END.sub(r"\1\n", html))
    try:
        root = lxml.html.fragment_fromstring(marked, create_parent="div")
    except Exception:  # lxml rejects only pathological input; fall back to tag stripping
        return re.sub(r"<[^>]*>", "", html)
    text = root.text_content()
    lines = [ln.strip() for ln in text.replace("\xa0", " ").splitlines()]
    return "\n".join(ln for ln in lines if ln)


_TAG = re.compile(r"(<[^>]*>)")


def replace_in_text_nodes(html: str, old: str, new: str) -> tuple[str, int]:
    """Replace ``old`` by ``new`` outside tags only (never inside an attribute or tag name).

    Returns the new HTML and the number of replacements.
    """
    parts = _TAG.split(html)
    n = 0
    for i, part in enumerate(parts):
        if i % 2 == 0 and old in part:  # even indexes are text between tags
            n += part.count(old)
            parts[i] = part.replace(old, new)
    return "".join(parts), n


def text_nodes(html: str) -> str:
    """Every text node on its own line. The privacy guard scans this as well as the flowing
    text: ``<b>ID</b><b>ID</b>`` reads as one long number, yet each node holds a real ID."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return "\n".join(p for p in _TAG.split(html)[::2] if p.strip())
    return "\n".join(t.strip() for t in root.itertext() if t.strip())
