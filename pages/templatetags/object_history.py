"""`{% history_url obj %}`: the address of a tracked object's history page (pages.history), or ""
for a model without history."""

from django import template

register = template.Library()


@register.simple_tag
def history_url(obj):
    from pages.history import KIND_OF_MODEL
    from pages.history import history_url as url

    return url(obj) if type(obj) in KIND_OF_MODEL else ""
