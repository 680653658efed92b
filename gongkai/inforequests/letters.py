"""Written notices and replies of an application (告知书/答复书), as DOCX and PDF.

Every step for which the Regulation (国务院令第711号) requires a written notice produces a letter:

=================  =====================================  ========================================
kind               document                               legal basis
=================  =====================================  ========================================
``receipt``        政府信息公开申请受理回执                Art. 31 (receipt day), Art. 33 (20 WD)
``amendment``      补正申请告知书                          Art. 29¶2, Art. 30 (once, within 7 WD)
``extension``      延期答复告知书                          Art. 33¶2 (≤ 20 WD, head's approval)
``custom_due``     另行确定答复期限告知书                  Art. 35
``consultation``   征求意见函 (third party / other organ)  Art. 32 (15 WD) / Art. 34 (15 WD)
``fee_notice``     信息处理费收费通知书                    国办函〔2020〕109号 (RULES.md F)
``reply``          政府信息公开申请答复书                  Arts. 36–39, 35, 30 by outcome
=================  =====================================  ========================================

One Django template per kind (``templates/inforequests/letters/<kind>.html``) renders the HTML;
:func:`gongkai.documents.pdf.html_to_pdf` turns it into the PDF and
:func:`gongkai.documents.docx.html_to_docx` into the editable DOCX, so both carry the same text.
Letters are official Chinese documents: they are rendered in zh-hans whatever the UI language.

Entry points: :func:`render_letter` (kind + context → bytes, no database),
:func:`schedule_for_event` (an ``InfoRequestEvent`` → pending ``Letter`` rows, rendered after the
action's commit; what the inforequests services call) and :func:`generate_for_event` (the same,
rendered at once).

Privacy: a letter to the applicant names the applicant (it is addressed to them) but never their
ID number or phone; letters are downloadable only by the applicant (tracking number + access code)
and by staff allowed to view the case (``public_views.letter_download``). The consultation letter
goes to a third party and never names the applicant (Art. 15 protects the applicant too); it is
not offered to the applicant.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from gongkai.documents import clean_text, format_cn_date
from gongkai.documents.docx import html_to_docx, to_bytes
from gongkai.documents.pdf import html_to_pdf

log = logging.getLogger(__name__)

REGULATION = "《中华人民共和国政府信息公开条例》"
FEE_MEASURES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"

# ---------------------------------------------------------------------------- remedies
# The figures below rest on (RULES.md §G says "verify"; checked for this module):
# * 《中华人民共和国行政复议法》 (revised 2023-09-01, in force 2024-01-01) Art. 20¶1: apply
#   "自知道或者应当知道该行政行为之日起六十日内" — wording confirmed against a quotation of the
#   2023 text (cn.law.ar#20, in force 2024-01-01) found with the search tool.
# * Same law Art. 23¶1(4): "申请政府信息公开，行政机关不予公开" must go to reconsideration first
#   (复议前置) — confirmed against a quotation of §23①(四). We apply it to every outcome that
#   withholds information on Arts. 14–16 grounds, including the withheld part of a partial
#   disclosure (conservative reading; Art. 36(7) "follow the special regime" is not a refusal).
# * 《中华人民共和国行政诉讼法》 Art. 46¶1: direct suit "自知道或者应当知道作出行政行为之日起
#   六个月内"; Art. 45: after reconsideration, 15 days from receiving the decision (or from the end
#   of the reconsideration period). Art. 46 wording confirmed against several quotations; Art. 45
#   from RULES.md G3 (not re-read).
# * Reconsideration body: 2023 law Art. 24 (from memory, not re-read): the 本级人民政府 for its
#   departments, 派出机关 and authorised organisations; the 上一级人民政府 for a government;
#   a provincial government hears cases on its own acts (Art. 25). See ``reconsideration_body``.
# The applicant learns of the act when the letter is served, so the letters count "自收到本…之日起".
RECONSIDERATION_DAYS = 60
LITIGATION_MONTHS = 6
LITIGATION_AFTER_RECONSIDERATION_DAYS = 15
RECONSIDERATION_LAW = "《中华人民共和国行政复议法》"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"

# Regulation time limits quoted in letters (all working days, RULES.md D5–D9).
REPLY_WORKDAYS = 20  # Art. 33¶2
CONSULTATION_WORKDAYS = 15  # Art. 32 / Art. 34
FEE_PAYMENT_WORKDAYS = 20  # RULES.md F7
MAX_EXTENSION_WORKDAYS = 20  # Art. 33¶2

KINDS = ("receipt", "amendment", "extension", "custom_due", "consultation", "fee_notice", "reply")
# The letters are official Chinese documents; the titles are also msgids for the UI around
# them (Letter.display_title).
KIND_TITLES = {
    "receipt": gettext_noop("政府信息公开申请受理回执"),
    "amendment": gettext_noop("补正申请告知书"),
    "extension": gettext_noop("延期答复告知书"),
    "custom_due": gettext_noop("另行确定答复期限告知书"),
    "consultation": gettext_noop("征求意见函"),
    "fee_notice": gettext_noop("信息处理费收费通知书"),
    "reply": gettext_noop("政府信息公开申请答复书"),
}
# Which event kind (models.EventKind) produces which letter.
EVENT_LETTERS = {
    "received": "receipt",
    "amendment_requested": "amendment",
    "extension_granted": "extension",
    "custom_due_date": "custom_due",
    "consultation_started": "consultation",
    "fee_notice_sent": "fee_notice",
    "replied": "reply",
}
# Letters the applicant may download on the tracking page (the consultation letter is not theirs).
APPLICANT_KINDS = frozenset(KINDS) - {"consultation"}


# ---------------------------------------------------------------------------- reply wording


@dataclass(frozen=True)
class Wording:
    """The decision paragraph of a reply for one outcome (GLOSSARY result-row key).

    ``text`` is a ``str.format`` template over the context (missing keys are empty); ``basis`` is
    the article list printed in the letter and stored as ``legal_basis``; ``reconsideration_first``
    marks 不予公开 decisions (行政复议法 2023 Art. 23¶1(4)).
    """

    basis: str
    text: str
    reconsideration_first: bool = False
    conclusion: str = ""


_WITHHELD_TAIL = "根据{regulation}{basis}的规定，本机关决定不予公开。{reasons_sentence}"

REPLY_WORDING: dict[str, Wording] = {
    # Art. 36(2): can be disclosed → provide it, or say how, where and when it can be obtained.
    "disclosed": Wording(
        "第三十六条第（二）项",
        "经审查，您申请获取的政府信息属于可以公开的政府信息。根据{regulation}{basis}的规定，"
        "本机关予以公开，{provision}{remark}",
        conclusion="予以公开",
    ),
    # Art. 37: separable → give the disclosable part, reasons for the rest.
    "partially_disclosed": Wording(
        "第三十七条",
        "经审查，您申请获取的政府信息中含有不应当公开的内容{withheld_ground}，但能够作区分处理。"
        "根据{regulation}{basis}的规定，本机关向您提供可以公开的部分，{provision}"
        "对不予公开的部分，{withheld_reasons}",
        reconsideration_first=True,
        conclusion="部分公开",
    ),
    # Art. 14 (三项), Art. 36(3): refuse and give reasons.
    "withheld.state_secret": Wording(
        "第十四条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于依法确定的国家秘密。" + _WITHHELD_TAIL,
        True,
        "不予公开",
    ),
    "withheld.prohibited_by_law": Wording(
        "第十四条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息{law_sentence}。"
        + _WITHHELD_TAIL,
        True,
        "不予公开",
    ),
    "withheld.security_stability": Wording(
        "第十四条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。"
        + _WITHHELD_TAIL,
        True,
        "不予公开",
    ),
    # Art. 15 (and Art. 32 if the third party was consulted).
    "withheld.third_party_rights": Wording(
        "第十五条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害"
        "{consulted_sentence}。" + _WITHHELD_TAIL,
        True,
        "不予公开",
    ),
    # Art. 16¶1: internal affairs — may be withheld.
    "withheld.internal_affairs": Wording(
        "第十六条第一款、第三十六条第（三）项",
        "经审查，您申请获取的信息属于人事管理、后勤管理、内部工作流程等方面的内部事务信息。"
        + _WITHHELD_TAIL,
        True,
        "不予公开",
    ),
    # Art. 16¶2: process information — may be withheld.
    "withheld.process_information": Wording(
        "第十六条第二款、第三十六条第（三）项",
        "经审查，您申请获取的信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿、"
        "磋商信函、请示报告等过程性信息。" + _WITHHELD_TAIL,
        True,
        "不予公开",
    ),
    # Art. 16¶2: administrative law-enforcement case files — may be withheld.
    "withheld.enforcement_files": Wording(
        "第十六条第二款、第三十六条第（三）项",
        "经审查，您申请获取的信息属于行政执法案卷信息。" + _WITHHELD_TAIL,
        True,
        "不予公开",
    ),
    # Art. 36(7): a law/regulation sets a special access regime (工商、不动产登记资料 …).
    "withheld.query_regime": Wording(
        "第三十六条第（七）项",
        "经审查，您申请获取的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取"
        "有特别规定的情形。根据{regulation}{basis}的规定，请您按照{special_law}的规定办理"
        "{where_sentence}。",
        conclusion="告知按照有关法律、行政法规的规定办理",
    ),
    # Art. 36(4) (searched, does not exist) — or Art. 36(5) (not ours), see _reply_variant.
    "unavailable.not_held": Wording(
        "第三十六条第（四）项",
        "经检索，本机关没有您申请获取的政府信息。根据{regulation}{basis}的规定，"
        "告知您该政府信息不存在。",
        conclusion="无法提供（本机关不掌握相关政府信息）",
    ),
    # Art. 38: would need processing or analysis.
    "unavailable.needs_creation": Wording(
        "第三十八条",
        "经审查，本机关没有您所描述的现成信息，您申请获取的信息需要本机关对现有政府信息进行"
        "加工、分析方能形成。根据{regulation}{basis}的规定，本机关不予提供。{reasons_sentence}",
        conclusion="无法提供（没有现成信息需要另行制作）",
    ),
    # Art. 29¶2, Art. 30: still unclear after 补正.
    "unavailable.unclear_after_amendment": Wording(
        "第二十九条第二款、第三十条",
        "本机关已{amendment_sent}向您发出补正申请告知书。经审查，您补正后的申请内容"
        "仍不明确，本机关无法据此确定您所需的政府信息。根据{regulation}{basis}的规定，"
        "本机关无法提供。您可以在明确所需政府信息的名称、文号或者其他特征性描述后重新提出申请。",
        conclusion="无法提供（补正后申请内容仍不明确）",
    ),
    # Art. 39¶1: petition/complaint/report in the form of an application.
    "not_processed.petition": Wording(
        "第三十九条第一款",
        "经审查，您以政府信息公开申请的形式提出的事项属于信访、投诉、举报等活动。"
        "根据{regulation}{basis}的规定，本机关不作为政府信息公开申请处理，"
        "您可以通过{petition_channel}提出。",
        conclusion="不予处理",
    ),
    # Art. 36(6): the same applicant repeats an answered request.
    "not_processed.repeated": Wording(
        "第三十六条第（六）项",
        "经查，本机关已就您提出的相同政府信息公开申请作出答复{prior_sentence}，您重复申请公开"
        "相同的政府信息。根据{regulation}{basis}的规定，本机关不予重复处理。",
        conclusion="不予处理（重复申请）",
    ),
    # Art. 39¶2: public publications.
    "not_processed.publication": Wording(
        "第三十九条第二款",
        "经审查，您申请获取的是政府公报、报刊、书籍等公开出版物。根据{regulation}{basis}的规定，"
        "您可以通过{where_or_default}获取。",
        conclusion="不予处理（要求提供公开出版物）",
    ),
    # Art. 35: clearly unreasonable number/frequency, reasons given were not reasonable.
    "not_processed.excessive": Wording(
        "第三十五条",
        "经审查，您申请公开政府信息的数量、频次明显超过合理范围，本机关已要求您说明理由，"
        "您未说明理由或者说明的理由不合理。根据{regulation}{basis}的规定，本机关不予处理。"
        "{reasons_sentence}",
        conclusion="不予处理",
    ),
    # No article names this case; the 2021 report format counts it under 不予处理 (row （五）5).
    # The Regulation covers information already made or obtained (Art. 2, Art. 38), not
    # confirming or re-issuing it.
    "not_processed.confirmation": Wording(
        "第二条、第三十八条",
        "经审查，您的申请实质是要求本机关对您已获取的信息予以确认或者重新出具，"
        "不属于{regulation}所规定的政府信息公开申请（参照{regulation}{basis}）。本机关不作为"
        "政府信息公开申请处理。{reasons_sentence}",
        conclusion="不予处理",
    ),
    # Art. 30: no 补正 in time without good reason → deemed abandoned.
    "other.no_amendment": Wording(
        "第三十条",
        "本机关已{amendment_sent}向您发出补正申请告知书，要求您{amendment_limit}补正。"
        "您无正当理由逾期未补正。根据{regulation}{basis}的规定，视为您放弃申请，"
        "本机关不再处理该政府信息公开申请。",
        conclusion="视为放弃申请",
    ),
    # 国办函〔2020〕109号 (restated by the Sichuan notice, RULES.md F7): unpaid fee → abandoned.
    "other.fee_unpaid": Wording(
        "",
        "本机关已{fee_sent}向您发出信息处理费收费通知书，您未在规定期限内缴纳。"
        "根据" + FEE_MEASURES + "的规定，视为您放弃申请，本机关不再处理该政府信息公开申请。",
        conclusion="视为放弃申请",
    ),
    "other.other": Wording(
        "",
        "经审查，本机关对您的申请作如下处理：{reasons_or_withdrawn}",
        conclusion="其他处理",
    ),
}

# Art. 36(1): already proactively disclosed → tell where/how (variant of "disclosed").
ALREADY_PUBLIC = Wording(
    "第三十六条第（一）项",
    "经查，您申请获取的政府信息已经主动公开。根据{regulation}{basis}的规定，"
    "您可以通过以下途径获取：{where_or_default}。{remark}",
    conclusion="予以公开（已主动公开）",
)
# Art. 36(5): not this organ's to disclose (reported under （四）1, variant of "not_held").
NOT_OURS = Wording(
    "第三十六条第（五）项",
    "经审查，您申请获取的政府信息不属于本机关负责公开。{reasons_sentence}根据{regulation}{basis}"
    "的规定，特此告知。{responsible_sentence}",
    conclusion="无法提供（不属于本机关负责公开）",
)

WITHHELD_GROUND_TEXT = {
    "withheld.state_secret": "（属于国家秘密）",
    "withheld.prohibited_by_law": "（属于法律、行政法规禁止公开的信息）",
    "withheld.security_stability": "（公开后可能危及国家安全、公共安全、经济安全、社会稳定）",
    "withheld.third_party_rights": "（涉及商业秘密、个人隐私等，公开会损害第三方合法权益）",
    "withheld.internal_affairs": "（属于内部事务信息）",
    "withheld.process_information": "（属于过程性信息）",
    "withheld.enforcement_files": "（属于行政执法案卷信息）",
}
WITHHELD_GROUND_ARTICLE = {
    "withheld.state_secret": "第十四条",
    "withheld.prohibited_by_law": "第十四条",
    "withheld.security_stability": "第十四条",
    "withheld.third_party_rights": "第十五条",
    "withheld.internal_affairs": "第十六条第一款",
    "withheld.process_information": "第十六条第二款",
    "withheld.enforcement_files": "第十六条第二款",
}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def reply_variant(ctx: dict) -> Wording:
    """The wording for ``ctx["outcome"]``, with the Art. 36(1)/(5) variants."""
    outcome = ctx.get("outcome") or ""
    if outcome not in REPLY_WORDING:
        raise LetterError(f"未知的办理结果“{outcome}”，无法生成答复书")
    if outcome == "disclosed" and ctx.get("already_public"):
        return ALREADY_PUBLIC
    if outcome == "unavailable.not_held" and (ctx.get("not_ours") or ctx.get("responsible_agency")):
        return NOT_OURS
    return REPLY_WORDING[outcome]


def reply_decision(ctx: dict) -> tuple[Wording, str, str]:
    """(wording, legal basis "《条例》第…", decision paragraph) for a reply context."""
    w = reply_variant(ctx)
    basis = w.basis
    if ctx.get("outcome") == "partially_disclosed" and ctx.get("withheld_ground"):
        art = WITHHELD_GROUND_ARTICLE.get(ctx["withheld_ground"])
        if art:
            basis = f"{art}、{basis}"
    reasons = (ctx.get("reasons") or "").strip()
    where = (ctx.get("where") or "").strip()
    values = _Blank(
        regulation=REGULATION,
        basis=basis,
        reasons_sentence=f"理由：{_end(reasons)}" if reasons else "",
        remark=_end(reasons),
        withheld_reasons=f"理由如下：{_end(reasons)}" if reasons else "理由见附件说明。",
        reasons_or_withdrawn=_end(reasons) if reasons else "您已撤回申请，本机关终止办理。",
        provision=_end(ctx.get("provision") or "所涉政府信息见附件。"),
        where_or_default=where or "本机关政府信息公开平台、政府公报等途径",
        where_sentence=f"（{where}）" if where else "",
        special_law=ctx.get("special_law") or "有关法律、行政法规",
        law_sentence=f"（{ctx['law']}）" if ctx.get("law") else "",
        consulted_sentence="，经书面征求第三方意见，第三方不同意公开"
        if ctx.get("third_party_objected")
        else "",
        withheld_ground=WITHHELD_GROUND_TEXT.get(ctx.get("withheld_ground") or "", ""),
        petition_channel=ctx.get("petition_channel") or "信访、投诉、举报等法定途径",
        prior_sentence=f"（原申请编号：{ctx['prior_tracking_number']}）"
        if ctx.get("prior_tracking_number")
        else "",
        responsible_sentence=_responsible_sentence(ctx),
        amendment_sent=_on(ctx.get("amendment_requested_on_cn")),
        amendment_limit=f"在{ctx['amendment_respond_by_cn']}前"
        if ctx.get("amendment_respond_by_cn")
        else "在规定期限内",
        fee_sent=_on(ctx.get("fee_notice_sent_on_cn")),
    )
    text = w.text.format_map(values)
    legal_basis = f"{REGULATION}{basis}" if basis else FEE_MEASURES
    return w, legal_basis, text


def _responsible_sentence(ctx: dict) -> str:
    name = (ctx.get("responsible_agency") or "").strip()
    contact = (ctx.get("responsible_contact") or "").strip()
    if not name:
        return "" if ctx.get("reasons") else "本机关无法确定负责公开该政府信息的行政机关。"
    return f"负责公开该政府信息的行政机关为{name}" + (
        f"，联系方式：{contact}。" if contact else "。"
    )


def _on(day_cn: str | None) -> str:
    return f"于{day_cn}" if day_cn else ""


def _end(text: str) -> str:
    text = (text or "").strip()
    return text if not text or text[-1] in "。！？；）)" else text + "。"


class LetterError(ValueError):
    """Bad letter input; ``str(e)`` is a Chinese message."""


# ---------------------------------------------------------------------------- context


def reconsideration_body(agency) -> str:
    """The reconsideration organ for an act of ``agency`` (行政复议法 2023 Arts. 24–25).

    Departments, 派出机构 and authorised organisations → the nearest government above them
    (本级人民政府); a government → the government one level up; a provincial government (no
    government above it) → itself (Art. 25).
    """
    if agency is None:
        return "有管辖权的行政复议机关"
    kind = getattr(agency, "kind", "")
    node = getattr(agency, "parent", None)
    while node is not None and getattr(node, "kind", "") != "government":
        node = getattr(node, "parent", None)
    if node is not None:
        return node.name
    if kind == "government":
        return agency.name
    return "有管辖权的行政复议机关"


def _cn(value) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_cn_date(value)


def _clean(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def prepare_context(kind: str, context: dict) -> dict:
    """Normalise a letter context: titles, Chinese dates (``<key>_cn``), remedies, basis."""
    if kind not in KINDS:
        raise LetterError(f"未知的文书类型“{kind}”")
    ctx = {k: _clean(v) for k, v in context.items()}
    agency = ctx.get("agency")
    ctx.setdefault("agency_name", getattr(agency, "name", "") or ctx.get("agency_name", ""))
    if not ctx["agency_name"]:
        raise LetterError("文书缺少机关名称")
    if not ctx.get("tracking_number"):
        raise LetterError("文书缺少申请编号")
    ctx.setdefault("issued_on", timezone.localdate())
    ctx.setdefault("title", KIND_TITLES[kind])
    ctx.setdefault("number", "")
    ctx["kind"] = kind
    ctx["regulation"] = REGULATION
    for key in list(ctx):
        v = ctx[key]
        if isinstance(v, date | datetime) or (
            key.endswith(("_on", "_by")) and isinstance(v, str) and len(v) >= 10
        ):
            ctx[f"{key}_cn"] = _cn(v)
    office = {
        "office_name": getattr(agency, "office_name", "") or ctx.get("office_name", ""),
        "office_address": getattr(agency, "office_address", "") or ctx.get("office_address", ""),
        "office_phone": getattr(agency, "office_phone", "") or ctx.get("office_phone", ""),
        "office_email": getattr(agency, "office_email", "") or ctx.get("office_email", ""),
    }
    ctx.update({k: v for k, v in office.items() if v})
    ctx.setdefault("addressee", ctx.get("applicant_name") or "申请人")
    if kind == "reply":
        wording, legal_basis, decision = reply_decision(ctx)
        ctx["decision"] = decision
        ctx["legal_basis"] = legal_basis
        ctx["conclusion"] = wording.conclusion
        ctx["reconsideration_first"] = wording.reconsideration_first
    if kind in ("reply", "fee_notice"):
        ctx["remedies"] = remedies_text(
            agency,
            ctx.get("reconsideration_first", False),
            ctx.get("court"),
            "本答复书" if kind == "reply" else "本通知书",
        )
    if kind == "fee_notice":
        _fee_context(ctx)
    if kind == "extension":
        days = int(ctx.get("workdays") or 0)
        if not 0 < days <= MAX_EXTENSION_WORKDAYS:
            raise LetterError(f"延长答复期限应为1至{MAX_EXTENSION_WORKDAYS}个工作日")
    if kind == "amendment" and not ctx.get("items"):
        raise LetterError("补正告知书须一次性列明需要补正的全部事项")
    if kind == "consultation":
        ctx.setdefault("consultee_kind", "third_party")
        ctx["addressee"] = ctx.get("consultee_name") or "第三方"
        ctx["consultation_workdays"] = CONSULTATION_WORKDAYS
    ctx["reply_workdays"] = REPLY_WORKDAYS
    ctx["fee_payment_workdays"] = FEE_PAYMENT_WORKDAYS
    return ctx


def remedies_text(
    agency,
    reconsideration_first: bool = False,
    court: str | None = None,
    document: str = "本答复书",
) -> str:
    """The remedies paragraph (行政复议 / 行政诉讼), figures from the constants above."""
    body = reconsideration_body(agency)
    court = court or "有管辖权的人民法院"
    if reconsideration_first:
        # 行政复议法 (2023) Art. 23¶1(4): refusals of disclosure go to reconsideration first.
        return (
            f"如对{document}不服，根据{RECONSIDERATION_LAW}第二十三条的规定，应当先自收到{document}"
            f"之日起{RECONSIDERATION_DAYS}日内向{body}申请行政复议；对行政复议决定不服的，可以自收到"
            f"行政复议决定书之日起{LITIGATION_AFTER_RECONSIDERATION_DAYS}日内向{court}提起行政诉讼。"
        )
    return (
        f"如对{document}不服，可以自收到{document}之日起{RECONSIDERATION_DAYS}日内向{body}"
        f"申请行政复议，或者自收到{document}之日起{LITIGATION_MONTHS}个月内向{court}提起行政诉讼。"
    )


def _fee_context(ctx: dict) -> None:
    fee = ctx.get("fee")
    if fee is None:
        raise LetterError("收费通知书缺少计费结果")
    if hasattr(fee, "to_dict"):
        fee = fee.to_dict()
    lines = fee.get("lines") or []
    ctx["fee_lines"] = [ln["text"] if isinstance(ln, dict) else str(ln) for ln in lines]
    ctx["fee_method_label"] = fee.get("method_label", "")
    ctx["fee_legal_basis"] = fee.get("legal_basis") or FEE_MEASURES
    from gongkai.rules.fees import format_yuan

    ctx["fee_amount"] = format_yuan(Decimal(str(fee.get("amount", "0"))))
    if Decimal(str(fee.get("amount", "0"))) <= 0:
        raise LetterError("计费金额为零，无需发出收费通知书")


# ---------------------------------------------------------------------------- rendering


def render_html(kind: str, context: dict) -> str:
    ctx = prepare_context(kind, context)
    with translation.override("zh-hans"):
        return render_to_string(f"inforequests/letters/{kind}.html", ctx)


def render_letter(kind: str, context: dict) -> tuple[bytes, bytes]:
    """Render a letter; returns ``(docx_bytes, pdf_bytes)``. Raises :class:`LetterError`."""
    html = render_html(kind, context)
    pdf = html_to_pdf(html)
    docx = to_bytes(html_to_docx(html))
    return docx, pdf


# ---------------------------------------------------------------------------- from events


def context_for_event(event) -> dict:
    """Build the letter context of an ``InfoRequestEvent`` from the case and the event payload.

    Payload keys as written by ``services`` (see its docstring): amendment ``items`` (text, one
    item a line) and ``respond_by``; extension ``workdays``/``reason``; Art. 35 ``due_on``/
    ``reason``; consultation ``party``/``consultation_kind``; fee ``method``/``count``/``pages``;
    reply ``outcome``/``legal_basis``/``reasons``. Optional reply keys, if a caller stores them:
    ``where``, ``provision``, ``already_public``, ``not_ours``, ``responsible_agency``,
    ``responsible_contact``, ``withheld_ground``, ``third_party_objected``, ``special_law``,
    ``prior_tracking_number``. Runs after ``services.recompute``, so ``req.due_on`` is current.
    """
    req = event.request
    payload = dict(event.payload or {})
    applicant = getattr(req, "applicant", None)
    ctx = {
        "agency": req.agency,
        "tracking_number": req.tracking_number,
        "applicant_name": getattr(applicant, "name", "") if applicant else "",
        "description": req.description,
        "document_number": getattr(req, "document_number", ""),
        "submitted_on": timezone.localtime(req.submitted_at).date() if req.submitted_at else None,
        "received_on": req.received_on,
        "due_on": req.due_on,
        "issued_on": event.on,
        "channel_label": req.get_channel_display(),
        "delivery_label": req.get_delivery_display(),
    }
    protected = {"agency", "tracking_number", "applicant_name", "description", "issued_on"}
    ctx.update({k: v for k, v in payload.items() if k not in protected})
    kind = event.kind
    if kind == "amendment_requested":
        items = payload.get("items") or ""
        if isinstance(items, str):
            items = [s.strip() for s in items.splitlines() if s.strip()]
        ctx["items"] = items
        # The organ sets the answer period (Art. 30); without one, the letter states the date the
        # clock assumes (deadlines: amendment_response_workdays), so letter and clock agree.
        ctx["amendment_respond_by"] = payload.get("respond_by") or _state_field(
            req, "amendment_respond_by"
        )
    elif kind == "consultation_started":
        ctx["consultee_name"] = payload.get("party", "")
        ctx["consultee_kind"] = payload.get("consultation_kind", "third_party")
    elif kind == "fee_notice_sent":
        ctx["fee"] = _fee_for_event(req, event, payload)
        ctx["payment_due_on"] = _state_field(req, "fee_payment_due_on")
    elif kind == "replied":
        ctx["outcome"] = payload.get("outcome") or req.outcome
        basis = payload.get("legal_basis") or ""
        # The staff form stores the basis as text; Art. 36(1)/(5) pick the reply's variant.
        if "第三十六条第（一）项" in basis:
            ctx.setdefault("already_public", True)
        if "第三十六条第（五）项" in basis:
            ctx.setdefault("not_ours", True)
        names = [a.name for a in event.files.all()] if hasattr(event, "files") else []
        ctx["attachments"] = names
        if not ctx.get("provision"):
            ctx["provision"] = _provision(req, names)
        if ctx.get("already_public") and not ctx.get("where"):
            ctx["where"] = (payload.get("reasons") or "").strip().rstrip("。")
            ctx["reasons"] = ""
        _history_dates(req, ctx)
    return ctx


# Art. 36(2): say how, where and when the information can be obtained, by delivery method.
PROVISION = {
    "online": "您可以凭申请编号和查询码在本平台“申请查询”页面下载所涉政府信息。",
    "email": "本机关通过电子邮件向您提供所涉政府信息。",
    "post": "本机关通过邮寄方式向您提供所涉政府信息。",
    "fax": "本机关通过传真向您提供所涉政府信息。",
    "pick_up": "请您于{hours}到{place}领取所涉政府信息。",
}


def _provision(req, attachment_names) -> str:
    agency = req.agency
    text = PROVISION.get(req.delivery, "本机关将按照您要求的方式提供所涉政府信息。").format(
        hours=agency.office_hours or "工作时间",
        place=agency.office_address or agency.office_name or "本机关政府信息公开工作机构",
    )
    return ("所涉政府信息见附件。" + text) if attachment_names else text


def _fee_for_event(req, event, payload) -> dict:
    """The fee computation of a fee notice event (the FeeNotice row is written after the
    letters hook runs, so recompute it from the payload with the same rules)."""
    from gongkai.rules import fees

    notice = req.fee_notices.filter(event=event).first()
    if notice is not None:
        return {
            "method_label": notice.get_method_display(),
            "amount": str(notice.amount),
            "lines": notice.lines,
        }
    method = payload.get("method", fees.PER_PAGE)
    if method == fees.PER_ITEM:
        before = payload.get("count_in_month_before")
        if before is None:
            from gongkai.inforequests.services import applicant_items_in_month

            before = applicant_items_in_month(req)
        result = fees.per_item_fee(int(before), int(payload.get("count") or 0))
    else:
        result = fees.per_page_fee(int(payload.get("pages") or 0))
    return result.to_dict()


def _state_field(req, name: str):
    """One field of the case's current ClockState (None if the clock cannot be computed: the
    letter then states the rule in words)."""
    from gongkai.inforequests.services import compute_state

    try:
        state = compute_state(req)
    except Exception:  # noqa: BLE001
        return None
    return getattr(state, name, None) if state else None


def _history_dates(req, ctx: dict) -> None:
    """Dates of earlier acts quoted by some replies (补正 sent, fee notice sent)."""
    for ev in req.events.filter(kind__in=("amendment_requested", "fee_notice_sent")).order_by(
        "on", "pk"
    ):
        if ev.kind == "amendment_requested":
            ctx["amendment_requested_on_cn"] = format_cn_date(ev.on)
            rb = (ev.payload or {}).get("respond_by")
            if rb:
                ctx["amendment_respond_by_cn"] = _cn(rb)
        else:
            ctx["fee_notice_sent_on_cn"] = format_cn_date(ev.on)


def schedule_for_event(event) -> list:
    """Write the ``Letter`` rows of an event as *pending* and render them after commit.

    Called by the inforequests services inside the action's transaction: only the row (kind,
    number) is written there, under the case lock, so numbering stays gap-free. The DOCX/PDF are
    rendered once the action is committed (:func:`after_commit`): a slow renderer never holds
    the transaction and a failing one never rolls the action back — the letter turns
    ``failed`` with the reason, shown to staff with a retry button (``views.letter_retry``) and
    retried by ``gongkai letters``. Idempotent.
    """
    from gongkai.inforequests.models import Letter, LetterStatus

    kind = EVENT_LETTERS.get(event.kind)
    if kind is None:
        return []
    existing = list(Letter.objects.filter(event=event))
    if existing:
        return existing
    req = event.request
    seq = Letter.objects.filter(request=req).count() + 1
    letter = Letter.objects.create(
        request=req,
        event=event,
        kind=kind,
        title=KIND_TITLES[kind],
        number=f"{req.tracking_number}-{seq:02d}",
        public=kind in APPLICANT_KINDS,
        status=LetterStatus.PENDING,
    )
    pk = letter.pk
    after_commit(lambda: render_after_commit(pk))
    return [letter]


def after_commit(fn) -> None:
    """``transaction.on_commit`` (robust: an error there is logged, the action stands)."""
    transaction.on_commit(fn, robust=True)


def render_after_commit(letter_id: int) -> None:
    """Render now, or queue it for the worker when ``GONGKAI["LETTERS_IN_BACKGROUND"]`` is set
    (django-tasks database backend, ``gongkai db_worker``)."""
    from django.conf import settings

    if getattr(settings, "GONGKAI", {}).get("LETTERS_IN_BACKGROUND"):
        from .tasks import render_letter_task

        render_letter_task.enqueue(letter_id)
        return
    try:
        render_pending(letter_id)
    except LetterError:
        pass  # recorded on the row (status "failed") and logged


def render_pending(letter_id: int):
    """Render the files of a pending or failed letter (a ready one is left alone).

    On failure the letter is marked ``failed`` with a short reason (committed: it is what staff
    see) and :class:`LetterError` is raised; nothing else about the case changes.
    """
    from gongkai.inforequests.models import Letter, LetterStatus

    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update(of=("self",))
            .select_related("event", "request")
            .filter(pk=letter_id)
            .first()
        )
        if letter is None or letter.status == LetterStatus.READY:
            return letter
        letter.attempts += 1
        req, event = letter.request, letter.event
        try:
            ctx = context_for_event(event)
            ctx["number"] = f"文书编号：{letter.number}"
            docx_bytes, pdf_bytes = render_letter(letter.kind, ctx)
        except Exception as exc:  # WeasyPrint/python-docx/template failures: never half-save
            log.exception("letter rendering failed for letter %s (event %s)", letter.pk, event.pk)
            reason = str(exc) if isinstance(exc, LetterError) else type(exc).__name__
            letter.status = LetterStatus.FAILED
            letter.error = f"文书生成失败：{reason}"[:300]
            letter.save(update_fields=["status", "error", "attempts"])
            failure = LetterError(letter.error)
        else:
            failure = None
            # A random part keeps file names unguessable even if MEDIA_ROOT were ever served.
            seq = letter.number.rsplit("-", 1)[-1]
            stem = f"{req.tracking_number}-{seq}-{letter.kind}-{secrets.token_hex(8)}"
            letter.docx.save(f"{stem}.docx", ContentFile(docx_bytes), save=False)
            letter.pdf.save(f"{stem}.pdf", ContentFile(pdf_bytes), save=False)
            letter.status = LetterStatus.READY
            letter.error = ""
            letter.save()
            if letter.public:
                pk = letter.pk
                transaction.on_commit(lambda: notify_applicant(pk), robust=True)
    if failure is not None:
        raise failure
    return letter


# A letter still pending after this long most likely waits for a worker that is not running
# (``gongkai db_worker``): staff are told so and may render it in their own request.
STUCK_AFTER = timedelta(minutes=5)


def is_stuck(letter, now=None) -> bool:
    from django.utils import timezone

    from gongkai.inforequests.models import LetterStatus

    now = now or timezone.now()
    return letter.status == LetterStatus.PENDING and now - letter.created_at > STUCK_AFTER


def retry(letter) -> None:
    """Staff's retry of a failed letter: back to pending, rendered after this commit. A letter
    stuck in pending (no worker) is rendered in this request, after the commit, not queued."""
    from gongkai.inforequests.models import Letter, LetterStatus

    pk = letter.pk
    if is_stuck(letter):

        def now():
            try:
                render_pending(pk)
            except LetterError:
                pass  # recorded on the row (status "failed")

        after_commit(now)
        return
    updated = Letter.objects.filter(pk=pk, status=LetterStatus.FAILED).update(
        status=LetterStatus.PENDING, error=""
    )
    if updated:
        after_commit(lambda: render_after_commit(pk))


def generate_for_event(event) -> list:
    """Create and render the ``Letter`` rows of an event now (idempotent; [] if the event needs
    no letter): the synchronous path of ``gongkai letters``, the demo data and scripts.
    Raises :class:`LetterError` if rendering fails (the letter is then marked ``failed``)."""
    from gongkai.inforequests.models import LetterStatus

    out = []
    for letter in schedule_for_event(event):
        if letter.status != LetterStatus.READY:
            letter = render_pending(letter.pk)
        out.append(letter)
    return out


def notify_applicant(letter_id: int) -> bool:
    """E-mail the applicant that a letter was issued (after commit). The PDF is attached when
    they chose e-mail delivery; otherwise the mail only points to the tracking page. Mail
    failures are logged without personal data and never undo anything."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.urls import reverse

    from gongkai.inforequests.models import Letter

    letter = Letter.objects.select_related("request__agency").filter(pk=letter_id).first()
    if letter is None:
        return False
    req = letter.request
    email = getattr(getattr(req, "applicant", None), "email", "")
    if not email:
        return False
    site = getattr(settings, "GONGKAI", {}).get("SITE_URL", "").rstrip("/")
    track_url = site + reverse("inforequests_public:track")
    subject = f"【{req.agency.name}】您的政府信息公开申请（{req.tracking_number}）有新的文书：{letter.title}"
    body = (
        f"您向{req.agency.name}提出的政府信息公开申请（申请编号：{req.tracking_number}）"
        f"有新的文书：{letter.title}。\n\n"
        f"请凭申请编号和查询码在“申请查询”页面查看和下载：{track_url}\n\n"
        "本邮件由系统自动发送，请勿回复。"
    )
    msg = EmailMessage(subject, body, None, [email])
    if req.delivery == "email" and letter.pdf:
        with letter.pdf.open("rb") as f:
            msg.attach(f"{letter.number}-{letter.title}.pdf", f.read(), "application/pdf")
    try:
        msg.send()
    except Exception:  # noqa: BLE001
        log.warning("letter notice e-mail failed for letter %s", letter.pk)
        return False
    return True
