"""The error summary at the top of every page whose form came back with errors (GOV.UK « error summary », the SDG's
« Formulaires »; issue 23, item 4): one link per error to its field, the errors of the whole form at once.

One tag in templates/base.html reads the page's context, so every form gets it, rendered by crispy or by hand."""

from django import forms, template

register = template.Library()


def _target(bound_field) -> str:
    """The id a link to this field lands on: its input (the first one of a group of radio buttons or boxes)."""
    if bound_field.is_hidden:
        return ""
    return bound_field.id_for_label or (f"{bound_field.auto_id}_0" if bound_field.auto_id else "")


def form_errors(form: forms.BaseForm) -> list[dict]:
    """The errors of a bound form in the order of the page: the form's own first, then field by field."""
    visible = [bf for bf in form if not bf.is_hidden]
    first = _target(visible[0]) if visible else ""
    errors = [{"label": "", "message": message, "target": first} for message in form.non_field_errors()]
    for bound_field in form:
        for message in bound_field.errors:
            target = _target(bound_field)
            errors.append({"label": bound_field.label if target else "", "message": message, "target": target or first})
    return errors


def page_errors(values) -> list[dict]:
    """The errors of every bound form and formset among `values` (a page's context), each form once."""
    errors, seen = [], set()

    def visit(value, depth=0):
        if id(value) in seen:
            return
        if isinstance(value, forms.BaseFormSet):
            seen.add(id(value))
            if value.is_bound:
                errors.extend({"label": "", "message": m, "target": ""} for m in value.non_form_errors())
                for form in value.forms:
                    visit(form)
        elif isinstance(value, forms.BaseForm):
            seen.add(id(value))
            if value.is_bound and value.errors:
                errors.extend(form_errors(value))
        elif isinstance(value, (list, tuple)) and depth == 0:
            for item in value:
                visit(item, depth + 1)

    for value in values:
        visit(value)
    return errors


@register.inclusion_tag("includes/_error_summary.html", takes_context=True)
def error_summary(context):
    return {"errors": page_errors(context.flatten().values())}
