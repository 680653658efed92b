"""Writes for 主动公开: one function per business action, each in a transaction.

Permission checks live in the views/API (``can``); these functions enforce the workflow and the
legal invariants whatever calls them.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from gongkai.agencies.models import Agency
from gongkai.rules.index_numbers import (
    NATIONAL_TEMPLATE,
    IndexNumberTemplate,
    counter_scope,
    format_index_number,
)

from .catalogue import statutory_columns
from .models import Column, IndexNumberCounter, IndexNumberSettings, Publication


class PublicationError(Exception):
    """A business rule refused the action; ``message`` is the Chinese explanation."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def ensure_catalogue(agency: Agency) -> list[Column]:
    """Create the statutory columns the agency lacks (idempotent; keeps renamed/custom ones)."""
    existing = {c.code: c for c in Column.objects.filter(agency=agency)}
    out = []
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
        out.append(col)
    return out


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
