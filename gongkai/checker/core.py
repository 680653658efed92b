"""check(): read one report, rebuild its tables, collect figures and findings."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from gongkai.reportschema import check_cells, get_format
from gongkai.reportschema.model import Finding

from . import meta as M
from . import prose as P
from .loader import Loaded, ReadError, load_bytes
from .normalize import normalize
from .tables import ambiguity_findings, read_tables, table_cells

MAX_BYTES = 50_000_000
MAX_CHARS = 1_000_000  # a report is ~5–50k characters; beyond this only the start is read


@dataclass
class Report:
    file: str
    agency: str = ""
    year: int | None = None
    format: str = "unknown"
    script: str = "simplified"
    title: str = ""
    published: str | None = None
    kind: str = ""
    encoding: str = ""
    level: str = "unknown"
    cells: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    text: str = field(default="", repr=False)  # normalised body, for batch comparisons

    def to_dict(self) -> dict:
        def j(v):
            if isinstance(v, Decimal):
                return int(v) if v == v.to_integral_value() else float(v)
            return v

        d = {
            "file": self.file,
            "agency": self.agency,
            "year": self.year,
            "format": self.format,
            "script": self.script,
            "title": self.title,
            "published": self.published,
            "cells": {k: j(v) for k, v in self.cells.items()},
            "figures": {
                k: ([b for b in v] if isinstance(v, list) else j(v))
                for k, v in self.figures.items()
            },
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.error:
            d["error"] = self.error
        return d

    @property
    def counts(self) -> dict[str, int]:
        c = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            c[f.severity] = c.get(f.severity, 0) + 1
        return c


def _source(src, name: str | None) -> tuple[Loaded, str]:
    if isinstance(src, Path) or (isinstance(src, str) and name is None and _is_path(src)):
        p = Path(src)
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(
                f"文件过大（{size // 1_000_000} MB），超过 {MAX_BYTES // 1_000_000} MB 上限"
            )
        return load_bytes(p.read_bytes(), p.name), str(p)
    if isinstance(src, bytes | bytearray):
        return load_bytes(bytes(src[:MAX_BYTES]), name or ""), name or "<bytes>"
    if isinstance(src, str):
        from .loader import html_to_text, looks_html

        if looks_html(src):
            body, meta = html_to_text(src)
            return Loaded(body, "html", "", meta), name or "<text>"
        return Loaded(src, "txt"), name or "<text>"
    raise TypeError(f"cannot check {type(src).__name__}")


def _is_path(s: str) -> bool:
    if "\n" in s or len(s) > 4096:
        return False
    try:
        return Path(s).is_file()
    except OSError:
        return False


def check(
    src, *, name: str | None = None, previous: Report | dict | None = None, strict: bool = False
) -> Report:
    """Check one report: a path, the file's bytes, or its text. Never raises on bad input:
    an unreadable file gives a Report with `error` set. `strict=True` lets unexpected
    exceptions through (tests), instead of reporting them as the file's error."""
    if (
        isinstance(src, str)
        and name is None
        and "\n" not in src
        and len(src) < 4096
        and src.lower().endswith((".txt", ".html", ".htm", ".docx", ".pdf"))
        and not _is_path(src)
    ):
        return Report(file=src, error="文件不存在")
    try:
        loaded, fname = _source(src, name)
    except ReadError as e:
        return Report(
            file=str(name or src if isinstance(src, str | Path) else name or "<bytes>"),
            error=str(e),
        )
    except OSError as e:
        return Report(file=str(src), error=f"无法读取文件：{e.strerror or e}")
    try:
        return _check_loaded(loaded, fname, previous)
    except RecursionError:
        return Report(file=fname, error="文件结构过深，无法解析")
    except Exception as e:  # noqa: BLE001 - one bad file must not stop a batch of thousands
        if strict:
            raise
        return Report(file=fname, error=f"检查时出错（{type(e).__name__}），请报告此文件")


