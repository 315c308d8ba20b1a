"""Admin base classes shared by the apps: nothing that other rows hang on is deleted from the admin.

Django's admin already refuses, on its confirmation page, a delete that PROTECT forbids; these
classes also refuse one that would take other rows with it (CASCADE: a meeting's attendance, a
project's partners…), list what hangs on the object, and do the same for rows deleted from an
inline, where Django would let the database's ProtectedError through as a server error. Archive
instead: organisations and spaces have a status, memberships and seats an end date.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.views.main import ChangeList as DjangoChangeList
from django.core.exceptions import ValidationError
from django.db import models, router
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from asis.forms import LONG_TEXT_MAX_LENGTH, DateRange, FreeTextField


def _collect(objs):
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    own = {(type(o), o.pk) for o in objs}
    cascaded = [
        o
        for model, instances in collector.data.items()
        if not model._meta.auto_created
        for o in instances
        if (type(o), o.pk) not in own
    ]
    return list(collector.protected), cascaded


def delete_blockers(objs) -> list:
    """The rows a delete of `objs` would hit: protected ones, and those a CASCADE would take along
    (rows of automatic many-to-many tables aside). Empty when the objects stand alone."""
    objs = list(objs)
    if not objs:
        return []
    protected, cascaded = _collect(objs)
    return protected + cascaded


def describe(rows, *, limit=5) -> str:
    shown = [f"{capfirst(row._meta.verbose_name)} « {row} »" for row in rows[:limit]]
    if len(rows) > limit:
        shown.append(_("et %(count)s autres") % {"count": len(rows) - limit})
    return " ; ".join(shown)


class GuardedDeleteMixin:
    """A ModelAdmin whose delete (page or bulk action) is refused when other rows hang on the object:
    Django's confirmation page then lists them as protected rows instead of deleting anything."""

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        if objs:
            protected = [*protected, *(describe([row]) for row in _collect(objs)[1])]
        return deleted, model_count, perms_needed, protected


class GuardedInlineFormSet(BaseInlineFormSet):
    """An inline row ticked for deletion while other rows hang on it is refused with a French message."""

    def clean(self):
        super().clean()
        errors = []
        for form in self.deleted_forms:
            if form.instance.pk is None:
                continue
            blockers = delete_blockers([form.instance])
            if blockers:
                errors.append(
                    _(
                        "« %(row)s » ne peut pas être supprimé : des données en dépendent (%(blockers)s). "
                        "Archivez-le ou inscrivez une date de fin plutôt que de le supprimer."
                    )
                    % {"row": form.instance, "blockers": describe(blockers)}
                )
        if errors:
            raise ValidationError(errors)


class BoundedDatesMixin:
    """Every date typed in the admin within asis.forms' range (2000 to 2100), as in the portal's forms:
    a year 9999 stored here would overflow the "next day" that pages and the calendar feed compute."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)):
            field.validators.append(DateRange())
        return field


# The admin's text areas are bounded too, at the long bound: the admin is Coordination's support tool.
BOUNDED_TEXTS = {models.TextField: {"form_class": FreeTextField, "max_length": LONG_TEXT_MAX_LENGTH}}


class ChangeList(DjangoChangeList):
    """Django's list, with a date hierarchy's last year (`?date__year=9999`) refused like any bad filter (the
    admin shows the list unfiltered with an error flag) rather than a 500: Django computes the next year."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class ModelAdmin(BoundedDatesMixin, GuardedDeleteMixin, admin.ModelAdmin):
    formfield_overrides = BOUNDED_TEXTS

    def get_changelist(self, request, **kwargs):
        return ChangeList


class TabularInline(BoundedDatesMixin, admin.TabularInline):
    formset = GuardedInlineFormSet
    formfield_overrides = BOUNDED_TEXTS


class StackedInline(BoundedDatesMixin, admin.StackedInline):
    formset = GuardedInlineFormSet
    formfield_overrides = BOUNDED_TEXTS


class NoDeleteAdmin(ModelAdmin):
    """Rows kept for good: organisations and spaces are archived, memberships and seats ended."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ModelAdmin):
    """Records written by the portal's pages through the services (ledger entries, the review, the
    reports): the admin shows them for reading and never adds, edits or deletes one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
