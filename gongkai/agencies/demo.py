"""The fictional 示例省 used by `gongkai demo`: about 40 agencies and a user for every role.

Idempotent: agencies are keyed by their USCC and users by username, so running it again keeps
whatever was entered since.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from gongkai.rules.uscc import make_uscc

from .models import Agency, Kind, Level, Membership, Role

DEMO_PASSWORD = "demo-pass-2026"

PROVINCE_DEPTS = [
    "办公厅",
    "教育厅",
    "财政厅",
    "自然资源厅",
    "生态环境厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "卫生健康委员会",
    "市场监督管理局",
]
CITY_DEPTS = ["教育局", "财政局", "自然资源和规划局", "卫生健康委员会"]
COUNTY_DEPTS = ["教育局", "民政局"]
CITIES = [("青山市", "990100", ["松林县", "石桥县"]), ("白水市", "990200", ["清河县", "桃源县"])]
TOWNSHIPS = ["城关镇", "河口乡"]


def _contacts(name: str, region: str, n: int) -> dict:
    return {
        "office_name": f"{name}政府信息公开工作机构",
        "office_address": f"示例省{name}行政中心{n % 50 + 1}号",
        "office_hours": "工作日上午9:00—12:00，下午14:00—17:30",
        "office_phone": f"0{region[:3]}-8{n:07d}",
        "office_fax": f"0{region[:3]}-6{n:07d}",
        "office_email": f"gongkai{n}@example.gov.cn",
        "office_postcode": f"{region[:4]}00",
    }


class _Builder:
    def __init__(self):
        self.n = 0
        self.created = 0

    def agency(self, name, short, level, kind, parent, region) -> Agency:
        self.n += 1
        uscc = make_uscc("1", "1", region, f"99{self.n:06d}")
        defaults = {
            "name": name,
            "short_name": short,
            "level": level,
            "kind": kind,
            "parent": parent,
            "region_code": region,
            "website": "https://www.example.gov.cn/",
            **_contacts(short or name, region, self.n),
        }
        obj, created = Agency.objects.get_or_create(uscc=uscc, defaults=defaults)
        self.created += int(created)
        return obj


@transaction.atomic
def build_agencies() -> dict[str, Agency]:
    b = _Builder()
    out: dict[str, Agency] = {}
    prov = b.agency("示例省人民政府", "示例省政府", Level.PROVINCE, Kind.GOVERNMENT, None, "990000")
    out["province"] = prov
    for d in PROVINCE_DEPTS:
        out[f"province:{d}"] = b.agency(
            f"示例省{d}", d, Level.PROVINCE, Kind.DEPARTMENT, prov, "990000"
        )
    for city, region, counties in CITIES:
        c = b.agency(
            f"示例省{city}人民政府", f"{city}政府", Level.CITY, Kind.GOVERNMENT, prov, region
        )
        out[city] = c
        for d in CITY_DEPTS:
            out[f"{city}:{d}"] = b.agency(
                f"{city}{d}", f"{city}{d}", Level.CITY, Kind.DEPARTMENT, c, region
            )
        for i, county in enumerate(counties, start=1):
            cregion = f"{region[:4]}{i:02d}"
            k = b.agency(
                f"{city}{county}人民政府",
                f"{county}政府",
                Level.COUNTY,
                Kind.GOVERNMENT,
                c,
                cregion,
            )
            out[f"{city}:{county}"] = k
            for d in COUNTY_DEPTS:
                out[f"{city}:{county}:{d}"] = b.agency(
                    f"{county}{d}", f"{county}{d}", Level.COUNTY, Kind.DEPARTMENT, k, cregion
                )
            for t in TOWNSHIPS:
                out[f"{city}:{county}:{t}"] = b.agency(
                    f"{county}{t}人民政府",
                    f"{county}{t}",
                    Level.TOWNSHIP,
                    Kind.GOVERNMENT,
                    k,
                    cregion,
                )
    return out


# username → (agency key, roles, description shown by `gongkai demo`)
DEMO_USERS = [
    ("clerk", "青山市:教育局", [Role.CLERK], "信息员 · 青山市教育局"),
    ("reviewer", "青山市:教育局", [Role.REVIEWER], "审核人 · 青山市教育局"),
    ("head", "青山市:教育局", [Role.HEAD], "负责人 · 青山市教育局"),
    ("cityclerk", "青山市", [Role.CLERK, Role.REVIEWER], "信息员兼审核人 · 青山市人民政府"),
    ("supervisor", "青山市", [Role.SUPERVISOR], "公开办 · 青山市（监督全市）"),
    ("province", "province", [Role.SUPERVISOR], "公开办 · 示例省（监督全省）"),
    ("township", "青山市:松林县:城关镇", [Role.CLERK, Role.HEAD], "信息员兼负责人 · 松林县城关镇"),
    ("admin", "province", [Role.ADMIN], "系统管理员（可进入 /admin/）"),
]


_password_hashes: dict[str, str] = {}


def _demo_password_hash() -> str:
    """All demo users share one password: hash it once per hasher (argon2 is slow by design).

    Keyed by the preferred hasher so that a test that changes PASSWORD_HASHERS never gets a
    hash the current settings cannot verify."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    key = settings.PASSWORD_HASHERS[0]
    if key not in _password_hashes:
        _password_hashes[key] = make_password(DEMO_PASSWORD)
    return _password_hashes[key]


@transaction.atomic
def build_users(agencies: dict[str, Agency]) -> list[tuple[str, str]]:
    User = get_user_model()
    printed = []
    for username, key, roles, desc in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.password = _demo_password_hash()
            user.first_name = desc.split(" · ")[0]
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        for role in roles:
            Membership.objects.get_or_create(user=user, agency=agencies[key], role=role)
        printed.append((username, desc))
    return printed


def build() -> dict:
    agencies = build_agencies()
    users = build_users(agencies)
    return {"agencies": agencies, "users": users}
