"""Demo catalogue and publications for 示例省 (called by ``gongkai demo``).

Idempotent: columns come from ``ensure_catalogue``; published records are keyed by their index
number, drafts by title and agency. Dates are relative to the day the demo is first built, so
the clock and staleness lists always have something to show: a few late publications, one
stale news column at 青山市教育局, drafts waiting for review.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.agencies.models import Agency

from . import services
from .models import Column, Publication, Status
from .text import html_to_text, sanitise_body


def _p(*paras: str) -> str:
    return "".join(f"<p>{x}</p>" for x in paras)


# (agency key, serial, column code, title, document number, kind, days before today it was
#  formed, days it took to publish, validity, days before today validity changed, genre, body)
PUBLISHED = [
    # 示例省人民政府: regulations and provincial normative documents
    (
        "province",
        1,
        "art20-01",
        "示例省政府信息公开规定",
        "示例省人民政府令第215号",
        "regulation",
        400,
        6,
        "in_force",
        None,
        "令",
        _p(
            "第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，根据《中华人民共和国政府信息公开条例》，结合本省实际，制定本规定。",
            "第二条　本省各级行政机关应当坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则。",
        ),
    ),
    (
        "province",
        2,
        "art20-01",
        "示例省行政规范性文件管理办法",
        "示例省人民政府令第198号",
        "regulation",
        1500,
        10,
        "repealed",
        380,
        "令",
        _p("本办法自公布之日起施行。行政规范性文件实行统一登记、统一编号、统一发布制度。"),
    ),
    (
        "province",
        3,
        "art20-01",
        "示例省人民政府关于进一步优化营商环境的若干意见",
        "示政〔2025〕8号",
        "normative_document",
        300,
        5,
        "in_force",
        None,
        "意见",
        _p(
            "各市人民政府，省政府各部门：为持续优化营商环境，激发市场主体活力，提出如下意见。",
            "一、深化“放管服”改革，压减行政许可事项。",
        ),
    ),
    (
        "province",
        4,
        "art20-01",
        "示例省人民政府办公厅关于印发示例省突发事件总体应急预案的通知",
        "示政办发〔2019〕21号",
        "normative_document",
        2200,
        12,
        "expired",
        200,
        "通知",
        _p("《示例省突发事件总体应急预案》已经省人民政府同意，现印发给你们，请认真贯彻执行。"),
    ),
    (
        "province",
        5,
        "art20-03",
        "示例省国民经济和社会发展第十五个五年规划纲要",
        "",
        "other",
        250,
        15,
        "in_force",
        None,
        "规划",
        _p("本纲要阐明全省战略意图，明确政府工作重点，引导规范市场主体行为。"),
    ),
    (
        "province",
        6,
        "art20-07",
        "示例省2026年省级预算公开说明",
        "",
        "other",
        60,
        18,
        "in_force",
        None,
        "预算",
        _p("根据《中华人民共和国预算法》，现将2026年省级一般公共预算、政府性基金预算公开如下。"),
    ),
    # 青山市人民政府
    (
        "青山市",
        1,
        "art20-01",
        "青山市人民政府关于印发青山市城市管理办法的通知",
        "青政〔2024〕15号",
        "normative_document",
        700,
        8,
        "in_force",
        None,
        "通知",
        _p(
            "各县人民政府，市政府各部门：《青山市城市管理办法》已经市政府常务会议研究通过，现印发给你们。"
        ),
    ),
    (
        "青山市",
        2,
        "art20-01",
        "青山市人民政府关于废止部分行政规范性文件的决定",
        "青政〔2025〕30号",
        "normative_document",
        150,
        9,
        "in_force",
        None,
        "决定",
        _p("经清理，市政府决定废止《青山市城市道路挖掘管理规定》等5件行政规范性文件。"),
    ),
    (
        "青山市",
        3,
        "art20-01",
        "青山市城市道路挖掘管理规定",
        "青政〔2018〕7号",
        "normative_document",
        2700,
        11,
        "repealed",
        140,
        "规定",
        _p("第一条　为加强城市道路挖掘管理，保障城市道路完好和交通安全，制定本规定。"),
    ),
    (
        "青山市",
        4,
        "art21-01",
        "青山市2026年城市道路维修计划",
        "",
        "other",
        90,
        35,
        "in_force",
        None,
        "计划",
        _p("2026年计划维修城市主次干道12条，总长度18.6公里。"),
    ),
    (
        "青山市",
        5,
        "art21-07",
        "青山市最低生活保障标准调整公告",
        "",
        "other",
        45,
        12,
        "in_force",
        None,
        "公告",
        _p(
            "自2026年1月1日起，城市居民最低生活保障标准调整为每人每月850元，农村居民调整为每人每月680元。"
        ),
    ),
    (
        "青山市",
        6,
        "art20-07",
        "青山市2025年市级决算公开",
        "",
        "other",
        120,
        40,
        "in_force",
        None,
        "决算",
        _p("现将青山市2025年市级一般公共预算收支决算公开如下。"),
    ),
    (
        "青山市",
        7,
        "art20-03",
        "青山市国土空间总体规划（2021—2035年）",
        "",
        "other",
        500,
        20,
        "in_force",
        None,
        "规划",
        _p("规划范围为青山市行政辖区全域，规划期限为2021年至2035年。"),
    ),
    # 青山市教育局
    (
        "青山市:教育局",
        1,
        "art20-01",
        "青山市教育局关于做好2026年义务教育招生入学工作的通知",
        "青教〔2026〕3号",
        "normative_document",
        70,
        7,
        "in_force",
        None,
        "通知",
        _p(
            "各县教育局，市直各学校：为做好2026年义务教育招生入学工作，保障适龄儿童少年依法接受义务教育，现就有关事项通知如下。",
            "一、坚持免试就近入学。公办学校实行划片招生，民办学校纳入审批地统一管理。",
        ),
    ),
    (
        "青山市:教育局",
        2,
        "art20-01",
        "青山市教育局关于规范中小学课后服务收费的通知",
        "青教〔2023〕18号",
        "normative_document",
        900,
        10,
        "repealed",
        100,
        "通知",
        _p("课后服务坚持学生自愿参加原则，收费标准报价格主管部门备案。"),
    ),
    (
        "青山市:教育局",
        3,
        "art20-01",
        "青山市中小学课后服务管理办法",
        "青教规〔2025〕1号",
        "normative_document",
        110,
        8,
        "in_force",
        None,
        "办法",
        _p("第一条　为规范中小学课后服务，减轻家庭负担，制定本办法。"),
    ),
    (
        "青山市:教育局",
        4,
        "art20-01",
        "青山市学前教育收费管理实施细则",
        "青教〔2021〕9号",
        "normative_document",
        1700,
        14,
        "expired",
        500,
        "细则",
        _p("本细则有效期五年。"),
    ),
    (
        "青山市:教育局",
        5,
        "art20-07",
        "青山市教育局2026年部门预算",
        "",
        "other",
        50,
        17,
        "in_force",
        None,
        "预算",
        _p("青山市教育局2026年收支预算总额3.2亿元，其中一般公共预算拨款2.9亿元。"),
    ),
    (
        "青山市:教育局",
        6,
        "art20-11",
        "2026年春季学期家庭经济困难学生资助政策解读",
        "",
        "other",
        40,
        36,
        "in_force",
        None,
        "解读",
        _p("本学期资助政策覆盖学前教育、义务教育和普通高中三个学段。资助资金直接发放到学生家庭。"),
    ),
    (
        "青山市:教育局",
        7,
        "art20-14",
        "青山市教育系统2026年公开招聘教师公告",
        "",
        "other",
        30,
        5,
        "in_force",
        None,
        "公告",
        _p(
            "经研究，青山市教育系统2026年公开招聘中小学教师120名。报名时间：2026年4月1日至4月10日。"
        ),
    ),
    (
        "青山市:教育局",
        8,
        "news",
        "市教育局召开2026年全市教育工作会议",
        "",
        "other",
        41,
        1,
        "in_force",
        None,
        "动态",
        _p("会议总结了2025年全市教育工作，部署了2026年重点任务。"),
    ),
    (
        "青山市:教育局",
        9,
        "art20-13",
        "2025年秋季学期学校食品安全监督检查情况",
        "",
        "other",
        160,
        30,
        "in_force",
        None,
        "通报",
        _p("共检查学校食堂136所，发现问题21个，已全部整改到位。"),
    ),
    (
        "青山市:教育局",
        10,
        "art20-05",
        "民办学校办学许可办理指南",
        "",
        "other",
        260,
        3,
        "in_force",
        None,
        "指南",
        _p("办理依据：《中华人民共和国民办教育促进法》。办理时限：20个工作日。"),
    ),
]

# (agency key, title, column code, status, days before today formed, body)
DRAFTS = [
    (
        "青山市:教育局",
        "青山市教育局关于2026年暑期学校安全工作的通知",
        "art20-12",
        Status.SUBMITTED,
        10,
        _p("暑假期间，各学校要落实安全责任，开展防溺水专题教育。"),
    ),
    (
        "青山市:教育局",
        "2026年市级优秀教师拟表彰名单公示",
        "art20-15",
        Status.DRAFT,
        8,
        _p("公示期间如有异议，请联系市教育局人事科，联系人：李老师，电话13912345678。"),
    ),
    (
        "青山市:教育局",
        "青山市教育局2026年政府信息公开工作要点",
        "rules",
        Status.REVIEWED,
        30,
        _p("全面落实《政府信息公开条例》，加强政策解读和回应关切。"),
    ),
    (
        "青山市",
        "青山市2026年第一季度重大建设项目进展情况",
        "art20-10",
        Status.DRAFT,
        35,
        _p("一季度全市重大建设项目完成投资86亿元。"),
    ),
]


def _aware(d: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour, 0)))


@transaction.atomic
def build(agencies: dict[str, Agency]) -> dict:
    today = timezone.localdate()
    for agency in agencies.values():
        services.ensure_catalogue(agency)
    edu = agencies["青山市:教育局"]
    Column.objects.get_or_create(
        agency=edu,
        code="news",
        defaults={"name": "工作动态", "kind": "custom", "update_cycle_days": 14, "position": 5},
    )
    created = 0
    by_key: dict[tuple[str, int], Publication] = {}
    for (
        key,
        serial,
        col_code,
        title,
        docno,
        kind,
        formed_ago,
        lag,
        validity,
        changed_ago,
        genre,
        body,
    ) in PUBLISHED:
        agency = agencies[key]
        formed = today - timedelta(days=formed_ago)
        index_number = f"{agency.org_code}/{formed.year}-{90000 + serial:05d}"
        existing = Publication.objects.filter(index_number=index_number).first()
        if existing:
            by_key[(key, serial)] = existing
            continue
        published_at = _aware(formed + timedelta(days=lag))
        clean = sanitise_body(body)
        pub = Publication(
            agency=agency,
            column=Column.objects.get(agency=agency, code=col_code),
            publisher=agency,
            title=title,
            index_number=index_number,
            document_number=docno,
            issued_on=formed,
            formed_on=formed,
            published_at=published_at,
            kind=kind,
            genre=genre,
            validity=validity,
            validity_changed_on=(today - timedelta(days=changed_ago)) if changed_ago else None,
            body=clean,
            body_text=html_to_text(clean),
            status=Status.PUBLISHED,
            keywords=genre,
        )
        pub.publication_due_on = services.due_date(formed, agency)
        pub.is_late = timezone.localdate(published_at) > pub.publication_due_on
        pub.save()
        services._snapshot(pub, None, "示例数据")
        by_key[(key, serial)] = pub
        created += 1
    # 青山市城市道路挖掘管理规定 was repealed by the 2025 decision.
    repealed, decision = by_key.get(("青山市", 3)), by_key.get(("青山市", 2))
    if repealed and decision and repealed.superseded_by_id is None:
        Publication.objects.filter(pk=repealed.pk).update(superseded_by=decision)
    # The 2026 资助 interpretation explains the admission notice.
    policy, interp = by_key.get(("青山市:教育局", 1)), by_key.get(("青山市:教育局", 6))
    if policy and interp:
        services.link_interpretation(None, policy, interp)

    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.filter(username="clerk").first()
    reviewer = get_user_model().objects.filter(username="reviewer").first()
    for key, title, col_code, status, formed_ago, body in DRAFTS:
        agency = agencies[key]
        if Publication.objects.filter(agency=agency, title=title).exists():
            continue
        pub = services.create_publication(
            clerk,
            agency,
            {
                "column": Column.objects.get(agency=agency, code=col_code),
                "title": title,
                "formed_on": today - timedelta(days=formed_ago),
                "body": body,
            },
        )
        created += 1
        if status in (Status.SUBMITTED, Status.REVIEWED) and not pub.privacy_findings.exists():
            pub = services.submit(clerk, pub)
            if status == Status.REVIEWED:
                services.review(reviewer, pub, disclosure_mode="proactive", secrecy_ok=True)
    services.refresh_clock(Publication.objects.filter(agency__in=list(agencies.values())))
    return {"publications_created": created}
