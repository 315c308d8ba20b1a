from django.contrib import admin

from asis.admin import ModelAdmin, TabularInline
from plans.models import (
    MobilisationActivity,
    Objective,
    Plan,
    PlanAction,
    PlanYear,
    Principle,
    SharedIndicator,
    SharedIndicatorMeasure,
    Theme,
)
from plans.versions import plan_written


class PlanFiguresAdmin:
    """ModelAdmin mixin for a model that a plan's figures show: a save through the admin (with its inlines) or a
    deletion moves the version of the plans it is part of (plans.versions), as the services do; the admin's own
    writes go around the services. `figures_written(obj)` says which plans (each model's admin defines it)."""

    def figures_written(self, obj) -> None:  # pragma: no cover - defined by each admin
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:  # the plans it was part of too (the admin may move a row to another plan or space)
            before = type(obj)._default_manager.filter(pk=obj.pk).first()
            if before is not None:
                self.figures_written(before)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.figures_written(form.instance)

    def delete_model(self, request, obj):
        self.figures_written(obj)  # while its links are there (the version moves once the deletion commits)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.figures_written(obj)
        super().delete_queryset(request, queryset)


class OfPlanAdmin(PlanFiguresAdmin):
    """A row with a `plan` (its plan's figures show it)."""

    def figures_written(self, obj) -> None:
        plan_written(obj.plan_id)


class PlanYearInline(TabularInline):
    model = PlanYear
    extra = 0


class PrincipleInline(TabularInline):
    model = Principle
    extra = 0


@admin.register(Plan)
class PlanAdmin(PlanFiguresAdmin, ModelAdmin):
    list_display = ["title", "alliance", "status", "start_date"]
    list_select_related = ["alliance"]
    list_filter = ["status"]
    search_fields = ["title", "alliance__name"]
    autocomplete_fields = ["alliance"]
    inlines = [PlanYearInline, PrincipleInline]

    def figures_written(self, obj) -> None:
        plan_written(obj.pk)


@admin.register(PlanYear)
class PlanYearAdmin(OfPlanAdmin, ModelAdmin):
    list_display = ["__str__", "plan", "number", "start_date", "end_date"]
    list_select_related = ["plan"]
    search_fields = ["plan__title"]


@admin.register(MobilisationActivity)
class MobilisationActivityAdmin(OfPlanAdmin, ModelAdmin):
    list_display = ["title", "plan", "period_start", "period_end", "held_on", "participants"]
    list_select_related = ["plan"]
    search_fields = ["title"]


class ObjectiveInline(TabularInline):
    model = Objective
    extra = 0


@admin.register(Theme)
class ThemeAdmin(OfPlanAdmin, ModelAdmin):
    list_display = ["order", "name", "plan"]
    list_display_links = ["name"]
    list_select_related = ["plan"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["carried_from"]  # set once, when the next plan carries the theme
    inlines = [ObjectiveInline]


class PlanActionInline(TabularInline):
    model = PlanAction
    extra = 0
    autocomplete_fields = ["lead"]
    fields = ["order", "title", "lead", "timeline"]


@admin.register(Objective)
class ObjectiveAdmin(PlanFiguresAdmin, ModelAdmin):
    list_display = ["title", "theme", "order"]
    list_select_related = ["theme"]
    list_filter = ["theme"]
    search_fields = ["title"]
    inlines = [PlanActionInline]

    def figures_written(self, obj) -> None:
        plan_written(Theme.objects.filter(pk=obj.theme_id).values_list("plan_id", flat=True).first())


@admin.register(PlanAction)
class PlanActionAdmin(ModelAdmin):
    list_display = ["title", "objective", "lead", "timeline"]
    list_select_related = ["objective", "lead"]
    search_fields = ["title"]
    autocomplete_fields = ["objective", "lead", "partners"]


@admin.register(Principle)
class PrincipleAdmin(OfPlanAdmin, ModelAdmin):
    list_display = ["number", "text", "plan"]
    list_select_related = ["plan"]
    search_fields = ["text"]


class SharedIndicatorMeasureInline(TabularInline):
    model = SharedIndicatorMeasure
    extra = 0


@admin.register(SharedIndicator)
class SharedIndicatorAdmin(PlanFiguresAdmin, ModelAdmin):
    """Support only: Coordination defines them on the plan's pages (plans.views), archived there, never deleted."""

    list_display = ["name", "theme", "kind", "category", "unit", "is_active"]
    list_select_related = ["theme__plan"]
    list_filter = ["kind", "category", "is_active"]
    search_fields = ["name", "theme__name"]
    autocomplete_fields = ["theme"]
    inlines = [SharedIndicatorMeasureInline]

    def figures_written(self, obj) -> None:
        plan_written(Theme.objects.filter(pk=obj.theme_id).values_list("plan_id", flat=True).first())

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SharedIndicatorMeasure)
class SharedIndicatorMeasureAdmin(PlanFiguresAdmin, ModelAdmin):
    """Support only: Coordination records the measures of a population indicator on the plan's pages."""

    list_display = ["indicator", "measured_on", "value", "source"]
    list_select_related = ["indicator__theme"]
    search_fields = ["indicator__name", "source"]
    autocomplete_fields = ["indicator"]

    def figures_written(self, obj) -> None:
        plan_written(
            Theme.objects.filter(shared_indicators__pk=obj.indicator_id).values_list("plan_id", flat=True).first()
        )
