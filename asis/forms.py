"""Form fields shared by every app."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from asis.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, parse_number
from asis.templatetags.asis_format import number as format_number


class NumberField(forms.DecimalField):
    """A decimal number (an indicator's target or value) read by `asis.money.parse_number`: ASCII digits,
    `12,5` or `12.5`, thousands grouped by three, bounded by `max_digits` before any arithmetic.

    Django's DecimalField hands the text to Decimal(), which also takes `1_000`, `1e2` and digits of
    other scripts, and reads `1,000` as 1 in French but 1000 in English; this field refuses them."""

    money = False

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_number(value, max_digits=self.max_digits, decimal_places=self.decimal_places, money=self.money)


class MoneyField(NumberField):
    """An amount in dollars as people type it in Quebec: `1 250,50`, `1250.50`, `1 250,50 $`, at most
    9 999 999 999,99 $ (see `asis.money` for what is refused: `1e30`, `1_000`, the ambiguous `1,000`...)."""

    money = True


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
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


def search_text(value, *, max_length: int = 100) -> str:
    """A search typed in a query string (`?q=`), fit for a LIKE: trimmed, cut to `max_length`, without the
    NUL characters PostgreSQL refuses in a query (a 500 otherwise; SQLite takes them)."""
    return (value or "").replace("\x00", "").strip()[:max_length]


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def enjeu_param(request) -> str:
    """The theme's slug of `?enjeu=`, or "" when it cannot be one (PostgreSQL refuses a NUL in a query: a 500)."""
    slug = request.GET.get("enjeu", "")
    return slug if _SLUG.fullmatch(slug) else ""


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
        code="date_range",
        params={"first": day_text(first), "last": day_text(last)},
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


def bound_dates(
    form: forms.BaseForm,
    *names: str,
    first: datetime.date = EARLIEST_DATE,
    last: datetime.date = LATEST_DATE,
    bounds=None,
) -> None:
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

    def __init__(
        self, *, first: datetime.date = EARLIEST_DATE, last: datetime.date = LATEST_DATE, bounds=None, **kwargs
    ):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.validators.append(DateRange(first, last, bounds=bounds))


# ---------------------------------------------------------------- bounds of the texts people type
# A person writes a few pages at most: a 2 MiB post is a mistake or an attack. Every free text a person types
# is bounded by its meaning; tests/asis/test_text_bounds.py walks every form class so that none is left unbounded.
COMMENT_MAX_LENGTH = 10_000  # a comment, a reason, a note, a decision: a few paragraphs (a full page is ~3 000)
LONG_TEXT_MAX_LENGTH = 50_000  # minutes, a project's description, a report's narrative: several pages
PASSWORD_MAX_LENGTH = 4_096  # Django's own former bound: hashing a longer one only costs the server


class TextLengthValidator(MaxLengthValidator):
    """Django's MaxLengthValidator, with a French message that names the field and says the bound."""

    message = _("« %(label)s » : au plus %(max)s caractères (le texte en compte %(count)s).")

    def __init__(self, limit_value: int, field: forms.Field):
        super().__init__(limit_value)
        self.field = field  # its label is read when the error is raised (a ModelForm sets it after creating the field)

    def __call__(self, value):
        length = self.clean(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "label": self.field.label or "",
                    "max": format_number(self.limit_value),
                    "count": format_number(length),
                    "limit_value": self.limit_value,
                    "show_value": length,
                },
            )


class FreeTextField(forms.CharField):
    """A text a person types in a textarea, bounded to `max_length` (COMMENT_MAX_LENGTH unless said):
    the browser's `maxlength` stops the typing, the server refuses a longer post with the field's name."""

    def __init__(self, *, max_length: int = COMMENT_MAX_LENGTH, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(max_length=max_length, **kwargs)
        # Django's own validator says neither the field nor the bound in a readable way: ours replaces it.
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        self.validators.append(TextLengthValidator(max_length, self))


def bounded_texts(**max_lengths):
    """A ModelForm's `Meta.formfield_callback`: every model TextField (unbounded in the database) becomes a
    FreeTextField bounded to `max_lengths[name]`, COMMENT_MAX_LENGTH for those not named.

        class Meta:
            formfield_callback = bounded_texts(minutes=LONG_TEXT_MAX_LENGTH)
    """

    def formfield(db_field, **kwargs):
        if isinstance(db_field, models.TextField) and db_field.max_length is None and not db_field.choices:
            kwargs.setdefault("max_length", max_lengths.get(db_field.name, COMMENT_MAX_LENGTH))
            kwargs.setdefault("form_class", FreeTextField)
        return db_field.formfield(**kwargs)

    return formfield


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that asked for the write: each message on its field
    when the form has that field, else on the whole form (a service may name a field the form lacks,
    such as a model field it set itself)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
