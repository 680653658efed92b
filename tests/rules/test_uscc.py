"""Tests for gongkai.rules.uscc (GB 32100 / GB 11714)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.rules.uscc import (
    USCC_ALPHABET,
    InvalidOrgCode,
    InvalidUSCC,
    describe_uscc,
    format_org_code,
    is_valid_org_code,
    is_valid_uscc,
    make_uscc,
    org_code_check_char,
    org_code_from_uscc,
    uscc_check_char,
    validate_org_code,
    validate_uscc,
)

# Real codes seen on disclosure pages (CONVENTIONS §1.2) and a well-known company code.
REAL_USCCS = [
    "11441700007280420Y",  # 阳江市人民政府办公室
    "11341702486344515H",  # 宁国市商务局
    "91110000600037341L",
    "11532301734304660U",  # found in the seed reports
]
# Front parts of national-format index numbers (CONVENTIONS §1.2) — all real org codes.
REAL_ORG_CODES = [
    "000014349",
    "000013338",
    "006939748",
    "005275134",
    "014416330",
    "01424668-5",
    "01527918X",
]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_codes_validate(code):
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", REAL_USCCS[:2] + REAL_USCCS[3:])
def test_embedded_org_code_of_real_government_codes_is_valid(code):
    org = org_code_from_uscc(code)
    assert len(org) == 9
    assert org == code[8:17]
    validate_org_code(org)


def test_org_code_from_uscc_examples():
    assert org_code_from_uscc("11441700007280420Y") == "007280420"
    assert org_code_from_uscc("11341702486344515H") == "486344515"


def test_normalisation_lower_case_spaces_fullwidth():
    assert validate_uscc(" 11441700007280420y ") == "11441700007280420Y"
    assert validate_uscc("１１４４１７００００７２８０４２０Ｙ") == "11441700007280420Y"
    assert validate_uscc("1144 1700 0072 8042 0Y") == "11441700007280420Y"


def test_wrong_length_message():
    with pytest.raises(InvalidUSCC) as e:
        validate_uscc("1144170000728042")
    assert e.value.code == "length"
    assert "18位" in e.value.message and "16位" in e.value.message


def test_empty():
    with pytest.raises(InvalidUSCC) as e:
        validate_uscc("   ")
    assert e.value.code == "empty"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters_are_named(letter):
    bad = "11441700007280420" + letter
    with pytest.raises(InvalidUSCC) as e:
        validate_uscc(bad)
    assert e.value.code == "forbidden_char"
    assert e.value.position == 18
    assert "I、O、Z、S、V" in e.value.message
    assert letter in e.value.message


def test_illegal_punctuation():
    with pytest.raises(InvalidUSCC) as e:
        validate_uscc("1144170000728042#Y")
    assert e.value.code == "illegal_char"
    assert e.value.position == 17


def test_region_must_be_digits():
    with pytest.raises(InvalidUSCC) as e:
        validate_uscc("114A1700007280420Y")
    assert e.value.code == "region"
    assert e.value.position == 4


def test_wrong_check_char_gives_expected():
    with pytest.raises(InvalidUSCC) as e:
        validate_uscc("11441700007280420X")
    assert e.value.code == "check_char"
    assert e.value.expected == "Y"
    assert "应为“Y”" in e.value.message


def test_single_char_typo_detected():
    # Changing any one of the first 17 characters changes the check character (weights are
    # units mod 31), so every single substitution is caught.
    code = "11441700007280420Y"
    for i in range(17):
        for ch in USCC_ALPHABET:
            if ch == code[i] or (2 <= i <= 7 and not ch.isdigit()):
                continue
            assert not is_valid_uscc(code[:i] + ch + code[i + 1 :])


def test_uscc_check_char():
    assert uscc_check_char("11441700007280420") == "Y"
    assert uscc_check_char("11341702486344515") == "H"
    with pytest.raises(InvalidUSCC):
        uscc_check_char("1144")


@pytest.mark.parametrize("code", REAL_ORG_CODES)
def test_real_org_codes(code):
    assert validate_org_code(code) == code.replace("-", "")
    assert is_valid_org_code(code)


def test_org_code_check_char_values():
    assert org_code_check_char("00001434") == "9"
    assert org_code_check_char("00728042") == "0"  # sum ≡ 0 (mod 11) → 0
    assert org_code_check_char("01527918") == "X"  # 11 - 1 = 10 → X


def test_org_code_errors():
    with pytest.raises(InvalidOrgCode) as e:
        validate_org_code("000014348")
    assert e.value.code == "check_char" and e.value.expected == "9"
    with pytest.raises(InvalidOrgCode) as e:
        validate_org_code("0000143")
    assert e.value.code == "length"
    with pytest.raises(InvalidOrgCode) as e:
        validate_org_code("0000#4349")
    assert e.value.code == "illegal_char" and e.value.position == 5
    with pytest.raises(InvalidOrgCode):
        validate_org_code("")


def test_format_org_code():
    assert format_org_code("000014349") == "00001434-9"
    assert format_org_code("00001434-9") == "00001434-9"


def test_make_uscc_reproduces_real_codes():
    assert make_uscc("1", "1", "441700", "00728042") == "11441700007280420Y"
    assert make_uscc("1", "1", "341702", "486344515") == "11341702486344515H"


def test_make_uscc_rejects_bad_parts():
    with pytest.raises(InvalidUSCC):
        make_uscc("1", "1", "44170", "00728042")
    with pytest.raises(InvalidOrgCode):
        make_uscc("1", "1", "441700", "007280421")  # 9 chars with a wrong check char
    with pytest.raises(InvalidUSCC):
        make_uscc("11", "1", "441700", "00728042")


_body_chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # org body chars that are also legal in a USCC


@given(
    dept=st.sampled_from("159ANY"),
    kind=st.sampled_from("1239"),
    region=st.from_regex(r"[0-9]{6}", fullmatch=True),
    body=st.text(alphabet=_body_chars, min_size=8, max_size=8),
)
def test_make_uscc_round_trip(dept, kind, region, body):
    code = make_uscc(dept, kind, region, body)
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code
    org = org_code_from_uscc(code)
    assert org[:8] == body
    assert validate_org_code(org) == org
    assert code[:2] == dept + kind and code[2:8] == region


@given(
    first17=st.from_regex(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}", fullmatch=True),
)
def test_exactly_one_check_char_is_valid(first17):
    valid = [c for c in USCC_ALPHABET if is_valid_uscc(first17 + c)]
    assert valid == [uscc_check_char(first17)]


@given(body=st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_exactly_one_org_check_char_is_valid(body):
    valid = [c for c in "0123456789X" if is_valid_org_code(body + c)]
    assert valid == [org_code_check_char(body)]


def test_describe_uscc():
    info = describe_uscc("11441700007280420Y")
    assert info.registration_dept_name == "机构编制"
    assert info.org_type_name == "机关"
    assert info.is_government_organ
    assert (info.region, info.org_code) == ("441700", "007280420")
    company = describe_uscc("91110000600037341L")
    assert (company.registration_dept_name, company.org_type_name) == ("工商", "企业")
    assert not company.is_government_organ
    odd = describe_uscc(make_uscc("Y", "7", "350100", "12345678"))
    assert odd.registration_dept_name == "其他" and odd.org_type_name is None
    with pytest.raises(InvalidUSCC):
        describe_uscc("11441700007280420X")
