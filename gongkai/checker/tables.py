"""Rebuild the official tables (二, 三, 四) from text of any shape, by the known format.

The text may be pipe rows (HTML/DOCX tables), one cell per line, or fully flattened with
adjacent cells run together (`规范性文件898989`, `230 000023`). Rows are found by their
labels, in the format's order; the value run after each label is split into the row's cells.
Where digits run together, every possible split is scored by (a) the identities the row
must satisfy (T3-3 row totals, T4 sums), (b) the column identities across rows (T3-1, T3-2),
(c) figures the prose repeats, and (d) a prior on cell sizes (zeros and short numbers are
common). The best consistent reading wins; close calls are reported.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from gongkai.reportschema import APPEAL_GROUPS, APPEAL_RESULTS, APPLICANT_TYPES, get_format
from gongkai.reportschema.model import Finding, Format

Value = int | Decimal | None


def flex(s: str) -> str:
    """Regex for a label that tolerates spaces/newlines between its characters."""
    return r"\s*".join(re.escape(c) for c in s)


def alt(*variants: str) -> str:
    return "(?:" + "|".join(flex(v) for v in variants) + ")"


# Distinctive cores of each row label, after normalisation (ASCII brackets, simplified).
APP_ROW_PATTERNS: dict[str, str] = {
    # cores are taken from the start of each label: PDF text wraps long labels and may put
    # the row's numbers in the middle of them
    "new": alt("本年新收", "本年收到"),
    "carried_over": alt("上年结转"),
    "disclosed": alt("予以公开"),
    "partially_disclosed": alt("部分公开"),
    "withheld.state_secret": alt("国家秘密"),
    "withheld.prohibited_by_law": alt("法律行政法规", "禁止公开"),
    "withheld.security_stability": alt("三安全一稳定", "三安全", "危及"),
    "withheld.third_party_rights": alt("第三方合法权益", "保护第三方", "第三方"),
    "withheld.internal_affairs": alt("三类内部", "三类内容", "内部事务"),
    "withheld.process_information": alt("四类过程", "过程性信息"),
    "withheld.enforcement_files": alt("行政执法案", "执法案卷"),
    "withheld.query_regime": alt("行政查询", "查询事项"),
    "unavailable.not_held": alt("本机关不掌握", "不掌握"),
    "unavailable.needs_creation": alt("没有现成信息", "另行制作"),
    "unavailable.unclear_after_amendment": alt("补正后申请", "仍不明确"),
    "not_processed.petition": alt("信访举报投诉", "信访"),
    "not_processed.repeated": alt("重复申请"),
    "not_processed.publication": alt("要求提供公开", "公开出版物", "出版物"),
    "not_processed.excessive": alt("无正当理由大量", "大量反复", "大量反覆"),
    "not_processed.confirmation": alt("要求行政机关确认", "已获取信息", "重新出具"),
    "other.no_amendment": alt("逾期不补正", "无正当理由逾期", "不补正"),
    "other.fee_unpaid": alt("逾期未按收费", "收费通知", "缴纳费用"),
    "outcomes_total": alt("总计", "合计"),
    "carried_forward": alt("结转下年度", "结转下年"),
}
APP_OTHER_2019 = alt("其他处理")
APP_OTHER_2021 = alt("其他") + r"(?!\s*处\s*理)"  # not the repeated （六）其他处理 parent label

PRO_ROW_PATTERNS: dict[str, str] = {
    "regulations": alt("规章"),
    "normative_documents": alt("规范性文件"),
    "licensing": alt("行政许可"),
    "other_services": alt("其他对外管理服务事项", "对外管理服务事项"),
    "penalty": alt("行政处罚"),
    "coercion": alt("行政强制"),
    "fees": alt("行政事业性收费"),
    "procurement": alt("政府集中采购", "集中采购"),
}

# characters a value run may contain; the run starts at the first START character
_RUN_CHARS = set("0123456789 \t\n|+-.,无—/元万件")
_START = set("0123456789|+-无—/")
_TOKEN = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?|无|—+|/|(?<![\d])-(?![\d])")
_MD_RULE = re.compile(r"\s*:?-{3,}:?\s*")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


@dataclass
class RowRead:
    key: str
    label_at: int
    run: str
    candidates: list[tuple[float, tuple[Value, ...]]] = field(default_factory=list)
    chosen: int = 0
    # set by the joint column solve of table 三: the identities fixed this row's reading
    # (settled), or left several readings that all satisfy them (alternatives, best first)
    settled: bool = False
    alternatives: list[tuple[Value, ...]] = field(default_factory=list)

    @property
    def values(self) -> tuple[Value, ...] | None:
        return self.candidates[self.chosen][1] if self.candidates else None


@dataclass
class TableRead:
    table: str
    rows: list[RowRead]
    found: bool  # the table's structure was found in the text
    start: int = -1
    end: int = -1
    findings: list[Finding] = field(default_factory=list)


# --- priors --------------------------------------------------------------------------------
_P_COUNT = {1: 0.25, 2: 0.2, 3: 0.15, 4: 0.1, 5: 0.05, 6: 0.03, 7: 0.01}
_P_MONEY = {1: 0.02, 2: 0.03, 3: 0.05, 4: 0.1, 5: 0.15, 6: 0.2, 7: 0.2, 8: 0.15, 9: 0.07}


def _log_prior(v: Value, kind: str) -> float:
    if v is None:
        return math.log(0.02)
    if v < 0 and kind != "signed":
        return -50.0  # only 本年增/减 may be negative
    a = abs(v)
    if a == 0:
        return math.log(0.5 if kind == "signed" else 0.4)
    d = len(str(int(a))) if a >= 1 else 1
    table = _P_MONEY if kind == "money" else _P_COUNT
    p = table.get(d, 0.003)
    if kind == "signed":
        p *= 0.5  # half the mass went to zero
    if kind != "money" and a != int(a):
        p *= 0.01  # counts are integers
    # uniform within a digit length: every split of a run pays the same in total, so
    # only the digit-length distribution decides between splits
    return math.log(p) - math.log(9 * 10 ** (d - 1))


# --- value runs ----------------------------------------------------------------------------
def value_run(text: str, start: int, end: int, max_residue: int = 80) -> tuple[str, int]:
    """The run of value characters after a label (skipping what is left of the label)."""
    i = start
    lim = min(end, start + max_residue)
    while i < lim and text[i] not in _START:
        i += 1
    if i >= lim:
        return "", start
    j = i
    while j < end and text[j] in _RUN_CHARS:
        if text[j] == "无" and j + 1 < len(text) and "\u4e00" <= text[j + 1] <= "\u9fff":
            break  # 无正当理由… is the next label, not a value
        j += 1
    if i == j:
        return "", start
    return text[i:j], i


def _parse_token(tok: str) -> Value:
    if tok == "无":
        return 0
    if tok.startswith(("—", "/")) or tok == "-":
        return None
    t = tok.replace(",", "")
    if "." in t:
        d = Decimal(t)
        return d
    return int(t)


def _tokens(piece: str) -> list[str]:
    out: list[str] = []
    for t in _TOKEN.findall(piece):
        if "," in t and not _THOUSANDS.match(t):
            out.extend(x for x in t.split(",") if x)
        else:
            out.append(t.rstrip(","))
    return out


def slots_of(run: str, n: int) -> list[str | None]:
    """Cells as token strings (None = blank); may hold fewer slots than cells (glued)."""
    if "|" in run:
        pieces = run.split("|")
        if not pieces[0].strip():
            pieces = pieces[1:]
        slots: list[str | None] = []
        for p in pieces:
            if _MD_RULE.fullmatch(p):
                continue  # markdown |---|---| rule
            toks = _tokens(p)
            if not toks:
                if "\n" not in p:  # a piece spanning a line break is a row boundary
                    slots.append(None)
            else:
                slots.extend(toks)
        while len(slots) > n and slots[-1] is None:
            slots.pop()
        return slots
    return list(_tokens(run))


def line_slots(run: str, n: int) -> list[str | None] | None:
    """One cell per line (scraped with a newline per cell): a line holding only spaces is a
    blank cell (``<td>&nbsp;</td>``). None unless every line holds at most one token and the
    lines give exactly n cells."""
    if "|" in run or "\n" not in run:
        return None
    pieces = run.split("\n")
    if pieces and pieces[0] == "":
        pieces = pieces[1:]  # the label's own line break
    while pieces and pieces[-1] == "":
        pieces.pop()  # line breaks before the next label
    if len(pieces) != n:
        return None
    out: list[str | None] = []
    for p in pieces:
        toks = _tokens(p)
        if len(toks) > 1:
            return None
        out.append(toks[0] if toks else None)
    return out


def gap_slots(run: str) -> list[str | None] | None:
    """Flattened text keeps a blank cell's &nbsp; as one space: read every space between
    (or around) tokens as a possible blank cell. None when the run has no such space."""
    run = run.lstrip()
    if "|" in run or "\n" in run or " " not in run:
        return None
    out: list[str | None] = []
    for part in re.split(r"( )", run):
        if part == " ":
            out.append(None)
        elif part:
            out.extend(_tokens(part))
    # a space between two tokens that also separates them is not a cell by itself
    return out


def _splits(s: str, k: int):
    """All ways to cut a digit string into k numbers without leading zeros."""
    if k == 1:
        if len(s) == 1 or s[0] != "0":
            yield (s,)
        return
    for i in range(1, len(s) - k + 2):
        head = s[:i]
        if len(head) > 1 and head[0] == "0":
            break
        for rest in _splits(s[i:], k - 1):
            yield (head, *rest)


def _token_splits(tok: str, k: int):
    sign = tok[0] if tok[0] in "+-" else ""
    body = tok[len(sign) :].replace(",", "")
    frac = ""
    if "." in body:
        body, frac = body.split(".", 1)
        frac = "." + frac
    for parts in _splits(body, k):
        parts = list(parts)
        parts[0] = sign + parts[0]
        parts[-1] = parts[-1] + frac
        yield parts


def _splittable(tok: str | None) -> int:
    if tok is None or not re.match(r"^[+-]?\d", tok):
        return 1
    body = re.sub(r"[^\d.]", "", tok).split(".")[0]
    return max(1, len(body))


def candidates(
    run: str,
    kinds: list[str],
    row_check=None,
    prose_numbers: frozenset[int] = frozenset(),
    keep: int = 8,
    partial=None,
) -> list[tuple[float, tuple[Value, ...]]]:
    """Scored readings of a value run as len(kinds) cells, best first. `partial(values)`
    may return False to prune a split as soon as an identity it covers fails."""
    n = len(kinds)
    slots = slots_of(run, n)
    if not slots or all(s is None for s in slots):
        return [(0.0, tuple([None] * n))] if slots else []
    readings: list[list[str | None]] = []
    bonus: dict[tuple, float] = {}
    lines = line_slots(run, n)
    if lines is not None and lines != slots[:n]:
        readings.append(lines)
        bonus[tuple(lines)] = 20.0  # the layout itself says which cells are blank
    gaps = gap_slots(run)
    if (
        gaps is not None
        and len(gaps) > len(slots)
        and len(slots) < n <= len(gaps) + sum(_splittable(g) - 1 for g in gaps)
    ):
        readings.extend(
            _split_with_total(gaps, n)
            if partial is _t33_partial
            else _split_readings(gaps, n, partial)
        )
    if len(slots) >= n:
        readings.append(slots[:n])
    else:
        extra = n - len(slots)
        caps = [_splittable(s) - 1 for s in slots]
        if sum(caps) >= extra:
            if partial is _t33_partial:
                split = _split_with_total(slots, n)
            else:
                split = _split_readings(slots, n, partial)
            if not split and partial is not None:
                split = _split_readings(slots, n, None)  # inconsistent table: best prior
            readings.extend(split)
        else:
            # too few digits: some cells were left blank; try blanks where they fit
            full = [
                x
                for s, c in zip(slots, caps, strict=True)
                for x in ([s] if c == 0 else list(_token_splits(s, c + 1))[0])
            ]
            missing = n - len(full)
            if 0 < missing <= 2:
                for pos in itertools.combinations(range(n), missing):
                    r: list[str | None] = []
                    it = iter(full)
                    for i in range(n):
                        r.append(None if i in pos else next(it))
                    readings.append(r)
    scored: list[tuple[float, tuple[Value, ...]]] = []
    seen = set()
    for r in readings:
        try:
            vals = tuple(_parse_token(t) if t is not None else None for t in r)
        except (ArithmeticError, ValueError):
            continue
        if vals in seen:
            continue
        seen.add(vals)
        score = sum(_log_prior(v, k) for v, k in zip(vals, kinds, strict=True))
        if vals[-1] is None and len(slots) < n:
            score += 1.0  # a vanished cell is most often the blank 总计 (§4.5)
        if len(slots) > n:
            score -= 5
        score += bonus.get(tuple(r), 0.0)
        for v in vals:
            if v is not None and v >= 10 and int(v) == v and int(v) in prose_numbers:
                score += 2.5
        if row_check is not None:
            try:
                ok = row_check(vals)
            except TypeError:  # a caller's check that does not take blank cells
                ok = None
            if ok is True:
                score += 30
            elif ok is False:
                score -= 5
            elif isinstance(ok, float):
                score += ok
        scored.append((score, vals))
    scored.sort(key=lambda x: -x[0])
    return scored[:keep]


MAX_NODES = 200_000


def _split_with_total(slots: list[str | None], n: int) -> list[list[str | None]]:
    """Rows whose last cell is the sum of the others (T3-3): try each suffix of the last
    run as the total, then split the rest under the running-sum bound — far fewer branches
    than splitting blindly."""
    last = slots[-1]
    if last is None or not re.fullmatch(r"\d+", last):
        return _split_readings(slots, n, _t33_partial)
    out: list[list[str | None]] = []
    for t in range(1, len(last) + 1):
        tot = last[-t:]
        if len(tot) > 1 and tot[0] == "0":
            continue
        total = int(tot)
        head = slots[:-1] + ([last[:-t]] if t < len(last) else [])
        if not head:
            continue

        def bound(vals, total=total):
            acc = sum((v or 0) for v in vals)
            if acc > total:
                return False
            return acc == total if len(vals) == n - 1 else None

        out.extend(r + [tot] for r in _split_readings(head, n - 1, bound))
    return out


def _split_readings(slots: list[str | None], n: int, partial=None) -> list[list[str | None]]:
    """Every way to cut the glued digit runs into n cells (no leading zeros), depth-first,
    pruned by cell counts and by `partial`."""
    parsed = []
    for t in slots:
        if t is None or not re.match(r"^[+-]?\d", t):
            parsed.append(None if t is None else ("", "", t))  # 无/—: one cell, not split
            continue
        sign = t[0] if t[0] in "+-" else ""
        body = t[len(sign) :].replace(",", "")
        digits, _, frac = body.partition(".")
        parsed.append((sign, digits, "." + frac if frac else ""))
    cap_after = [0] * (len(slots) + 1)
    for i in range(len(slots) - 1, -1, -1):
        p = parsed[i]
        cap_after[i] = cap_after[i + 1] + (len(p[1]) if p and p[1] else 1)
    out: list[list[str | None]] = []
    cur: list[str | None] = []
    vals: list[Value] = []
    nodes = 0

    def push(tok, nxt_si, nxt_pos):
        v = None if tok is None else _parse_token(tok)
        cur.append(tok)
        vals.append(v)
        if partial is None or partial(vals) is not False:
            rec(nxt_si, nxt_pos)
        cur.pop()
        vals.pop()

    def rec(si: int, pos: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES:
            return
        if si == len(slots):
            if len(cur) == n:
                out.append(list(cur))
            return
        p = parsed[si]
        if p is None or not p[1]:
            if len(cur) + 1 + (len(slots) - si - 1) <= n:
                push(None if p is None else p[2], si + 1, 0)
            return
        sign, digits, frac = p
        for end in range(pos + 1, len(digits) + 1):
            piece = digits[pos:end]
            if len(piece) > 1 and piece[0] == "0":
                break
            last = end == len(digits)
            k = len(cur) + 1
            after_min = (0 if last else 1) + (len(slots) - si - 1)
            after_max = (len(digits) - end) + cap_after[si + 1]
            if k + after_min > n or k + after_max < n:
                continue
            tok = (sign if pos == 0 else "") + piece + (frac if last else "")
            push(tok, si + 1 if last else si, 0 if last else end)

    rec(0, 0)
    return out


# --- row checks ------------------------------------------------------------------------------
def _t33(vals: tuple[Value, ...]):
    if vals[-1] is None or all(v is None for v in vals[:-1]):
        return None  # a blank 总计 is "not given" (§4.5): no evidence either way
    return sum((v or 0) for v in vals[:-1]) == vals[-1]  # a blank data cell counts as 0


def _t33_partial(vals) -> bool | None:
    if len(vals) < 7:
        return None
    return _t33(tuple(vals)) is not False


def _t4_partial(vals) -> bool | None:
    k = len(vals)
    if k % 5 or k == 0:
        return None
    part = vals[k - 5 : k]
    if part[4] is None:
        return None
    return sum((v or 0) for v in part[:4]) == part[4]


def _t4(vals: tuple[Value, ...]):
    res = []
    for g in range(3):
        part = vals[5 * g : 5 * g + 5]
        if part[4] is None:
            continue
        res.append(sum((v or 0) for v in part[:4]) == part[4])
    if not res:
        return None
    return all(res)


# --- finding the tables -----------------------------------------------------------------------
@cache
def _rx(p: str) -> re.Pattern:
    return re.compile(p)


_ORD_TAIL = re.compile(r"(\d{1,2})\s*[.、]\s*$")


def _strip_ordinal(run: str, next_ordinal: int | None) -> str:
    if next_ordinal is None:
        return run
    r = run.rstrip()
    for sep in (".", "、"):
        tail = f"{next_ordinal}{sep}"
        if r.endswith(tail):
            return r[: -len(tail)]
    return run


def _ordinal(label: str) -> int | None:
    m = re.match(r"(\d+)\.", label)
    return int(m.group(1)) if m else None


def read_rows(
    text: str,
    start: int,
    end: int,
    specs: list[tuple[str, str, int | None]],
    max_gap: int = 1500,
) -> list[tuple[str, int, str]]:
    """Locate row labels in order; return (row key, label position, value run)."""
    found: list[tuple[str, int, int]] = []  # key, match start, match end
    pos = start
    for key, pattern, _ in specs:
        m = _rx(pattern).search(text, pos, min(end, pos + max_gap))
        if m:
            found.append((key, m.start(), m.end()))
            pos = m.end()
    out = []
    ordinals = {k: o for k, _, o in specs}
    for i, (key, _s, e) in enumerate(found):
        nxt = found[i + 1][1] if i + 1 < len(found) else end
        run, _at = value_run(text, e, nxt)
        if i + 1 < len(found):
            run = _strip_ordinal(run, ordinals.get(found[i + 1][0]))
        out.append((key, _s, run))
    return out


_H3 = re.compile(r"[三3]\s*[、.]\s*" + flex("收到和处理政府信息公开申请"))
_H2 = re.compile(r"[二2]\s*[、.]\s*" + flex("主动公开政府信息"))
_H4 = re.compile(r"[四4]\s*[、.]\s*(?:政府信息公开)?[^\n。]{0,12}" + flex("行政复议"))
_H5 = re.compile(r"[五5]\s*[、.]\s*[^\n。]{0,12}" + flex("存在的主要问题"))
_ART20 = re.compile(flex("第二十条"))


def _find_apps_start(text: str, fmt: Format) -> int:
    """Start of table 三: the first 本年新收 label followed soon by 上年结转."""
    rx_new = _rx(APP_ROW_PATTERNS["new"])
    rx_over = _rx(APP_ROW_PATTERNS["carried_over"])
    h = _H3.search(text)
    pos = h.start() if h else 0
    for m in rx_new.finditer(text, pos):
        if rx_over.search(text, m.end(), m.end() + 400):
            return m.start()
    if h:  # heading without a recognisable table
        return -1
    return -1


def app_specs(fmt: Format) -> list[tuple[str, str, int | None]]:
    specs = []
    for r in fmt.tables["applications"].rows:
        if r.key == "other.other":
            pat = APP_OTHER_2019 if fmt.key == "2019" else APP_OTHER_2021
        else:
            pat = APP_ROW_PATTERNS[r.key]
        specs.append((r.key, pat, _ordinal(r.label)))
    return specs


def read_applications(text: str, fmt: Format, prose_numbers=frozenset()) -> TableRead:
    start = _find_apps_start(text, fmt)
    if start < 0:
        return TableRead("applications", [], False)
    h4 = _H4.search(text, start)
    end = h4.start() if h4 else min(len(text), start + 20000)
    rows = []
    last = start
    for key, at, run in read_rows(text, start, end, app_specs(fmt)):
        kinds = ["count"] * 7
        # keep many readings: the column identities (T3-1/T3-2) choose among them below
        rr = RowRead(
            key,
            at,
            run,
            candidates(run, kinds, _t33, prose_numbers, keep=APP_KEEP, partial=_t33_partial),
        )
        rows.append(rr)
        last = at
    tr = TableRead("applications", rows, True, start, max(last, start))
    if not _solve_joint(tr, fmt):
        _solve_columns(tr, fmt)
    return tr


APP_KEEP = 64  # readings kept per table 三 row for the joint solve
JOINT_NODES = 60_000  # search budget of the joint solve (nodes)
JOINT_LEAVES = 64  # consistent tables kept
JOINT_MARGIN = 5.0  # consistent alternatives within this score of the best are reported


def _result_rows(fmt: Format) -> list[str]:
    return [
        r.key
        for r in fmt.tables["applications"].rows
        if r.key not in ("new", "carried_over", "outcomes_total", "carried_forward")
    ]


def _solve_joint(tr: TableRead, fmt: Format) -> bool:
    """Choose every table 三 row's reading at once so that all column identities hold:
    T3-1 (一 + 二 = 三(七) + 四, per column) and T3-2 (三(七) = sum of the outcome rows, per
    column). A blank data cell counts as 0; a 总计 column identity is skipped where a 总计
    it uses is blank (§4.5). Depth-first over the rows (三(七) first, then the outcome rows
    with the fewest readings, pruned by the column sums from above and below, then 一, 二, 四).

    Returns False (the caller falls back to the greedy solve) when no consistent table is
    found within the budget, e.g. because the report's own figures do not add up. When
    several consistent tables exist, the prior decides and the rows that differ get their
    alternatives (reported as TABLE-AMBIGUOUS)."""
    by_key = {r.key: r for r in tr.rows if r.candidates}
    if "outcomes_total" not in by_key:
        return False
    if all(len(r.candidates) == 1 for r in by_key.values()):
        return False  # nothing to choose
    results_all = _result_rows(fmt)
    res_rows = sorted(
        (by_key[k] for k in results_all if k in by_key), key=lambda r: len(r.candidates)
    )
    flow_keys = ("new", "carried_over", "carried_forward")
    flow_ok = all(k in by_key for k in flow_keys)  # T3-1 needs all four rows
    # order: 三(七) first (the column targets), the outcome rows (pruned by the column sums),
    # then 一, 二 and 四 (T3-1 checked when the last of them is chosen)
    order = [by_key["outcomes_total"], *res_rows]
    n_res = len(res_rows)
    order += [by_key[k] for k in flow_keys if k in by_key]
    # T3-2 on the 总计 column needs every outcome row present with its 总计 given
    all_results_present = n_res == len(results_all)

    def num(v: Value) -> int | Decimal:
        return v or 0

    # rem_max[j][c]: the most outcome rows j.. can still add to data column c
    rem_max = [[0] * 6 for _ in range(n_res + 1)]
    for j in range(n_res - 1, -1, -1):
        for c in range(6):
            rem_max[j][c] = rem_max[j + 1][c] + max(num(v[c]) for _, v in res_rows[j].candidates)

    choice = [0] * len(order)
    leaves: list[tuple[float, tuple[int, ...]]] = []
    nodes = 0
    exhausted = False

    def vals_of(i: int) -> tuple[Value, ...]:
        return order[i].candidates[choice[i]][1]

    def columns_ok() -> bool:
        """T3-2 on the 总计 column (data columns were pruned exactly) and T3-1."""
        target = vals_of(0)
        if target[6] is not None and all_results_present:
            tots = [vals_of(1 + j)[6] for j in range(n_res)]
            if None not in tots and sum(tots) != target[6]:
                return False
        if flow_ok:
            a, b, f = (vals_of(1 + n_res + k) for k in range(3))
            for c in range(7):
                if c == 6 and None in (a[c], b[c], target[c], f[c]):
                    continue  # a blank 总计 is "not given"
                if num(a[c]) + num(b[c]) != num(target[c]) + num(f[c]):
                    return False
        return True

    def rec(i: int, sums: list) -> None:
        nonlocal nodes, exhausted
        nodes += 1
        if nodes > JOINT_NODES:
            exhausted = True
            return
        if i == 1 + n_res and any(sums[c] != num(vals_of(0)[c]) for c in range(6)):
            return
        if i == len(order):
            if columns_ok():
                score = sum(r.candidates[choice[j]][0] for j, r in enumerate(order))
                leaves.append((score, tuple(choice)))
                if len(leaves) > 4 * JOINT_LEAVES:
                    leaves.sort(key=lambda x: -x[0])
                    del leaves[JOINT_LEAVES:]
            return
        r = order[i]
        for ci, (_, vals) in enumerate(r.candidates):
            choice[i] = ci
            if 1 <= i <= n_res:
                j = i - 1
                target = vals_of(0)
                new = [sums[c] + num(vals[c]) for c in range(6)]
                if any(
                    new[c] > num(target[c]) or new[c] + rem_max[j + 1][c] < num(target[c])
                    for c in range(6)
                ):
                    continue
                rec(i + 1, new)
            else:
                rec(i + 1, sums)
            if exhausted:
                return
        choice[i] = 0

    rec(0, [0] * 6)
    if exhausted or not leaves:
        return False
    leaves.sort(key=lambda x: -x[0])
    best_score, best = leaves[0]
    for j, r in enumerate(order):
        r.chosen = best[j]
        r.settled = True
        seen = [r.candidates[best[j]][1]]
        for score, ch in leaves[1:]:
            if best_score - score >= JOINT_MARGIN:
                break
            v = r.candidates[ch[j]][1]
            if v not in seen:
                seen.append(v)
        r.alternatives = seen[1:]
    return True


def _solve_columns(tr: TableRead, fmt: Format) -> None:
    """Pick per-row readings so that the column identities T3-1/T3-2 hold where possible."""
    by_key = {r.key: r for r in tr.rows}
    results = [
        r.key
        for r in fmt.tables["applications"].rows
        if r.key not in ("new", "carried_over", "outcomes_total", "carried_forward")
    ]

    def col_score() -> int:
        def v(row: str, c: int) -> int:
            r = by_key.get(row)
            vals = r.values if r else None
            return int(vals[c] or 0) if vals else 0

        ok = 0
        for c in range(7):
            if v("new", c) + v("carried_over", c) == v("outcomes_total", c) + v(
                "carried_forward", c
            ):
                ok += 1
            if v("outcomes_total", c) == sum(v(r, c) for r in results):
                ok += 1
        return ok

    ambiguous = [r for r in tr.rows if len(r.candidates) > 1]
    if not ambiguous:
        return

    def total() -> float:
        return sum(r.candidates[r.chosen][0] for r in tr.rows if r.candidates) + 12 * col_score()

    best = total()
    for _ in range(3):
        improved = False
        for r in ambiguous:
            keep = r.chosen
            for i in range(len(r.candidates)):
                if i == keep:
                    continue
                r.chosen = i
                s = total()
                if s > best + 1e-9:
                    best, keep, improved = s, i, True
            r.chosen = keep
        if not improved:
            break


def read_appeals(text: str, after: int = 0, prose_numbers=frozenset()) -> TableRead:
    h = _H4.search(text, after)
    pos = h.start() if h else -1
    if pos < 0:
        m = re.search(flex("行政复议") + r"[\s|]*" + flex("行政诉讼"), text[after:])
        if not m:
            return TableRead("appeals", [], False)
        pos = after + m.start()
    h5 = _H5.search(text, pos)
    end = h5.start() if h5 else min(len(text), pos + 3000)
    head = re.compile(
        "|".join(alt(w) for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    )
    last_end = -1
    count = 0
    for m in head.finditer(text, pos, end):
        gap = text[last_end : m.start()] if last_end >= 0 else ""
        if last_end >= 0 and re.search(r"\d", gap):
            break
        last_end = m.end()
        count += 1
    if count < 5:
        # header words broken across lines (PDF): take the first run of 15 numbers
        for m in re.finditer(r"(?:\d+[ \t|]+){14}\d+", text[pos:end]):
            last_end = pos + m.start()
            break
        else:
            return TableRead("appeals", [], False, pos)
    run, at = value_run(text, last_end, end)
    nl = run.find("\n")
    if nl >= 0 and not re.search(r"\d", run[:nl]):
        run, at = run[nl + 1 :], at + nl + 1  # blank cells closing the header row
    kinds = ["count"] * 15
    row = RowRead(
        "appeals", at, run, candidates(run, kinds, _t4, prose_numbers, partial=_t4_partial)
    )
    return TableRead("appeals", [row], True, pos, at + len(run))


def _stock_check(v):
    """Soft: the stock (对外公开总数量 / 现行有效件数) is rarely below this year's figure."""
    if v[2] is None:
        return None
    return 0.0 if all(x is None or x <= v[2] for x in v[:2]) else -4.0


