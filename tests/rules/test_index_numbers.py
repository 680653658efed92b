"""Tests for gongkai.rules.index_numbers (索引号, 文号)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.rules.index_numbers import (
    NATIONAL_TEMPLATE,
    DocumentNumber,
    IndexNumberError,
    IndexNumberTemplate,
    InvalidDocumentNumber,
    counter_scope,
    format_index_number,
    normalise_document_number,
    parse_index_number,
    template_from_example,
    validate_document_number,
)
from gongkai.rules.uscc import make_uscc

# ---------------------------------------------------------------- formatting


def test_national_default_format():
    assert (
        format_index_number(NATIONAL_TEMPLATE, "000014349", None, date(2018, 3, 5), 222)
        == "000014349/2018-00222"
    )


def test_org_code_with_hyphen_is_normalised():
    assert (
        format_index_number(NATIONAL_TEMPLATE, "00001434-9", None, date(2018, 3, 5), 1)
        == "000014349/2018-00001"
    )


def test_org_code_derived_from_uscc_when_missing():
    got = format_index_number(NATIONAL_TEMPLATE, "", "11441700007280420Y", date(2021, 6, 1), 50)
    assert got == "007280420/2021-00050"


def test_uscc_prefix_yyyymm():
    t = IndexNumberTemplate(prefix_kind="uscc", year_format="YYYYMM")
    got = format_index_number(t, None, "11341702486344515H", date(2021, 10, 9), 13)
    assert got == "11341702486344515H/202110-00013"


def test_custom_prefix_hyphen_separator_width7():
    t = IndexNumberTemplate(
        prefix_kind="custom", custom_prefix="hedongquhd0101", separator="-", serial_width=7
    )
    assert (
        format_index_number(t, None, None, date(2021, 1, 1), 111) == "hedongquhd0101-2021-0000111"
    )


def test_counter_scope():
    assert (
        counter_scope(NATIONAL_TEMPLATE, "000014349", None, date(2018, 1, 1)) == "000014349/2018-"
    )
    t = IndexNumberTemplate(prefix_kind="uscc", year_format="YYYYMM")
    assert (
        counter_scope(t, None, "11341702486344515H", date(2021, 10, 31))
        == "11341702486344515H/202110-"
    )


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"prefix_kind": "local"}, "prefix_kind"),
        ({"prefix_kind": "custom", "custom_prefix": ""}, "custom_prefix"),
        ({"prefix_kind": "custom", "custom_prefix": "a/b"}, "custom_prefix"),
        ({"separator": "_"}, "separator"),
        ({"year_format": "YY"}, "year_format"),
        ({"serial_width": 4}, "serial_width"),
        ({"serial_width": 8}, "serial_width"),
    ],
)
def test_bad_templates(kwargs, code):
    with pytest.raises(IndexNumberError) as e:
        IndexNumberTemplate(**kwargs)
    assert e.value.code == code


def test_format_errors():
    d = date(2020, 1, 1)
    with pytest.raises(IndexNumberError) as e:
        format_index_number(NATIONAL_TEMPLATE, "000014349", None, d, 100000)
    assert e.value.code == "serial_overflow" and "5位" in e.value.message
    with pytest.raises(IndexNumberError) as e:
        format_index_number(NATIONAL_TEMPLATE, "000014349", None, d, 0)
    assert e.value.code == "serial"
    with pytest.raises(IndexNumberError) as e:
        format_index_number(NATIONAL_TEMPLATE, "000014348", None, d, 1)
    assert e.value.code == "invalid_prefix" and "校验码" in e.value.message
    with pytest.raises(IndexNumberError) as e:
        format_index_number(NATIONAL_TEMPLATE, None, None, d, 1)
    assert e.value.code == "missing_org_code"
    with pytest.raises(IndexNumberError) as e:
        format_index_number(IndexNumberTemplate(prefix_kind="uscc"), "000014349", "", d, 1)
    assert e.value.code == "missing_uscc"


# ---------------------------------------------------------------- parsing the observed patterns

OBSERVED = [
    # raw, pattern, prefix_kind, year, month, serial, serial_width
    ("000014349/2018-00222", "national", "org_code", 2018, None, 222, 5),
    ("000013338/2023-00079", "national", "org_code", 2023, None, 79, 5),
    ("006939748/2015-00331", "national", "org_code", 2015, None, 331, 5),
    ("11441700007280420Y/2021-00050", "national", "uscc", 2021, None, 50, 5),
    ("11341702486344515H/202110-00013", "national", "uscc", 2021, 10, 13, 5),
    ("005275134/2017-00180", "national", "org_code", 2017, None, 180, 5),
    ("014416330/2018-04736", "national", "org_code", 2018, None, 4736, 5),
    ("3212000002/2018-354983", "national", "local", 2018, None, 354983, 6),
    ("01424668-5/2021-00063", "national", "org_code", 2021, None, 63, 5),
    ("0142768-8/2022-00185", "national", "local", 2022, None, 185, 5),  # 7+1 chars: not a code
    ("01527918X-2020-153077", "hyphenated", "org_code", 2020, None, 153077, 6),
    ("hedongquhd0101/2021-0000111", "national", "local", 2021, None, 111, 7),
    ("035210000/2025-00016", "national", "local", 2025, None, 16, 5),  # check char fails
    ("20230618-205818-135", "datetime_serial", None, 2023, 6, 135, 3),
    # 宁波 rule: 地区-部门-类别-分组-YYYYMMDD-顺序号 (CONVENTIONS §1.3)
    ("330201-012-03-0102-20200315-7", "dated_local", "local", 2020, 3, 7, 1),
    # 连云港 rule: 地区及部门编号-类别号-年度号-流水号
    ("GA001-05-2008-0012", "hyphenated", "local", 2008, None, 12, 4),
]


@pytest.mark.parametrize("raw, pattern, kind, year, month, serial, width", OBSERVED)
def test_parse_observed(raw, pattern, kind, year, month, serial, width):
    p = parse_index_number(raw)
    assert p.raw == raw
    assert p.pattern == pattern
    assert p.recognised
    assert p.prefix_kind == kind
    assert (p.year, p.month, p.serial, p.serial_width) == (year, month, serial, width)


def test_parse_exposes_org_code():
    assert parse_index_number("11441700007280420Y/2021-00050").org_code == "007280420"
    assert parse_index_number("01424668-5/2021-00063").org_code == "014246685"
    assert parse_index_number("3212000002/2018-354983").org_code is None


@pytest.mark.parametrize(
    "raw",
    [
        "530000000012020000001",  # 云南 21-digit scheme: no separators, kept as is
        "某某局-第3号",
        "000014349/18-00222",  # two-digit year
        "000014349/2018-13-00001",
        "20231318-205818-135",  # not a date
        "000014349/3018-00222",  # implausible year
        "abc",
    ],
)
def test_unrecognised_numbers_are_kept_verbatim(raw):
    p = parse_index_number("  " + raw + " ")
    assert p.pattern == "legacy"
    assert not p.recognised
    assert p.raw == raw
    assert p.year is None and p.serial is None


def test_very_long_input_is_not_decomposed():
    raw = "000014349/2018-" + "1" * 200
    assert parse_index_number(raw).pattern == "legacy"
    with pytest.raises(InvalidDocumentNumber) as e:
        validate_document_number("国办函" * 50 + "〔2020〕109号")
    assert "过长" in e.value.message


def test_parse_fullwidth_separator():
    p = parse_index_number("000014349／2018－00222")
    assert p.pattern == "national" and p.serial == 222
    assert p.raw == "000014349／2018－00222"


def test_parse_empty_raises():
    with pytest.raises(IndexNumberError):
        parse_index_number("  ")


def test_template_from_example():
    assert template_from_example("000014349/2018-00222") == NATIONAL_TEMPLATE
    assert template_from_example("11341702486344515H/202110-00013") == IndexNumberTemplate(
        prefix_kind="uscc", year_format="YYYYMM"
    )
    t = template_from_example("hedongquhd0101/2021-0000111")
    assert t.prefix_kind == "custom" and t.custom_prefix == "hedongquhd0101"
    assert t.serial_width == 7
    assert template_from_example("20230618-205818-135") is None
    assert template_from_example("530000000012020000001") is None


_regions = st.from_regex(r"[1-6][0-9]{5}", fullmatch=True)
_bodies = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)


@given(
    region=_regions,
    body=_bodies,
    kind=st.sampled_from(["org_code", "uscc"]),
    sep=st.sampled_from(["/", "-"]),
    year_format=st.sampled_from(["YYYY", "YYYYMM"]),
    width=st.integers(5, 7),
    when=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    serial=st.integers(1, 99999),
)
def test_format_parse_round_trip(region, body, kind, sep, year_format, width, when, serial):
    uscc = make_uscc("1", "1", region, body)
    t = IndexNumberTemplate(
        prefix_kind=kind, separator=sep, year_format=year_format, serial_width=width
    )
    s = format_index_number(t, None, uscc, when, serial)
    p = parse_index_number(s)
    assert p.recognised
    assert p.prefix_kind == kind
    assert p.org_code == uscc[8:17]
    assert p.year == when.year and p.serial == serial and p.serial_width == width
    assert p.month == (when.month if year_format == "YYYYMM" else None)
    assert template_from_example(s) == t


# ---------------------------------------------------------------- 文号


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("国办函〔2020〕109号", "国办函〔2020〕109号"),
        ("国办函[2020]109号", "国办函〔2020〕109号"),
        ("闽政办(2019)3号", "闽政办〔2019〕3号"),
        ("闽政办（2019）3号", "闽政办〔2019〕3号"),
        ("闽政【2023】12号", "闽政〔2023〕12号"),
        ("国办发明电［2024］１２号", "国办发明电〔2024〕12号"),
        ("国办公开办函﹝2019﹞61号", "国办公开办函〔2019〕61号"),
        ("国办秘函〖2019〕19号", "国办秘函〔2019〕19号"),
        ("连政办发 〔 2008 〕 9 号", "连政办发〔2008〕9号"),
        ("国办发〔2016〕第080号", "国办发〔2016〕80号"),
        ("闽政〔2023〕12", "闽政〔2023〕12号"),
        ("国务院令第711号", "国务院令第711号"),
        ("中华人民共和国国务院令 第 711 号", "中华人民共和国国务院令第711号"),
    ],
)
def test_normalise_document_number(raw, normalised):
    assert normalise_document_number(raw) == normalised
    assert normalise_document_number(normalised) == normalised


def test_validate_document_number_parts():
    d = validate_document_number("国办函[2020]109号")
    assert d == DocumentNumber("国办函", 2020, 109)
    assert str(d) == "国办函〔2020〕109号"
    assert validate_document_number("福建省人民政府令第213号") == DocumentNumber(
        "福建省人民政府令", None, 213
    )


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("〔2020〕109号", "prefix"),
        ("2020年109号", "prefix"),
        ("国办函〔20〕109号", "year"),
        ("国办函〔2920〕109号", "year"),
        ("国办函〔2020〕0号", "serial"),
        ("关于做好政府信息公开工作的通知", "format"),
        ("hello world", "format"),
        ("国办函2020109号", "format"),
    ],
)
def test_invalid_document_numbers(raw, code):
    with pytest.raises(InvalidDocumentNumber) as e:
        validate_document_number(raw)
    assert e.value.code == code
    assert e.value.message  # a Chinese explanation
    assert normalise_document_number(raw) == raw.strip()


@given(
    prefix=st.text(alphabet="国办发函闽政字厅秘建城", min_size=1, max_size=6),
    year=st.integers(1980, 2099),
    serial=st.integers(1, 9999),
    brackets=st.sampled_from(["〔〕", "[]", "()", "（）", "【】", "［］", "﹝﹞"]),
)
def test_document_number_round_trip(prefix, year, serial, brackets):
    raw = f"{prefix}{brackets[0]}{year}{brackets[1]}{serial}号"
    d = validate_document_number(raw)
    assert (d.issuer_prefix, d.year, d.serial) == (prefix, year, serial)
    assert normalise_document_number(raw) == f"{prefix}〔{year}〕{serial}号"
