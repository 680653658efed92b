"""The statutory column set of a 政府信息公开目录 (RULES C2–C4, CONVENTIONS §4).

Every agency gets: 政府信息公开指南, 政府信息公开制度, 法定主动公开内容 (Art. 20's 15 items, plus
Art. 21's items for city/county governments and their departments or for townships),
政府信息公开年报 and 依申请公开. Agencies add their own columns (kind ``custom``) as Art. 22 allows.

Expected update cycles (CONVENTIONS §6.2 single-veto 栏目不更新): 14 days for news (动态),
183 days (6 months) for notices and policy documents, 365 days for plans and other yearly
material; ``None`` for columns that change only when the facts change (guide, functions).
"""

from __future__ import annotations

from dataclasses import dataclass

NEWS_CYCLE = 14
POLICY_CYCLE = 183
PLAN_CYCLE = 365


@dataclass(frozen=True)
class ColumnSpec:
    code: str
    name: str
    kind: str
    item_number: int | None = None
    update_cycle_days: int | None = None
    description: str = ""
    parent: str | None = None


# Art. 20 (one column per item): (short column name, exact statutory wording, cycle).
ART20_ITEMS: list[tuple[str, str, int | None]] = [
    ("法规文件", "行政法规、规章和规范性文件", POLICY_CYCLE),
    ("机构职能", "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名", None),
    ("规划信息", "国民经济和社会发展规划、专项规划、区域规划及相关政策", PLAN_CYCLE),
    ("统计信息", "国民经济和社会发展统计信息", POLICY_CYCLE),
    (
        "行政许可和管理服务",
        "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
        POLICY_CYCLE,
    ),
    (
        "行政处罚和行政强制",
        "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
        POLICY_CYCLE,
    ),
    ("财政预决算", "财政预算、决算信息", PLAN_CYCLE),
    ("行政事业性收费", "行政事业性收费项目及其依据、标准", PLAN_CYCLE),
    ("政府集中采购", "政府集中采购项目的目录、标准及实施情况", POLICY_CYCLE),
    ("重大建设项目", "重大建设项目的批准和实施情况", POLICY_CYCLE),
    (
        "民生政策措施",
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
        POLICY_CYCLE,
    ),
    ("应急管理", "突发公共事件的应急预案、预警信息及应对情况", POLICY_CYCLE),
    (
        "监督检查",
        "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
        POLICY_CYCLE,
    ),
    ("公务员招考", "公务员招考的职位、名额、报考条件等事项以及录用结果", PLAN_CYCLE),
    ("其他法定公开信息", "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息", None),
]

# Art. 21: 设区的市级、县级人民政府及其部门 …
ART21_CITY_COUNTY = [
    "市政建设",
    "公共服务",
    "公益事业",
    "土地征收",
    "房屋征收",
    "治安管理",
    "社会救助",
]
# … 乡（镇）人民政府
ART21_TOWNSHIP = [
    "贯彻落实农业农村政策",
    "农田水利工程建设运营",
    "农村土地承包经营权流转",
    "宅基地使用情况审核",
    "土地征收",
    "房屋征收",
    "筹资筹劳",
    "社会救助",
]

CN_NUMERALS = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n - 1]
    return "十" + CN_NUMERALS[n - 11]


def art21_items(level: str) -> list[str]:
    """Art. 21's extra items for an agency of ``level`` (Agency.level)."""
    if level in ("city", "county"):
        return ART21_CITY_COUNTY
    if level == "township":
        return ART21_TOWNSHIP
    return []


def statutory_columns(level: str) -> list[ColumnSpec]:
    """The statutory tree for an agency of ``level``, parents before children."""
    specs = [
        ColumnSpec("guide", "政府信息公开指南", "guide"),
        ColumnSpec("rules", "政府信息公开制度", "rules"),
        ColumnSpec(
            "statutory",
            "法定主动公开内容",
            "statutory_art20",
            description="《政府信息公开条例》第二十条、第二十一条规定的主动公开内容",
        ),
    ]
    for i, (name, wording, cycle) in enumerate(ART20_ITEMS, start=1):
        specs.append(
            ColumnSpec(
                f"art20-{i:02d}",
                name,
                "statutory_art20",
                item_number=i,
                update_cycle_days=cycle,
                description=f"第二十条（{_cn(i)}）{wording}",
                parent="statutory",
            )
        )
    for i, name in enumerate(art21_items(level), start=1):
        specs.append(
            ColumnSpec(
                f"art21-{i:02d}",
                name,
                "statutory_art21",
                item_number=i,
                update_cycle_days=POLICY_CYCLE,
                description=f"第二十一条：{name}",
                parent="statutory",
            )
        )
    specs += [
        ColumnSpec(
            "annual_report", "政府信息公开年报", "annual_report", update_cycle_days=PLAN_CYCLE
        ),
        ColumnSpec("on_request", "依申请公开", "on_request"),
    ]
    return specs