def _check_loaded(loaded: Loaded, fname: str, previous) -> Report:
    raw = loaded.text[:MAX_CHARS]
    rep = Report(file=fname, kind=loaded.kind, encoding=loaded.encoding)
    if len(loaded.text) > MAX_CHARS:
        rep.findings.append(
            Finding(
                "TRUNCATED",
                "warning",
                f"文本过长（{len(loaded.text)} 字），只检查了前 {MAX_CHARS} 字",
                "全文",
            )
        )
    if "\ufffd" in raw[:20000] and raw[:20000].count("\ufffd") > 20:
        rep.findings.append(
            Finding(
                "ENCODING", "warning", "文件中有大量无法解码的字符，编码可能有误", "全文", raw[:0]
            )
        )
    text, rep.script = normalize(raw)
    fields, body = M.split_header(text)
    body = M.cut_chrome(body)
    rep.text = body
    rep.title = M.find_title(fields, body, loaded.meta)
    rep.year = M.find_year(rep.title, body)
    rep.format = M.detect_format(rep.title, body, rep.year)
    rep.agency = M.find_agency(rep.title, fields, body)
    rep.level = M.agency_level(rep.agency, body)
    pub = None
    for k in ("发布时间", "发布日期", "发文日期", "成文日期"):
        pub = pub or M.parse_date(fields.get(k, ""))
    if not pub and loaded.meta.get("published"):
        pub = M.parse_date(loaded.meta["published"])
    if not pub and loaded.meta.get("chrome"):
        m = re.search(
            r"(?:发布时间|发布日期|发文日期)\s*[:：]?\s*(\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)",
            loaded.meta["chrome"],
        )
        pub = M.parse_date(m.group(1)) if m else None
    if not pub:
        m = re.search(
            r"(?:发布时间|发布日期|发文日期|成文日期)\s*[:]?\s*((?:19|20)\d{2}[-年/.]\d{1,2}[-月/.]\d{1,2})",
            body[:1500],
        )
        pub = M.parse_date(m.group(1)) if m else None
    dated = None
    tail = body.rstrip()[-200:]
    m = re.search(r"((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*$", tail)
    if m:
        dated = M.parse_date(m.group(1))
    rep.published = (pub or dated).isoformat() if (pub or dated) else None

    if not re.sub(r"\s", "", body):
        rep.findings.append(Finding("EMPTY", "error", "文件没有可读的正文", "全文"))
        rep.format = "unknown"
        return rep

    # figures stated in prose (outside the tables), then the tables
    fmt_key = rep.format if rep.format in ("2019", "2021") else None
    reads = []
    prose_text = body
    if fmt_key:
        prose_numbers = frozenset(
            int(x) for x in re.findall(r"(?<![\d.])(\d{2,7})\s*(?:件|条|个)", body)
        )
        reads = read_tables(body, fmt_key, prose_numbers)
        rep.cells = table_cells(get_format(fmt_key), reads)
        prose_text = _blank_tables(body, reads)
    prose_text = re.sub(r"[ \t]{2,}", " ", prose_text)
    stated = P.stated_figures(prose_text)
    if rep.format == "pre2019":
        # the statistics table, where it kept its figures, beats phrases in the prose
        for k, st in P.indicator_table(body).items():
            if k.startswith("applications.") and k != "applications.new.total":
                rep.cells.setdefault(k, st.value)
            else:
                stated[k] = st
        for k, st in P.provincial_table(body, stated).items():
            if k.startswith("applications.") and k != "applications.new.total":
                rep.cells.setdefault(k, st.value)
            else:
                stated.setdefault(k, st)
    for k, s in stated.items():
        rep.figures[k] = s.value
    bds = P.breakdowns(prose_text)
    if bds:
        rep.figures["breakdowns"] = [b.to_dict() for b in bds]
    if fields.get("索引号"):
        rep.figures["index_number"] = fields["索引号"]
    if fields.get("公开目录") or fields.get("栏目"):
        rep.figures["catalogue_column"] = fields.get("公开目录") or fields.get("栏目")
    items = P.stated_items(prose_text)
    if items:
        rep.figures["stated"] = items
    apps_table = any(tr.table == "applications" and tr.found and tr.rows for tr in reads)
    if not apps_table and rep.format in ("pre2019", "2019", "2021"):
        # no table 三: the figures the report states go under the group row keys (GLOSSARY)
        for k, s in P.group_figures(prose_text).items():
            rep.cells.setdefault(k, s.value)
        if "applications.new.total" in stated:
            rep.cells.setdefault("applications.new.total", stated["applications.new.total"].value)
    appeals_table = any(tr.table == "appeals" and tr.found and tr.rows for tr in reads)
    if (
        not appeals_table
        and "appeals.reconsideration.total" in stated
        and rep.format != "not_annual_report"
    ):
        rep.cells.setdefault(
            "appeals.reconsideration.total", stated["appeals.reconsideration.total"].value
        )
    _findings(rep, body, prose_text, reads, stated, bds, fields, pub, dated, previous)
    if isinstance(previous, Report) and previous.text and not previous.error:
        from .batch import similarity

        sim = similarity(rep.text, previous.text)
        if sim >= 0.8:
            rep.findings.append(
                Finding(
                    "NEAR-COPY-PREVIOUS-YEAR",
                    "warning",
                    f"与上一年报告（{Path(previous.file).name}）文字相似度约 {sim:.0%}，疑为照抄",
                    "全文",
                    f"{Path(rep.file).name} ≈ {Path(previous.file).name}",
                    {"similarity": round(sim, 3), "other": previous.file},
                )
            )
    if rep.script == "traditional" and len(text) == len(raw):
        # matching ran on simplified text; show the evidence as the report printed it
        for f in rep.findings:
            i = text.find(f.evidence) if f.evidence else -1
            if i >= 0:
                f.evidence = raw[i : i + len(f.evidence)]
    return rep


