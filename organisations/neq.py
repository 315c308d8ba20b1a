"""The Quebec enterprise number (NEQ, « numéro d'entreprise du Québec »): 10 digits, given by the Registraire des
entreprises du Québec to every enterprise, non-profit organisation included, that registers with it.

Only the shape is checked (exactly 10 digits): the registrar publishes no check-digit rule we could verify, and a
rule guessed wrong would refuse a real organisation. People copy the number as printed (« 1234 567 890 »,
« 1234-567-890 »): spaces and dashes are dropped wherever it is cleaned (a form, the admin, `full_clean()`)."""

import re

from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

NEQ_LENGTH = 10
# What a person may type around the digits: spaces (plain, non-breaking, narrow) and dashes (hyphen, en/em dash)
_SEPARATORS = re.compile(r"[\s\u00a0\u202f\-\u2010\u2011\u2012\u2013\u2014]")
# The typed value's bound: the 10 digits with a separator between each at most
TYPED_MAX_LENGTH = 2 * NEQ_LENGTH

validate_neq = RegexValidator(
    rf"^[0-9]{{{NEQ_LENGTH}}}\Z",  # ASCII digits: \d would take any script's
    _("Le NEQ compte exactement 10 chiffres, par exemple 1234567890 (les espaces et les tirets sont acceptés)."),
    code="invalid_neq",
)


def normalise_neq(value):
    """The value without its spaces and dashes (anything else is kept, for the validator to refuse)."""
    if not isinstance(value, str):
        return value
    return _SEPARATORS.sub("", value)


class NEQFormField(forms.CharField):
    """A NEQ as typed: up to 20 characters, normalised to its digits before it is validated."""

    def __init__(self, **kwargs):
        kwargs["max_length"] = TYPED_MAX_LENGTH
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        return normalise_neq(super().to_python(value))


class NEQField(models.CharField):
    """An optional NEQ: 10 digits or blank, normalised by `clean()` (so by `full_clean()`) and by its form field."""

    default_validators = [validate_neq]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = NEQ_LENGTH
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        # validate_neq says it all (10 digits): no second message about the length
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def to_python(self, value):
        return normalise_neq(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NEQFormField, **kwargs})
