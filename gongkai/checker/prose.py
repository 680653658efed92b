"""Figures stated in the narrative: totals (GLOSSARY "figures stated in prose"), the
"共X…其中a、b、c" breakdowns, percentages, and group figures such as 不予公开3件."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .normalize import parse_number

NUM = r"(\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)\s*(万|亿)?"
UNIT = r"(条|件|项|个|人次|次|期|篇|份|宗|起|万元|元|家|场|小时|人|%)"
_SENT_END = "。\n"


def num(s: str, mult: str | None = None) -> int | Decimal | None:
    v = parse_number(s)
    if v is None:
        return None
    if mult == "万":
        v = v * 10000
    elif mult == "亿":
        v = v * 100000000
    if isinstance(v, Decimal) and v == v.to_integral_value():
        v = int(v)
    return v


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    a = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [i for i in (text.find("。", pos), text.find("\n", pos)) if i >= 0]
    b = min(ends) if ends else len(text)
    return a, b


@dataclass
class Stated:
    key: str
    value: int | Decimal
    at: int
    evidence: str


@dataclass
class Breakdown:
    total: int | Decimal
    unit: str
    parts: list[tuple[str, int | Decimal]]
    at: int
    text: str
    overlap_allowed: bool = False
    complete_claimed: bool = False  # the list ends with 其他/其余: it claims to be complete
    extra: list[tuple[str, int | Decimal]] = field(default_factory=list)

    @property
    def sum(self):
        return sum(v for _, v in self.parts)

    def to_dict(self) -> dict:
        def j(v):
            return float(v) if isinstance(v, Decimal) else v

        return {
            "total": j(self.total),
            "unit": self.unit,
            "parts": {k: j(v) for k, v in self.parts},
            "sum": j(self.sum),
            "text": self.text[:160],
        }


def _first(rx: re.Pattern, text: str, group: int = 1) -> tuple[int | Decimal, int, str] | None:
    for m in rx.finditer(text):
        # alternatives of NUM phrases: the first NUM group that took part in the match
        g = next((i for i in range(group, rx.groups + 1, 2) if m.group(i) is not None), group)
        v = num(m.group(g), m.group(g + 1) if rx.groups > g else None)
        if v is not None:
            a, b = sentence_at(text, m.start())
            return v, m.start(), text[max(a, m.start() - 30) : min(b, m.end() + 10)]
    return None


_PRO_DEDUP = re.compile(r"扣除重复[^。]{0,30}?(?:公开|发布)[^。\d]{0,15}?" + NUM + r"\s*条")
_PRO_TOTAL = re.compile(
    r"(?:主动公开|公开|公布|发布)(?:了)?[^。；;，,\d()]{0,12}?信息(?:共计?|总计|合计|总数)?(?:为|达)?\s*"
    + NUM
    + r"\s*(?:余)?条"
)
_APP_NEW = re.compile(
    r"(?:收到|受理|办理|接收|接到|登记|新收)[^。；;，,\d]{0,14}?申请[^。；;，,\d]{0,10}?(?:共计?|合计)?\s*"
    + NUM
    + r"\s*(?:余)?(?:件|个|项|宗|条|人次|起)"
)
_APP_NEW2 = re.compile(r"依申请公开[^。；;，,\d]{0,10}?" + NUM + r"\s*(?:件|项|宗)")
_APP_ZERO = re.compile(
    r"(?:未|没有)(?:收到|受理|接到)[^。；;\d因]{0,12}?申请(?!人)(?![^。；;]{0,8}(?:复议|诉讼|引起|引发))"
)
_RECON = re.compile(
    r"行政复议(?:案件|申请)?[^。；;，,\d]{0,8}?" + NUM + r"\s*(?:件|起|宗|个|次)"
    r"|(?:收到|受理|接到)\s*" + NUM + r"\s*(?:件|起|宗|个|次|份)[^。；;，,\d]{0,16}?行政复议"
)
_RECON_ZERO = re.compile(
    r"(?:未|没有|无)[^。；;，,\d]{0,30}?行政复议(?![^。；;，,]{0,6}(?:纠错|纠正|撤销|败诉|确认违法))"
    r"|行政复议[^。；;\d]{0,6}?(?:为零|为0|均为零)"
)
_LITIG = re.compile(
    r"(?:行政)?诉讼(?:案件)?[^。；;，,\d]{0,8}?" + NUM + r"\s*(?:件|起|宗|个|次)"
    r"|(?:收到|受理|接到)\s*" + NUM + r"\s*(?:件|起|宗|个|次|份)[^。；;，,\d]{0,16}?行政诉讼"
)
_LITIG_ZERO = re.compile(
    r"(?:未|没有|无)[^。；;，,\d]{0,35}?诉讼(?![^。；;，,]{0,6}(?:纠错|纠正|撤销|败诉|确认违法))"
    r"|诉讼[^。；;\d]{0,6}?(?:为零|为0)"
)
_FEE_ZERO = re.compile(
    r"(?:未|没有|无|不)[^。；;\d]{0,40}?(?:收取|收费)|免于收费|免收|未发生[^。]{0,40}?收费|收费[^。；;\d]{0,6}?(?:为零|为0|0元)"
)
_FEE_AMOUNT = re.compile(r"(?:收取|收费)[^。；;\d]{0,25}?" + NUM + r"\s*元")
_CONSULT = re.compile(r"咨询[^。；;，,\d]{0,12}?" + NUM + r"\s*(?:余)?\s*(?:人次|次|件|个|条|批次)")
_CONSULT_BEFORE = re.compile(
    r"(?:有|共|约|达|计)\s*" + NUM + r"\s*(?:余|多)?\s*人次[^。；;，,\d]{0,30}?咨询"
)


def _total_score(text: str, m: re.Match) -> int:
    """How much a "公开…信息N条" statement looks like the year's total rather than a part."""
    a, _ = sentence_at(text, m.start())
    ctx = text[max(a, m.start() - 16) : m.start()]
    inner = m.group(0)
    canonical = re.match(r"主动公开(?:了)?(?:各类|全部)?(?:的)?政府信息", inner)
    score = 5 if canonical else (1 if inner.startswith("主动") else 0)
    if re.search(r"共|总计|累计|全年|合计|总数", ctx + inner):
        score += 2
    if re.search(r"全市|全区|全县|全省|全州|全旗|全镇|全乡|我市|我区|我县|本机关|本局|本单位", ctx):
        score += 1
    if re.search(r"其他|其它|类信息|类$", ctx + inner) or (not canonical and "其中" in ctx):
        score -= 4
    opened = text.rfind("(", max(0, m.start() - 300), m.start())
    if opened >= 0 and text.find(")", opened, m.start()) < 0:
        score -= 4  # inside a bracketed breakdown
    return score


