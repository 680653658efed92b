"""Demo applications for `gongkai demo`: about 30 cases over 2025–2026 in every state.

Built through the real services (so events, clock, letters and derived columns are genuine) with
dates relative to today: to confirm, in progress, due soon, overdue, paused for amendment, in
consultation, awaiting a fee, extended, replied with various outcomes, closed, and cases carried
over from 2025. Idempotent: a case is keyed by its agency and description.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gongkai.rules.uscc import make_uscc

from . import services
from .models import LETTER_EVENT_KINDS, InfoRequest

log = logging.getLogger(__name__)


def _id_number(seq: int, birth: str) -> str:
    from stdnum.cn import ric

    body = f"110101{birth}{seq:03d}"  # a real region code: the check validates it
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit


PEOPLE = [
    ("陈晓明", "19850312"),
    ("李红梅", "19790621"),
    ("王建国", "19620105"),
    ("赵丽娟", "19910830"),
    ("刘志强", "19880417"),
    ("孙文静", "19950209"),
    ("周海涛", "19701111"),
    ("吴佳怡", "20000725"),
]
ORGS = [
    ("org_commercial", "青山市明德教育科技有限公司", "91", "31234567"),
    ("org_research", "示例省教育科学研究院", "12", "42345678"),
    ("org_public_welfare", "青山市助学公益服务中心", "52", "53456789"),
    ("org_legal_service", "示例省青禾律师事务所", "31", "64567890"),
    ("org_other", "青山市幸福小区业主委员会", "93", "75678901"),
]


def _applicant(i: int) -> tuple[str, dict]:
    if i % 4 == 3:
        atype, name, prefix, body = ORGS[(i // 4) % len(ORGS)]
        return atype, {
            "name": name,
            "uscc": make_uscc(prefix[0], prefix[1], "990100", body),
            "legal_representative": PEOPLE[i % len(PEOPLE)][0],
            "contact_name": PEOPLE[(i + 3) % len(PEOPLE)][0],
            "phone": f"0990-8{i:06d}",
            "email": f"contact{i}@example.com",
            "address": f"示例省青山市建设路{10 + i}号",
            "postcode": "990100",
        }
    name, birth = PEOPLE[i % len(PEOPLE)]
    return "natural", {
        "name": name,
        "id_type": "resident_id",
        "id_number": _id_number(100 + i, birth),
        "phone": f"139{i:08d}",
        "email": f"applicant{i}@example.com",
        "address": f"示例省青山市人民路{20 + i}号",
        "postcode": "990100",
    }


# (key, description, channel, scenario, extra)
EDU = [
    ("2025年青山市义务教育阶段学校招生划片范围及依据", "in_person", "replied:disclosed", 2025),
    ("2025年市直学校教师招聘笔试成绩及录用名单", "online", "replied:disclosed", 2025),
    (
        "青山市第三中学新校区建设项目立项批复文件",
        "post_signed",
        "replied:partially_disclosed",
        2025,
    ),
    ("2024年度教育费附加使用明细", "email", "replied:withheld.process_information", 2025),
    ("某培训机构行政处罚案卷全部材料", "in_person", "replied:withheld.enforcement_files", 2025),
    ("本人子女2025年学籍变更审批记录", "online", "replied:withheld.third_party_rights", 2025),
    (
        "全市民办幼儿园年检结果汇总（需按区县统计分析）",
        "online",
        "replied:unavailable.needs_creation",
        2025,
    ),
    ("1998年青山市教委撤并乡村小学的会议纪要", "post_plain", "replied:unavailable.not_held", 2025),
    ("要求对学校食堂问题进行调查处理", "online", "replied:not_processed.petition", 2025),
    ("《青山市教育志》全文", "email", "replied:not_processed.publication", 2025),
    ("2025年中小学校舍安全排查报告", "online", "replied_closed:disclosed", 2025),
    ("学校名称及相关情况（申请人未补正）", "online", "replied:other.no_amendment", 2025),
    ("2025年12月：青山市校外培训机构白名单", "in_person", "carried_over:disclosed", 2025),
    (
        "2025年12月：市教育局2026年部门预算编制说明",
        "online",
        "carried_over:partially_disclosed",
        2025,
    ),
    ("2026年青山市普通高中招生计划及分配方案", "online", "replied:disclosed", 2026),
    ("2026年教师职称评审结果公示材料", "fax", "replied:disclosed", 2026),
    ("青山市特殊教育学校建设资金使用情况", "in_person", "replied:other.fee_unpaid", 2026),
    ("2026年学生营养改善计划供餐企业名单", "online", "to_confirm", 2026),
    ("青山市中小学课后服务收费标准及依据", "email", "to_confirm", 2026),
    ("2026年第二季度学校安全检查通报", "online", "in_progress", 2026),
    ("青山市第一中学教学楼加固工程招标文件", "in_person", "due_soon", 2026),
    ("2026年义务教育学校教师交流轮岗名单", "online", "overdue", 2026),
    ("某学校违规收费问题的调查结论", "post_signed", "amendment", 2026),
    ("市直学校食堂承包合同", "online", "consultation", 2026),
    ("2019年至2026年全市教育统计年鉴全部纸质复印件", "in_person", "fee", 2026),
    ("2026年青山市教育督导评估报告及整改情况", "online", "extended", 2026),
]
CITY = [
    ("2025年青山市政府常务会议研究教育事项的决定", "online", "replied:disclosed", 2025),
    ("青山市2026年重大建设项目清单", "in_person", "in_progress", 2026),
    ("青山市2026年政府工作报告起草过程稿", "online", "replied:withheld.process_information", 2026),
    ("城关镇2026年农村危房改造补助名单", "online", "overdue", 2026),
]
TOWNSHIP = [
    ("城关镇2025年土地征收补偿安置方案", "in_person", "replied:disclosed", 2025),
    ("城关镇2026年低保对象名单及标准", "online", "in_progress", 2026),
    ("城关镇宅基地审批情况（2026年）", "post_plain", "to_confirm", 2026),
]


class _Ctx:
    def __init__(self, agency, clerk, head):
        self.agency, self.clerk, self.head = agency, clerk, head
        cal = services._calendar(agency)
        self.cal = cal
        self.today = timezone.localdate()

    def back(self, n: int) -> date:
        return self.cal.add_workdays(self.today, -n)


def _at(d: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour)))


def _year_day(year: int, i: int, today: date) -> date:
    # Spread 2025 cases over the year; 2026 replied cases over the first half.
    if year == 2025:
        return date(2025, 2 + (i * 5) % 9, 3 + (i * 7) % 20)
    return min(date(2026, 2 + (i * 3) % 6, 4 + (i * 5) % 20), today)


def _make(ctx: _Ctx, i: int, description: str, channel: str, scenario: str, year: int):
    if InfoRequest.objects.filter(agency=ctx.agency, description=description).exists():
        return None
    atype, person = _applicant(i)
    cal, clerk, head = ctx.cal, ctx.clerk, ctx.head
    kind, _sep, outcome = scenario.partition(":")
    # When was it received?
    if kind in ("replied", "replied_closed"):
        received = cal.add_workdays(_year_day(year, i, ctx.today), 0)
        while not cal.is_workday(received):
            received = cal.add_workdays(received, 1)
    elif kind == "carried_over":
        received = cal.add_workdays(date(2025, 12, 15 + i % 10), 0)
    else:
        received = ctx.back(
            {
                "to_confirm": 1,
                "in_progress": 4,
                "due_soon": 18,
                "overdue": 24,
                "amendment": 6,
                "consultation": 8,
                "fee": 9,
                "extended": 27,
            }[kind]
        )
    submitted = received if channel not in ("post_plain", "online", "email", "fax") else (
        cal.add_workdays(received, -1) if kind != "to_confirm" else received
    )  # fmt: skip
    staff_channel = channel != "online"
    req, _code = services.submit(
        ctx.agency,
        actor=clerk if staff_channel else None,
        channel=channel,
        applicant_type=atype,
        applicant=person,
        description=description,
        form_requested=["electronic", "paper", "email", "on_site"][i % 4],
        delivery=["email", "post", "pick_up", "online"][i % 4] if person.get("email") else "post",
        submitted_at=_at(submitted),
        received_on=received if channel == "post_signed" else None,
        note="演示数据",
    )
    if kind == "to_confirm":
        return req
    if req.status == "to_confirm":
        services.confirm_receipt(req, clerk, on=received, method="phone")
    services.assign(req, clerk, clerk if i % 3 else head)
    req.refresh_from_db()

    def reply(on, key):
        reasons = "" if key == "disclosed" else f"经审查，{description}属于本项办理结果所列情形。"
        services.reply(req, clerk, on=on, outcome=key, reasons=reasons)

    if kind in ("replied", "replied_closed"):
        if outcome == "other.no_amendment":
            services.request_amendment(
                req, clerk, on=cal.add_workdays(received, 3), items="请写明所需信息的名称或文号"
            )
            on = cal.add_workdays(received, 3 + 16)
        elif outcome == "other.fee_unpaid":
            services.issue_fee_notice(
                req, clerk, on=cal.add_workdays(received, 5), method="per_page", pages=180
            )
            on = cal.add_workdays(received, 5 + 21)
        elif outcome == "withheld.third_party_rights":
            services.start_consultation(
                req, clerk, on=cal.add_workdays(received, 4), party="第三方学生家长"
            )
            services.answer_consultation(
                req, clerk, on=cal.add_workdays(received, 10), opinion="object"
            )
            on = cal.add_workdays(received, 18)
        else:
            on = cal.add_workdays(received, 8 + i % 10)
        on = min(on, ctx.today)
        reply(on, outcome)
        if kind == "replied_closed":
            services.close(req, clerk, on=min(cal.add_workdays(on, 2), ctx.today))
    elif kind == "carried_over":
        services.grant_extension(
            req, head, on=cal.add_workdays(received, 15), workdays=15, reason="涉及多个科室，需汇总"
        )
        reply(cal.add_workdays(received, 28), outcome)
    elif kind == "amendment":
        services.request_amendment(
            req, clerk, on=cal.add_workdays(received, 3), items="请明确调查结论所指的学校名称和时间"
        )
    elif kind == "consultation":
        services.start_consultation(
            req, clerk, on=cal.add_workdays(received, 5), party="青山市某餐饮管理有限公司"
        )
    elif kind == "fee":
        services.issue_fee_notice(
            req, clerk, on=cal.add_workdays(received, 7), method="per_page", pages=260
        )
    elif kind == "extended":
        services.grant_extension(
            req, head, on=cal.add_workdays(received, 18), workdays=20,
            reason="需调取多所学校档案，20个工作日内无法答复",
        )  # fmt: skip
    return req


def build(agencies: dict, with_letters: bool = True) -> int:
    """Create the demo cases (idempotent). Returns the number created."""
    U = get_user_model()
    users = {u.username: u for u in U.objects.filter(username__in=["clerk", "head", "cityclerk",
                                                                     "township"])}  # fmt: skip
    plan = []
    if "青山市:教育局" in agencies and {"clerk", "head"} <= set(users):
        plan.append((_Ctx(agencies["青山市:教育局"], users["clerk"], users["head"]), EDU))
    if "青山市" in agencies and "cityclerk" in users:
        plan.append((_Ctx(agencies["青山市"], users["cityclerk"], users["cityclerk"]), CITY))
    if "青山市:松林县:城关镇" in agencies and "township" in users:
        t = users["township"]
        plan.append((_Ctx(agencies["青山市:松林县:城关镇"], t, t), TOWNSHIP))
    created = []
    # Letters (DOCX+PDF) take a moment each: build the cases without them, then write the
    # letters of the 2026 cases so the case pages and the tracking page show real documents.
    with services.letters_suspended():
        for ctx, cases in plan:
            for i, (description, channel, scenario, year) in enumerate(cases):
                try:
                    with transaction.atomic():  # a case is created whole or not at all
                        req = _make(ctx, i, description, channel, scenario, year)
                except Exception:  # noqa: BLE001 — one odd calendar day must not stop the demo
                    log.exception("demo case %s failed", i)
                    continue
                if req is not None:
                    created.append((req, year))
    if with_letters:
        _letters([req for req, year in created if year == 2026])
    return len(created)


def _letters(cases) -> None:
    try:
        from . import letters
    except ImportError:
        return
    for req in cases:
        for ev in req.events.filter(kind__in=sorted(LETTER_EVENT_KINDS)):
            try:
                letters.generate_for_event(ev)
            except Exception:  # noqa: BLE001
                log.exception("demo letter for event %s failed", ev.pk)