def _blank_tables(body: str, reads) -> str:
    """The body with table regions blanked out (same length), so prose rules skip them."""
    chars = list(body)
    for tr in reads:
        if tr.found and tr.start >= 0:
            end = tr.end
            if tr.rows:
                last = tr.rows[-1]
                end = max(end, last.label_at + 60 + len(last.run))
            for i in range(tr.start, min(len(chars), end)):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


# --- findings -----------------------------------------------------------------------------------
SECTION_RX = {
    "一": r"(?:总体情况|概述|概况)",
    "二": r"主动公开[^\n。]{0,8}情况",
    "三": r"(?:收到和处理政府信息公开申请情况|收到和处理[^\n。]{0,12}申请[^\n。]{0,4}情况)",
    "四": r"[^\n。]{0,20}(?:行政复议|复议)[^\n。]{0,16}(?:情况)",
    "五": r"[^\n。]{0,16}(?:存在的?主要问题|主要问题)[^\n。]{0,12}(?:情况|措施)?",
    "六": r"其他需要报告的事项|其他需要说明的事项|其他需要报告[^\n。]{0,6}",
}
PRE2019_AREAS = (
    ("主动公开", r"主动公开"),
    ("依申请公开", r"依申请|申请公开|公开申请"),
    ("收费及减免", r"收费|费用|收取"),
    ("行政复议、行政诉讼", r"复议|诉讼"),
    ("存在的主要问题及改进", r"问题"),
)


def _excerpt(text: str, pos: int, before: int = 15, after: int = 30) -> str:
    return re.sub(r"\s+", " ", text[max(0, pos - before) : pos + after]).strip()


def _sections(rep: Report, body: str) -> dict[str, tuple[int, int, int]]:
    """Positions of the six headings: number → (start, title end, next heading start)."""
    found: dict[str, tuple[int, int]] = {}
    pos = 0
    for num, rx in SECTION_RX.items():
        pat = re.compile(r"(?<![第(（])" + num + r"\s*[、.]\s*(?:" + rx + ")", re.M)
        m = pat.search(body, pos)
        if m:
            found[num] = (m.start(), m.end())
            pos = m.end()
    out = {}
    keys = list(found)
    for i, k in enumerate(keys):
        nxt = found[keys[i + 1]][0] if i + 1 < len(keys) else len(body)
        out[k] = (found[k][0], found[k][1], nxt)
    return out