def stated_figures(text: str) -> dict[str, Stated]:
    out: dict[str, Stated] = {}

    def put(key, hit):
        if hit and key not in out:
            v, at, ev = hit
            out[key] = Stated(key, v, at, ev)

    put("proactive.total_items", _first(_PRO_DEDUP, text))
    hits = [h for h in _PRO_TOTAL.finditer(text) if num(h.group(1), h.group(2)) is not None]
    if hits:
        h = max(hits, key=lambda h: (_total_score(text, h), -h.start()))
        put("proactive.total_items", (num(h.group(1), h.group(2)), h.start(), h.group(0)))
    hit = None
    for m in _APP_NEW.finditer(text):
        # about disclosure applications: said in the phrase or just before (依申请公开方面…)
        a, b = sentence_at(text, m.start())
        about = re.search(r"公开|信息", m.group(0)) or re.search(
            r"依申请", text[max(0, m.start() - 40) : m.start()]
        )
        if about and not re.search(r"窗口|审批|政务服务|办件|大厅|便民", text[a:b]):
            v = num(m.group(1), m.group(2))
            if v is not None:
                hit = (v, m.start(), text[m.start() : m.end()])
                break
    hit = hit or _first(_APP_NEW2, text)
    zero = _APP_ZERO.search(text)
    if zero and not hit:
        hit = (0, zero.start(), text[zero.start() : zero.end() + 5])
    put("applications.new.total", hit)
    for key, rx, zrx in (
        ("appeals.reconsideration.total", _RECON, _RECON_ZERO),
        ("appeals.litigation.total", _LITIG, _LITIG_ZERO),
    ):
        hit = _first(rx, text)
        z = zrx.search(text)
        if z and not hit:  # a stated count beats a "none" phrase, which may be about outcomes
            hit = (0, z.start(), text[z.start() : z.end()])
        put(key, hit)
    fee = None
    for m in _FEE_AMOUNT.finditer(text):
        a, b = sentence_at(text, m.start())
        if re.search(r"信息处理费|依申请|申请人|政府信息公开|复印|检索", text[a:b]):
            v = num(m.group(1), m.group(2))
            if v is not None:
                fee = (v, m.start(), text[m.start() : m.end()])
                break
    z = _FEE_ZERO.search(text)
    while z:
        a, b = sentence_at(text, z.start())
        if re.search(r"费", text[z.start() : b]) and re.search(
            r"信息处理费|依申请|申请|政府信息公开|公民|复印|成本|费用", text[a:b]
        ):
            break
        z = _FEE_ZERO.search(text, z.end())
    if z and (not fee or z.start() < fee[1]):
        fee = (0, z.start(), text[z.start() : min(len(text), z.end() + 20)])
    put("fees.amount_yuan", fee)
    # the first statement wins, whichever order it uses (总数 before 其中现场咨询…)
    consult = [h for h in (_first(_CONSULT, text), _first(_CONSULT_BEFORE, text)) if h]
    put("consultations.total", min(consult, key=lambda h: h[1]) if consult else None)
    # more figures the checker reads (names added to GLOSSARY's "figures stated in prose")
    dedup = _first(_PRO_DEDUP, text)
    if dedup:
        gross = [h for h in _PRO_TOTAL.finditer(text) if h.start() < dedup[1]]
        if gross:
            g = gross[-1]
            put("proactive.total_items_gross", (num(g.group(1), g.group(2)), g.start(), g.group(0)))
    for key, rx in EXTRA:
        put(key, _first(rx, text))
    if "complaints.total" not in out:
        z = _COMPLAINT_ZERO.search(text)
        if z:
            out["complaints.total"] = Stated("complaints.total", 0, z.start(), z.group(0))
    return out


