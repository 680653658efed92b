"""Generate realistic Chinese government documents (deterministic) for benchmarks.

    python bench/gen_documents.py --n 1000000 --out var/bench/docs.jsonl   # ~1 M documents
    python bench/gen_documents.py --n 1000 | head -c 2000                     # a look

Documents follow the shape of real 主动公开 pages: a title "关于…的通知/意见/公告", an agency, a
文号 such as 青教发〔2024〕37号, an 索引号 such as 000014349/2024-00037, and a body of template
sentences filled from a vocabulary (policies, places, measures, figures, dates). About 2% are
written in traditional characters (as some imported archives are), so traditional/simplified
folding is exercised. Same seed, same documents.
Printed at the end (stderr): documents per second and MB generated.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta

CITIES = ["青山", "松林", "白水", "云岭", "东湖", "石桥", "柳川", "金沙", "南屏", "北塘"]
COUNTY_SUFFIX = ["县", "区", "市"]
TOWNS = ["城关镇", "新河镇", "桃源乡", "双溪镇", "龙泉乡", "清水镇", "大坪乡", "花园街道"]
DEPARTMENTS = [
    ("教育局", "教"),
    ("财政局", "财"),
    ("人力资源和社会保障局", "人社"),
    ("自然资源和规划局", "自然资源"),
    ("住房和城乡建设局", "建"),
    ("交通运输局", "交"),
    ("农业农村局", "农"),
    ("卫生健康委员会", "卫健"),
    ("生态环境局", "环"),
    ("市场监督管理局", "市监"),
    ("应急管理局", "应急"),
    ("民政局", "民"),
    ("发展和改革委员会", "发改"),
    ("人民政府办公室", "政办"),
]
TOPICS = [
    "义务教育阶段学生资助",
    "城乡居民基本医疗保险",
    "最低生活保障",
    "农村土地承包经营权流转",
    "安全生产专项整治",
    "食品安全监督抽检",
    "政府集中采购目录及限额标准",
    "行政事业性收费项目",
    "重大建设项目批准和实施",
    "突发公共事件应急预案",
    "公务员考试录用",
    "财政预算决算公开",
    "优化营商环境",
    "生活垃圾分类",
    "老旧小区改造",
    "高标准农田建设",
    "河湖长制工作",
    "就业创业补贴",
    "养老服务体系建设",
    "政务公开工作要点",
    "行政许可事项清单",
    "行政处罚裁量基准",
    "大气污染防治",
    "防汛抗旱",
    "乡村振兴",
    "社会救助",
    "住房公积金管理",
    "公共资源交易",
    "中小学校舍安全",
    "医疗卫生服务能力提升",
]
GENRES = [
    ("通知", "关于{verb}{topic}工作的通知"),
    ("通知", "关于印发《{place}{topic}实施方案》的通知"),
    ("意见", "关于进一步加强{topic}的实施意见"),
    ("公告", "关于{topic}有关事项的公告"),
    ("办法", "{place}{topic}管理办法"),
    ("报告", "{place}{year}年{topic}工作情况报告"),
    ("批复", "关于{place}{topic}有关问题的批复"),
    ("公示", "{year}年度{topic}名单公示"),
]
VERBS = ["做好", "开展", "推进", "规范", "加强", "落实", "调整", "部署"]
MEASURES = [
    "建立健全工作机制",
    "压实主体责任",
    "加强部门协同配合",
    "强化督促检查",
    "完善信息公开制度",
    "提高服务质量和效率",
    "加大资金保障力度",
    "规范审批程序",
    "推行“一网通办”",
    "落实首问负责制",
    "开展专项督查",
    "加强宣传引导",
    "畅通群众反映问题渠道",
    "严格执行收费标准",
    "做好政策解读工作",
]
SENTENCES = [
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步做好{topic}工作，结合我{unit}实际，现就有关事项{notice}如下。",
    "各{unit2}要高度重视{topic}工作，{measure}，{measure2}，确保各项任务落到实处。",
    "{year}年，全{unit}共安排{topic}资金{money}万元，惠及群众{people}人次，同比增长{pct}%。",
    "截至{year}年{month}月底，{place}已完成{topic}任务{num}项，完成率{pct}%。",
    "对工作推进不力、群众反映强烈的，将按照有关规定予以通报，并依法依规追究相关人员责任。",
    "申请人可通过{place}政务服务网、政府信息公开平台或者到{place}政务服务中心窗口提出申请。",
    "本{doc}自{year}年{month}月{day}日起施行，有效期{valid}年。",
    "联系人：{place}{dept}{office}，联系电话：0{tel}。",
    "{place}{dept}将会同有关部门{measure}，及时研究解决{topic}中遇到的困难和问题。",
    "各地要按照“谁主管、谁负责”的原则，{measure}，{measure2}，形成工作合力。",
    "经研究，同意{place}{topic}项目实施方案，项目总投资{money}万元，建设周期{valid}年。",
    "请各{unit2}于{year}年{month}月{day}日前将{topic}工作开展情况报送{place}{dept}。",
    "（{cn}）{measure}。{measure2}，{topic}工作纳入年度绩效考核。",
    "依据《{place}{topic}管理办法》第{cn}条规定，{place}{dept}对相关单位进行了检查。",
    "本次共抽检样品{num}批次，合格{num2}批次，不合格样品已依法处置并向社会公布。",
]
UNITS = ["市", "县", "区", "镇"]
UNITS2 = ["县（市、区）人民政府", "乡镇人民政府", "有关部门", "学校", "街道办事处", "直属单位"]
OFFICES = ["办公室", "政策法规科", "综合科", "财务科", "信息公开办公室"]
CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]

START = datetime(2008, 5, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)


def _s2t():
    import opencc

    return opencc.OpenCC("s2t").convert


def generate(n: int, seed: int = 2026, agencies: int = 200, columns_per_agency: int = 8):
    """Yield ``n`` documents as dicts, oldest first (ids follow publication order)."""
    rnd = random.Random(seed)
    s2t = None
    span = (END - START).total_seconds()
    serials: dict = {}
    for i in range(1, n + 1):
        published = START + timedelta(seconds=span * (i - 1) / max(1, n - 1))
        year = published.year
        agency_no = rnd.randrange(agencies)
        city = CITIES[agency_no % len(CITIES)]
        dept, short = DEPARTMENTS[agency_no % len(DEPARTMENTS)]
        place = city + ("市" if agency_no % 3 == 0 else rnd.choice(COUNTY_SUFFIX))
        topic = rnd.choice(TOPICS)
        genre, tmpl = rnd.choice(GENRES)
        title = tmpl.format(verb=rnd.choice(VERBS), topic=topic, place=place, year=year)
        key = (agency_no, year)
        serials[key] = serials.get(key, 0) + 1
        serial = serials[key]
        org_code = f"{10000000 + agency_no * 7919 % 89999999:08d}{agency_no % 10}"
        index_number = f"{org_code}/{year}-{serial:05d}"
        document_number = (
            f"{city[0]}{short}{'发' if rnd.random() < 0.6 else '函'}〔{year}〕{serial}号"
            if rnd.random() < 0.7
            else ""
        )
        parts = []
        for _ in range(rnd.randint(14, 44)):
            parts.append(
                rnd.choice(SENTENCES).format(
                    topic=rnd.choice([topic, topic, rnd.choice(TOPICS)]),
                    unit=rnd.choice(UNITS),
                    unit2=rnd.choice(UNITS2),
                    notice=rnd.choice(["通知", "公告", "说明"]),
                    measure=rnd.choice(MEASURES),
                    measure2=rnd.choice(MEASURES),
                    year=rnd.randint(year - 2, year),
                    month=rnd.randint(1, 12),
                    day=rnd.randint(1, 28),
                    money=rnd.randint(10, 99999),
                    people=rnd.randint(100, 500000),
                    pct=rnd.randint(1, 100),
                    num=rnd.randint(1, 999),
                    num2=rnd.randint(1, 999),
                    place=rnd.choice([place, place, rnd.choice(CITIES) + "市"])
                    + (rnd.choice(TOWNS) if rnd.random() < 0.2 else ""),
                    dept=dept,
                    office=rnd.choice(OFFICES),
                    tel=rnd.randint(100000000, 999999999),
                    doc=genre if genre in ("办法", "意见", "通知") else "文件",
                    valid=rnd.randint(1, 5),
                    cn=rnd.choice(CN),
                )
            )
        paragraphs, k = [], 0
        while k < len(parts):
            step = rnd.randint(2, 4)
            paragraphs.append("".join(parts[k : k + step]))
            k += step
        body = "\n".join(paragraphs)
        if rnd.random() < 0.02:  # imported archives in traditional characters
            s2t = s2t or _s2t()
            title, body = s2t(title), s2t(body)
        yield {
            "id": i,
            "agency_id": agency_no + 1,
            "column_id": (agency_no * columns_per_agency) + rnd.randrange(columns_per_agency) + 1,
            "year": year,
            "title": title,
            "body_text": body,
            "index_number": index_number,
            "document_number": document_number,
            "published_at": published.isoformat(),
        }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default="-", help="JSON lines file (default: stdout)")
    args = ap.parse_args(argv)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    t0 = time.perf_counter()
    chars = 0
    for d in generate(args.n, args.seed):
        chars += len(d["body_text"]) + len(d["title"])
        out.write(json.dumps(d, ensure_ascii=False) + "\n")
    dt = time.perf_counter() - t0
    if out is not sys.stdout:
        out.close()
    print(
        f"generated {args.n} documents, {chars / 1e6:.1f} M characters in {dt:.1f} s "
        f"({args.n / dt:,.0f} docs/s, {chars / args.n:,.0f} chars/doc)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
