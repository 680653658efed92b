from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name, *args):
    """The URL of ``name`` if that view exists yet, else an empty string (modules land one by one)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def nav_current(url, path):
    """` aria-current="page"` on a navigation link whose section holds the current page: the
    home link only on "/", any other link on its own path and the paths below it."""
    from django.utils.safestring import mark_safe

    if url and (path == url or (url != "/" and path.startswith(url))):
        return mark_safe(' aria-current="page"')
    return ""


@register.filter
def person(user):
    """A staff member's display name: full name, else username, else an em dash (for records
    whose actor is unknown, e.g. imported ones). Safe where the user is None."""
    if not user:
        return "—"
    return (user.get_full_name() or user.get_username() or "—").strip()


@register.filter
def localized(notice):
    """A warning or check from the pure rules in the request's language (``gongkai.core.i18n``).

    ``gongkai/rules`` returns ``{"code", "message", "params"}`` with the message in Chinese; where
    it also gives ``"msgid"`` (a ``gettext_noop`` string with ``{name}`` fields) the text is
    translated and filled, otherwise the message itself is looked up as a msgid."""
    from gongkai.core.i18n import localize

    return localize(notice)


@register.filter
def fee_line(line, method):
    """One tier of a fee computation (``rules.fees.FeeLine.to_dict``) in the request's language,
    rebuilt from its numbers; the stored ``text`` is the Chinese of the notice itself."""
    from decimal import Decimal, InvalidOperation

    from django.utils.translation import gettext as _

    from gongkai.rules.fees import line_text

    try:
        first, last, units = int(line["first"]), int(line["last"]), int(line["units"])
        rate, amount = Decimal(line["rate"]), Decimal(line["amount"])
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return line.get("text", "") if isinstance(line, dict) else ""

    return line_text(first, last, units, rate, amount, "页" if method == "per_page" else "件", _)