def _pro_kinds(fmt: Format, row: str) -> list[str]:
    return [c.kind for c in fmt.tables["proactive"].row_cells(row)]


def _procurement_check(vals):
    """采购项目数量 and 采购总金额 are zero together or not at all (`6251000元` is
    6 | 251000, not 625100 | 0)."""
    p, a = vals
    if p is None or a is None:
        return None
    return 0.0 if (p == 0) == (a == 0) else -10.0


def read_proactive(text: str, fmt: Format, before: int, prose_numbers=frozenset()) -> TableRead:
    h = _H2.search(text)
    base = h.start() if h else 0
    lim = before if before > base else len(text)
    m = _ART20.search(text, base, lim)
    if not m:
        m = re.search(flex("信息内容"), text[base:lim])
        start = base + m.start() if m else -1
    else:
        start = m.start()
    if start < 0:
        return TableRead("proactive", [], False)
    specs = [(r.key, PRO_ROW_PATTERNS[r.key], None) for r in fmt.tables["proactive"].rows]
    rows = []
    for key, at, run in read_rows(text, start, lim, specs, max_gap=800):
        kinds = _pro_kinds(fmt, key)
        check = None
        if key in ("regulations", "normative_documents"):
            check = _stock_check
        elif key == "procurement":
            check = _procurement_check
        rows.append(RowRead(key, at, run, candidates(run, kinds, check, prose_numbers)))
    return TableRead("proactive", rows, bool(rows), start, rows[-1].label_at if rows else start)


