"""Template tags shared by every app."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from core import panels as registry

register = template.Library()


@register.simple_tag
def unit_options(units, selected=None):
    """The <option>s of a unit picker: one per unit (indented by its depth, `u.indent`), the
    selected one marked. Written in plain Python (every name escaped): a province has thousands
    of units, and a template loop — or format_html per option — over them was a fifth of a
    ledger page's time."""
    return mark_safe(  # every piece of text below is escaped
        "".join(
            f'<option value="{int(u.pk)}"{" selected" if u.pk == selected else ""}>'
            f"{escape(getattr(u, 'indent', '') + u.display_name)}</option>"
            for u in units
        )
    )


@register.simple_tag(takes_context=True)
def panels(context, page, obj):
    """The sections higher apps registered for `page` (core.panels), rendered in their order — in
    the page's own context, as {% include %} does (a new RequestContext per section would run the
    context processors again: queries per row for a section shown on every row)."""
    request = context.get("request")
    out = []
    for panel in registry.contributions(page):
        if not panel.template:
            continue
        ctx = panel.context(request, obj)
        if ctx:
            with context.push(**ctx):
                out.append(context.template.engine.get_template(panel.template).render(context))
    return mark_safe("".join(out))  # each piece is a rendered (auto-escaped) template