EXTRA = (
    (
        "proactive.normative_documents.issued",
        re.compile(r"制发(?:的)?(?:行政)?规范性文件[^。；;，,\d]{0,4}?" + NUM + r"\s*件"),
    ),
    (
        "proactive.online_items",
        re.compile(r"(?:网上|网站|在线)公开[^。；;，,\d]{0,6}?" + NUM + r"\s*条"),
    ),
    (
        "applications.closed_on_time",
        re.compile(r"按(?:时|期)办结[^。；;，,\d]{0,4}?" + NUM + r"\s*件"),
    ),
    (
        "complaints.total",
        re.compile(
            r"(?:举报投诉|投诉举报|申诉)(?:案件)?[^。；;，,\d]{0,6}?" + NUM + r"\s*(?:件|起|宗|个)"
        ),
    ),
    (
        "meetings.total",
        re.compile(r"召开[^。；;\d]{0,30}?会议[^。；;，,\d]{0,6}?" + NUM + r"\s*(?:次|场)"),
    ),
    ("training.sessions", re.compile(r"培训班?[^。；;，,\d]{0,4}?" + NUM + r"\s*(?:次|期|场)")),
    ("training.person_times", re.compile(r"培训[^。；;\d]{0,8}?" + NUM + r"\s*人次")),
    (
        "npc_suggestions.replies_published",
        re.compile(r"人大代表建议[^。；;，,\d]{0,8}?" + NUM + r"\s*件"),
    ),
    (
        "cppcc_proposals.replies_published",
        re.compile(r"政协(?:委员)?提案[^。；;，,\d]{0,8}?" + NUM + r"\s*件"),
    ),
    ("gazette.issues", re.compile(r"公报[^；;\d]{0,12}?出版[^。；;，,\d]{0,4}?" + NUM + r"\s*期")),
)
_COMPLAINT_ZERO = re.compile(r"(?:未|没有|无)[^。；;\d]{0,35}?(?:申诉|举报投诉|投诉)")


