from collections import Counter

from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from alliances.models import Alliance, AllianceRole
from asis.admin import GuardedInlineFormSet, NoDeleteAdmin, TabularInline

# Who holds a role and since when stays as granted; a role ends with its end date, never deleted.
GRANT_FIELDS = ["user", "alliance", "role"]


ONE_OPEN_ROLE = next(c for c in AllianceRole._meta.constraints if c.name == "alliances_alliancerole_one_open_per_user")


class AllianceRoleFormSet(GuardedInlineFormSet):
    """One open role per person in the alliance, across the rows posted and those stored: Django leaves the
    alliance out of an inline row's constraint check, and the database would refuse it with a server error."""

    def clean(self):
        super().clean()
        rows = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        posted = {form.instance.pk for form in rows if form.instance.pk}
        stored = AllianceRole.objects.none()
        if self.instance.pk is not None:
            stored = AllianceRole.objects.open().filter(alliance=self.instance).exclude(pk__in=posted)
        open_roles = Counter(stored.values_list("user", flat=True))
        for form in rows:
            if form.instance.pk and {"user", "role"} & set(form.changed_data):
                form.add_error(
                    None,
                    _("Un rôle attribué ne change pas de personne ni de rôle : terminez-le et attribuez-en un autre."),
                )
                continue
            user = form.cleaned_data.get("user")
            if user is not None and form.cleaned_data.get("ended_on") is None:
                open_roles[user.pk] += 1
                if open_roles[user.pk] > 1:
                    form.add_error("user", ONE_OPEN_ROLE.get_violation_error_message())


class AllianceRoleInline(TabularInline):
    model = AllianceRole
    formset = AllianceRoleFormSet
    fields = ["user", "role", "granted_at", "granted_by", "ended_on"]
    readonly_fields = ["granted_at", "granted_by"]
    autocomplete_fields = ["user"]
    extra = 0
    can_delete = False


@admin.register(Alliance)
class AllianceAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    list_display = ["name", "acronym", "territory", "region", "coordinating_organisation"]
    list_select_related = ["coordinating_organisation"]
    search_fields = ["name", "acronym", "territory", "region"]
    autocomplete_fields = ["coordinating_organisation", "funders"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AllianceRoleInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is AllianceRole:
            for role in formset.save(commit=False):
                if role.pk is None:
                    role.granted_by = request.user
                role.save()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)


@admin.register(AllianceRole)
class AllianceRoleAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    list_display = ["user", "alliance", "role", "granted_at", "granted_by", "ended_on"]
    list_select_related = ["user", "alliance", "granted_by"]
    list_filter = ["role", "alliance", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "alliance__name", "alliance__acronym"]
    autocomplete_fields = ["user", "alliance"]
    date_hierarchy = "granted_at"

    def get_readonly_fields(self, request, obj=None):
        granted = ["granted_at", "granted_by"]
        return granted if obj is None else [*GRANT_FIELDS, *granted]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
