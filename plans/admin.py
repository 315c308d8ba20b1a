from django.contrib import admin

from asis.admin import ModelAdmin, TabularInline
from plans.models import MobilisationActivity, Objective, Plan, PlanAction, PlanYear, Principle, Theme


class PlanYearInline(TabularInline):
    model = PlanYear
    extra = 0


class PrincipleInline(TabularInline):
    model = Principle
    extra = 0


@admin.register(Plan)
class PlanAdmin(ModelAdmin):
    list_display = ["title", "alliance", "status", "start_date"]
    list_select_related = ["alliance"]
    list_filter = ["status"]
    search_fields = ["title", "alliance__name"]
    autocomplete_fields = ["alliance"]
    inlines = [PlanYearInline, PrincipleInline]


@admin.register(PlanYear)
class PlanYearAdmin(ModelAdmin):
    list_display = ["__str__", "plan", "number", "start_date", "end_date"]
    list_select_related = ["plan"]
    search_fields = ["plan__title"]


@admin.register(MobilisationActivity)
class MobilisationActivityAdmin(ModelAdmin):
    list_display = ["title", "plan", "period_start", "period_end", "held_on", "participants"]
    list_select_related = ["plan"]
    search_fields = ["title"]


class ObjectiveInline(TabularInline):
    model = Objective
    extra = 0


@admin.register(Theme)
class ThemeAdmin(ModelAdmin):
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
class ObjectiveAdmin(ModelAdmin):
    list_display = ["title", "theme", "order"]
    list_select_related = ["theme"]
    list_filter = ["theme"]
    search_fields = ["title"]
    inlines = [PlanActionInline]


@admin.register(PlanAction)
class PlanActionAdmin(ModelAdmin):
    list_display = ["title", "objective", "lead", "timeline"]
    list_select_related = ["objective", "lead"]
    search_fields = ["title"]
    autocomplete_fields = ["objective", "lead", "partners"]


@admin.register(Principle)
class PrincipleAdmin(ModelAdmin):
    list_display = ["number", "text", "plan"]
    list_select_related = ["plan"]
    search_fields = ["text"]
