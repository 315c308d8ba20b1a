"""The Django admin's change form as a browser posts it back unchanged (for tests that change one field of it)."""


def admin_post_data(response) -> dict:
    """The change form of `response` (an admin change page) as the browser would post it back unchanged: the main form
    and every inline, with their management forms."""

    def add(form, data):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = (
                "on" if value is True else (list(map(str, value)) if isinstance(value, (list, tuple)) else str(value))
            )

    data = {}
    add(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(name)] = str(value)
        for form in formset.initial_forms:
            add(form, data)
    return data
