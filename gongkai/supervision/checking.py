"""The report checker inside the platform (年报体检): uploads, batch runs, evidence highlighting.

The checking itself is ``gongkai.checker`` (pure Python); this module only feeds it uploaded
files, keeps the results in ``CheckBatch``/``CheckedReport`` and marks each finding's evidence
in the report text.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from pathlib import PurePath

from django.db import transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import CheckBatch, CheckedReport

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 50
MAX_BATCH_BYTES = 200 * 1024 * 1024
# Up to this many files (and bytes) are checked while the request waits; more go to a task.
SYNC_MAX_FILES = 8
SYNC_MAX_BYTES = 8 * 1024 * 1024
MIN_EVIDENCE = 4  # shorter evidence (a date, "0 / 11") is too ambiguous to mark in the text


def checker_available() -> bool:
    try:
        from gongkai.checker import check  # noqa: F401
    except ImportError:
        return False
    return True


def upload_error(name: str, size: int) -> str:
    """Why an uploaded file cannot be checked (Chinese), or "" when it is acceptable."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        return _("不支持的文件类型“%(s)s”：请上传 .txt、.html、.docx 或 .pdf 文件") % {
            "s": suffix or _("无扩展名")
        }
    if size == 0:
        return _("文件是空的")
    if size > MAX_FILE_BYTES:
        return _("文件过大（%(mb).1f MB），单个文件不能超过 %(max)d MB") % {
            "mb": size / 1024 / 1024,
            "max": MAX_FILE_BYTES // 1024 // 1024,
        }
    return ""


@transaction.atomic
def create_batch(user, agency, uploads) -> CheckBatch:
    """A batch from uploaded files (Django UploadedFile objects or (name, bytes) pairs).

    Files that cannot be checked get an error row at once; the others keep their bytes until
    ``run_batch`` reads them."""
    batch = CheckBatch.objects.create(agency=agency, created_by=user)
    rows, total = [], 0
    for i, up in enumerate(uploads[:MAX_FILES], start=1):
        if isinstance(up, tuple):
            name, data = up
            size = len(data)
        else:
            name, size, data = up.name, up.size, None
        name = PurePath(str(name)).name[:255] or _("（无文件名）")
        err = upload_error(name, size)
        if not err and total + size > MAX_BATCH_BYTES:
            err = _("本批文件总量超过 %(max)d MB，此文件未检查，请分批上传") % {
                "max": MAX_BATCH_BYTES // 1024 // 1024
            }
        if not err:
            total += size
        if not err and data is None:
            data = up.read()
        rows.append(
            CheckedReport(
                batch=batch,
                position=i,
                file_name=name,
                size=size,
                error=err,
                source=None if err else data,
            )
        )
    CheckedReport.objects.bulk_create(rows)
    batch.total = len(rows)
    batch.done = sum(1 for r in rows if r.error)
    batch.save(update_fields=["total", "done"])
    return batch


def should_run_in_background(batch: CheckBatch) -> bool:
    pending = batch.reports.filter(error="")
    sizes = list(pending.values_list("size", flat=True))
    return len(sizes) > SYNC_MAX_FILES or sum(sizes) > SYNC_MAX_BYTES


def _row_source(row) -> tuple[str, bytes] | None:
    """(file name, bytes) of a pending row: its upload, or the platform version rendered now."""
    if row.source is not None:
        return row.file_name, bytes(row.source)
    if row.version_id is None:
        return None
    from gongkai.annualreports.models import ReportVersion

    v = ReportVersion.objects.select_related("report", "report__agency").get(pk=row.version_id)
    return row.file_name, _version_html(v).encode()


def _in_chunks(qs, size: int = 10):
    """Rows of ``qs`` a few at a time (uploads hold up to 20 MB each), by id list, so the loop
    may write the rows it reads."""
    ids = list(qs.values_list("pk", flat=True))
    for i in range(0, len(ids), size):
        yield from CheckedReport.objects.filter(pk__in=ids[i : i + size]).order_by("position")


def run_batch(batch_id: int) -> CheckBatch:
    """Check every pending file of the batch, then the batch-wide checks (near-copies, the
    same agency's previous year). Per-file failures become error rows, never exceptions."""
    batch = CheckBatch.objects.get(pk=batch_id)
    CheckBatch.objects.filter(pk=batch.pk).update(state=CheckBatch.State.RUNNING)
    try:
        from gongkai.checker import check
    except ImportError:
        batch.reports.filter(error="").update(
            error=_("年报体检模块尚未安装，无法检查"), source=None
        )
        CheckBatch.objects.filter(pk=batch.pk).update(state=CheckBatch.State.DONE, done=batch.total)
        batch.refresh_from_db()
        return batch
    checked = []
    pending = batch.reports.filter(error="").filter(
        Q(source__isnull=False) | Q(version_id__isnull=False)
    )
    for row in _in_chunks(pending.order_by("position")):
        try:
            name, data = _row_source(row)
            rep = check(data, name=name)
        except Exception as exc:  # the checker promises not to raise; a bug must not lose the batch
            log.exception("checker failed on %s (batch %s)", row.file_name, batch.pk)
            row.error = _("检查时出错：%(e)s") % {"e": type(exc).__name__}
            rep = None
        if rep is not None:
            if rep.error:
                row.error = rep.error
            row.text = rep.text or ""
            checked.append((row, rep))
        row.source = None
        row.save(update_fields=["error", "text", "source"])
        CheckBatch.objects.filter(pk=batch.pk).update(done=batch.done + 1)
        batch.done += 1
    reports = [rep for _row, rep in checked]
    try:
        from gongkai.checker.batch import cross_year, near_copies

        cross_year(reports)
        near_copies(reports)
    except ImportError:
        pass
    except Exception:  # batch-wide comparisons are extras: keep the per-file results
        log.exception("checker batch comparisons failed for batch %s", batch.pk)
    for row, rep in checked:
        row.result = rep.to_dict()
        row.save(update_fields=["result"])
    CheckBatch.objects.filter(pk=batch.pk).update(state=CheckBatch.State.DONE, done=batch.total)
    batch.refresh_from_db()
    return batch


