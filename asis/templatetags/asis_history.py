"""`{% history_url obj %}`: the address of a tracked object's history page (asis.history), or ""
for a model without history."""

from django import template

register = template.Library()


@register.simple_tag
def history_url(obj):
    from asis.history import KIND_OF_MODEL
    from asis.history import history_url as url

    return url(obj) if type(obj) in KIND_OF_MODEL else ""