def _findings(rep, body, prose_text, reads, stated, bds, fields, pub, dated, previous):
    F = rep.findings
    add = F.append
    if rep.format == "unknown":
        add(
            Finding(
                "FORMAT-UNKNOWN",
                "warning",
                "无法判断这是否为政府信息公开工作年度报告或属于哪种格式",
                "全文",
                _excerpt(body, 0, 0, 60),
            )
        )
    if rep.format == "not_annual_report":
        col = fields.get("栏目") or fields.get("公开目录") or ""
        add(
            Finding(
                "NOT-ANNUAL-REPORT",
                "error",
                "这不是政府信息公开工作年度报告：没有年报规定的各部分和统计（主动公开、依申请公开、复议诉讼）"
                + ("，却放在年报栏目中" if "年报" in col else ""),
                "全文",
                rep.title or _excerpt(body, 0, 0, 60),
            )
        )
    if rep.year is None and rep.format != "unknown":
        add(Finding("YEAR-UNKNOWN", "warning", "无法确定报告所属年度", "全文"))
    _dates(rep, pub, dated)
    _garbled(rep, body)
    if rep.format in ("not_annual_report", "unknown"):
        return
    if rep.format in ("2019", "2021"):
        _structured(rep, body, reads, stated, previous)
    else:
        _pre2019(rep, body, prose_text)
    _prose_checks(rep, body, prose_text, stated, bds)


def _dates(rep: Report, pub: date | None, dated: date | None):
    when = pub or dated
    if not when or not rep.year:
        return
    label = "发布" if pub else "落款"
    if when <= date(rep.year, 12, 31):
        rep.findings.append(
            Finding(
                "DATED-BEFORE-YEAR-END",
                "warning",
                f"{label}日期 {when.isoformat()} 早于所报告年度（{rep.year}年）结束",
                "发布日期",
                when.isoformat(),
            )
        )
        return
    if not pub or rep.format == "not_annual_report":
        return
    # Regulation Art. 49 (2019): departments by 31 Jan, the government's own report by
    # 31 Mar; before the 2019 revision (report years ≤ 2018) 31 March for all.
    gov = M.is_government(rep.agency)
    if rep.year >= 2019 and not gov:
        deadline, rule = date(rep.year + 1, 1, 31), "县级以上人民政府部门应于1月31日前公布"
    else:
        deadline, rule = date(rep.year + 1, 3, 31), "年度报告应于3月31日前公布"
    if pub > deadline:
        rep.findings.append(
            Finding(
                "PUBLISHED-LATE",
                "warning",
                f"发布日期 {pub.isoformat()} 晚于法定期限 {deadline.isoformat()}（{rule}）",
                "发布日期",
                pub.isoformat(),
            )
        )
    elif pub == deadline:
        rep.findings.append(
            Finding(
                "PUBLISHED-ON-DEADLINE",
                "info",
                f"在法定期限的最后一天 {deadline.isoformat()} 发布（{rule}）",
                "发布日期",
                pub.isoformat(),
            )
        )


_GARBLED = (
    (
        "GARBLED-DATE",
        re.compile(r"(?<![\d.])(?:19|20)\d{2}\d{1,2}(?:月\d{1,2})?日|(?<![\d年.])\d{3,4}日(?!报)"),
        "日期缺字",
    ),
    (
        "GARBLED-DOCNUM",
        re.compile(
            r"[〔\[]\s*(?:19|20)\d{2}\d{1,4}\s*号|(?<![〔\[\d])(?:19|20)\d{2}〕\d+号|[〔\[]\s*\d{1,3}\s*[〕\]]\s*\d+\s*号"
        ),
        "文号缺字",
    ),
    (
        "GARBLED-YEAR",
        re.compile(r"(?:^|[。；;\n])\s*年(?:共|度共|全年|累计|内共|来共)"),
        "年份缺失",
    ),
)


