"""Reads for 主动公开, including the selectors other modules call:

- ``stale_columns(agency_ids, as_of)`` — supervision (栏目不更新, CONVENTIONS §6.2);
- ``table2_counts(agency_ids, year)`` — annual report table 二 (2021 format);
- ``dashboard_widget(user, agency)`` — the staff dashboard.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.permissions import Action, agencies_for, can
from gongkai.rules import workdays

from .models import (
    Column,
    DisclosureMode,
    Publication,
    PublicationChange,
    PublicationKind,
    Status,
    Validity,
)

PUBLIC_MODES = (DisclosureMode.PROACTIVE, DisclosureMode.REDACTED)
PRE_PUBLICATION = (Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED)


def public_publications() -> QuerySet[Publication]:
    """What the portal may show: published, proactively (or redacted-) disclosed."""
    return Publication.objects.filter(status=Status.PUBLISHED, disclosure_mode__in=PUBLIC_MODES)


def publications_for(user, action: str = Action.VIEW) -> QuerySet[Publication]:
    return Publication.objects.filter(agency__in=agencies_for(user, action))


# ---------------------------------------------------------------------------------------------
# Staleness (supervision)
# ---------------------------------------------------------------------------------------------


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def stale_columns(agency_ids: Iterable[int], as_of: date) -> list[Column]:
    """Active columns with an update cycle whose newest publication is older than the cycle at
    ``as_of`` (or that have none: empty columns count, CONVENTIONS §6.2).

    Each returned Column carries ``last_published_at`` (datetime or None) and
    ``days_since_update`` (int or None). One query per distinct cycle length (a handful).
    """
    agency_ids = list(agency_ids)
    base = (
        Column.objects.filter(
            agency_id__in=agency_ids, is_active=True, update_cycle_days__isnull=False
        )
        .annotate(
            last_published_at=Max(
                "publications__published_at",
                filter=Q(publications__status=Status.PUBLISHED),
            )
        )
        .select_related("agency")
    )
    # order_by(): the model's default ordering would otherwise leak into DISTINCT.
    cycles = set(
        Column.objects.filter(agency_id__in=agency_ids, update_cycle_days__isnull=False)
        .order_by()
        .values_list("update_cycle_days", flat=True)
        .distinct()
    )
    out: list[Column] = []
    for cycle in cycles:
        threshold = _day_start(as_of - timedelta(days=cycle))
        rows = base.filter(update_cycle_days=cycle).filter(
            Q(last_published_at__isnull=True) | Q(last_published_at__lt=threshold)
        )
        for col in rows:
            col.days_since_update = (
                (as_of - timezone.localdate(col.last_published_at)).days
                if col.last_published_at
                else None
            )
            out.append(col)
    out.sort(key=lambda c: (c.agency.path, c.position, c.pk))
    return out


# ---------------------------------------------------------------------------------------------
# Annual report, table 二 (2021 format, GLOSSARY cell keys)
# ---------------------------------------------------------------------------------------------

_ROWS = {
    PublicationKind.REGULATION: "proactive.regulations",
    PublicationKind.NORMATIVE_DOCUMENT: "proactive.normative_documents",
}


_COLS = ("issued", "repealed", "in_force")


def _table2_rows(agency_ids, year: int, by_agency: bool):
    first, last = date(year, 1, 1), date(year, 12, 31)
    start, end = _day_start(first), _day_start(date(year + 1, 1, 1))
    qs = Publication.objects.filter(status=Status.PUBLISHED, kind__in=list(_ROWS))
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    ended = [Validity.REPEALED, Validity.EXPIRED]
    group = ("agency_id", "kind") if by_agency else ("kind",)
    # The year a document was 制发 is the year of its 成文日期 (issued_on), whenever it was
    # published: one issued on 20 Dec and published on 5 Jan (lawful, Art. 26's 20 working
    # days) is issued in December's year. Records without a 成文日期 fall back to the
    # publication date. in_force uses the same date, so that T2-2 (现行有效(N) = 现行有效(N−1)
    # + 制发(N) − 废止(N)) holds for the platform's own figures.
    issued_by_end = Q(issued_on__lte=last) | Q(issued_on__isnull=True, published_at__lt=end)
    return (
        qs.order_by()
        .values(*group)
        .annotate(
            issued=Count(
                "id",
                filter=Q(issued_on__gte=first, issued_on__lte=last)
                | Q(issued_on__isnull=True, published_at__gte=start, published_at__lt=end),
            ),
            repealed=Count(
                "id",
                filter=Q(
                    validity__in=ended,
                    validity_changed_on__gte=first,
                    validity_changed_on__lte=last,
                ),
            ),
            in_force=Count(
                "id",
                filter=issued_by_end
                & (Q(validity=Validity.IN_FORCE) | Q(validity_changed_on__gt=last)),
            ),
        )
    )


def _empty_table2() -> dict[str, int]:
    return {f"{row}.{col}": 0 for row in _ROWS.values() for col in _COLS}


def table2_counts(agency_ids: Iterable[int], year: int) -> dict[str, int]:
    """``proactive.{regulations,normative_documents}.{issued,repealed,in_force}`` for ``year``.

    issued   = 成文日期 (issued_on) in the year, whenever the record was published (a document
               issued in December and published in January counts in December's year); no
               issued_on: published in the year;
    repealed = validity changed to repealed or expired during the year;
    in_force = issued by 31 Dec (same date as `issued`) and in force on 31 Dec (not yet
               repealed/expired then), so that 现行有效(N) = 现行有效(N−1) + 制发(N) − 废止(N).
    Only records published now count (drafts and withdrawn ones were never public). A report
    built before a late-published document appeared does not have it; the next year's T2-2
    warning then shows the difference, which the head acknowledges with the reason.
    One aggregation query.
    """
    out = _empty_table2()
    for r in _table2_rows(agency_ids, year, by_agency=False):
        for col in _COLS:
            out[f"{_ROWS[r['kind']]}.{col}"] = r[col]
    return out


def table2_counts_by_agency(
    agency_ids: Iterable[int] | None, year: int
) -> dict[int, dict[str, int]]:
    """``table2_counts`` for each agency separately, in one grouped query (``None`` = all
    agencies). Agencies without regulations or normative documents are left out."""
    out: dict[int, dict[str, int]] = {}
    for r in _table2_rows(agency_ids, year, by_agency=True):
        cells = out.setdefault(r["agency_id"], _empty_table2())
        for col in _COLS:
            cells[f"{_ROWS[r['kind']]}.{col}"] = r[col]
    return out


# ---------------------------------------------------------------------------------------------
# The publication clock (Art. 26)
# ---------------------------------------------------------------------------------------------


def _clock_base(agency_ids) -> QuerySet[Publication]:
    return Publication.objects.filter(
        agency_id__in=list(agency_ids),
        status__in=PRE_PUBLICATION,
        disclosure_mode__in=PUBLIC_MODES,
        publication_due_on__isnull=False,
        # A withdrawn record being corrected for republication (services.reopen) was already
        # published once: it is not an unpublished record on the Art. 26 clock.
        published_at__isnull=True,
    ).select_related("agency", "column")


def due_soon(agency_ids, today: date | None = None, within_workdays: int = 5):
    """Not yet published, due within ``within_workdays`` working days (not yet late)."""
    today = today or timezone.localdate()
    horizon = workdays.add_workdays(today, within_workdays)
    return (
        _clock_base(agency_ids)
        .filter(publication_due_on__gte=today, publication_due_on__lte=horizon)
        .order_by("publication_due_on", "id")
    )


def late_unpublished(agency_ids, today: date | None = None):
    today = today or timezone.localdate()
    return (
        _clock_base(agency_ids)
        .filter(publication_due_on__lt=today)
        .order_by("publication_due_on", "id")
    )


def late_published(agency_ids, year: int | None = None):
    """First published after their due date (the stored ``is_late`` flag), in ``year``.

    A late publication stays one when the record is later withdrawn or reopened for correction
    (``published_at`` and ``formed_on`` are locked, so the flag is history): any status counts.
    Late corrections and republications are :func:`late_published_changes`.
    """
    qs = Publication.objects.filter(
        agency_id__in=list(agency_ids), published_at__isnull=False, is_late=True
    ).select_related("agency", "column")
    if year:
        qs = qs.filter(published_at__year=year)
    return qs.order_by("-published_at")


# Changes (corrections, republications after withdrawal): each has its own Art. 26 clock from
# ``changed_on`` (PublicationChange). Open ones are those of a reopened record not yet
# republished; a correction is published at once.


def _change_clock_base(agency_ids) -> QuerySet[PublicationChange]:
    return PublicationChange.objects.filter(
        publication__agency_id__in=list(agency_ids),
        published_at__isnull=True,
        publication__status__in=PRE_PUBLICATION,
        publication__disclosure_mode__in=PUBLIC_MODES,
    ).select_related("publication__agency", "publication__column")


def changes_due_soon(agency_ids, today: date | None = None, within_workdays: int = 5):
    """Changes not yet published, due within ``within_workdays`` working days."""
    today = today or timezone.localdate()
    horizon = workdays.add_workdays(today, within_workdays)
    return (
        _change_clock_base(agency_ids)
        .filter(due_on__gte=today, due_on__lte=horizon)
        .order_by("due_on", "id")
    )


def changes_late_unpublished(agency_ids, today: date | None = None):
    today = today or timezone.localdate()
    return _change_clock_base(agency_ids).filter(due_on__lt=today).order_by("due_on", "id")


def late_published_changes(agency_ids, year: int | None = None):
    """Corrected versions published after the change's due date (stored ``is_late``)."""
    qs = PublicationChange.objects.filter(
        publication__agency_id__in=list(agency_ids), published_at__isnull=False, is_late=True
    ).select_related("publication__agency", "publication__column")
    if year:
        qs = qs.filter(published_at__year=year)
    return qs.order_by("-published_at")


# ---------------------------------------------------------------------------------------------
# Staff lists and the dashboard
# ---------------------------------------------------------------------------------------------


def status_counts(qs: QuerySet[Publication]) -> dict[str, int]:
    counts = {s: 0 for s in Status.values}
    for row in qs.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def dashboard_widget(user, agency) -> dict | None:
    if agency is None or not can(user, Action.VIEW, agency):
        return None
    own = Publication.objects.filter(agency=agency)
    waiting = own.filter(status=Status.SUBMITTED).count()
    to_approve = own.filter(status=Status.REVIEWED).count()
    late = late_unpublished([agency.pk]).count() + changes_late_unpublished([agency.pk]).count()
    text = _("待审核 %(w)d 件，待批准 %(a)d 件，逾期未公开 %(l)d 件") % {
        "w": waiting,
        "a": to_approve,
        "l": late,
    }
    return {
        "title": _("主动公开"),
        "stat": waiting + to_approve,
        "text": text,
        "url": reverse("publications:index"),
        "link_label": _("进入主动公开"),
    }


# ---------------------------------------------------------------------------------------------
# Portal search: the agency filter
# ---------------------------------------------------------------------------------------------

# Governments at these levels head a group of the filter; departments and townships are listed
# in the group of their nearest such government.
_GROUP_LEVELS = ("province", "city", "county")


def search_agency_groups(selected=None) -> list[dict]:
    """The agency filter of the portal search, as option groups in the order of the agency tree.

    Only agencies with public documents are listed, with their ancestors (the filter covers an
    agency's subordinates, so a city government with nothing of its own but documents below it
    is a useful choice); ``count`` is the number of public documents of the agency and its
    subordinates. One group per province/city/county government: the government, its
    departments and townships, each labelled by the chain of governments above it
    (示例省政府 › 青山市政府 › 松林县政府). ``selected`` (an agency the page was opened with)
    is listed even without documents, so the filter never hides a choice in force.

    Returns ``[{"label": str, "options": [{"agency": Agency, "count": int}, …]}, …]``.
    """
    from gongkai.agencies.models import Agency, Kind

    own = dict(
        public_publications()
        .filter(agency__is_active=True)
        .values_list("agency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    paths = dict(Agency.objects.filter(pk__in=own).values_list("pk", "path"))
    counts: dict[int, int] = {}
    for pk, path in paths.items():
        for anc in path.strip("/").split("/"):
            counts[int(anc)] = counts.get(int(anc), 0) + own[pk]
    wanted = set(counts)
    if selected is not None:
        wanted.update(int(p) for p in selected.path.strip("/").split("/") if p)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=wanted, is_active=True)}

    children: dict = {}
    for a in agencies.values():
        parent = a.parent_id if a.parent_id in agencies else None
        children.setdefault(parent, []).append(a)

    def heads_group(a) -> bool:
        return a.kind == Kind.GOVERNMENT and a.level in _GROUP_LEVELS

    # Siblings: an agency's own departments before the subordinate governments, then in the
    # order they were set up (pk), which is how the administrations list them.
    def order(a):
        return (heads_group(a), a.pk)

    groups: list[dict] = []

    def walk(a, group, chain):
        if heads_group(a) or group is None:
            chain = [*chain, a.display_name]
            group = {"label": " › ".join(chain), "options": []}
            groups.append(group)
        group["options"].append({"agency": a, "count": counts.get(a.pk, 0)})
        for child in sorted(children.get(a.pk, []), key=order):
            walk(child, group, chain)

    for root in sorted(children.get(None, []), key=order):
        walk(root, None, [])
    return groups
