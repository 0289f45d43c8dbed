"""Template tags shared by every app."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def unit_options(units, selected=None):
    """The <option>s of a unit picker: one per unit (indented by its depth, `u.indent`), the
    selected one marked. Written in Python: a province has thousands of units, and a template
    loop over them was a fifth of a ledger page's time."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}{}</option>',
        (
            (
                u.pk,
                mark_safe(" selected") if u.pk == selected else "",
                getattr(u, "indent", ""),
                u.display_name,
            )
            for u in units
        ),
    )
