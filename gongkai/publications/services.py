"""Writes for 主动公开: one function per business action, each in a transaction.

Permission checks live in the views/API (``can``); these functions enforce the workflow and the
legal invariants whatever calls them.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongkai.agencies.models import Agency
from gongkai.rules import privacy, workdays
from gongkai.rules.index_numbers import (
    NATIONAL_TEMPLATE,
    IndexNumberError,
    IndexNumberTemplate,
    counter_scope,
    format_index_number,
    normalise_document_number,
)

from .catalogue import statutory_columns
from .files import IMAGE_KEYS, AttachmentRejected, check_upload
from .models import (
    VERSION_NOTES,
    Attachment,
    ChangeKind,
    Column,
    Decision,
    DisclosureMode,
    FindingState,
    IndexNumberCounter,
    IndexNumberSettings,
    Interpretation,
    PrivacyFinding,
    Publication,
    PublicationChange,
    PublicationKind,
    PublicationVersion,
    ReviewRecord,
    ReviewStep,
    Status,
    Validity,
    WithheldGround,
)
from .text import html_to_text, replace_in_text_nodes, sanitise_body, text_nodes

PUBLICATION_WORKDAYS = 20  # Art. 26
PUBLIC_MODES = (DisclosureMode.PROACTIVE, DisclosureMode.REDACTED)


class PublicationError(Exception):
    """A business rule refused the action; ``message`` is the Chinese explanation."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def ensure_catalogue(agency: Agency) -> list[Column]:
    """Create the statutory columns the agency lacks (idempotent; keeps renamed/custom ones)."""
    return _ensure_catalogue(agency)[0]


def create_missing_columns(agency: Agency) -> list[Column]:
    """Like :func:`ensure_catalogue`, returning only the columns it created (``gongkai
    catalogue``)."""
    return _ensure_catalogue(agency)[1]


def missing_columns(agency: Agency) -> list:
    """The statutory ``ColumnSpec`` s the agency lacks (nothing is written)."""
    have = set(Column.objects.filter(agency=agency).values_list("code", flat=True))
    return [spec for spec in statutory_columns(agency.level) if spec.code not in have]


@transaction.atomic
def _ensure_catalogue(agency: Agency) -> tuple[list[Column], list[Column]]:
    existing = {c.code: c for c in Column.objects.filter(agency=agency)}
    out, created = [], []
    for pos, spec in enumerate(statutory_columns(agency.level), start=1):
        col = existing.get(spec.code)
        if col is None:
            col = Column.objects.create(
                agency=agency,
                parent=existing.get(spec.parent) if spec.parent else None,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                item_number=spec.item_number,
                update_cycle_days=spec.update_cycle_days,
                description=spec.description,
                position=pos * 10,
            )
            existing[spec.code] = col
            created.append(col)
        out.append(col)
    return out, created


# ---------------------------------------------------------------------------------------------
# Index numbers (CONVENTIONS §1)
# ---------------------------------------------------------------------------------------------


def index_template(agency: Agency) -> IndexNumberTemplate:
    s = IndexNumberSettings.objects.filter(agency=agency).first()
    return s.template() if s else NATIONAL_TEMPLATE


def allocate_index_number(agency: Agency, when: date) -> str:
    """The next 索引号 of ``agency`` for ``when``'s year (or month).

    The per-scope counter row is locked (``select_for_update``) so two clerks saving at the same
    moment never get the same serial; numbers already taken (imported legacy records) are
    skipped. Raises ``IndexNumberError`` (Chinese message) when the template cannot be applied.
    """
    tpl = index_template(agency)
    scope = counter_scope(tpl, agency.org_code, agency.uscc, when)
    with transaction.atomic():
        try:
            with transaction.atomic():
                IndexNumberCounter.objects.get_or_create(scope=scope)
        except IntegrityError:
            pass  # created by a concurrent transaction: fine, lock it below
        counter = IndexNumberCounter.objects.select_for_update().get(scope=scope)
        serial = counter.last_serial
        while True:
            serial += 1
            number = format_index_number(tpl, agency.org_code, agency.uscc, when, serial)
            if not Publication.objects.filter(index_number=number).exists():
                break
        counter.last_serial = serial
        counter.save(update_fields=["last_serial"])
    return number


# ---------------------------------------------------------------------------------------------
# Publications: create / edit / workflow
# ---------------------------------------------------------------------------------------------

# What a clerk may set on a draft (and the head on a correction). ``index_number`` and
# ``published_at`` are never among them: both are fixed by the system (CONVENTIONS §1.1, §6.2).
EDITABLE_FIELDS = (
    "column",
    "publisher",
    "title",
    "document_number",
    "issued_on",
    "formed_on",
    "summary",
    "keywords",
    "topic",
    "genre",
    "disclosure_mode",
    "withheld_ground",
    "kind",
    "validity",
    "validity_changed_on",
    "superseded_by",
    "body",
)
LOCKED_FIELDS = ("index_number", "published_at", "status", "agency", "is_late")
PRE_PUBLICATION = (Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED)