def stated_items(text: str, limit: int = 400) -> list[dict]:
    """Every "label N unit" statement of the prose, for the record."""
    out = []
    for m in _ITEM.finditer(text):
        v = num(m.group(2), m.group(3))
        if v is None:
            continue
        label = m.group(1).strip(" 和及以共计为达了")
        out.append(
            {
                "label": label,
                "value": float(v) if isinstance(v, Decimal) else v,
                "unit": m.group(5),
                **({"approx": True} if m.group(4) else {}),
            }
        )
        if len(out) >= limit:
            break
    return out


# --- breakdowns: 共X … 其中 a、b、c ----------------------------------------------------------
_ITEM = re.compile(r"([^，,、;；。:：\d()（）\s]{0,24}?)\s*" + NUM + r"\s*(余)?\s*" + UNIT)
_DEDUP_NOTE = re.compile(r"计1条|计一条|重复|去重")
_CHANNEL = re.compile(
    r"网站|网|微博|微信|客户端|平台|渠道|公报|报刊|报纸|广播|电视|新媒体|查询|形式|方式|公开栏|显示屏|查阅"
)


def _overlap_allowed(before: str, parts) -> bool:
    """Channel counts may overlap when the total counts each item once (seed 004)."""
    if _DEDUP_NOTE.search(before[-80:]):
        return True
    labels = [p[0] for p in parts]
    return bool(labels) and sum(1 for x in labels if _CHANNEL.search(x)) * 2 > len(labels)


_RESIDUAL = re.compile(r"^(?:和|及|以及)?\s*(其他|其它|其余|其他类|其他方面)")


def _items(s: str, base: int) -> list[tuple[str, int | Decimal, int, str]]:
    out = []
    for m in _ITEM.finditer(s):
        v = num(m.group(2), m.group(3))
        if v is None:
            continue
        out.append((m.group(1).strip(" 和及以"), v, base + m.start(), m.group(5)))
    return out


_UNITLESS_LAST = re.compile(r"[，,、]\s*([^，,、;；。:：\d()（）\s]{1,24}?数)\s*" + NUM + r"\s*$")


def _same_unit(p, tunit: str) -> bool:
    return p[3] == tunit or (tunit in ("条", "件", "项") and p[3] in ("条", "件", "项"))


def _complete_parts(text, parts, total, tunit, groups, at, end):
    """Parts the first clause after 其中 leaves out, accepted only when they make the total
    exactly: a last item whose unit was dropped (…，不予公开信息数1402。), parts in the next
    ;-clauses (其中现场咨询1600人次，占32.65%；电话咨询3200人次…) or in the next sentence
    (其中，区直各单位3933条，占79%。各乡镇1037条，占21%。)."""
    acc = sum(p[1] for p in parts)
    if acc >= total:
        return parts
    t = _UNITLESS_LAST.search(groups[0])
    if t:
        v = num(t.group(2), t.group(3))
        if v is not None and acc + v == total:
            return [*parts, (t.group(1), v, at + t.start(1), tunit)]
    more: list = []
    following = list(groups[1:])
    if end < len(text) and text[end] == "。":
        _, b2 = sentence_at(text, end + 1)
        following.append(text[end + 1 : b2])
    for g in following:
        for p in _items(re.sub(r"\([^()]*\)", lambda x: " " * len(x.group(0)), g), 0):
            if not _same_unit(p, tunit):
                continue
            more.append(p)
            s = acc + sum(x[1] for x in more)
            if s == total:
                return [*parts, *more]
            if s > total:
                return parts
    return parts