def start_batch(batch: CheckBatch) -> bool:
    """Run small batches now; queue large ones as a background task. True if queued."""
    if should_run_in_background(batch):
        from .tasks import check_batch_task

        try:
            check_batch_task.enqueue(batch.pk)
            return True
        except Exception:  # no task backend configured: fall back to checking now
            pass
    run_batch(batch.pk)
    return False


# --------------------------------------------------------------------------- highlighting

_WS = re.compile(r"\s+")
_POS = re.compile(r"第(\d+)字")
_SPLIT = re.compile(r"[；;]|…|\.\.\.")
_QUOTED = re.compile(r"[“\"]([^”\"]{2,40})[”\"]")


def _compact(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace, and each kept character's index in ``text``."""
    chars, index = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            chars.append(ch)
            index.append(i)
    return "".join(chars), index


def evidence_spans(text: str, findings: list[dict]) -> list[tuple[int, int, int]]:
    """(start, end, finding number) of each finding's evidence in ``text``.

    Evidence excerpts have their whitespace collapsed, so matching ignores whitespace; a
    finding that names a position ("正文第390字附近") takes the occurrence nearest to it."""
    compact, index = _compact(text)
    spans = []
    for n, f in enumerate(findings):
        ev = f.get("evidence") or ""
        m = _POS.search(f.get("where") or "")
        near = int(m.group(1)) if m else None
        for part in _SPLIT.split(ev) if ev not in compact else [ev]:
            needle = _WS.sub("", part)
            if len(needle) < MIN_EVIDENCE:
                continue
            starts = []
            pos = compact.find(needle)
            while pos != -1 and len(starts) < 50:
                starts.append(pos)
                pos = compact.find(needle, pos + 1)
            if not starts:
                continue
            if near is not None:
                k = bisect_right(index, near)
                best = min(starts, key=lambda s: abs(s - k))
            else:
                best = starts[0]
            length = len(needle)
            # Excerpts include context; when the message quotes the faulty words
            # (“201911日”), mark just those.
            for q in _QUOTED.findall(f.get("message") or ""):
                q = _WS.sub("", q)
                off = needle.find(q) if len(q) >= 2 else -1
                if off != -1:
                    best, length = best + off, len(q)
                    break
            spans.append((index[best], index[best + length - 1] + 1, n))
    return sorted(spans)


def highlight(text: str, findings: list[dict]) -> tuple[SafeString, set[int]]:
    """The report text, HTML-escaped, with evidence wrapped in <mark> (overlaps merged into
    the first mark). Returns the markup and the numbers of the findings that were marked."""
    out, pos, marked = [], 0, set()
    for start, end, n in evidence_spans(text, findings):
        if start < pos:
            if end > pos:  # overlapping: extend nothing, the text is already marked
                marked.add(n)
            continue
        out.append(escape(text[pos:start]))
        msg = findings[n].get("message", "")
        sev = findings[n].get("severity", "info")
        out.append(
            f'<mark id="ev-{n + 1}" class="sv-{escape(sev)}" title="{escape(msg)}">'
            f"{escape(text[start:end])}<sup>{n + 1}</sup></mark>"
        )
        marked.add(n)
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out)), marked


# --------------------------------------------------------------------------- platform reports


def _version_html(version) -> str:
    """A published report version as the HTML its print page shows (without the charts,
    which the checker does not read)."""
    from django.template.loader import render_to_string

    from gongkai.annualreports.outputs import body_context, doc_from_version

    ctx = body_context(doc_from_version(version), inline_svg=False)
    ctx["charts_png"] = []
    return render_to_string("annualreports/print.html", ctx)


def published_versions(agency_ids, year: int) -> list:
    """The newest published version of each report for ``year`` in the scope, in tree order
    (without the snapshots: they are read one at a time when the batch runs)."""
    try:
        from gongkai.annualreports.models import ReportVersion
    except ImportError:
        return []
    latest = {}
    for v in (
        ReportVersion.objects.filter(report__agency_id__in=agency_ids, report__year=year)
        .select_related("report", "report__agency")
        .defer("snapshot", "acknowledged_warnings")
        .order_by("report_id", "number")
    ):
        latest[v.report_id] = v
    return sorted(latest.values(), key=lambda v: v.report.agency.path)


@transaction.atomic
def create_batch_from_platform(user, agency, agency_ids, year: int) -> CheckBatch | None:
    """A batch of ALL the reports for ``year`` published on this platform within the scope
    (a province has ~2,000 agencies; the upload cap of MAX_FILES does not apply). Rows name
    the version; ``run_batch`` renders each as its print HTML when it reaches it, so a large
    batch costs the request nothing but one row per report (start_batch queues it)."""
    versions = published_versions(agency_ids, year)
    if not versions:
        return None
    batch = CheckBatch.objects.create(agency=agency, created_by=user)
    rows = [
        CheckedReport(
            batch=batch,
            position=i,
            file_name=(
                _("%(a)s%(y)d年年度报告（第%(n)d版）.html")
                % {"a": v.report.agency.name, "y": year, "n": v.number}
            )[:255],
            version_id=v.pk,
        )
        for i, v in enumerate(versions, start=1)
    ]
    CheckedReport.objects.bulk_create(rows, batch_size=500)
    batch.total = len(rows)
    batch.save(update_fields=["total"])
    return batch