def table_cells(fmt: Format, reads: list[TableRead]) -> dict[str, Value]:
    cells: dict[str, Value] = {}
    for tr in reads:
        if not tr.found:
            continue
        table = fmt.tables[tr.table]
        for r in tr.rows:
            vals = r.values
            if vals is None:
                continue
            if tr.table == "appeals":
                keys = [f"appeals.{g}.{x}" for g, _ in APPEAL_GROUPS for x, _ in APPEAL_RESULTS]
            elif tr.table == "applications":
                keys = [f"applications.{r.key}.{c}" for c in (*APPLICANT_TYPES, "total")]
            else:
                keys = [c.key for c in table.row_cells(r.key)]
            for k, v in zip(keys, vals, strict=True):
                cells[k] = v
    return cells


def ambiguity_findings(reads: list[TableRead], margin: float = 1.0) -> list[Finding]:
    """Close calls between readings no identity could settle (info, with the options)."""
    out = []

    def show(vals):
        return "|".join("" if v is None else str(v) for v in vals)

    for tr in reads:
        for r in tr.rows:
            if len(r.candidates) < 2:
                continue
            best = r.candidates[r.chosen]
            if r.settled:
                # the column identities chose; only readings that satisfy them all remain
                close = r.alternatives
                why = "各列勾稽关系均成立的读法不止一种"
            else:
                others = [c for i, c in enumerate(r.candidates) if i != r.chosen]
                close = [c[1] for c in others if best[0] - c[0] < margin]
                why = "表格数字粘连，拆分不唯一"
            if close:
                alts = "、".join(show(v) for v in close[:3])
                more = f"等 {len(close)} 种" if len(close) > 3 else ""
                out.append(
                    Finding(
                        "TABLE-AMBIGUOUS",
                        "info",
                        f"{why}：“{r.run.strip()[:40]}”按 {show(best[1])} 读取，"
                        f"也可读作 {alts}{more}，请核对原表",
                        f"{tr.table}.{r.key}",
                        r.run.strip()[:60],
                        {"readings": [list(best[1]), *(list(v) for v in close)]},
                    )
                )
    return out


def read_tables(text: str, fmt_key: str, prose_numbers=frozenset()) -> list[TableRead]:
    fmt = get_format(fmt_key)
    apps = read_applications(text, fmt, prose_numbers)
    pro = read_proactive(text, fmt, apps.start if apps.found else -1, prose_numbers)
    appeals = read_appeals(
        text, apps.end if apps.found else (pro.end if pro.found else 0), prose_numbers
    )
    return [pro, apps, appeals]
