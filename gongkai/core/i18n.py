"""Showing the notices of the pure rules (``gongkai/rules``) in the request's language.

A warning or error from the rules is ``{"code", "message", "msgid", "params"}``: ``message`` is the
Chinese text, ``msgid`` a ``gettext_noop`` template with ``{name}`` fields (see
``gongkai.rules.i18n``). Here the template is translated and filled: ISO dates in ``params`` are
written in the active language's date format (2025年2月10日, Feb. 10, 2025) and params whose key ends
in ``_label`` are msgids themselves and are translated too. Notices without a msgid fall back to
``gettext(message)``.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _param(key: str, value):
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            try:
                return date_format(date.fromisoformat(value))
            except ValueError:
                return value
        if key.endswith("_label"):
            return gettext(value)
    return value


def localize(notice: dict) -> str:
    """The notice's text in the active language (the Chinese message if it cannot be filled)."""
    msgid = notice.get("msgid")
    if msgid:
        params = {k: _param(k, v) for k, v in (notice.get("params") or {}).items()}
        try:
            return gettext(msgid).format(**params)
        except (KeyError, IndexError, ValueError):
            pass
    return gettext(notice.get("message") or "")