def breakdowns(text: str) -> list[Breakdown]:
    found: list[Breakdown] = []
    for m in re.finditer("其中", text):
        a, b = sentence_at(text, m.start())
        before = text[a : m.start()]
        if not before.strip(" ,，:：") and a > 1:
            # 其中 opens a sentence: the total is the last figure of the previous one
            pa, _ = sentence_at(text, a - 2)
            before = text[pa : a - 1]
        # figures in brackets (…计1条) are notes, not the total
        before = re.sub(r"\([^()]*\)", lambda x: " " * len(x.group(0)), before)
        totals = [t for t in _items(before, a) if t[3] not in ("元", "万元")]
        if not totals:
            continue
        tlabel, total, _, tunit = totals[-1]
        after = re.sub(r"\([^()]*\)", lambda x: " " * len(x.group(0)), text[m.end() : b])
        groups = re.split(r"[;；]", after)
        parts = _items(groups[0], m.end())
        parts = [
            p
            for p in parts
            if p[3] == tunit or (tunit in ("条", "件", "项") and p[3] in ("条", "件", "项"))
        ]
        parts = _complete_parts(text, parts, total, tunit, groups, m.end(), b)
        if len(parts) < 2 and not (len(parts) == 1 and parts[0][1] == total):
            continue
        # a prefix that sums exactly to the total is the breakdown; what follows is news
        acc = 0
        cut = len(parts)
        for i, p in enumerate(parts):
            acc += p[1]
            if acc == total and i >= 1:
                cut = i + 1
                break
        bd = Breakdown(
            total=total,
            unit=tunit,
            parts=[(p[0], p[1]) for p in parts[:cut]],
            at=m.start(),
            text=text[max(a, m.start() - 60) : b],
            overlap_allowed=_overlap_allowed(before, parts[:cut]),
            complete_claimed=bool(parts[:cut] and _RESIDUAL.match(parts[:cut][-1][0])),
            extra=[(p[0], p[1]) for p in parts[cut:]],
        )
        found.append(bd)
        # later ;-groups of the same sentence that add up to the same total (e.g. the same
        # applications by channel, then by subject)
        for g in groups[1:]:
            gp = [p for p in _items(g, 0) if p[3] == tunit or p[3] in ("条", "件")]
            if len(gp) >= 2 and sum(p[1] for p in gp) == total:
                found.append(
                    Breakdown(
                        total, tunit, [(p[0], p[1]) for p in gp], m.start(), g, bd.overlap_allowed
                    )
                )
    return found


# --- percentages ------------------------------------------------------------------------------
_PCT = re.compile(
    NUM + r"\s*" + UNIT + r"[^。；;\d%]{0,6}?(约)?占[^。；;\d%-]{0,8}?(-?\d+(?:\.\d+)?)\s*%"
)
_RATE = re.compile(NUM + r"\s*(项|个|件)[^。；;\d%]{0,24}?率(?:达到|达|为)?\s*(\d+(?:\.\d+)?)\s*%")
_BASE_A = re.compile(
    r"(?:共|总计|合计|累计)[^。；;\d]{0,20}?" + NUM + r"\s*(?:条|件|项|个|人次|次)"
)
_BASE_B = re.compile(NUM + r"\s*(?:条|件|项|个)[^。；;，,\d]{0,10}中")
_BASE_C = re.compile(NUM + r"\s*(?:条|件|项|个|人次|次)\s*[。，,:：]?\s*其中")
_TOTAL_NEAR = re.compile(r"(?:共|总计|合计|累计)[^。；;\d]{0,20}?" + NUM + r"\s*" + UNIT)


# application figures a percentage may be taken of (RULES/GLOSSARY: 收到 = received, 答复/办结 =
# answered, i.e. the outcomes of the year)
_RECEIVED = re.compile(
    r"(?:受理|收到|接收|接到|新收|申请总量|申请总数)[^。；;\d%]{0,14}?" + NUM + r"\s*(?:件|条|个)"
)
_ANSWERED = re.compile(
    r"(?:答复|办结|办理完毕|已办理|处理完毕)[^。；;\d%]{0,14}?" + NUM + r"\s*(?:件|条|个)"
)


@dataclass
class Percent:
    count: int | Decimal
    percent: Decimal
    base: int | Decimal | None  # the nearest stated total (共/总计 …, "N条…中") before it
    at: int
    text: str
    approx: bool
    # every base the percentage might be of, best first: (label, value); the stated total,
    # the paragraph's received/answered application figures, then its other figures
    bases: list = field(default_factory=list)


def percent_tolerance(p: Percent) -> Decimal:
    """Rounding tolerance of a stated percentage (33.9 % → ±0.1, 34 % → ±0.55)."""
    exp = p.percent.as_tuple().exponent
    places = -exp if exp < 0 else 0
    tol = Decimal("0.5") / (10**places) + Decimal("0.05")
    return tol * 2 if p.approx else tol


