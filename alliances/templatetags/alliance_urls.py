from django import template

from alliances.addresses import alliance_reverse

register = template.Library()


@register.simple_tag
def alliance_url(alliance, viewname, *args, plan=None):
    """{% alliance_url alliance 'bilan:bilan' %}: the address of a page of `alliance` (of its `plan` when given),
    from any page; `{% url %}` gives the addresses of the page's own alliance."""
    return alliance_reverse(alliance, viewname, plan=plan, args=args or None)
