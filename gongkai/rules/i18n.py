"""Marking UI labels for translation without importing Django.

The pure modules (``gongkai/rules``, ``gongkai/reportschema``) keep their labels in Simplified
Chinese, the msgids of the whole platform. ``gettext_noop`` returns its argument unchanged; the
name is one that Django's ``makemessages`` passes to xgettext as a keyword, so every string
wrapped in it lands in the catalogues. The Django layer (views, templates, forms) translates the
label when it shows it: ``gettext(KIND_LABELS[kind])`` or ``{% translate label %}``.
"""


def gettext_noop(message: str) -> str:
    return message
