"""Filters for the API reference page."""

from django import template
from django.utils.html import escape, format_html_join

register = template.Library()


@register.filter
def code_spans(text: str) -> str:
    """The schema's descriptions are Markdown (as OpenAPI says); the reference only ever
    writes code spans in them, `like this`, so those become <code> and the rest is escaped.
    Text with an unpaired backtick is shown as written."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:
        return text
    *prose, last = parts[::2]
    spans = zip(prose, parts[1::2], strict=True)
    return format_html_join("", "{}<code>{}</code>", spans) + escape(last)