def _garbled(rep: Report, body: str):
    for code, rx, what in _GARBLED:
        for m in list(rx.finditer(body))[:5]:
            ev = _excerpt(body, m.start(), 12, len(m.group(0)) + 8)
            rep.findings.append(
                Finding(
                    code,
                    "warning",
                    f"{what}，疑为发布时丢失字符：“{m.group(0).strip()}”",
                    f"正文第{m.start()}字附近",
                    ev,
                )
            )
    lines = [ln.strip() for ln in body.splitlines()]
    idx = [i for i, ln in enumerate(lines) if ln]
    for n, i in enumerate(idx):
        ln = lines[i]
        if re.match(r"^是[\u4e00-\u9fff]", ln):
            near = [lines[j] for j in idx[max(0, n - 3) : n + 4] if j != i]
            if any(re.match(r"^[一二三四五六七八九十]是", x) for x in near):
                rep.findings.append(
                    Finding(
                        "GARBLED-NUMBERING",
                        "warning",
                        f"段落序号缺失：“{ln[:12]}…”前应有“X是”",
                        "正文",
                        ln[:30],
                    )
                )


def _structured(rep: Report, body: str, reads, stated, previous):
    add = rep.findings.append
    fmt = get_format(rep.format)
    secs = _sections(rep, body)
    by_table = {tr.table: tr for tr in reads}
    for s in fmt.sections:
        if s.number not in secs:
            add(
                Finding(
                    "SECTION-MISSING",
                    "warning",
                    f"缺少第{s.number}部分“{s.heading}”",
                    f"第{s.number}部分",
                )
            )
            continue
        start, tend, nxt = secs[s.number]
        content = body[tend:nxt]
        han = len(re.findall(r"[\u4e00-\u9fff]", content))
        digits = len(re.findall(r"\d", content))
        if s.table:
            tr = by_table.get(s.table)
            if not tr or not tr.found or not tr.rows:
                ev = ""
                if s.table == "applications" and "applications.new.total" in stated:
                    st = stated["applications.new.total"]
                    ev = f"正文称：{st.evidence}"
                add(
                    Finding(
                        "TABLE-MISSING",
                        "error",
                        f"第{s.number}部分“{s.title}”只有标题，没有统计表"
                        + (f"（{ev}）" if ev else ""),
                        f"第{s.number}部分",
                        ev or _excerpt(body, start, 0, 40),
                    )
                )
                continue
            vals = [v for k, v in rep.cells.items() if k.startswith(s.table + ".")]
            if vals and all(v is None for v in vals):
                add(
                    Finding(
                        "TABLE-EMPTY",
                        "error",
                        f"第{s.number}部分的统计表有表头但所有数值单元格为空",
                        f"第{s.number}部分",
                    )
                )
        elif digits == 0 and (
            han == 0 or (han < 4 and not re.search(r"无|没有|未|不涉及", content))
        ):
            add(
                Finding(
                    "SECTION-EMPTY",
                    "warning",
                    f"第{s.number}部分“{s.title}”内容为空",
                    f"第{s.number}部分",
                    _excerpt(body, start, 0, 30),
                )
            )
    prev_cells = None
    if isinstance(previous, Report):
        prev_cells = previous.cells
    elif isinstance(previous, dict):
        prev_cells = previous.get("cells", previous)
    found_tables = {tr.table for tr in reads if tr.found and tr.rows}
    table_only = {k: v for k, v in rep.cells.items() if k.split(".")[0] in found_tables}
    for f in check_cells(fmt, table_only, previous_year_cells=prev_cells):
        rep.findings.append(f)
    rep.findings.extend(ambiguity_findings(reads))
    c = rep.cells
    # plausibility for the agency's level: only provinces and 设区的市 make 规章 (立法法 Art. 93)
    reg_keys = [
        k
        for k in c
        if k.startswith("proactive.regulations.")
        and isinstance(c[k], int | Decimal)
        and not k.endswith("change")
    ]
    if rep.level in ("county", "township") and any((c[k] or 0) > 0 for k in reg_keys):
        shown = "，".join(f"{fmt.cell(k).column_label} {c[k]}" for k in reg_keys if c[k])
        add(
            Finding(
                "IMPLAUSIBLE-FOR-LEVEL",
                "warning",
                f"{'县级' if rep.level == 'county' else '乡镇'}机关（{rep.agency}）无权制定规章，表二“规章”却填报了数字：{shown}",
                "二、规章",
                shown,
            )
        )
    if rep.format == "2019":
        made, pub = c.get("proactive.regulations.made"), c.get("proactive.regulations.published")
        if made == 0 and (pub or 0) > 0:
            add(
                Finding(
                    "SUSPICIOUS-FIGURE",
                    "info",
                    f"规章本年新制作 0 件，本年新公开却为 {pub} 件",
                    "二、规章",
                    f"{made} / {pub}",
                )
            )
        rows = ("licensing", "other_services", "penalty", "coercion")
        running = [
            r
            for r in rows
            if c.get(f"proactive.{r}.decisions") is not None
            and c.get(f"proactive.{r}.previous") is not None
            and c.get(f"proactive.{r}.change") is not None
            and c[f"proactive.{r}.previous"] + c[f"proactive.{r}.change"]
            == c[f"proactive.{r}.decisions"]
            and c[f"proactive.{r}.change"] != 0
        ]
        if len(running) >= 3:
            ev = "；".join(
                f"{r}: {c[f'proactive.{r}.previous']}{c[f'proactive.{r}.change']:+d}={c[f'proactive.{r}.decisions']}"
                for r in running
            )
            add(
                Finding(
                    "RUNNING-COUNT",
                    "info",
                    "“处理决定数量”恰等于上一年项目数量加本年增减，疑把项目数当作处理决定数填报",
                    "二、第二十条第（五）（六）项",
                    ev,
                )
            )
    # the narrative contradicting the table
    pairs = [
        ("applications.new.total", c.get("applications.new.total"), "本年新收申请"),
        ("appeals.reconsideration.total", c.get("appeals.reconsideration.total"), "行政复议总计"),
    ]
    issued = "proactive.normative_documents." + ("issued" if rep.format == "2021" else "made")
    pairs.append(("proactive.normative_documents.issued", c.get(issued), "本年制发规范性文件"))
    lit = [
        c.get("appeals.litigation_direct.total"),
        c.get("appeals.litigation_after_reconsideration.total"),
    ]
    if all(v is not None for v in lit):
        pairs.append(("appeals.litigation.total", sum(lit), "行政诉讼总计"))
    for key, tv, label in pairs:
        s = stated.get(key)
        if s is None or tv is None or s.value == tv:
            continue
        over = c.get("applications.carried_over.total") or 0
        if key == "applications.new.total" and over and s.value == tv + over:
            add(
                Finding(
                    "NARRATIVE-INCLUDES-CARRY-OVER",
                    "info",
                    f"正文所述收到申请数（{s.value}）含上年结转（{over}），表格“本年新收”为 {tv}",
                    key,
                    s.evidence,
                )
            )
            continue
        add(
            Finding(
                "NARRATIVE-TABLE-MISMATCH",
                "warning",
                f"正文所述{label}（{s.value}）与表格（{tv}）不一致",
                key,
                s.evidence,
                {"narrative": int(s.value), "table": int(tv)},
            )
        )


