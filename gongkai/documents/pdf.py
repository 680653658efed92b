"""HTML → PDF in an official-document (公文) layout, with WeasyPrint.

``html_to_pdf(html)`` accepts a full HTML document or a fragment. The stylesheet
:data:`OFFICIAL_CSS` is always applied first, so templates only need semantic classes:

=================  =========================================================================
``h1.doc-title``   title, 2号 (22pt) heavy serif, centred (小标宋 stand-in)
``.doc-number``    文号 line, centred
``.addressee``     主送 line (no first-line indent)
``p``              body, 3号 (16pt) 仿宋-like serif, first line indented 2 characters
``h2`` / ``h3``    first-level (黑体 → sans) / second-level (楷体 → serif bold) headings
``.signature``     发文机关署名 + ``.date`` 成文日期, right-aligned
``table.grid``     ruled table, 4号/小四 text; ``thead`` rows repeat on every page
``.note``          small print (e.g. 附注)
=================  =========================================================================

Fonts: real 公文 fonts (仿宋_GB2312, 方正小标宋, 黑体, 楷体) are named first so a server that has
them uses them; Debian's fonts-noto-cjk (Noto Serif/Sans CJK SC) is the fallback that is always
installed here and in CI. WeasyPrint embeds (subsets) whatever it uses, so the text extracts.
"""

from __future__ import annotations

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

BODY_FONTS = '"仿宋_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC", "Noto Serif CJK", serif'
TITLE_FONTS = (
    '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "Noto Serif CJK", serif'
)
HEADING_FONTS = '"黑体", "SimHei", "Noto Sans CJK SC", "Noto Sans CJK", sans-serif'
KAITI_FONTS = '"楷体_GB2312", "KaiTi", "STKaiti", "Noto Serif CJK SC", serif'

# GB/T 9704-2012 §5.2.1: 天头 37mm, 订口 28mm; text block 156 × 225 mm. Bottom/right margins
# follow from the text block (297−37−225 = 35, 210−28−156 = 26).
OFFICIAL_CSS = f"""
@page {{
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
  @bottom-center {{
    content: "— " counter(page) " —";
    font-family: {BODY_FONTS};
    font-size: 14pt;
    margin-top: 7mm;
    vertical-align: top;
  }}
}}
html {{ font-family: {BODY_FONTS}; font-size: 16pt; line-height: 28.9pt; color: #000; }}
body {{ margin: 0; }}
h1, .doc-title {{
  font-family: {TITLE_FONTS}; font-weight: 700; font-size: 22pt; line-height: 1.45;
  text-align: center; margin: 0 0 28.9pt 0;
}}
.doc-number {{ text-align: center; margin: -14pt 0 14pt 0; }}
h2 {{ font-family: {HEADING_FONTS}; font-weight: 400; font-size: 16pt; margin: 0; text-indent: 2em; }}
h3 {{ font-family: {KAITI_FONTS}; font-weight: 700; font-size: 16pt; margin: 0; text-indent: 2em; }}
ol, ul {{ margin: 0; padding-left: 4em; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; orphans: 2; widows: 2; }}
p.addressee, p.no-indent {{ text-indent: 0; }}
.signature {{ margin-top: 28.9pt; text-align: right; padding-right: 4em; page-break-inside: avoid; }}
.signature p {{ text-indent: 0; text-align: right; }}
.note {{ font-size: 12pt; line-height: 1.6; }}
.note p {{ text-indent: 0; }}
strong, b {{ font-family: {HEADING_FONTS}; font-weight: 400; }}
table.grid {{ border-collapse: collapse; width: 100%; margin: 8pt 0; font-size: 11pt; line-height: 1.4; }}
table.grid th, table.grid td {{ border: 0.6pt solid #000; padding: 2pt 4pt; vertical-align: middle; }}
table.grid th {{ font-family: {HEADING_FONTS}; font-weight: 400; text-align: center; }}
table.grid td.num {{ text-align: right; }}
thead {{ display: table-header-group; }}
tr {{ page-break-inside: avoid; }}
"""

_font_config: FontConfiguration | None = None
_stylesheet: CSS | None = None
_url_fetcher: URLFetcher | None = None


def _base_stylesheet() -> tuple[CSS, FontConfiguration]:
    # Parsing the stylesheet and scanning fontconfig once per process saves ~100 ms a document.
    global _font_config, _stylesheet
    if _stylesheet is None:
        _font_config = FontConfiguration()
        _stylesheet = CSS(string=OFFICIAL_CSS, font_config=_font_config)
    return _stylesheet, _font_config


def html_to_pdf(html: str, base_url: str | None = None, extra_css: str | None = None) -> bytes:
    """Render ``html`` (document or fragment) to PDF bytes in the official layout.

    ``base_url`` resolves relative links/images; ``extra_css`` is applied after the base sheet.
    External URLs are never fetched (the default fetcher would allow it; letters and reports are
    built from our own data, and a server-side fetch is an SSRF risk), only ``file:``/``data:``.
    """
    sheet, fonts = _base_stylesheet()
    sheets = [sheet]
    if extra_css:
        sheets.append(CSS(string=extra_css, font_config=fonts))
    doc = HTML(string=html, base_url=base_url, url_fetcher=_fetcher())
    return doc.write_pdf(stylesheets=sheets, font_config=fonts)


def _fetcher():
    global _url_fetcher
    if _url_fetcher is None:
        _url_fetcher = URLFetcher(allowed_protocols=("file", "data"))
    return _url_fetcher
