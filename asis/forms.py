"""Form fields shared by every app."""

import datetime

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


# The largest id a database key holds (bigint). A larger one is no id at all.
MAX_ID = 2**63 - 1


class IdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses, with its usual message, an id too large for the database.

    Django looks the posted ids up with `pk__in`, which SQLite cannot bind beyond 64 bits
    (OverflowError, a 500); an id out of range is simply not one of the choices."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                too_large = abs(int(str(pk).strip())) > MAX_ID
            except ValueError:
                continue  # not a number: Django's own check says so
            if too_large:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk})
        return super()._check_values(value)


def search_text(value, *, max_length: int = 100) -> str:
    """A search typed in a query string (`?q=`), fit for a LIKE: trimmed, cut to `max_length`, without the
    NUL characters PostgreSQL refuses in a query (a 500 otherwise; SQLite takes them)."""
    return (value or "").replace("\x00", "").strip()[:max_length]


# ---------------------------------------------------------------- dates in a sane range

# The widest range any date typed in the portal may take when its meaning gives no narrower one: the Alliance's
# plans start in 2012, and a year like 9999 is a typo or an attack (its "next day" or "next month", computed by
# a page or the calendar feed, overflows Python's dates: a 500). Forms narrow it (a meeting near the plan's years).
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def date_range_error(first: datetime.date, last: datetime.date) -> ValidationError:
    """« La date doit être entre le 1er avril 2012 et le 31 mars 2020. », in the reader's language."""
    from asis.templatetags.asis_format import day_text

    return ValidationError(
        _("La date doit être entre le %(first)s et le %(last)s."),
        code="date_range", params={"first": day_text(first), "last": day_text(last)},
    )


class DateRange:
    """A form validator: the date (or a date-time's day) lies between `first` and `last`, inclusive.

    `bounds`, a callable returning (first, last), is called only when a value is validated, so a form whose
    range depends on the database (the plan's years) costs no query when it is only shown."""

    def __init__(self, first: datetime.date = EARLIEST_DATE, last: datetime.date = LATEST_DATE, *, bounds=None):
        self.first, self.last, self.bounds = first, last, bounds

    def __call__(self, value):
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        first, last = self.bounds() if self.bounds is not None else (self.first, self.last)
        # Never wider than the portal's range, whatever the bounds computed from the data.
        first, last = max(first, EARLIEST_DATE), min(last, LATEST_DATE)
        if not first <= day <= last:
            raise date_range_error(first, last)


def bound_dates(form: forms.BaseForm, *names: str, first: datetime.date = EARLIEST_DATE,
                last: datetime.date = LATEST_DATE, bounds=None) -> None:
    """Bound the date fields `names` of `form` (a ModelForm's own fields included): each form instance has its
    own copies of its fields, so this changes this form only. With no names, every date field of the form."""
    validator = DateRange(first, last, bounds=bounds)
    for name, field in form.fields.items():
        if (name in names or not names) and isinstance(field, (forms.DateField, forms.DateTimeField)):
            # Replaces a wider range the field had (DateField's own), so one message says the one range.
            field.validators = [v for v in field.validators if not isinstance(v, DateRange)] + [validator]


class DateField(forms.DateField):
    """A date typed in a form (an HTML date picker), within EARLIEST_DATE..LATEST_DATE unless given narrower
    bounds: `first` and `last`, or `bounds`, a callable returning them when a value is validated."""

    def __init__(self, *, first: datetime.date = EARLIEST_DATE, last: datetime.date = LATEST_DATE, bounds=None, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.validators.append(DateRange(first, last, bounds=bounds))
