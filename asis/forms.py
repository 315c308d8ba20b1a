"""Form fields shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from asis.money import to_money


class MoneyField(forms.DecimalField):
    """An amount in dollars as people type it in Quebec: `1 250,50`, `1250.50`, `1 250,50 $`."""

    default_error_messages = {"invalid": _("Saisissez un montant, par exemple 1 250,50.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return to_money(value)
        except ValidationError as error:
            raise ValidationError(error.messages[0], code="invalid") from error
