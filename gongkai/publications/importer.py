"""Import existing publications (migrating an old disclosure site) from CSV, XLSX or JSON.

Each row is imported in its own savepoint: a bad row is reported with its number and the import
goes on. Legacy 索引号 are kept verbatim (CONVENTIONS §1.3) and 文号 normalised to 〔〕. Imported
rows keep the publication date they had on the old site (``published_at``); rows without an
index number get one from the agency's template.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.rules import privacy
from gongkai.rules.index_numbers import IndexNumberError, normalise_document_number

from . import services
from .models import (
    Column,
    DisclosureMode,
    FindingState,
    ImportBatch,
    Publication,
    PublicationKind,
    Status,
    Validity,
)
from .text import html_to_text, sanitise_body

MAX_ROWS = 200_000

# Header (English field name or the Chinese label seen on real sites) → field.
HEADERS = {
    "index_number": "index_number",
    "索引号": "index_number",
    "title": "title",
    "名称": "title",
    "标题": "title",
    "信息名称": "title",
    "公文名称": "title",
    "document_number": "document_number",
    "文号": "document_number",
    "发文字号": "document_number",
    "发布文号": "document_number",
    "issued_on": "issued_on",
    "成文日期": "issued_on",
    "发文日期": "issued_on",
    "formed_on": "formed_on",
    "形成日期": "formed_on",
    "生成日期": "formed_on",
    "published_at": "published_at",
    "发布日期": "published_at",
    "发布时间": "published_at",
    "column": "column",
    "栏目": "column",
    "分类": "column",
    "公开目录": "column",
    "组配分类": "column",
    "publisher": "publisher",
    "发布机构": "publisher",
    "发文机关": "publisher",
    "keywords": "keywords",
    "主题词": "keywords",
    "关键词": "keywords",
    "topic": "topic",
    "主题分类": "topic",
    "genre": "genre",
    "体裁": "genre",
    "体裁分类": "genre",
    "summary": "summary",
    "内容概述": "summary",
    "摘要": "summary",
    "body": "body",
    "正文": "body",
    "内容": "body",
    "kind": "kind",
    "文件类型": "kind",
    "validity": "validity",
    "有效性": "validity",
    "时效": "validity",
    "validity_changed_on": "validity_changed_on",
    "废止日期": "validity_changed_on",
    "失效日期": "validity_changed_on",
    "disclosure_mode": "disclosure_mode",
    "公开属性": "disclosure_mode",
    "公开方式": "disclosure_mode",
}

VALIDITY_WORDS = {
    "现行有效": Validity.IN_FORCE,
    "有效": Validity.IN_FORCE,
    "in_force": Validity.IN_FORCE,
    "失效": Validity.EXPIRED,
    "已失效": Validity.EXPIRED,
    "expired": Validity.EXPIRED,
    "废止": Validity.REPEALED,
    "已废止": Validity.REPEALED,
    "repealed": Validity.REPEALED,
}
KIND_WORDS = {
    "规章": PublicationKind.REGULATION,
    "政府规章": PublicationKind.REGULATION,
    "regulation": PublicationKind.REGULATION,
    "规范性文件": PublicationKind.NORMATIVE_DOCUMENT,
    "行政规范性文件": PublicationKind.NORMATIVE_DOCUMENT,
    "normative_document": PublicationKind.NORMATIVE_DOCUMENT,
    "其他": PublicationKind.OTHER,
    "other": PublicationKind.OTHER,
}
MODE_WORDS = {
    "主动公开": DisclosureMode.PROACTIVE,
    "proactive": DisclosureMode.PROACTIVE,
    "删减后公开": DisclosureMode.REDACTED,
    "部分公开": DisclosureMode.REDACTED,
    "redacted": DisclosureMode.REDACTED,
}


class ImportFormatError(ValueError):
    """The file as a whole cannot be read; ``message`` is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RowError(ValueError):
    pass


@dataclass
class ImportResult:
    total: int = 0
    imported: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row": n, "message": str}
    warnings: list[dict] = field(default_factory=list)
    batch_id: int | None = None