def percent_fits(p: Percent, base) -> bool:
    """The percentage is count/base rounded, or cut off (534/1913 = 27.9 % printed 27 %)."""
    if not base:
        return False
    actual = Decimal(p.count) * 100 / Decimal(base)
    if abs(actual - p.percent) <= percent_tolerance(p):
        return True
    exp = p.percent.as_tuple().exponent
    step = Decimal(1).scaleb(exp) if exp < 0 else Decimal(1)
    return p.percent <= actual < p.percent + step


def percentages(text: str) -> list[Percent]:
    out = []
    for m in _PCT.finditer(text):
        count = num(m.group(1), m.group(2))
        pct = Decimal(m.group(5))
        if count is None:
            continue
        # base: the nearest 共/总计 figure (or "N条…中") before it in the same paragraph
        para_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 600)
        base = None
        near = sorted(
            [
                t
                for rx in (_BASE_A, _BASE_B, _BASE_C)
                for t in rx.finditer(text, para_start, m.start())
            ],
            key=lambda t: t.start(),
        )
        for t in near:
            v = num(t.group(1), t.group(2))
            if v is not None and v >= count:
                base = v
        bases: list[tuple[str, int | Decimal]] = []
        if base is not None:
            bases.append(("所述总数", base))
        for label, rx in (("收到申请数", _RECEIVED), ("答复申请数", _ANSWERED)):
            for t in rx.finditer(text, para_start, m.start()):
                v = num(t.group(1), t.group(2))
                if v is not None and v >= count:
                    bases.append((label, v))
        for t in re.finditer(
            NUM + r"(?![\d.零〇一二两三四五六七八九十百千]|\s*[年月日%])",
            text[para_start : m.start()],
        ):
            v = num(t.group(1), t.group(2))
            if v is not None and v >= count:
                bases.append(("本段所列数字", v))  # dates and percentages are no base
        out.append(
            Percent(count, pct, base, m.start(), text[m.start() : m.end()], bool(m.group(4)), bases)
        )
    return out


def rates_without_total(text: str) -> list[tuple[int, Decimal, int, str]]:
    """'开通130项…开通率达96%': count and rate given, the implied total never stated."""
    out = []
    for m in _RATE.finditer(text):
        count = num(m.group(1), m.group(2))
        pct = Decimal(m.group(4))
        if count is None or not (0 < pct < 100):
            continue
        out.append((int(count), pct, m.start(), text[m.start() : m.end()]))
    return out


# --- application outcomes in prose ---------------------------------------------------------------
GROUP_PHRASES = (
    ("applications.disclosed.total", r"(?:予以公开|同意公开|全部公开)"),
    ("applications.partially_disclosed.total", r"部分公开"),
    ("applications.withheld.total", r"(?:不予公开|不同意公开)"),
    ("applications.unavailable.total", r"无法提供"),
    ("applications.not_processed.total", r"不予处理"),
)
_OUTCOME_ANY = re.compile(
    r"(?:予以公开|同意公开|部分公开|不予公开|不同意公开|办结|答复|已主动公开|信息不存在|不属于|无法提供|不予处理)[^。；;，,\d]{0,8}?\d+\s*(?:件|项|个|条)"
)


def group_figures(text: str) -> dict[str, Stated]:
    out: dict[str, Stated] = {}
    for key, phrase in GROUP_PHRASES:
        m = re.search(
            phrase
            + r"(?!信息数)(?:的|答复|申请)?[^。；;，,\d]{0,4}?"
            + NUM
            + r"\s*(?:件|项|个|条)",
            text,
        )
        if m:
            v = num(m.group(1), m.group(2))
            if v is not None:
                out[key] = Stated(key, v, m.start(), m.group(0))
    return out


def states_outcomes(text: str) -> bool:
    return bool(_OUTCOME_ANY.search(text))


