"""What a report is: title, agency, year reported on, format, publication date, level."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from .normalize import cn_to_int

HEADER_KEYS = (
    "标题",
    "发布时间",
    "发布日期",
    "发文日期",
    "成文日期",
    "发布机构",
    "文号",
    "索引号",
    "信息来源",
    "来源",
    "公开目录",
    "栏目",
    "主题词",
)
_HEADER = re.compile(r"^[ \t•·\-*]*(" + "|".join(HEADER_KEYS) + r")[ \t]*[:][ \t]*(.*)$", re.M)
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$", re.M)
_CHROME_END = re.compile(
    r"扫一扫在手机|扫一扫在手机打开|关联稿件|【打印本页】|【关闭窗口】|打印本页|关闭窗口|版权所有|"
    r"主办单位|技术支持|网站标识码|ICP备|上一篇|下一篇|相关链接|相关文章|相关阅读"
)


def split_header(text: str) -> tuple[dict, str]:
    """Archiver/page header fields (标题, 发布时间 …) and the body after them."""
    fields: dict[str, str] = {}
    m = _BODY_MARK.search(text[:5000])
    head = text[: m.start()] if m else text[:1500]
    for hm in _HEADER.finditer(head):
        key, val = hm.group(1), hm.group(2).strip()
        if val and key not in fields:
            fields[key] = val
    # 发布时间:2020-01-31 12:14信息来源:… on one line
    for k in list(fields):
        fields[k] = re.split(r"\s*(?:" + "|".join(HEADER_KEYS) + r")\s*:", fields[k])[0].strip()
    body = text[m.end() :] if m else text
    return fields, body


def cut_chrome(body: str) -> str:
    """Drop the page footer (扫一扫, 版权所有 …) that follows the article."""
    half = len(body) // 2
    m = _CHROME_END.search(body, half)
    return body[: m.start()] if m else body


_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_CN_DATE = re.compile(
    r"([二〇零一三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日"
)


def parse_date(s: str) -> date | None:
    m = _DATE.search(s or "")
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = _CN_DATE.search(s or "")
    if m:
        y = "".join(
            str("〇一二三四五六七八九".index(c)) if c in "〇一二三四五六七八九" else "0"
            for c in m.group(1)
        )
        mo, d = cn_to_int(m.group(2)), cn_to_int(m.group(3))
        try:
            return date(int(y), mo or 0, d or 0)
        except ValueError:
            return None
    return None


_TITLE_LINE = re.compile(r"(年度报告|年报|工作报告|情况报告|的函|要点|落实情况|总结)")


_Y = r"(?:(?:19|20)\d{2}|[二〇零一两三四五六七八九]{4})"
# the report's own title inside the text: "[年份]机关名[年份]年度政府信息公开工作年度报告",
# possibly broken over two lines after the agency or before 政府信息公开
_TITLE_IN_TEXT = re.compile(
    r"(?P<y1>" + _Y + r"\s*年度?)?\s*(?P<agency>[\u4e00-\u9fff()（）]{2,40}?)\s*"
    r"(?P<y2>"
    + _Y
    + r"\s*年度?)?\s*(?P<rest>(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报))"
)
# site chrome and lead-in words glued in front of the agency in flattened pages
_TITLE_LEAD = re.compile(
    r".*(?:当前位置|您的位置|所在位置|位置|首页|主页|政务公开|信息公开|政府信息|公开年报|年度报告|"
    r"年报|工作报告|正文|详情|内容|现将|现予|公布|发布|印发|编制|关于)"
)
_NO_AGENCY = re.compile(r"^(?:" + _Y + r"\s*年度?\s*)?(?:政府|政务)?信息公开")


def title_agency(s: str) -> str:
    """The agency part of a title-like string, '' when it has none."""
    m = _TITLE_IN_TEXT.search(s)
    if not m or not (m.group("y1") or m.group("y2")):
        return ""
    name = _TITLE_LEAD.sub("", m.group("agency"))
    if len(name) < 2 or _BAD_PLACE.match(name) or not _AGENCY_END.search(name):
        return ""
    return name


def title_in_text(body: str, window: int = 800) -> str:
    """Fallback for pages without <title> or a 标题 field (flattened text): the first
    "…政府信息公开工作年度报告" near the start of the text that names an agency and a year,
    with site chrome (当前位置 … >) and line breaks inside it removed."""
    head = body[:window]
    for m in _TITLE_IN_TEXT.finditer(head):
        if not (m.group("y1") or m.group("y2")):
            continue
        name = title_agency(m.group(0))
        if not name:
            continue
        y1 = re.sub(r"\s+", "", m.group("y1") or "")
        y2 = re.sub(r"\s+", "", m.group("y2") or "")
        return f"{y1}{name}{y2}{m.group('rest')}"
    return ""


def find_title(fields: dict, body: str, meta: dict) -> str:
    if fields.get("标题"):
        return fields["标题"]
    if meta.get("title") and re.search(r"(报告|年报|函)", meta["title"]):
        return re.split(r"[_|-]{1,2}\s*\S*(?:网|政府)\S*$", meta["title"])[0].strip()
    lines = body.strip().splitlines()[:15]
    for i, line in enumerate(lines):
        s = line.strip()
        if ">" in s or "当前位置" in s or "位置:" in s:
            continue  # breadcrumb
        if 6 <= len(s) <= 80 and _TITLE_LINE.search(s) and "根据" not in s[:4]:
            if _NO_AGENCY.match(s):
                # title over two lines: "某某县人民政府办公室" / "2019年政府信息公开工作年度报告"
                # or "2019年某某县人民政府" / "政府信息公开工作年度报告"
                prev = next((x.strip() for x in reversed(lines[:i]) if x.strip()), "")
                joined = prev + s
                if prev and len(prev) <= 40 and title_agency(joined):
                    return joined
                # a column name (政府信息公开年报) above the real title
                found = title_in_text(body)
                if found:
                    return found
            return s
        # a long first paragraph may begin with the title (pingtan page.txt bodies)
        m = re.match(
            r"^(\S{4,40}?(?:\d{4}|[二〇零一两三四五六七八九]{4})年度?政府信息公开工作年度报告)", s
        )
        if m:
            return m.group(1)
    return title_in_text(body)


_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([二〇零一三四五六七八九]{4})\s*年")
_PERIOD = re.compile(
    r"统计(?:期限|时限|区间|时间)[^。]{0,10}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)


def _cn_year(s: str) -> int | None:
    digits = "〇一二三四五六七八九"
    m = _CN_YEAR.search(s)
    if not m:
        return None
    y = "".join(
        str(digits.index(c)) if c in digits else ("0" if c == "零" else "") for c in m.group(1)
    )
    return int(y) if len(y) == 4 else None


def find_year(title: str, body: str) -> int | None:
    for src in (title,):
        m = _YEAR_IN_TITLE.search(src or "")
        if m:
            return int(m.group(1))
        y = _cn_year(src or "")
        if y:
            return y
    m = re.search(
        r"((?:19|20)\d{2})\s*年度?\s*(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)", body[:5000]
    )
    if m:
        return int(m.group(1))
    m = _PERIOD.search(body)
    if m:
        return int(m.group(1))
    m = re.search(r"((?:19|20)\d{2})\s*年度?(?:政府)?(?:信息公开|政务公开)", body[:3000])
    if m:
        return int(m.group(1))
    years = [int(y) for y in re.findall(r"(?<!\d)((?:200[7-9]|20[1-3]\d))\s*年", body[:4000])]
    if years:
        return Counter(years).most_common(1)[0][0]
    return None


_MARK_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年收费金额|逾期不补正|缴纳费用")
_MARK_2019 = re.compile(
    r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|采购项目数量|第二十条第\(九\)项"
)
_MARK_T3 = re.compile(r"本年新收政府信息公开申请|上年结转政府信息公开申请|结转下年度继续办理")
_NOT_REPORT_TITLE = re.compile(r"要点|落实情况|的函|通知|方案|意见|工作总结|计划|批复|公告")
_REPORT_TITLE = re.compile(r"信息公开[^，。]{0,8}(年度报告|年报)|年度报告|年报")
_AREAS = (
    re.compile(r"主动公开"),
    re.compile(r"依申请|申请公开|公开申请"),
    re.compile(r"行政复议|复议"),
    re.compile(r"行政诉讼|诉讼"),
)


def detect_format(title: str, body: str, year: int | None) -> str:
    compact = re.sub(r"\s+", "", body)
    if len(compact) < 80:
        return "unknown"
    if title and not _REPORT_TITLE.search(title) and _NOT_REPORT_TITLE.search(title):
        return "not_annual_report"
    if _MARK_2021.search(compact):
        return "2021"
    if _MARK_2019.search(compact):
        return "2019"
    areas = sum(1 for rx in _AREAS if rx.search(compact))
    if _MARK_T3.search(compact):
        return "2019" if (year or 2021) <= 2020 else "2021"
    if "信息公开" not in compact or areas < 2:
        return "not_annual_report" if len(compact) > 300 else "unknown"
    if year is None:
        return "unknown"
    if year <= 2018:
        return "pre2019"
    return "2019" if year <= 2020 else "2021"


# --- agency ---------------------------------------------------------------------------------
_PUBLISH_STMT = re.compile(
    r"(?:公布|发布|公开|编制)(?:了)?\s*([\u4e00-\u9fff()（）]{2,30}?)\s*(?:\d{4}|[二〇零一两三四五六七八九]{4})\s*年度?(?:政府|政务)?信息公开"
)
_SITE = re.compile(r"电子版[^。]{0,6}?(?:在|从|登录)\s*([\u4e00-\u9fff()（）]{2,30}?)(?:门户)?网站")
_PLACE = re.compile(
    r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,5}?[省市县区州旗镇乡])(?=人民政府|政府|本级|各级|委|办|[\u4e00-\u9fff]{0,4}局)"
)
_BAD_PLACE = re.compile(r"^(全|我|本|各|该|市|县|区|省|州|镇|乡|中|在|对|由|向|从|为)")


_AGENCY_END = re.compile(
    r"(政府|办公室|办公厅|局|委员会|管委会|委|办|中心|区|县|市|州|省|镇|乡|街道|厅|院|署|会|所|站|队)[)）]?$"
)


def find_agency(title: str, fields: dict, body: str) -> str:
    head = body[:2500]
    for m in _PUBLISH_STMT.finditer(head):
        if not _BAD_PLACE.match(m.group(1)) and _AGENCY_END.search(m.group(1)):
            return m.group(1)
    if title:
        m = re.match(r"^\s*(.+?)\s*(?:关于)?(?:\d{4}|[二〇零一两三四五六七八九]{4})\s*年", title)
        name = m.group(1).strip().removesuffix("关于") if m else ""
        if len(name) >= 2 and not _BAD_PLACE.match(name) and name != "关于":
            return name
        m = re.match(
            r"^\s*(?:\d{4}|[二〇零一两三四五六七八九]{4})\s*年度?\s*(.{2,30}?)(?:政府|政务)?信息公开",
            title,
        )
        if m and not _BAD_PLACE.match(m.group(1)):
            return m.group(1).strip()
    if fields.get("发布机构"):
        return fields["发布机构"]
    m = _SITE.search(head)
    if m and not _BAD_PLACE.match(m.group(1)):
        name = m.group(1)
        return name if name.endswith(("政府", "局", "委员会", "办公室")) else name
    # the signature above the closing date: "某某县人民政府办公室\n2021年1月20日"
    tail = [ln.strip() for ln in body.strip().splitlines()[-6:] if ln.strip()]
    for i, ln in enumerate(tail):
        if re.fullmatch(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日", ln) and i > 0:
            sig = tail[i - 1]
            if len(sig) <= 30 and _AGENCY_END.search(sig) and not re.search(r"[。，,；;：:]", sig):
                return sig
    places = Counter(p for p in _PLACE.findall(body[:20000]) if not _BAD_PLACE.match(p))
    if places:
        return places.most_common(1)[0][0]
    return ""


def agency_level(agency: str, body: str) -> str:
    """province / prefecture / county / township / unknown (a heuristic, for plausibility)."""
    a = agency or ""
    if re.search(
        r"(镇|乡|街道)(人民政府|办事处)?$|(镇|乡|街道)[\u4e00-\u9fff]{0,6}$", a
    ) and not re.search(r"[市县区]$", a):
        return "township"
    if re.search(r"县|旗", a):
        return "county"
    if re.search(r"省|自治区", a) and not re.search(r"[市县]", a):
        return "province"
    # The four 直辖市 are province-level (their bodies may make 规章); their 区 are not.
    if re.match(r"(北京|天津|上海|重庆)市", a) and not re.search(r"[区县]", a[3:]):
        return "province"
    # A 市辖区 (including a 新区 such as 浦东新区) and its departments: county level for what
    # they may issue; development zones and 实验区 stay unknown.
    if re.search(r"市[\u4e00-\u9fff]{1,6}?区", a) and not re.search(
        r"开发区|实验区|高新区|经开区|示范区|园区", a
    ):
        return "county"
    head = body[:3000]
    if re.search(r"县本级|全县", body[:20000]):
        return "county"
    m = re.match(r"^([\u4e00-\u9fff]{2,4}?)市", a)
    if m:
        city = m.group(1)
        # a 市 governed by another 市 (县级市): the preamble cites the superior city's notice
        others = {
            x
            for x in re.findall(r"([\u4e00-\u9fff]{2,4}?)市人民政府(?:办公室|办公厅)?关于", head)
            if x != city
        }
        if (
            others
            and "乡镇" in body
            and not re.search(r"各?县[(（]?[市区][)）]?|区县|县区", body[:20000])
        ):
            return "county"
        return "prefecture"
    if re.search(r"区(人民政府|政府)?$", a) and not re.search(
        r"新区|开发区|实验区|高新区|经开区", a
    ):
        return "county"
    return "unknown"


def is_government(agency: str) -> bool:
    """The government's own report (deadline 31 March) rather than a department's (31 Jan)."""
    a = agency or ""
    if re.search(r"办公室|办公厅|局|委员会办公室|厅|中心|委$", a):
        return False
    return bool(re.search(r"(人民政府|政府|管委会|管理委员会|实验区|新区|[市县区])$", a))
