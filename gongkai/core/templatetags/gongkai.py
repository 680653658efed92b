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