# --- the pre-2019 national statistics table (ANNUAL_REPORT_FORMAT.md §7.2) ----------------------
PRE2019_INDICATORS = (
    ("proactive.total_items", r"主动公开政府信息数", 1),
    ("applications.new.total", r"收到申请数", 1),
    ("appeals.reconsideration.total", r"行政复议数量", 1),
    ("appeals.litigation.total", r"行政诉讼数量", 1),
    ("complaints.total", r"举报投诉数量", 1),
    ("fees.amount_yuan", r"依申请公开信息收取的费用", 10000),  # printed in 万元
    ("applications.disclosed.total", r"(?<!不)同意公开答复数", 1),
    ("applications.partially_disclosed.total", r"同意部分公开答复数", 1),
    ("applications.withheld.total", r"不同意公开答复数", 1),
)
_IND_VALUE = re.compile(
    r"^[\s|:：]*(?:\[?(?:条|件|万元|元|个|人|次|人次)\]?[\s|:：]*)?([+-]?\d[\d,]*(?:\.\d+)?)(?![\d.、])"
)


def indicator_table(text: str) -> dict[str, Stated]:
    """Values of the 《政府信息公开情况统计表》 rows when the table kept its figures."""
    out: dict[str, Stated] = {}
    for key, label, mult in PRE2019_INDICATORS:
        for m in re.finditer(label, text):
            rest = text[m.end() : m.end() + 200]
            rest = re.sub(r"^\s*\([^()]*\)", "", rest)  # (不同渠道和方式公开相同信息计1条)
            v = _IND_VALUE.match(rest)
            if not v:
                continue
            val = num(v.group(1))
            if val is None:
                continue
            if mult != 1:
                val = Decimal(val) * mult
                val = int(val) if val == val.to_integral_value() else val
            out[key] = Stated(key, val, m.start(), text[m.start() : m.end() + v.end()])
            break
    return out


# --- the provincial variant (Fujian 《政府信息公开情况统计表》: 本年度 | 历年累计) ---------------------
# "行政诉讼数 件 0 0", flattened "行政诉讼数条00": the year's figure, then the running total.
# These only fill figures the prose does not state (201403: the prose says 4970 items, the
# table 72804; the prose is the report's statement).
PROVINCIAL_INDICATORS = (
    ("proactive.total_items", r"主动公开(?:政府)?(?:信息|文件)数(?!量)"),
    ("applications.new.total", r"受理依申请公开信息总数"),
    ("appeals.reconsideration.total", r"(?<![、和])行政复议数(?!量)"),
    ("appeals.litigation.total", r"(?<![、和接受])行政诉讼数(?!量)"),
    ("applications.disclosed.total", r"(?<![不部分])同意公开答复数"),
    ("applications.partially_disclosed.total", r"同意部分公开答复数"),
    ("applications.withheld.total", r"(?:否决公开|不予公开)答复数"),
)
_PROV_VALUE = re.compile(
    r"[\s|:：]*(?:条|件|个|次)?[\s|:：]*(\d+)(?:[\s|]+(\d+))?"
    r"(?=[\s|]*(?:[^\d\s|.、]|$)|\d[.、]\D)"  # then a label, or the next row's ordinal "3."
)


def provincial_table(text: str, stated: dict[str, Stated]) -> dict[str, Stated]:
    """Year figures of the provincial statistics table (本年度 | 历年累计). Two figures run
    together ("条728") are split so that the year's figure is at most the running total; a
    split that stays open is settled by the figure the prose states, else left out."""
    head = re.search(r"历年累计", text)
    if not head:
        return {}
    out: dict[str, Stated] = {}
    for key, label in PROVINCIAL_INDICATORS:
        for m in re.finditer(label, text[head.end() :]):
            m = re.compile(label).match(text, head.end() + m.start())  # positions in text
            v = _PROV_VALUE.match(text, m.end())
            if not v:
                continue
            if v.group(2) is not None:
                year, cum = int(v.group(1)), int(v.group(2))
                val = year if year <= cum else None
            elif re.match(r"\d+\s", text[v.start(1) :]):
                val = int(v.group(1))  # one column given
            else:
                digits = v.group(1)
                splits = [
                    (int(digits[:i]), int(digits[i:]))
                    for i in range(1, len(digits))
                    if (i == 1 or digits[0] != "0") and (i == len(digits) - 1 or digits[i] != "0")
                ]
                ok = [a for a, b in splits if a <= b]
                said = stated.get(key)
                if said is not None and said.value in ok:
                    val = said.value
                elif len(set(ok)) == 1:
                    val = ok[0]
                else:
                    val = None
            if val is not None:
                out[key] = Stated(key, val, m.start(), text[m.start() : v.end()])
            break
    return out
