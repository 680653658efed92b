"""Field accuracy of the report checker on held-out real reports.

    python bench/checker_accuracy.py FOLDER [--verbose]

FOLDER holds one sub-folder per report (the held-out set is kept outside the repository,
e.g. /work/heldout; see docs/checker.md for where each report came from). A report folder has

- ``page.html``: the published page (or its article with the tables as published); its
  tables are the truth, read here by a small grid reader that is independent of the checker
  (data rows are mapped to the format's rows by position, not by label), and
- optionally ``truth.json`` ``{"format", "year", "cells": {key: value|null}}``, which
  replaces the HTML as truth (used where only part of the HTML could be copied), and
- optionally ``page.txt``: a real flattened extraction of the same page (archive text).

Each report is checked as page.html, page.txt, and two flattenings made here from page.html
the way real sites and scrapers flatten tables: ``flat`` (tags removed with no separator, so
adjacent cells run together: ``规范性文件898989``) and ``lines`` (one cell per line).

Field accuracy = cells read equal to the truth / truth cells, per report and variant and
overall. A blank data cell and 0 count as equal (a blank data cell counts as 0, §4.5 of
ANNUAL_REPORT_FORMAT.md); a blank 总计 is "not given" and must stay blank. Format and year are
compared too. Without the data the script prints what it needs and exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.checker import check  # noqa: E402
from gongkai.reportschema import get_format  # noqa: E402

NEEDS = """No held-out reports found at {folder}.
Needs one sub-folder per report with page.html (tables = truth) and/or truth.json, and
optionally page.txt. See the module docstring and docs/checker.md (section "Held-out
accuracy") for the sources of the set measured so far."""


# --- independent table reader ----------------------------------------------------------------
class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._stack: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._stack:
            if not self._stack[-1]:
                self._stack[-1].append([])
            self._stack[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


_VALUE = re.compile(r"^[+\-－]?\d[\d,，]*(?:\.\d+)?(?:万?元)?$")


def _clean(s: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", "", unescape(s))


def _is_value(s: str) -> bool:
    s = _clean(s)
    return s == "" or bool(_VALUE.match(s))


def _value(s: str):
    s = _clean(s).replace(",", "").replace("，", "").replace("－", "-")
    s = re.sub(r"万?元$", "", s)
    if s == "":
        return None
    return Decimal(s) if "." in s else int(s)


def _kind(rows: list[list[str]]) -> str | None:
    text = "".join(_clean(c) for r in rows for c in r)
    if "申请人情况" in text or "本年新收" in text:
        return "applications"
    if "行政复议" in text and "行政诉讼" in text:
        return "appeals"
    if "第二十条" in text or "信息内容" in text:
        return "proactive"
    return None


def truth_from_html(html: str, fmt_key: str) -> dict:
    """Cells of the report's tables, rows mapped by position within each table."""
    p = _Tables()
    p.feed(html)
    fmt = get_format(fmt_key)
    cells: dict = {}
    for rows in p.tables:
        kind = _kind(rows)
        if kind is None:
            continue
        table = fmt.tables[kind]
        order: list[tuple[str, list[str]]] = []
        for c in table.cells:
            if not order or order[-1][0] != c.row:
                order.append((c.row, []))
            order[-1][1].append(c.key)
        if kind == "appeals":
            vals = [
                c
                for r in rows
                for c in r
                if all(_is_value(x) for x in r) and any(_clean(x) for x in r)
            ]
            keys = [k for _, ks in order for k in ks]
            if len(vals) == len(keys):
                cells.update({k: _value(v) for k, v in zip(keys, vals, strict=True)})
            continue
        data = []
        for r in rows:
            if len(r) < 2 or _is_value(r[0]):
                continue
            # trailing value cells after the label cells
            i = len(r)
            while i > 0 and _is_value(r[i - 1]):
                i -= 1
            if i < len(r) and i > 0:
                data.append(r[i:])
        for (_, keys), vals in zip(order, data, strict=False):
            for k, v in zip(keys, vals, strict=False):
                cells[k] = _value(v)
    return cells


# --- flattenings -----------------------------------------------------------------------------
_DROP = re.compile(r"<(script|style|head)\b.*?</\1>", re.S | re.I)


def flatten(html: str, style: str) -> str:
    html = _DROP.sub("", html)
    if style == "lines":
        html = re.sub(r"</(td|th)>", "\n", html, flags=re.I)
        html = re.sub(r"</(p|div|tr|h\d)>|<br\s*/?>", "", html, flags=re.I)
    text = unescape(re.sub(r"<[^>]+>", "", html))
    if style == "lines":
        # one cell per line; a blank cell stays an empty line (as get_text("\n") leaves it)
        text = "\n".join(s.strip(" \t\r\u3000") for s in text.split("\n"))
    return text


# --- comparison ------------------------------------------------------------------------------
def _same(key: str, got, want) -> bool:
    if got == want:
        return True
    if key.endswith(".total"):
        return False
    return (got in (None, 0)) and (want in (None, 0))


def compare(cells: dict, truth: dict) -> tuple[int, list[str]]:
    bad = [k for k, v in truth.items() if not _same(k, cells.get(k), v)]
    return len(truth) - len(bad), bad


def run(folder: Path, verbose: bool = False) -> dict:
    reports = sorted(
        d
        for d in folder.iterdir()
        if d.is_dir() and ((d / "page.html").exists() or (d / "truth.json").exists())
    )
    total_ok = total_n = 0
    meta_bad = []
    per = {}
    for d in reports:
        html = (d / "page.html").read_text(encoding="utf-8") if (d / "page.html").exists() else None
        tj = (
            json.loads((d / "truth.json").read_text(encoding="utf-8"))
            if (d / "truth.json").exists()
            else {}
        )
        variants: dict[str, tuple[str, str]] = {}
        if html is not None:
            variants["html"] = (html, "page.html")
            variants["flat"] = (flatten(html, "flat"), "flat.txt")
            variants["lines"] = (flatten(html, "lines"), "lines.txt")
        if (d / "page.txt").exists():
            variants["txt"] = ((d / "page.txt").read_text(encoding="utf-8"), "page.txt")
        first = check(
            variants.get("html", variants.get("txt"))[0], name="page.html" if html else "page.txt"
        )
        fmt_key = tj.get("format") or first.format
        if "cells" in tj:
            truth = {
                k: (Decimal(str(v)) if isinstance(v, float) else v) for k, v in tj["cells"].items()
            }
        else:
            truth = truth_from_html(html, fmt_key)
        for name, (text, fname) in variants.items():
            rep = check(text, name=fname)
            ok, bad = compare(rep.cells, truth)
            total_ok += ok
            total_n += len(truth)
            per[f"{d.name}/{name}"] = (ok, len(truth))
            mb = []
            if rep.format != fmt_key:
                mb.append(f"format {rep.format}≠{fmt_key}")
            if tj.get("year") and rep.year != tj["year"]:
                mb.append(f"year {rep.year}≠{tj['year']}")
            if mb:
                meta_bad.append(f"{d.name}/{name}: " + ", ".join(mb))
            codes = sorted({f.code for f in rep.findings if f.severity in ("error", "warning")})
            line = f"{d.name:34} {name:5} {ok:4}/{len(truth):<4} {100 * ok / max(1, len(truth)):6.2f}%  {rep.format} {rep.year} {rep.agency}"
            print(line)
            if verbose and (bad or codes):
                for k in bad[:12]:
                    print(f"      {k}: read {rep.cells.get(k)!r}, truth {truth[k]!r}")
                print(f"      findings: {', '.join(codes) or '-'}")
    if total_n:
        print(
            f"\n{len(reports)} reports, {len(per)} readings: field accuracy {total_ok}/{total_n} = "
            f"{100 * total_ok / total_n:.2f}%"
        )
    for m in meta_bad:
        print("META", m)
    return {"reports": len(reports), "ok": total_ok, "n": total_n, "meta_bad": meta_bad}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default="/work/heldout")
    ap.add_argument("--verbose", "-v", action="store_true")
    a = ap.parse_args(argv)
    folder = Path(a.folder)
    if not folder.is_dir() or not any(
        (d / "page.html").exists() or (d / "truth.json").exists()
        for d in folder.iterdir()
        if d.is_dir()
    ):
        print(NEEDS.format(folder=folder))
        return 0
    run(folder, a.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