def _pre2019(rep: Report, body: str, prose_text: str):
    add = rep.findings.append
    for name, rx in PRE2019_AREAS:
        if not re.search(rx, body):
            add(
                Finding(
                    "SECTION-MISSING",
                    "warning",
                    f"未报告“{name}”情况（2007年《条例》第三十二条要求的内容）",
                    name,
                )
            )
    # a statistics table that lost its figures: pipe rows with no numbers in value cells
    rows = [ln for ln in body.splitlines() if ln.count("|") >= 2]
    if len(rows) >= 5:
        values = [p for ln in rows for p in ln.split("|")[1:]]
        if not any(re.search(r"\d", p) for p in values):
            first = next((i for i, ln in enumerate(body.splitlines()) if ln.count("|") >= 2), 0)
            heading = ""
            lines = body.splitlines()
            for j in range(first - 1, max(-1, first - 4), -1):
                if lines[j].strip():
                    heading = lines[j].strip()[:30]
                    break
            add(
                Finding(
                    "TABLE-EMPTY",
                    "error",
                    f"统计表（{heading or '附表'}）有 {len(rows)} 行，但所有数值单元格都是空的：发布时丢失了数字",
                    heading or "统计表",
                    rows[0][:60],
                )
            )


def _percent_checks(rep: Report, prose_text: str, stated, add) -> None:
    """PERCENT-MISMATCH only when no plausible base explains the stated percentage: the
    stated total, applications received, answered (办理结果总计 / 答复), new (本年新收),
    new + carried over, or another figure of the paragraph. Reports differ in the base they
    use (e.g. 予以公开 as a share of the applications answered, not received); the base named
    in the warning is the one the report's other percentages nearby are of, else the stated
    total."""
    table_bases: list[tuple[str, int | Decimal]] = []
    cells = rep.cells

    def cell(k):
        v = cells.get(k)
        return v if isinstance(v, (int, Decimal)) and not isinstance(v, bool) else None

    if cell("applications.outcomes_total.total"):
        table_bases.append(("办理结果总计", cell("applications.outcomes_total.total")))
    new = cell("applications.new.total")
    if new is None and stated.get("applications.new.total") is not None:
        new = stated["applications.new.total"].value
    if new:
        table_bases.append(("本年新收申请数", new))
        over = cell("applications.carried_over.total")
        if over:
            table_bases.append(("本年新收与上年结转之和", new + over))
    pcts = P.percentages(prose_text)
    fitted: dict[int, tuple[str, int | Decimal]] = {}
    for i, p in enumerate(pcts):
        for label, b in [*p.bases, *table_bases]:
            if P.percent_fits(p, b):
                fitted[i] = (label, b)
                break
    for i, p in enumerate(pcts):
        if i in fitted:
            continue
        # the base the report's other percentages in the same paragraph are of
        siblings = Counter(
            fitted[j]
            for j, q in enumerate(pcts)
            if j in fitted
            and j != i
            and abs(q.at - p.at) <= 400
            and "\n" not in prose_text[min(p.at, q.at) : max(p.at, q.at)]
        )
        if siblings:
            (label, base), n = siblings.most_common(1)[0]
            why = f"以{label}（{base}）为基数，与本段其他 {n} 处百分比一致"
        elif p.base:
            label, base = "所述总数", p.base
            why = f"以所述总数（{base}）为基数"
        else:
            continue  # no base stated: nothing to compare with
        actual = Decimal(p.count) * 100 / Decimal(base)
        tried = sorted({int(b) if b == int(b) else b for _, b in [*p.bases, *table_bases]})
        add(
            Finding(
                "PERCENT-MISMATCH",
                "warning",
                f"百分比与数字不符：{p.count}/{base} = {actual:.1f}%（{why}），文中写 {p.percent}%"
                + (
                    f"；以{'、'.join(str(b) for b in tried[:6])}为基数也都不符"
                    if len(tried) > 1
                    else ""
                ),
                "正文",
                p.text,
                {"base": str(base), "base_label": label, "bases_tried": [str(b) for b in tried]},
            )
        )


