"""统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714-1997).

An agency's ``uscc`` is 18 characters::

    1   登记管理部门码   (e.g. 1 = 机构编制, 5 = 民政, 9 = 工商)
    2   机构类别码       (for 机构编制: 1 = 机关, 2 = 事业单位 ...)
    3–8 登记管理机关行政区划码 (6 digits, GB/T 2260; central organs use 100000)
    9–17 主体标识码 = the 9-character ``org_code`` (GB 11714, its own check char last)
    18  校验码           (weighted sum mod 31 over the alphabet below)

The ``org_code`` is the front part of the national 索引号 (CONVENTIONS §1.1), which is why this
module is the foundation for agencies and index numbers. Pure Python, no Django.

Errors carry a Chinese ``message`` (shown as is in the UI) plus a machine ``code`` and the
offending ``position`` so a translated UI can build its own text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from stdnum.cn import uscc as _stdnum_uscc

__all__ = [
    "USCC_ALPHABET",
    "REGISTRATION_DEPARTMENTS",
    "ORG_TYPES",
    "USCCInfo",
    "describe_uscc",
    "InvalidUSCC",
    "InvalidOrgCode",
    "normalise_uscc",
    "validate_uscc",
    "is_valid_uscc",
    "uscc_check_char",
    "org_code_from_uscc",
    "normalise_org_code",
    "validate_org_code",
    "is_valid_org_code",
    "org_code_check_char",
    "format_org_code",
    "make_uscc",
]

# GB 32100 code alphabet: digits and capital letters without I, O, Z, S, V (they are too easily
# confused with 1, 0, 2, 5, U). The index of a character is its value in the check sum.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_CHARS = frozenset(USCC_ALPHABET)
_FORBIDDEN_LETTERS = frozenset("IOZSV")

# 登记管理部门码 (GB 32100 附录 A and later additions). Informative only: validation does not
# reject an unknown department, since the list has grown since 2015 and a wrong rejection would
# lock a real agency out.
REGISTRATION_DEPARTMENTS: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

# 机构类别码 by department (GB 32100 附录 A), for the departments agencies are registered with.
ORG_TYPES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
}

# GB 11714 weights for the 8-character body of an organisation code.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class InvalidUSCC(ValueError):
    """A 统一社会信用代码 that is not valid; ``message`` is the Chinese explanation."""

    def __init__(self, message: str, *, code: str, position: int | None = None, expected=None):
        super().__init__(message)
        self.message = message
        self.code = (
            code  # "empty" | "length" | "forbidden_char" | "illegal_char" | "region" | "check_char"
        )
        self.position = position  # 1-based character position, where one is to blame
        self.expected = expected  # the correct check character, for code == "check_char"


class InvalidOrgCode(ValueError):
    """A 组织机构代码 that is not valid; ``message`` is the Chinese explanation."""

    def __init__(self, message: str, *, code: str, position: int | None = None, expected=None):
        super().__init__(message)
        self.message = message
        self.code = code  # "empty" | "length" | "illegal_char" | "check_char"
        self.position = position
        self.expected = expected


def _clean(s: str) -> str:
    # NFKC folds full-width letters/digits (common when codes are typed with a Chinese IME);
    # spaces and hyphens are print separators, not part of the code.
    s = unicodedata.normalize("NFKC", s or "")
    return "".join(ch for ch in s if not ch.isspace() and ch != "-").upper()


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码
# ---------------------------------------------------------------------------------------------


def normalise_uscc(s: str) -> str:
    """Upper-case, half-width, without spaces or hyphens. Does not validate."""
    return _clean(s)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character (18th) for the first 17 characters."""
    body = _clean(first17)
    if len(body) != 17:
        raise InvalidUSCC(
            f"计算校验码需要统一社会信用代码的前17位，实际为{len(body)}位",
            code="length",
        )
    _check_uscc_chars(body)
    return _stdnum_uscc.calc_check_digit(body)


def _check_uscc_chars(code: str) -> None:
    for i, ch in enumerate(code, start=1):
        if ch in _USCC_CHARS:
            continue
        if ch in _FORBIDDEN_LETTERS:
            raise InvalidUSCC(
                f"统一社会信用代码第{i}位“{ch}”不合法：代码中不使用字母 I、O、Z、S、V",
                code="forbidden_char",
                position=i,
            )
        raise InvalidUSCC(
            f"统一社会信用代码第{i}位“{ch}”不合法：只能是数字或大写英文字母（不含 I、O、Z、S、V）",
            code="illegal_char",
            position=i,
        )
    for i in range(3, 9):
        if i <= len(code) and not code[i - 1].isdigit():
            raise InvalidUSCC(
                f"统一社会信用代码第{i}位“{code[i - 1]}”不合法：第3至8位是登记管理机关行政区划码，只能是数字",
                code="region",
                position=i,
            )


def validate_uscc(s: str) -> str:
    """Return the normalised code, or raise :class:`InvalidUSCC` saying what is wrong.

    Checks, in this order: empty, length (18), characters, region digits, check character.
    The embedded organisation code's own check character is not enforced here (see
    :func:`validate_org_code`): the USCC check character is what GB 32100 prescribes.
    """
    code = _clean(s)
    if not code:
        raise InvalidUSCC("统一社会信用代码不能为空", code="empty")
    if len(code) != 18:
        raise InvalidUSCC(
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            code="length",
        )
    _check_uscc_chars(code)
    expected = _stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(
            f"统一社会信用代码校验码错误：第18位应为“{expected}”，实际为“{code[17]}”，请核对前17位是否录入有误",
            code="check_char",
            position=18,
            expected=expected,
        )
    return code


