"""信息处理费 (processing fee) computation. Pure Python, no Django.

Source: 《政府信息公开信息处理费管理办法》 (国办函〔2020〕109号), RULES.md F2–F7.

* Two methods, both progressive (超额累进, Art. 3); for one application the organ picks **one**
  (F2). The API enforces it: ``compute_fee(method, ...)`` / ``per_item_fee`` / ``per_page_fee``
  each return one ``FeeResult`` carrying its ``method``; there is no way to add the two up.
* 按件计收 ``per_item_fee(count_in_month_before, count_this_application)`` (Art. 4, F4): the count is
  cumulative for the same applicant within one calendar month (the 1st resets it). Items 1–10 free;
  11–30: 100元/件; from 31 in bands of 10 件 the rate rises by 100元/件 per band (31–40: 200,
  41–50: 300, …; the band reading commonly applied, RULES.md "Worked reading of F4").
  ``count_in_month_before`` is the number of items of the same applicant already counted this
  calendar month (the application layer counts them; ``month_key`` gives the month).
* 按量计收 ``per_page_fee(pages)`` (Art. 5, F6): per application; pages 1–30 free; 31–100:
  10元/页; 101–200: 20元/页; from 201: 40元/页.

``FeeResult.lines`` explain the computation in Chinese for the fee notice (F7 requires the basis,
standard and amount), e.g. "第11–30件：20件 × 100元 = 2,000元". Amounts are ``Decimal`` yuan.

Worked examples (RULES.md F): 35 件 in one month → 3,000元; 150 页 → 1,700元.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

PER_ITEM = "per_item"  # 按件计收
PER_PAGE = "per_page"  # 按量计收
METHODS = (PER_ITEM, PER_PAGE)
METHOD_LABELS = {PER_ITEM: "按件计收", PER_PAGE: "按量计收"}

BASIS = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
ARTICLE = {PER_ITEM: "第四条", PER_PAGE: "第五条"}

# 按件: (first item, last item or None, rate) — bands from 31 are generated (F4).
ITEM_FREE = 10
ITEM_FIRST_BAND = (11, 30, Decimal(100))
ITEM_BAND_SIZE = 10
ITEM_BAND_STEP = Decimal(100)

# 按量: (first page, last page or None, rate) (F6).
PAGE_TIERS = (
    (1, 30, Decimal(0)),
    (31, 100, Decimal(10)),
    (101, 200, Decimal(20)),
    (201, None, Decimal(40)),
)


class FeeError(ValueError):
    """Bad fee input; ``str(e)`` is a Chinese message."""


@dataclass(frozen=True)
class FeeLine:
    first: int  # first unit of the tier (cumulative numbering)
    last: int  # last unit charged in this line
    units: int
    rate: Decimal  # 元 per unit
    amount: Decimal
    text: str

    def to_dict(self) -> dict:
        return {
            "first": self.first,
            "last": self.last,
            "units": self.units,
            "rate": str(self.rate),
            "amount": str(self.amount),
            "text": self.text,
        }


@dataclass(frozen=True)
class FeeResult:
    method: str  # PER_ITEM | PER_PAGE
    units: int  # items of this application / pages
    units_before: int  # per_item: items already counted this month; per_page: 0
    amount: Decimal  # total 元 for this application
    lines: tuple[FeeLine, ...]

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]

    @property
    def legal_basis(self) -> str:
        return BASIS + ARTICLE[self.method]

    @property
    def text(self) -> str:
        """The explanation for the fee notice, one line per tier, then the total."""
        head = f"{self.method_label}（依据{self.legal_basis}）"
        body = [ln.text for ln in self.lines]
        return "\n".join([head, *body, f"合计：{format_yuan(self.amount)}"])

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "method_label": self.method_label,
            "units": self.units,
            "units_before": self.units_before,
            "amount": str(self.amount),
            "legal_basis": self.legal_basis,
            "lines": [ln.to_dict() for ln in self.lines],
            "text": self.text,
        }


def format_amount(amount: Decimal) -> str:
    """2000 → "2,000"; keeps fen if any (never the case with the official tariffs)."""
    q = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount
    return f"{q:,}"


def format_yuan(amount: Decimal) -> str:
    """2000 → "2,000元"."""
    return f"{format_amount(amount)}元"


def line_text(first, last, units, rate, amount, unit: str, _=lambda s: s) -> str:
    """One tier in words, e.g. "第11–30件：20件 × 100元 = 2,000元". ``_`` translates: the
    identity here gives the Chinese stored with the notice; pages in another language pass
    Django's gettext (the msgids are this Chinese, see the ``fee_line`` template filter)."""
    pages = unit == "页"

    def yuan(x):
        return _("%(amount)s元") % {"amount": format_amount(x)}

    if first == last:
        span = (_("第%(n)s页") if pages else _("第%(n)s件")) % {"n": first}
    else:
        span = (_("第%(a)s–%(b)s页") if pages else _("第%(a)s–%(b)s件")) % {"a": first, "b": last}
    if not rate:
        fmt = _("%(span)s：%(n)s页，免费") if pages else _("%(span)s：%(n)s件，免费")
        return fmt % {"span": span, "n": units}
    fmt = (
        _("%(span)s：%(n)s页 × %(rate)s = %(amount)s")
        if pages
        else _("%(span)s：%(n)s件 × %(rate)s = %(amount)s")
    )
    return fmt % {"span": span, "n": units, "rate": yuan(rate), "amount": yuan(amount)}