def _prose_checks(rep: Report, body: str, prose_text: str, stated, bds):
    add = rep.findings.append
    for b in bds:
        s = b.sum
        if s == b.total:
            continue
        ev = f"{b.total}{b.unit}，分项 " + "+".join(str(v) for _, v in b.parts) + f" = {s}"
        if s > b.total:
            if b.overlap_allowed:
                add(
                    Finding(
                        "SUM-OVERLAP",
                        "info",
                        f"分项之和（{s}）大于总数（{b.total}）：各渠道重复计数，总数已去重，属正常",
                        "正文",
                        ev,
                    )
                )
            else:
                add(
                    Finding(
                        "SUM-MISMATCH",
                        "warning",
                        f"分项之和（{s}）大于所述总数（{b.total}）",
                        "正文",
                        ev,
                    )
                )
        elif b.complete_claimed:
            add(
                Finding(
                    "SUM-MISMATCH",
                    "warning",
                    f"分项（含“其他”）之和（{s}）小于所述总数（{b.total}）",
                    "正文",
                    ev,
                )
            )
    _percent_checks(rep, prose_text, stated, add)
    numbers_in_text = set(re.findall(r"\d+", body))
    for count, pct, _at, ev in P.rates_without_total(prose_text):
        lo = int(count * 100 / (pct + Decimal("0.5"))) + 1
        hi = int(count * 100 / (pct - Decimal("0.5"))) if pct > Decimal("0.5") else lo
        if any(str(n) in numbers_in_text for n in range(lo, hi + 1)):
            continue
        add(
            Finding(
                "PERCENT-IMPLIED-TOTAL",
                "info",
                f"{count} 项占 {pct}% 意味着总数约为 {round(count * 100 / pct)}，报告未说明该总数",
                "正文",
                ev,
            )
        )
    # applications: received vs accounted for
    new = stated.get("applications.new.total")
    has_table = any(
        k.startswith("applications.") and not P_GROUP.match(k) for k in rep.cells
    ) and rep.format in ("2019", "2021")
    if new and new.value and not has_table:
        m = re.search(r"(?:按时|按期)?办结\s*(\d+)\s*件", prose_text[new.at : new.at + 200])
        if (
            m
            and int(m.group(1)) < new.value
            and not re.search(r"结转|正在办理|尚未办结|未办结|办理中|延期", body)
        ):
            add(
                Finding(
                    "APPLICATIONS-UNACCOUNTED",
                    "warning",
                    f"收到申请 {new.value} 件，办结 {m.group(1)} 件，其余 {new.value - int(m.group(1))} 件的去向未说明",
                    "依申请公开",
                    _excerpt(prose_text, new.at, 0, 80),
                )
            )
        elif (
            not P.states_outcomes(prose_text[max(0, new.at - 100) : new.at + 400])
            and rep.format == "pre2019"
        ):
            add(
                Finding(
                    "APPLICATION-OUTCOMES-MISSING",
                    "warning",
                    f"只报告了收到申请数（{new.value}），未报告办理结果（予以公开、不予公开等）",
                    "依申请公开",
                    new.evidence,
                )
            )
    _mixed_levels(rep, prose_text)


P_GROUP = re.compile(
    r"^applications\.(withheld|unavailable|not_processed|other|disclosed|partially_disclosed)\.total$"
)
_LEVEL = re.compile(r"(市级|市本级|市直|县\(区\)|县区|区县|县级|县\(市、区\)|乡镇|乡\(镇\))")


def _mixed_levels(rep: Report, text: str):
    levels: dict[str, int] = {}
    for m in P._PRO_TOTAL.finditer(text):
        a, _ = P.sentence_at(text, m.start())
        lv = _LEVEL.findall(text[a : m.start()])
        if lv:
            levels.setdefault(lv[-1], m.start())
    if len(levels) >= 2:
        combined = re.search(
            r"(?:全市|全县|全区|全省|合计|总计)[^。]{0,20}?(?:公开|公布|发布)[^。\d]{0,10}?\d+\s*条",
            text,
        )
        if not combined:
            rep.findings.append(
                Finding(
                    "MIXED-LEVELS",
                    "warning",
                    "报告分别列出" + "、".join(levels) + "的数字，没有合计数",
                    "主动公开",
                    "；".join(_excerpt(text, p, 10, 30) for p in levels.values()),
                )
            )