def is_valid_uscc(s: str) -> bool:
    try:
        validate_uscc(s)
    except InvalidUSCC:
        return False
    return True


def org_code_from_uscc(uscc: str) -> str:
    """Characters 9–17 of a valid USCC: the 9-character 组织机构代码 (no hyphen)."""
    return validate_uscc(uscc)[8:17]


@dataclass(frozen=True)
class USCCInfo:
    uscc: str
    registration_dept: str  # 登记管理部门码
    registration_dept_name: str | None  # e.g. 机构编制; None if not in the table
    org_type: str  # 机构类别码
    org_type_name: str | None  # e.g. 机关
    region: str  # 登记管理机关行政区划码
    org_code: str  # 主体标识码 (组织机构代码)

    @property
    def is_government_organ(self) -> bool:
        """Registered by 机构编制 as a 机关 (codes starting ``11``): the usual case for agencies;
        事业单位 (``12``) and others can be authorised organisations (授权组织)."""
        return self.uscc.startswith("11")


def describe_uscc(uscc: str) -> USCCInfo:
    """Split a valid USCC into its parts, with the department and type names where known."""
    code = validate_uscc(uscc)
    dept, kind = code[0], code[1]
    return USCCInfo(
        uscc=code,
        registration_dept=dept,
        registration_dept_name=REGISTRATION_DEPARTMENTS.get(dept),
        org_type=kind,
        org_type_name=ORG_TYPES.get(dept, {}).get(kind),
        region=code[2:8],
        org_code=code[8:17],
    )


# ---------------------------------------------------------------------------------------------
# 组织机构代码 (GB 11714)
# ---------------------------------------------------------------------------------------------


def _org_char_value(ch: str) -> int:
    # Digits are their value, letters A–Z are 10–35 (GB 11714-1997).
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def normalise_org_code(s: str) -> str:
    """Upper-case, half-width, hyphen removed (``00001434-9`` → ``000014349``). Does not validate."""
    return _clean(s)


def org_code_check_char(body8: str) -> str:
    """The GB 11714 check character (9th) for the 8-character body: ``0``–``9`` or ``X``."""
    body = _clean(body8)
    if len(body) != 8:
        raise InvalidOrgCode(
            f"计算校验码需要组织机构代码的前8位本体代码，实际为{len(body)}位",
            code="length",
        )
    _check_org_body(body)
    c = 11 - sum(_org_char_value(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def _check_org_body(body: str) -> None:
    for i, ch in enumerate(body, start=1):
        if ch not in _ORG_BODY_CHARS:
            raise InvalidOrgCode(
                f"组织机构代码第{i}位“{ch}”不合法：本体代码只能是数字或大写英文字母",
                code="illegal_char",
                position=i,
            )


def validate_org_code(s: str) -> str:
    """Return the 9-character code without hyphen, or raise :class:`InvalidOrgCode`."""
    code = _clean(s)
    if not code:
        raise InvalidOrgCode("组织机构代码不能为空", code="empty")
    if len(code) != 9:
        raise InvalidOrgCode(
            f"组织机构代码应为9位（8位本体代码加1位校验码，连字符不计），实际为{len(code)}位",
            code="length",
        )
    _check_org_body(code[:8])
    expected = org_code_check_char(code[:8])
    if code[8] != expected:
        raise InvalidOrgCode(
            f"组织机构代码校验码错误：第9位应为“{expected}”，实际为“{code[8]}”",
            code="check_char",
            position=9,
            expected=expected,
        )
    return code


def is_valid_org_code(s: str) -> bool:
    try:
        validate_org_code(s)
    except InvalidOrgCode:
        return False
    return True


def format_org_code(s: str) -> str:
    """Printed form with the hyphen before the check char: ``000014349`` → ``00001434-9``."""
    code = validate_org_code(s)
    return f"{code[:8]}-{code[8]}"


# ---------------------------------------------------------------------------------------------
# Building codes (demo data, tests)
# ---------------------------------------------------------------------------------------------


def make_uscc(registration_dept: str, org_type: str, region6: str, org_code8: str) -> str:
    """Build a valid USCC.

    ``org_code8`` is the 8-character body of the organisation code (its GB 11714 check char is
    computed), or a full 9-character code, which must then be valid. Government organs use
    department ``"1"`` (机构编制) and type ``"1"`` (机关), giving codes that start ``11``.
    """
    region = _clean(region6)
    if len(region) != 6 or not region.isdigit():
        raise InvalidUSCC(
            f"登记管理机关行政区划码应为6位数字，实际为“{region6}”",
            code="region",
        )
    org = _clean(org_code8)
    if len(org) == 8:
        org = org + org_code_check_char(org)
    else:
        org = validate_org_code(org)
    head = _clean(registration_dept) + _clean(org_type)
    if len(head) != 2:
        raise InvalidUSCC("登记管理部门码和机构类别码应各为1位", code="length")
    first17 = head + region + org
    return first17 + uscc_check_char(first17)