# --- reading -----------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ImportFormatError(_("无法识别文件的文字编码，请另存为 UTF-8 编码的 CSV"))
    return str(best)


def read_rows(data: bytes, filename: str) -> tuple[list[str], Iterator[dict]]:
    """(headers, rows as {header: value}) for a CSV, XLSX or JSON file."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext == ".csv":
        text = _decode(data)
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames:
            raise ImportFormatError(_("CSV 文件没有表头"))
        return [h.strip() for h in reader.fieldnames], (
            {(k or "").strip(): v for k, v in r.items()} for r in reader
        )
    if ext == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:
            raise ImportFormatError(_("XLSX 文件已损坏或不是 Excel 文件")) from e
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        try:
            head = [str(h).strip() if h is not None else "" for h in next(it)]
        except StopIteration as e:
            raise ImportFormatError(_("XLSX 文件是空的")) from e

        def rows():
            for values in it:
                if values is None or all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield dict(zip(head, values, strict=False))

        return head, rows()
    if ext == ".json":
        try:
            obj = json.loads(_decode(data))
        except json.JSONDecodeError as e:
            raise ImportFormatError(_("JSON 格式错误（第%(a)s行）") % {"a": e.lineno}) from e
        if isinstance(obj, dict):
            obj = obj.get("publications", obj.get("items"))
        if not isinstance(obj, list) or not all(isinstance(r, dict) for r in obj):
            raise ImportFormatError(_("JSON 文件应为对象数组，或含 publications 数组的对象"))
        heads = sorted({k for r in obj for k in r})
        return heads, iter(obj)
    raise ImportFormatError(
        _("不支持“%(a)s”类型的文件，只能导入 CSV、XLSX 或 JSON") % {"a": ext or _("无扩展名")}
    )


# --- one row -----------------------------------------------------------------------------------


def _str(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _date(v, label: str) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = _str(v)
    m = _DATE_RE.search(s)
    if not m and re.fullmatch(r"\d{8}", s):
        m = re.match(r"(\d{4})(\d{2})(\d{2})", s)
    if not m:
        raise RowError(_("%(a)s“%(b)s”不是有效日期（应如 2024-05-01）") % {"a": label, "b": s})
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as e:
        raise RowError(_("%(a)s“%(b)s”不是有效日期") % {"a": label, "b": s}) from e


def _datetime(v, label: str) -> datetime | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v if timezone.is_aware(v) else timezone.make_aware(v)
    d = _date(v, label)
    t = time(0, 0)
    m = _TIME_RE.search(_str(v)[10:]) if isinstance(v, str) else None
    if m:
        t = time(int(m[1]) % 24, int(m[2]), int(m[3] or 0))
    return timezone.make_aware(datetime.combine(d, t))


class _Context:
    def __init__(self, agency: Agency):
        self.agency = agency
        services.ensure_catalogue(agency)
        cols = list(Column.objects.filter(agency=agency))
        self.columns = {c.code: c for c in cols}
        self.columns.update({c.name: c for c in cols})
        self.default_column = self.columns.get("art20-15") or cols[0]
        self.publishers = {a.name: a for a in Agency.objects.filter(path__startswith=agency.path)}
        self.publishers.update({a.short_name: a for a in self.publishers.values() if a.short_name})


def _body(v) -> str:
    s = _str(v)
    if not s:
        return ""
    if re.search(r"<(p|div|br|table|span|h\d|ul|ol)\b", s, re.I):
        return sanitise_body(s)
    from html import escape

    paras = [p.strip() for p in re.split(r"\n\s*\n|\r\n\r\n|\n", s) if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paras)


def _row_to_publication(raw: dict, ctx: _Context) -> tuple[Publication, list[str]]:
    row = {}
    for k, v in raw.items():
        key = HEADERS.get(_str(k)) or HEADERS.get(_str(k).lower())
        if key and key not in row:
            row[key] = v
    warnings = []
    title = _str(row.get("title"))
    if not title:
        raise RowError(_("缺少名称"))
    if len(title) > 300:
        raise RowError(_("名称超过300字"))
    published_at = _datetime(row.get("published_at"), "发布日期")
    if published_at is None:
        raise RowError(_("缺少发布日期"))
    if published_at > timezone.now():
        raise RowError(_("发布日期晚于今天"))
    issued_on = _date(row.get("issued_on"), "成文日期")
    formed_on = _date(row.get("formed_on"), "形成日期") or issued_on or published_at.date()
    col_key = _str(row.get("column"))
    column = ctx.columns.get(col_key) if col_key else ctx.default_column
    if column is None:
        raise RowError(_("栏目“%(a)s”不存在（可填栏目名称或代码）") % {"a": col_key})
    pub_name = _str(row.get("publisher"))
    publisher = ctx.publishers.get(pub_name, ctx.agency) if pub_name else ctx.agency
    if pub_name and pub_name not in ctx.publishers:
        warnings.append(_("发布机构“%(a)s”不在本机关及下级机关中，已记为本机关") % {"a": pub_name})
    validity_raw = _str(row.get("validity"))
    validity = VALIDITY_WORDS.get(validity_raw, None) if validity_raw else Validity.IN_FORCE
    if validity is None:
        raise RowError(_("有效性“%(a)s”无法识别（现行有效/失效/废止）") % {"a": validity_raw})
    changed_on = _date(row.get("validity_changed_on"), "有效性变更日期")
    if validity != Validity.IN_FORCE and changed_on is None:
        raise RowError(_("有效性为失效或废止时须有废止（失效）日期"))
    kind_raw = _str(row.get("kind"))
    kind = KIND_WORDS.get(kind_raw) if kind_raw else PublicationKind.OTHER
    if kind is None:
        raise RowError(_("文件类型“%(a)s”无法识别（规章/规范性文件/其他）") % {"a": kind_raw})
    if kind != PublicationKind.OTHER and issued_on is None:
        raise RowError(_("规章和规范性文件须有成文日期"))
    mode_raw = _str(row.get("disclosure_mode"))
    mode = MODE_WORDS.get(mode_raw) if mode_raw else DisclosureMode.PROACTIVE
    if mode is None:
        raise RowError(
            _("公开属性“%(a)s”不能导入为已公开信息（主动公开/删减后公开）") % {"a": mode_raw}
        )
    body = _body(row.get("body"))
    index_number = _str(row.get("index_number"))
    if len(index_number) > 80:
        raise RowError(_("索引号超过80个字符"))
    if index_number and Publication.objects.filter(index_number=index_number).exists():
        raise RowError(_("索引号“%(a)s”已存在") % {"a": index_number})
    if not index_number:
        try:
            index_number = services.allocate_index_number(ctx.agency, formed_on)
        except IndexNumberError as e:
            raise RowError(e.message) from e
    pub = Publication(
        agency=ctx.agency,
        column=column,
        publisher=publisher,
        title=title,
        index_number=index_number,  # verbatim: legacy numbers are never rewritten
        document_number=normalise_document_number(_str(row.get("document_number")))[:100],
        issued_on=issued_on,
        formed_on=formed_on,
        published_at=published_at,
        summary=_str(row.get("summary")),
        keywords=_str(row.get("keywords"))[:200],
        topic=_str(row.get("topic"))[:60],
        genre=_str(row.get("genre"))[:30],
        disclosure_mode=mode,
        kind=kind,
        validity=validity,
        validity_changed_on=changed_on if validity != Validity.IN_FORCE else None,
        body=body,
        body_text=html_to_text(body),
        status=Status.PUBLISHED,
        imported=True,
    )
    pub.publication_due_on = services.due_date(formed_on, ctx.agency)
    pub.is_late = timezone.localdate(published_at) > pub.publication_due_on
    return pub, warnings


def import_rows(
    rows: Iterable[dict],
    agency: Agency,
    *,
    user=None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> ImportResult:
    ctx = _Context(agency)
    result = ImportResult()
    it = enumerate(progress(rows) if progress else rows, start=2)  # row 1: the header
    # Rows are committed in chunks (one transaction, a savepoint per row): far fewer syncs than
    # a transaction per row, and other writers get the database between chunks.
    more = True
    while more:
        with transaction.atomic():
            more = _import_chunk(it, ctx, user, result)
    return result


CHUNK = 200


def _import_chunk(it, ctx: _Context, user, result: ImportResult) -> bool:
    """Import up to CHUNK rows; False once the file (or the row limit) is exhausted."""
    for _i in range(CHUNK):
        item = next(it, None)
        if item is None:
            return False
        n, raw = item
        if result.total >= MAX_ROWS:
            result.errors.append(
                {"row": n, "message": _("超过单次导入上限%(a)s行，其余未导入") % {"a": MAX_ROWS}}
            )
            return False
        result.total += 1
        try:
            with transaction.atomic():
                pub, warnings = _row_to_publication(raw, ctx)
                pub.created_by = user if getattr(user, "is_authenticated", False) else None
                pub.save()
                services._snapshot(pub, user, "历史信息导入")
                masked, unmasked = _mask_personal_data(pub, user)
        except RowError as e:
            result.errors.append({"row": n, "message": str(e)})
            continue
        except IntegrityError:
            result.errors.append({"row": n, "message": _("索引号重复")})
            continue
        except Exception as e:  # a bad row must never stop the import
            result.errors.append(
                {"row": n, "message": _("无法导入：%(a)s") % {"a": type(e).__name__}}
            )
            continue
        result.imported += 1
        for w in warnings:
            result.warnings.append({"row": n, "message": w})
        if masked:
            result.warnings.append(
                {
                    "row": n,
                    "message": _("正文含%(a)s处个人信息，已自动遮盖（见版本记录）") % {"a": masked},
                }
            )
        if unmasked:
            result.warnings.append(
                {
                    "row": n,
                    "message": _("正文含%(a)s处个人信息无法自动遮盖，请立即在隐私检查中处理")
                    % {"a": unmasked},
                }
            )
    return True


def _mask_personal_data(pub: Publication, user) -> tuple[int, int]:
    """Imported records go straight to the portal: mask what the guard finds before they do
    (Art. 15). Returns (masked, could not be masked)."""
    if not privacy.scan(pub.body_text):
        return 0, 0  # the common case: no queries
    services.rescan(pub)
    masked, failed = 0, set()
    for _attempt in range(500):
        f = (
            pub.privacy_findings.filter(state=FindingState.OPEN, attachment__isnull=True)
            .exclude(pk__in=failed)
            .first()
        )
        if f is None:
            break
        try:
            with transaction.atomic():
                services.mask_finding(user, f)
            masked += 1
        except services.PublicationError:
            failed.add(f.pk)
    return masked, len(failed)


def import_file(
    fileobj, agency: Agency, *, user=None, filename: str | None = None, progress=None
) -> ImportResult:
    name = filename or getattr(fileobj, "name", "")
    if hasattr(fileobj, "read"):
        fileobj.seek(0) if hasattr(fileobj, "seek") else None
        data = fileobj.read()
    else:
        with open(fileobj, "rb") as fh:
            data = fh.read()
        name = name or os.fspath(fileobj)
    headers, rows = read_rows(data, name)
    known = {HEADERS.get(h) or HEADERS.get(h.lower()) for h in headers} - {None}
    if "title" not in known:
        raise ImportFormatError(_("文件中没有“名称”（或 title）列"))
    result = import_rows(rows, agency, user=user, progress=progress)
    batch = ImportBatch.objects.create(
        agency=agency,
        filename=os.path.basename(name)[:200],
        created_by=user if getattr(user, "is_authenticated", False) else None,
        total=result.total,
        imported=result.imported,
        errors=result.errors[:1000],
    )
    result.batch_id = batch.pk
    return result


__all__ = ["ImportFormatError", "ImportResult", "import_file", "import_rows", "read_rows"]