def _check_count(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise FeeError(f"{what}必须是整数")
    if value < 0:
        raise FeeError(f"{what}不能为负数")
    return value


def item_rate(n: int) -> Decimal:
    """Rate of the n-th item of the month (1-based)."""
    if n <= ITEM_FREE:
        return Decimal(0)
    first, last, rate = ITEM_FIRST_BAND
    if n <= last:
        return rate
    return rate + ITEM_BAND_STEP * (1 + (n - last - 1) // ITEM_BAND_SIZE)


def _item_tiers(upto: int):
    """(first, last, rate) tiers covering items 1..upto."""
    yield 1, ITEM_FREE, Decimal(0)
    first, last, rate = ITEM_FIRST_BAND
    yield first, last, rate
    lo = last + 1
    while lo <= upto:
        hi = lo + ITEM_BAND_SIZE - 1
        yield lo, hi, item_rate(lo)
        lo = hi + 1


def _lines(tiers, lo: int, hi: int, unit: str) -> tuple[list[FeeLine], Decimal]:
    """Charge units lo..hi (cumulative numbering) over the tiers."""
    lines, total = [], Decimal(0)
    for first, last, rate in tiers:
        a = max(first, lo)
        b = hi if last is None else min(last, hi)
        if a > b:
            continue
        n = b - a + 1
        amount = rate * n
        total += amount
        lines.append(FeeLine(a, b, n, rate, amount, line_text(a, b, n, rate, amount, unit)))
    return lines, total


def per_item_fee(count_in_month_before: int, count_this_application: int) -> FeeResult:
    """按件计收 for one application (Art. 4).

    ``count_in_month_before``: items of the same applicant already counted in this calendar
    month; ``count_this_application``: items of this application (after splitting it under
    一事一申请, F3).
    """
    before = _check_count(count_in_month_before, "本月此前已申请件数")
    n = _check_count(count_this_application, "本次申请件数")
    if n == 0:
        raise FeeError("本次申请件数至少为1件")
    lo, hi = before + 1, before + n
    lines, total = _lines(_item_tiers(hi), lo, hi, "件")
    return FeeResult(PER_ITEM, n, before, total, tuple(lines))


def per_page_fee(pages: int) -> FeeResult:
    """按量计收 for one application (Art. 5); pages are counted per application."""
    n = _check_count(pages, "页数")
    if n == 0:
        return FeeResult(PER_PAGE, 0, 0, Decimal(0), ())
    lines, total = _lines(PAGE_TIERS, 1, n, "页")
    return FeeResult(PER_PAGE, n, 0, total, tuple(lines))


def compute_fee(method: str, *, pages: int = 0, count_in_month_before: int = 0, items: int = 0):
    """One entry point for a form: the method picks exactly one tariff (F2)."""
    if method == PER_ITEM:
        if pages:
            raise FeeError("按件计收不能同时按页数计费（一份申请只能选择一种计收方式）")
        return per_item_fee(count_in_month_before, items)
    if method == PER_PAGE:
        if items or count_in_month_before:
            raise FeeError("按量计收不能同时按件数计费（一份申请只能选择一种计收方式）")
        return per_page_fee(pages)
    raise FeeError(f"未知的计收方式“{method}”，应为 per_item（按件）或 per_page（按量）")


def month_key(d: date) -> tuple[int, int]:
    """The calendar month an application counts in for 按件 cumulation (F4)."""
    return d.year, d.month
