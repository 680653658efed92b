"""Tests for gongkai.rules.fees (国办函〔2020〕109号 Arts. 4–5)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.rules.fees import (
    PER_ITEM,
    PER_PAGE,
    FeeError,
    compute_fee,
    format_yuan,
    month_key,
    per_item_fee,
    per_page_fee,
)


def oracle_item_rate(p):
    # F4 read literally: ≤10 free, 11–30 at 100, then each band of 10 adds 100.
    if p <= 10:
        return 0
    if p <= 30:
        return 100
    return 200 + 100 * ((p - 31) // 10)


def oracle_page_rate(p):
    return 0 if p <= 30 else 10 if p <= 100 else 20 if p <= 200 else 40


def test_worked_example_35_items():
    r = per_item_fee(0, 35)
    assert r.amount == Decimal(3000)
    assert r.method == PER_ITEM
    assert [ln.text for ln in r.lines] == [
        "第1–10件：10件，免费",
        "第11–30件：20件 × 100元 = 2,000元",
        "第31–35件：5件 × 200元 = 1,000元",
    ]
    assert r.text.endswith("合计：3,000元")
    assert "第四条" in r.text


def test_worked_example_150_pages():
    r = per_page_fee(150)
    assert r.amount == Decimal(1700)
    assert r.method == PER_PAGE
    assert [ln.text for ln in r.lines][1:] == [
        "第31–100页：70页 × 10元 = 700元",
        "第101–150页：50页 × 20元 = 1,000元",
    ]
    assert "第五条" in r.legal_basis


def test_items_cumulative_within_month():
    # 8 items earlier this month, 5 now: items 9–10 free, 11–13 at 100
    r = per_item_fee(8, 5)
    assert r.amount == Decimal(300)
    assert r.lines[0].text == "第9–10件：2件，免费"
    assert r.lines[1].text == "第11–13件：3件 × 100元 = 300元"
    assert per_item_fee(0, 10).amount == 0
    assert per_item_fee(10, 1).amount == 100
    assert per_item_fee(40, 1).lines[0].text == "第41件：1件 × 300元 = 300元"


@given(st.integers(0, 200), st.integers(1, 120))
def test_per_item_matches_unit_by_unit(before, n):
    r = per_item_fee(before, n)
    assert r.amount == sum(oracle_item_rate(p) for p in range(before + 1, before + n + 1))
    assert sum(ln.units for ln in r.lines) == n
    assert sum(ln.amount for ln in r.lines) == r.amount


@given(st.integers(0, 100), st.integers(1, 60), st.integers(1, 60))
def test_splitting_an_application_does_not_change_the_month_total(before, a, b):
    whole = per_item_fee(before, a + b).amount
    assert per_item_fee(before, a).amount + per_item_fee(before + a, b).amount == whole


@given(st.integers(0, 2000))
def test_per_page_matches_page_by_page(pages):
    r = per_page_fee(pages)
    assert r.amount == sum(oracle_page_rate(p) for p in range(1, pages + 1))
    assert sum(ln.units for ln in r.lines) == pages


def test_one_method_per_application():
    assert compute_fee(PER_PAGE, pages=150).amount == 1700
    assert compute_fee(PER_ITEM, items=35).amount == 3000
    with pytest.raises(FeeError, match="只能选择一种"):
        compute_fee(PER_ITEM, items=35, pages=150)
    with pytest.raises(FeeError, match="只能选择一种"):
        compute_fee(PER_PAGE, pages=150, items=2)
    with pytest.raises(FeeError, match="未知的计收方式"):
        compute_fee("both", pages=1)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: per_item_fee(-1, 3), "负数"),
        (lambda: per_item_fee(0, 0), "至少"),
        (lambda: per_item_fee(0, 2.5), "整数"),
        (lambda: per_page_fee(-5), "负数"),
        (lambda: per_page_fee(True), "整数"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(FeeError, match=match):
        call()


def test_helpers_and_dict():
    assert format_yuan(Decimal(12000)) == "12,000元"
    assert month_key(date(2025, 3, 31)) != month_key(date(2025, 4, 1))
    d = per_page_fee(0).to_dict()
    assert d["amount"] == "0" and d["lines"] == []
    d = per_item_fee(0, 35).to_dict()
    assert d["amount"] == "3000" and d["method_label"] == "按件计收" and len(d["lines"]) == 3