def _now():
    return timezone.now()


def _today() -> date:
    return timezone.localdate()


def due_date(formed_on: date, agency: Agency) -> date:
    """Art. 26 (RULES C8/I.8): publish within 20 working days of formation or change."""
    return workdays.add_workdays(formed_on, PUBLICATION_WORKDAYS, region=agency.region_code or "")


def _late(pub: Publication, today: date | None = None) -> bool:
    if pub.publication_due_on is None:
        return False
    if pub.published_at is not None:
        return timezone.localdate(pub.published_at) > pub.publication_due_on
    if pub.status in PRE_PUBLICATION and pub.disclosure_mode in PUBLIC_MODES:
        return (today or _today()) > pub.publication_due_on
    return False


def _snapshot(pub: Publication, user, note: str, *, public: bool = False) -> PublicationVersion:
    last = pub.versions.order_by("-number").values_list("number", flat=True).first() or 0
    data = {
        "title": pub.title,
        "index_number": pub.index_number,
        "document_number": pub.document_number,
        "issued_on": pub.issued_on.isoformat() if pub.issued_on else None,
        "formed_on": pub.formed_on.isoformat() if pub.formed_on else None,
        "published_at": pub.published_at.isoformat() if pub.published_at else None,
        "republished_at": pub.republished_at.isoformat() if pub.republished_at else None,
        "column": pub.column.name if pub.column_id else None,
        "publisher": pub.publisher.name if pub.publisher_id else None,
        "summary": pub.summary,
        "keywords": pub.keywords,
        "topic": pub.topic,
        "genre": pub.genre,
        "disclosure_mode": pub.disclosure_mode,
        "withheld_ground": pub.withheld_ground,
        "kind": pub.kind,
        "validity": pub.validity,
        "validity_changed_on": (
            pub.validity_changed_on.isoformat() if pub.validity_changed_on else None
        ),
        "status": pub.status,
        "attachments": [a.original_name for a in pub.attachments.all()],
    }
    return PublicationVersion.objects.create(
        publication=pub,
        number=last + 1,
        data=data,
        body=pub.body,
        change_note=note,
        is_public_note=public,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _record(pub, user, step, decision=Decision.DONE, note="", mode=""):
    return ReviewRecord.objects.create(
        publication=pub,
        step=step,
        reviewer=user if getattr(user, "is_authenticated", False) else None,
        reviewed_on=_today(),
        decision=decision,
        disclosure_mode=mode,
        note=note,
    )


def _check_locked(data: dict) -> None:
    bad = [f for f in LOCKED_FIELDS if f in data]
    if bad:
        names = {"index_number": "索引号", "published_at": "发布日期"}
        label = "、".join(names.get(f, f) for f in bad)
        raise PublicationError(_("%(f)s由系统生成，不能修改") % {"f": label}, code="locked_field")


def _apply(pub: Publication, data: dict) -> None:
    _check_locked(data)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise PublicationError(
            _("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))}, code="unknown_field"
        )
    for key, value in data.items():
        setattr(pub, key, value)
    pub.title = (pub.title or "").strip()
    pub.body = sanitise_body(pub.body)
    pub.body_text = html_to_text(pub.body)
    if pub.document_number:
        pub.document_number = normalise_document_number(pub.document_number)
    _validate(pub)


def _validate(pub: Publication) -> None:
    if not pub.title:
        raise PublicationError(_("请填写名称"), code="title")
    if pub.formed_on is None:
        raise PublicationError(_("请填写形成或者变更日期"), code="formed_on")
    if pub.column_id is None or pub.column.agency_id != pub.agency_id:
        raise PublicationError(_("栏目必须是本机关目录中的栏目"), code="column")
    if pub.formed_on > _today():
        # The clock runs from a past fact; a future date would only hide lateness (Art. 26).
        raise PublicationError(_("形成或者变更日期不能晚于今天"), code="formed_on")
    if pub.kind in (PublicationKind.REGULATION, PublicationKind.NORMATIVE_DOCUMENT) and not (
        pub.issued_on
    ):
        # Table 二 counts these by 成文日期 (annual report, 2021 format).
        raise PublicationError(_("规章和规范性文件须填写成文日期"), code="issued_on")
    if pub.issued_on and pub.issued_on > _today():
        raise PublicationError(_("成文日期不能晚于今天"), code="issued_on")
    if pub.disclosure_mode == DisclosureMode.WITHHELD and not pub.withheld_ground:
        raise PublicationError(
            _("不予公开须选择法定理由（第十四、十五、十六条）"), code="withheld_ground"
        )
    if pub.disclosure_mode != DisclosureMode.WITHHELD:
        pub.withheld_ground = ""
    if pub.validity != Validity.IN_FORCE and pub.validity_changed_on is None:
        raise PublicationError(_("有效性为失效或废止时须填写变更日期"), code="validity_changed_on")
    if pub.validity == Validity.IN_FORCE:
        pub.validity_changed_on = None
        pub.superseded_by = None
    if pub.superseded_by_id and pub.superseded_by_id == pub.pk:
        raise PublicationError(_("文件不能被自身替代"), code="superseded_by")


@transaction.atomic
def create_publication(user, agency: Agency, data: dict) -> Publication:
    """A new draft with its 索引号, due date and a first privacy scan."""
    data = dict(data)
    data.setdefault("publisher", agency)
    pub = Publication(agency=agency, created_by=user if user and user.is_authenticated else None)
    _apply(pub, data)
    try:
        pub.index_number = allocate_index_number(agency, pub.formed_on)
    except IndexNumberError as e:
        raise PublicationError(e.message, code="index_number") from e
    pub.publication_due_on = due_date(pub.formed_on, agency)
    pub.is_late = _late(pub)
    pub.save()
    _snapshot(pub, user, VERSION_NOTES["create"])
    rescan(pub)
    return pub


@transaction.atomic
def update_publication(user, pub: Publication, data: dict, note: str = "") -> Publication:
    """Edit a draft (after publishing use :func:`correct_publication`)."""
    pub = _locked(pub)
    if pub.status != Status.DRAFT:
        raise PublicationError(_("只有草稿可以修改；已提交的请先退回修改"), code="status")
    if pub.published_at is not None and "formed_on" in data and data["formed_on"] != pub.formed_on:
        # A record reopened for republication was published once: its Art. 26 clock (and
        # whether it was late) is history and must not be rewritten through a new date.
        raise PublicationError(
            _("已发布过的信息重新发布时不能修改形成或者变更日期"), code="formed_on"
        )
    _apply(pub, data)
    pub.publication_due_on = due_date(pub.formed_on, pub.agency)
    pub.is_late = _late(pub)
    pub.save()
    _snapshot(pub, user, note or VERSION_NOTES["edit"])
    rescan(pub)
    return pub


def _locked(pub: Publication) -> Publication:
    """Re-read the row under a lock so two reviewers cannot act on the same state."""
    fresh = Publication.objects.select_for_update().get(pk=pub.pk)
    return fresh


def _require(pub: Publication, *statuses) -> None:
    if pub.status not in statuses:
        raise PublicationError(
            _("当前状态为“%(s)s”，不能进行此操作") % {"s": pub.get_status_display()}, code="status"
        )


def _require_clean(pub: Publication) -> None:
    rescan(pub)
    n = pub.privacy_findings.filter(state=FindingState.OPEN).count()
    if n:
        raise PublicationError(
            _("隐私检查发现%(n)d处个人信息尚未处理：请逐项遮盖，或由审核人说明理由后确认可以公开")
            % {"n": n},
            code="privacy",
        )


@transaction.atomic
def submit(user, pub: Publication, note: str = "") -> Publication:
    pub = _locked(pub)
    _require(pub, Status.DRAFT)
    if not pub.body_text and not pub.attachments.exists():
        raise PublicationError(_("正文和附件不能都为空"), code="empty")
    _require_clean(pub)
    pub.status = Status.SUBMITTED
    pub.save()
    _record(pub, user, ReviewStep.SUBMIT, note=note)
    return pub


@transaction.atomic
def review(
    user,
    pub: Publication,
    *,
    disclosure_mode: str,
    secrecy_ok: bool,
    withheld_ground: str = "",
    note: str = "",
) -> Publication:
    """公开属性 and 保密审查 (Art. 17, RULES A6) by a reviewer; passing moves it to the head."""
    pub = _locked(pub)
    _require(pub, Status.SUBMITTED)
    if disclosure_mode not in DisclosureMode.values:
        raise PublicationError(_("请选择公开属性"), code="disclosure_mode")
    if not secrecy_ok:
        raise PublicationError(
            _("未通过保密审查的信息不能公开：请退回修改，或把公开属性定为不予公开并说明理由"),
            code="secrecy",
        )
    if disclosure_mode == DisclosureMode.WITHHELD:
        if withheld_ground not in WithheldGround.values:
            raise PublicationError(_("不予公开须选择法定理由"), code="withheld_ground")
        if not note.strip():
            raise PublicationError(_("不予公开须写明审核意见"), code="note")
    if disclosure_mode == DisclosureMode.ON_REQUEST and not note.strip():
        raise PublicationError(_("定为依申请公开须写明理由"), code="note")
    pub.disclosure_mode = disclosure_mode
    pub.withheld_ground = withheld_ground if disclosure_mode == DisclosureMode.WITHHELD else ""
    pub.status = Status.REVIEWED
    pub.is_late = _late(pub)
    pub.save()
    _record(pub, user, ReviewStep.SECRECY_REVIEW, Decision.PASS, note, disclosure_mode)
    return pub


@transaction.atomic
def return_to_draft(user, pub: Publication, note: str) -> Publication:
    pub = _locked(pub)
    _require(pub, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED)
    if not note.strip():
        raise PublicationError(_("退回须写明修改意见"), code="note")
    pub.status = Status.DRAFT
    pub.save()
    _record(pub, user, ReviewStep.RETURN, Decision.RETURN, note)
    return pub


@transaction.atomic
def approve(user, pub: Publication, note: str = "") -> Publication:
    """The head's approval (GLOSSARY: head approves publication)."""
    pub = _locked(pub)
    _require(pub, Status.REVIEWED)
    pub.status = Status.APPROVED
    pub.save()
    _record(pub, user, ReviewStep.APPROVE, Decision.PASS, note)
    return pub


@transaction.atomic
def publish(user, pub: Publication) -> Publication:
    """Publish now. ``published_at`` is the server's clock, never an input (CONVENTIONS §6.2)."""
    pub = _locked(pub)
    _require(pub, Status.APPROVED)
    if pub.disclosure_mode not in PUBLIC_MODES:
        raise PublicationError(
            _("公开属性为依申请公开或不予公开的信息不在网站发布"), code="disclosure_mode"
        )
    _require_clean(pub)
    pub.status = Status.PUBLISHED
    if pub.published_at is not None:
        # Republication after withdrawal and correction (:func:`reopen`): the first publication
        # date stays (it is locked, CONVENTIONS §6.2); the note says what was corrected and when.
        now = _now()
        pub.republished_at = now
        pub.corrected_at = now
        pub.withdrawn_at = None
        pub.withdrawn_reason = ""
        pub.save()
        _close_change(_republication_change(pub, user), now)
        _record(pub, user, ReviewStep.PUBLISH, note=pub.change_note)
        _snapshot(pub, user, pub.change_note, public=True)
        return pub
    pub.published_at = _now()
    pub.is_late = _late(pub)
    pub.save()
    _record(pub, user, ReviewStep.PUBLISH)
    _snapshot(pub, user, VERSION_NOTES["publish"])
    return pub


def _check_changed_on(pub: Publication, changed_on: date | None) -> date:
    """The 变更日期 of a correction/republication: a past fact, not before the original one."""
    changed_on = changed_on or _today()
    if changed_on > _today():
        raise PublicationError(_("变更日期不能晚于今天"), code="changed_on")
    if changed_on < pub.formed_on:
        raise PublicationError(_("变更日期不能早于形成日期"), code="changed_on")
    return changed_on


def _open_change(pub: Publication, user, kind: str, changed_on: date, note: str):
    due = due_date(changed_on, pub.agency)
    return PublicationChange.objects.create(
        publication=pub,
        kind=kind,
        changed_on=changed_on,
        due_on=due,
        is_late=_today() > due,
        change_note=note,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _close_change(change: PublicationChange, published_at) -> PublicationChange:
    """The corrected version went public: the change's clock stops (late or not, for good)."""
    change.published_at = published_at
    change.is_late = timezone.localdate(published_at) > change.due_on
    change.save(update_fields=["published_at", "is_late"])
    return change


def _republication_change(pub: Publication, user) -> PublicationChange:
    """The open republication change of a reopened record. Records reopened before changes were
    recorded get one dated by their reopening (the REOPEN review record)."""
    change = (
        pub.changes.filter(kind=ChangeKind.REPUBLICATION, published_at__isnull=True)
        .order_by("-id")
        .first()
    )
    if change is None:
        reopened = (
            pub.review_records.filter(step=ReviewStep.REOPEN)
            .order_by("-id")
            .values_list("reviewed_on", flat=True)
            .first()
        )
        change = _open_change(
            pub, user, ChangeKind.REPUBLICATION, reopened or _today(), pub.change_note
        )
    return change


@transaction.atomic
def withdraw(user, pub: Publication, reason: str) -> Publication:
    """Take a publication off the portal; the reason is kept and shown (change note)."""
    pub = _locked(pub)
    _require(pub, Status.PUBLISHED)
    if not reason.strip():
        raise PublicationError(_("撤回须说明理由"), code="reason")
    pub.status = Status.WITHDRAWN
    pub.withdrawn_at = _now()
    pub.withdrawn_reason = reason.strip()
    pub.save()
    _record(pub, user, ReviewStep.WITHDRAW, note=reason)
    _snapshot(pub, user, VERSION_NOTES["withdraw"] % {"reason": reason.strip()}, public=True)
    return pub


@transaction.atomic
def reopen(user, pub: Publication, change_note: str, changed_on: date | None = None) -> Publication:
    """Bring a withdrawn record back to draft so it can be corrected and published again.

    It then goes through the whole review path again (draft → submitted → reviewed → approved →
    published: Art. 17 review and 保密审查 apply to the corrected text as to the first one). The
    索引号 and the first ``published_at`` never change (CONVENTIONS §1.1, §6.2); the change note
    given here is shown on the portal page once it is republished (:func:`publish`).
    ``changed_on`` (default today) starts the change's own 20-WD clock (Art. 26,
    ``PublicationChange``); the record's ``formed_on`` and first late flag stay as they were.
    """
    pub = _locked(pub)
    _require(pub, Status.WITHDRAWN)
    note = change_note.strip()
    if not note:
        raise PublicationError(_("重新发布须填写更正说明"), code="change_note")
    changed_on = _check_changed_on(pub, changed_on)
    pub.status = Status.DRAFT
    pub.change_note = note
    pub.save()
    # The republication is a 变更 with its own Art. 26 clock, closed by :func:`publish`.
    _open_change(pub, user, ChangeKind.REPUBLICATION, changed_on, note)
    _record(pub, user, ReviewStep.REOPEN, note=note)
    _snapshot(pub, user, f"撤回后重新编辑：{note}")
    return pub


@transaction.atomic
def correct_publication(
    user, pub: Publication, data: dict, change_note: str, changed_on: date | None = None
) -> Publication:
    """Correct a published record; the change note is shown with it. The publication date, the
    index number and the 形成日期 (``formed_on``, with the original clock and late flag) stay as
    they were.

    A correction is a 变更 (Art. 26): ``changed_on`` (default today) is the day the information
    changed; the corrected version is published now, so the change's clock closes at once and
    is late if now is past ``changed_on`` + 20 WD (``PublicationChange``).
    """
    pub = _locked(pub)
    _require(pub, Status.PUBLISHED)
    if not change_note.strip():
        raise PublicationError(_("更正须填写更正说明"), code="change_note")
    data = dict(data)
    if "formed_on" in data:
        if data["formed_on"] != pub.formed_on:
            raise PublicationError(
                _("首次发布后形成日期不能修改；信息变更请填写本次变更日期"), code="formed_on"
            )
        del data["formed_on"]
    changed_on = _check_changed_on(pub, changed_on)
    _apply(pub, data)
    if pub.disclosure_mode not in PUBLIC_MODES:
        raise PublicationError(
            _("更正不能改变公开属性；如需停止公开请撤回"), code="disclosure_mode"
        )
    pub.change_note = change_note.strip()
    pub.corrected_at = _now()
    pub.save()
    _require_clean(pub)  # raising here rolls the whole correction back
    change = _open_change(pub, user, ChangeKind.CORRECTION, changed_on, pub.change_note)
    _close_change(change, pub.corrected_at)
    _record(pub, user, ReviewStep.CORRECT, note=change_note)
    _snapshot(pub, user, change_note.strip(), public=True)
    return pub


# The Chinese labels of Validity (its choices are lazily translated into the request language).
_VALIDITY_MSGIDS = {
    Validity.IN_FORCE: gettext_noop("现行有效"),
    Validity.EXPIRED: gettext_noop("失效"),
    Validity.REPEALED: gettext_noop("废止"),
}


@transaction.atomic
def change_validity(
    user,
    pub: Publication,
    validity: str,
    changed_on: date,
    superseded_by: Publication | None = None,
    note: str = "",
) -> Publication:
    """现行有效 → 失效/废止 (feeds the annual report's repealed / in-force counts)."""
    pub = _locked(pub)
    if validity not in Validity.values:
        raise PublicationError(_("有效性取值无效"), code="validity")
    if validity != Validity.IN_FORCE and changed_on is None:
        raise PublicationError(_("请填写有效性变更日期"), code="validity_changed_on")
    if superseded_by is not None and superseded_by.pk == pub.pk:
        raise PublicationError(_("文件不能被自身替代"), code="superseded_by")
    pub.validity = validity
    pub.validity_changed_on = changed_on if validity != Validity.IN_FORCE else None
    pub.superseded_by = superseded_by if validity != Validity.IN_FORCE else None
    pub.save()
    # The note is stored in Chinese whatever the user's language (display_system_note
    # translates it): the label is the Chinese msgid of the choice.
    parts = {"validity": _VALIDITY_MSGIDS[validity], "note": note.strip()}
    key = "validity"
    if changed_on:
        key += "_on"
        parts["changed_on"] = f"{changed_on:%Y-%m-%d}"
    if parts["note"]:
        key += "_note"
    text = VERSION_NOTES[key] % parts
    _record(pub, user, ReviewStep.VALIDITY, note=text)
    _snapshot(pub, user, text, public=pub.status == Status.PUBLISHED)
    return pub


# ---------------------------------------------------------------------------------------------
# Interpretations (政策解读)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def link_interpretation(user, policy: Publication, interpretation: Publication) -> Interpretation:
    if policy.pk == interpretation.pk:
        raise PublicationError(_("文件不能解读自身"), code="self")
    if policy.agency_id != interpretation.agency_id:
        # An interpretation may come from another organ, but both must be visible to the user.
        pass
    link, _created = Interpretation.objects.get_or_create(
        policy=policy, interpretation=interpretation
    )
    return link


@transaction.atomic
def unlink_interpretation(user, link: Interpretation) -> None:
    link.delete()


# ---------------------------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------------------------


def _read_upload(upload) -> bytes:
    upload.seek(0)
    return upload.read()


def _extract(att: Attachment, data: bytes, ftype) -> None:
    att.extracted_text = ""
    att.extraction_error = ""
    if ftype.key in IMAGE_KEYS:
        att.extraction_error = "图片中的文字无法自动检查，请人工核对是否含有个人信息"
        return
    try:
        att.extracted_text = privacy.extract_text(data, att.original_name)
    except privacy.ExtractionError as e:
        att.extraction_error = e.message[:300]


def _clean_name(name: str) -> str:
    base = os.path.basename(name or "").strip() or "附件"
    return base[:200]


@transaction.atomic
def add_attachment(user, pub: Publication, upload) -> Attachment:
    pub = _locked(pub)
    _require(pub, Status.DRAFT)
    name = _clean_name(upload.name)
    data = _read_upload(upload)
    try:
        ftype = check_upload(name, data)
    except AttachmentRejected as e:
        raise PublicationError(e.message, code=e.code) from e
    pos = pub.attachments.count()
    att = Attachment(
        publication=pub,
        original_name=name,
        size=len(data),
        content_type=ftype.content_type,
        position=pos,
    )
    _extract(att, data, ftype)
    att.file.save(name, ContentFile(data), save=False)
    att.save()
    rescan(pub)
    return att


@transaction.atomic
def replace_attachment(user, att: Attachment, upload, note: str = "") -> Attachment:
    """Put a masked copy in place of a file with personal data (before publishing)."""
    pub = _locked(att.publication)
    _require(pub, *PRE_PUBLICATION)
    name = _clean_name(upload.name)
    data = _read_upload(upload)
    try:
        ftype = check_upload(name, data)
    except AttachmentRejected as e:
        raise PublicationError(e.message, code=e.code) from e
    old_file = att.file.name
    att.original_name = name
    att.size = len(data)
    att.content_type = ftype.content_type
    _extract(att, data, ftype)
    att.file.save(name, ContentFile(data), save=False)
    att.save()
    # The old findings belonged to the old file: those that were open count as masked.
    att.findings.filter(state=FindingState.OPEN).update(
        state=FindingState.MASKED, resolved_at=_now(), reason=note or "已替换为处理后的文件"
    )
    if old_file:
        transaction.on_commit(lambda: att.file.storage.delete(old_file))
    rescan(pub)
    _snapshot(pub, user, VERSION_NOTES["replace"] % {"name": name})
    return att


@transaction.atomic
def remove_attachment(user, att: Attachment) -> None:
    pub = _locked(att.publication)
    _require(pub, Status.DRAFT)
    name = att.file.name
    att.delete()
    if name:
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))
    rescan(pub)


# ---------------------------------------------------------------------------------------------
# Privacy guard (Art. 15, RULES B4)
# ---------------------------------------------------------------------------------------------


def _fingerprint(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


_LONG_DIGITS = re.compile(r"[0-9]{7,}[0-9Xx]*")


def _context(text: str, f) -> str:
    before = text[max(0, f.start - 20) : f.start]
    after = text[f.end : f.end + 20]

    # Other personal data near the finding is masked too (the panel must not leak it),
    # including a number the 20-character window cuts in half.
    def clean(s: str) -> str:
        return _LONG_DIGITS.sub(lambda m: "*" * len(m.group()), privacy.redact(s))

    return clean(before) + f.masked + clean(after)


def _scan_source(pub, att, text: str) -> list[PrivacyFinding]:
    out = []
    for f in privacy.scan(text):
        out.append(
            PrivacyFinding(
                publication=pub,
                attachment=att,
                kind=f.kind,
                start=f.start,
                end=f.end,
                masked=f.masked[:100],
                context=_context(text, f)[:200].replace("\n", " "),
                fingerprint=_fingerprint(f.kind, f.matched),
                confidence=f.confidence,
            )
        )
    return out


def _body_texts(pub: Publication) -> list[str]:
    """The flowing text and, if different, the text node by node (see ``text_nodes``)."""
    nodes = text_nodes(pub.body)
    return [pub.body_text] + ([nodes] if nodes and nodes != pub.body_text else [])


def _scan_body(pub: Publication) -> list[PrivacyFinding]:
    out: list[PrivacyFinding] = []
    for text in _body_texts(pub):
        found = _scan_source(pub, None, text)
        if out:  # the node-by-node pass only adds values the flowing text hid
            seen = {f.fingerprint for f in out}
            found = [f for f in found if f.fingerprint not in seen]
        out.extend(found)
    return out


def rescan(pub: Publication) -> list[PrivacyFinding]:
    """Re-run the guard on the body and every attachment; keeps waivers and mask history.

    Open findings follow the text (new ones added, vanished ones dropped); a value waived before
    stays waived.
    """
    with transaction.atomic():
        fresh: list[PrivacyFinding] = _scan_body(pub)
        for att in pub.attachments.all():
            if att.extraction_error:
                fresh.append(
                    PrivacyFinding(
                        publication=pub,
                        attachment=att,
                        kind="unreadable",
                        masked="",
                        context=att.extraction_error[:200],
                        fingerprint=_fingerprint("unreadable", f"{att.pk}:{att.file.name}"),
                    )
                )
            else:
                fresh.extend(_scan_source(pub, att, att.extracted_text))
        waived = set(
            pub.privacy_findings.filter(state=FindingState.WAIVED).values_list(
                "attachment_id", "fingerprint"
            )
        )
        # Keep the rows of findings still present (their ids are on the reviewer's screen),
        # move them to the new position, drop the gone ones, add the new ones.
        current: dict[tuple, list[PrivacyFinding]] = {}
        for f in pub.privacy_findings.filter(state=FindingState.OPEN).order_by("start", "id"):
            current.setdefault((f.attachment_id, f.fingerprint), []).append(f)
        new, keep = [], []
        for f in fresh:
            key = (f.attachment_id, f.fingerprint)
            if key in waived:
                continue
            if current.get(key):
                old = current[key].pop(0)
                old.start, old.end, old.context = f.start, f.end, f.context
                keep.append(old)
            else:
                new.append(f)
        gone = [f.pk for rows in current.values() for f in rows]
        if gone:
            PrivacyFinding.objects.filter(pk__in=gone).delete()
        if keep:
            PrivacyFinding.objects.bulk_update(keep, ["start", "end", "context"])
        PrivacyFinding.objects.bulk_create(new)
    return list(pub.privacy_findings.filter(state=FindingState.OPEN))


@transaction.atomic
def mask_finding(user, finding: PrivacyFinding) -> Publication:
    """Replace the finding's value in the body by its mask (138****1234, 35*************123)."""
    pub = _locked(finding.publication)
    # Also after publishing (imported legacy records): masking only ever removes data.
    _require(pub, *PRE_PUBLICATION, Status.PUBLISHED)
    finding = PrivacyFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.state != FindingState.OPEN:
        raise PublicationError(_("该项已处理"), code="state")
    if finding.attachment_id is not None:
        raise PublicationError(
            _("附件中的个人信息请上传处理后的文件替换原附件，或由审核人确认可以公开"),
            code="attachment",
        )
    matches = [
        f
        for text in _body_texts(pub)
        for f in privacy.scan(text)
        if _fingerprint(f.kind, f.matched) == finding.fingerprint
    ]
    if not matches:
        rescan(pub)
        raise PublicationError(_("正文已改变，请刷新后重试"), code="stale")
    body, n = pub.body, 0
    for matched, masked in {(f.matched, f.masked) for f in matches}:
        body, k = replace_in_text_nodes(body, matched, masked)
        n += k
    if n == 0:
        raise PublicationError(
            _("该处个人信息被排版标记分隔，无法自动遮盖，请在正文中手工修改"), code="split"
        )
    pub.body = body
    pub.body_text = html_to_text(body)
    pub.save()
    finding.state = FindingState.MASKED
    finding.resolved_at = _now()
    finding.waived_by = user if getattr(user, "is_authenticated", False) else None
    finding.save()
    _snapshot(
        pub,
        user,
        VERSION_NOTES["mask"] % {"masked": finding.masked},
        public=pub.status == Status.PUBLISHED,
    )
    rescan(pub)
    return pub


@transaction.atomic
def waive_finding(user, finding: PrivacyFinding, reason: str) -> PrivacyFinding:
    """A named reviewer confirms the value may be published (e.g. an office's duty phone)."""
    finding = PrivacyFinding.objects.select_for_update().get(pk=finding.pk)
    _require(finding.publication, *PRE_PUBLICATION, Status.PUBLISHED)
    if finding.state != FindingState.OPEN:
        raise PublicationError(_("该项已处理"), code="state")
    if not reason.strip():
        raise PublicationError(_("确认可以公开须说明理由"), code="reason")
    finding.state = FindingState.WAIVED
    finding.waived_by = user
    finding.reason = reason.strip()
    finding.resolved_at = _now()
    finding.save()
    return finding


# ---------------------------------------------------------------------------------------------
# The publication clock (Art. 26)
# ---------------------------------------------------------------------------------------------


def refresh_clock(qs=None, today: date | None = None) -> int:
    """Recompute ``publication_due_on`` and ``is_late`` (after calendar changes, and daily so
    unpublished records turn late). Returns the number of rows changed.

    Reads only the clock columns, computes each (formed_on, region) due date once, and writes
    one UPDATE per distinct (due date, late) pair rather than one per row.
    """
    today = today or _today()
    qs = Publication.objects.all() if qs is None else qs
    due_cache: dict[tuple[date, str], date] = {}
    groups: dict[tuple[date, bool], list[int]] = {}
    rows = qs.order_by().values_list(
        "id",
        "formed_on",
        "publication_due_on",
        "is_late",
        "published_at",
        "status",
        "disclosure_mode",
        "agency__region_code",
    )
    for pk, formed_on, old_due, old_late, published_at, status, mode, region in rows.iterator(
        chunk_size=5000
    ):
        key = (formed_on, region or "")
        due = due_cache.get(key)
        if due is None:
            due = due_cache[key] = workdays.add_workdays(
                formed_on, PUBLICATION_WORKDAYS, region=region or ""
            )
        if published_at is not None:
            late = timezone.localdate(published_at) > due
        else:
            late = status in PRE_PUBLICATION and mode in PUBLIC_MODES and today > due
        if (due, late) != (old_due, old_late):
            groups.setdefault((due, late), []).append(pk)
    changed = 0
    # Only the two clock columns are written; published_at is untouched.
    for (due, late), ids in groups.items():
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            Publication.objects.filter(pk__in=chunk).update(publication_due_on=due, is_late=late)
            changed += len(chunk)
    return changed


def refresh_change_clock(qs=None, today: date | None = None) -> int:
    """:func:`refresh_clock` for the changes (``PublicationChange``: correction/republication,
    each with its own Art. 26 clock from ``changed_on``). Returns the number of rows changed."""
    today = today or _today()
    qs = PublicationChange.objects.all() if qs is None else qs
    due_cache: dict[tuple[date, str], date] = {}
    groups: dict[tuple[date, bool], list[int]] = {}
    rows = qs.order_by().values_list(
        "id",
        "changed_on",
        "due_on",
        "is_late",
        "published_at",
        "publication__status",
        "publication__disclosure_mode",
        "publication__agency__region_code",
    )
    for pk, changed_on, old_due, old_late, published_at, status, mode, region in rows.iterator(
        chunk_size=5000
    ):
        key = (changed_on, region or "")
        due = due_cache.get(key)
        if due is None:
            due = due_cache[key] = workdays.add_workdays(
                changed_on, PUBLICATION_WORKDAYS, region=region or ""
            )
        if published_at is not None:
            late = timezone.localdate(published_at) > due
        else:
            late = status in PRE_PUBLICATION and mode in PUBLIC_MODES and today > due
        if (due, late) != (old_due, old_late):
            groups.setdefault((due, late), []).append(pk)
    changed = 0
    for (due, late), ids in groups.items():
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            PublicationChange.objects.filter(pk__in=chunk).update(due_on=due, is_late=late)
            changed += len(chunk)
    return changed


def change_clock_window(years) -> models.QuerySet[PublicationChange]:
    """Changes whose 20-WD window touches ``years`` (see :func:`clock_window`)."""
    years = set(years or ())
    qs = PublicationChange.objects.all()
    if years:
        lo, hi = date(min(years), 1, 1), date(max(years), 12, 31)
        qs = qs.filter(changed_on__lte=hi, due_on__gte=lo)
    return qs


# Above this many records in the affected window, recompute in the background.
CLOCK_INLINE_LIMIT = 20_000


def clock_window(years) -> models.QuerySet[Publication]:
    """Records whose 20-WD window touches ``years``: formed by the end of the last year and not
    already due before the first one (their count finished before the change)."""
    years = set(years or ())
    qs = Publication.objects.all()
    if years:
        lo, hi = date(min(years), 1, 1), date(max(years), 12, 31)
        qs = qs.filter(formed_on__lte=hi).filter(
            Q(publication_due_on__gte=lo) | Q(publication_due_on__isnull=True)
        )
    return qs


def _on_calendar_changed(sender, years=None, **kwargs):
    qs = clock_window(years)
    if qs.count() <= CLOCK_INLINE_LIMIT:
        refresh_clock(qs)
        refresh_change_clock(change_clock_window(years))
        return
    from .tasks import refresh_clock_task

    # After commit: the worker must see the new override rows.
    transaction.on_commit(lambda: refresh_clock_task.enqueue(sorted(set(years or ()))))
