from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from asis.admin import (
    ModelAdmin,
    ReadOnlyAdmin,
    TabularInline,
)
from asis.forms import LONG_TEXT_MAX_LENGTH, FreeTextField, bounded_texts
from figures import services as figures
from plans.admin import PlanFiguresAdmin
from projects.models import (
    ActionProject,
    BoardDecision,
    CommitteeMember,
    ConflictDeclaration,
    ExpenseCategory,
    Indicator,
    IndicatorValue,
    MemberScore,
    OtherFunding,
    ProgressReport,
    ProjectBudgetLine,
    ProjectComment,
    ProjectPartner,
    ProjectReview,
    ProjectStatus,
    ProjectStatusChange,
    ProjectYearAmount,
    ReportAttachment,
    ReportDeadline,
    ReportDraft,
    ReportSpending,
    Resolution,
    ResolutionConflict,
    ReviewCriterion,
    ReviewScore,
)
from projects.services import reports as report_services
from projects.services import status as status_services
from projects.services._common import project_plan_written


class ProjectFiguresAdmin(PlanFiguresAdmin):
    """A project or one of its rows that the figures show: a save through the admin moves its plan's version."""

    def figures_written(self, obj) -> None:
        if isinstance(obj, IndicatorValue):
            obj = obj.report
        project_plan_written(obj if isinstance(obj, ActionProject) else obj.project)


class ProjectValuesAdmin:
    """ModelAdmin mixin for a project's reports, other funding or partners: a save or a deletion through the admin
    goes around the services, so it locks the projects it touches (by pk: one order for every writer) and adds
    what it changed of their people reached, other funding and contributions to their themes' kept rows (figures),
    as the services do. A row moved to another project changes both."""

    def _locked(self, project_ids) -> list:
        projects = ActionProject.objects.select_for_update().filter(pk__in=project_ids).order_by("pk")
        return [(project, figures.project_values(project)) for project in projects]

    @staticmethod
    def _changed(locked) -> None:
        for project, before in locked:
            figures.project_values_changed(project=project, before=before)

    def save_model(self, request, obj, form, change):
        ids = {obj.project_id}
        if change:  # the project it leaves, should the admin move it
            ids.update(type(obj)._default_manager.filter(pk=obj.pk).values_list("project_id", flat=True))
        locked = self._locked(ids)
        super().save_model(request, obj, form, change)
        self._changed(locked)

    def delete_model(self, request, obj):
        locked = self._locked({obj.project_id})
        super().delete_model(request, obj)
        self._changed(locked)

    def delete_queryset(self, request, queryset):
        locked = self._locked(set(queryset.values_list("project_id", flat=True)))
        super().delete_queryset(request, queryset)
        self._changed(locked)


class IndicatorValuesAdmin:
    """ModelAdmin mixin for indicator values: a save or a deletion through the admin goes around the services, so it
    locks the projects of the reports and indicators it touches (by pk: one order for every writer) before the value's
    save() or delete() keeps its indicator's latest value (IndicatorValue), as the services do; a queryset's delete
    keeps none, so their projects' are said again (ActionProjectQuerySet.keep_latest)."""

    @staticmethod
    def _locked(project_ids) -> set:
        return set(
            ActionProject.objects.select_for_update()
            .filter(pk__in=project_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    @staticmethod
    def _projects_of(values) -> set:
        return {pk for pair in values.values_list("report__project_id", "indicator__project_id") for pk in pair}

    def save_model(self, request, obj, form, change):
        ids = {obj.report.project_id, obj.indicator.project_id}
        if change:  # the report or indicator it leaves, should the admin move it
            ids |= self._projects_of(IndicatorValue.objects.filter(pk=obj.pk))
        self._locked(ids)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        self._locked({obj.report.project_id, obj.indicator.project_id})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        locked = self._locked(self._projects_of(queryset))
        super().delete_queryset(request, queryset)
        ActionProject.objects.filter(pk__in=locked).keep_latest()


class ProjectPartnerInline(TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["organisation"]
    # The answer is the named organisation's own (project_partner_answer): no one records it for them here.
    readonly_fields = ["status", "answered_by", "answered_at"]


class OtherFundingInline(TabularInline):
    model = OtherFunding
    extra = 0


class IndicatorInline(TabularInline):
    model = Indicator
    extra = 0


class StatusChangeInline(TabularInline):
    model = ProjectStatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ActionProjectAddForm(forms.ModelForm):
    """A project starts as an intention or a draft; the review process does the rest."""

    status = forms.ChoiceField(
        label=_("statut"), choices=[(s.value, s.label) for s in (ProjectStatus.INTENTION, ProjectStatus.DRAFT)]
    )

    class Meta:
        model = ActionProject
        formfield_callback = bounded_texts(description=LONG_TEXT_MAX_LENGTH, objectives=LONG_TEXT_MAX_LENGTH)
        fields = "__all__"


class ActionProjectChangeForm(forms.ModelForm):
    """Adds a status change, checked against the review process, to the admin's project page."""

    new_status = forms.ChoiceField(label=_("Changer le statut"), required=False)
    status_comment = FreeTextField(
        label=_("Motif du changement"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = ActionProject
        formfield_callback = bounded_texts(description=LONG_TEXT_MAX_LENGTH, objectives=LONG_TEXT_MAX_LENGTH)
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [s for s in ProjectStatus if self.instance.can_become(s)]
        self.fields["new_status"].choices = [("", _("— inchangé —"))] + [(s.value, s.label) for s in allowed]


@admin.register(ActionProject)
class ActionProjectAdmin(ProjectFiguresAdmin, SimpleHistoryAdmin, ModelAdmin):
    """Projects. The status is changed only through the review process (a service), which keeps the history."""

    list_display = ["title", "lead", "theme", "status", "amount_requested", "is_demo"]
    list_filter = ["status", "theme", "is_demo"]
    list_select_related = ["lead", "theme"]
    search_fields = ["title", "lead__name", "description"]
    autocomplete_fields = ["lead", "theme", "objective", "space", "plan_years"]
    inlines = [ProjectPartnerInline, OtherFundingInline, IndicatorInline, StatusChangeInline]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = ActionProjectChangeForm if obj else ActionProjectAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The status moves only along the review process; the requested amount is the sum of the
        # yearly amounts, kept by projects.services.filing.project_save_draft. A continuation is made only
        # when the next plan starts (projects.services.continuation).
        return ["status", "amount_requested", "continues"] if obj else ["amount_requested", "continues"]

    def save_model(self, request, obj, form, change):
        # The plan's kept totals (figures) follow a project added here or moved to another theme, as through the
        # services: the row as it was, locked (the admin's change view runs in a transaction), then the move.
        before = (
            ActionProject.objects.select_for_update()
            .filter(pk=obj.pk)
            .values_list("theme__plan_id", "theme_id", "status")
            .first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        figures.project_moved(project=obj, before=before)
        if before is not None and before[1] != obj.theme_id:
            obj.rows_follow_plan()  # its reports and deadlines go with it to its new theme's plan
        if not change:
            # A new project starts its history with its first status.
            ProjectStatusChange.objects.create(
                project=obj, from_status="", to_status=obj.status, changed_by=request.user
            )
        elif form.cleaned_data.get("new_status"):
            status_services.project_change_status(
                project=obj,
                to_status=form.cleaned_data["new_status"],
                by=request.user,
                comment=form.cleaned_data["status_comment"],
            )
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The partners and other funding of the inlines: the project is locked (save_model) and in its new status.
        before = figures.project_values(form.instance)
        super().save_related(request, form, formsets, change)
        figures.project_values_changed(project=form.instance, before=before)


@admin.register(ProjectStatusChange)
class ProjectStatusChangeAdmin(ModelAdmin):
    """Read-only history; new changes go through the review process."""

    list_display = ["project", "from_status", "to_status", "changed_by", "changed_at"]
    list_select_related = ["project", "changed_by"]
    list_filter = ["to_status"]
    search_fields = ["project__title", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorValueInline(TabularInline):
    model = IndicatorValue
    extra = 0
    autocomplete_fields = ["indicator"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ProjectValuesAdmin, ProjectFiguresAdmin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["project", "period_start", "period_end", "percent_done", "people_reached", "is_final"]
    list_select_related = ["project"]
    list_filter = ["is_final"]
    search_fields = ["project__title", "narrative"]
    autocomplete_fields = ["project"]
    inlines = [IndicatorValueInline]

    # The deadline a report answers is `filed` (ReportDeadline.objects.pending()): said again for the deadlines a
    # save or a deletion here touches.
    def save_model(self, request, obj, form, change):
        before = ProgressReport.objects.filter(pk=obj.pk).values_list("deadline_id", flat=True).first()
        super().save_model(request, obj, form, change)
        report_services.deadlines_filed_update(deadline_ids={before, obj.deadline_id})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        report_services.deadlines_filed_update(deadline_ids={obj.deadline_id})

    def delete_queryset(self, request, queryset):
        deadline_ids = set(queryset.values_list("deadline_id", flat=True))
        project_ids = set(queryset.values_list("project_id", flat=True))
        super().delete_queryset(request, queryset)
        report_services.deadlines_filed_update(deadline_ids=deadline_ids)
        # A report's save() and delete() keep its project's latest report and values (ProgressReport); a queryset's
        # delete does not: said again for the projects it touched (locked by ProjectValuesAdmin)
        ActionProject.objects.filter(pk__in=project_ids).keep_latest()


@admin.register(ReportDraft)
class ReportDraftAdmin(ModelAdmin):
    """Read-only: a draft is the lead organisation's until it files it (support looks, never edits)."""

    list_display = ["project", "is_final", "updated_by", "updated_at", "report"]
    list_select_related = ["project", "updated_by", "report"]
    list_filter = ["is_final"]
    search_fields = ["project__title"]
    readonly_fields = ["project", "is_final", "answers", "updated_by", "updated_at", "report"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(ProjectFiguresAdmin, ModelAdmin):
    list_display = ["name", "project", "unit", "target"]
    list_select_related = ["project"]
    search_fields = ["name", "project__title"]
    autocomplete_fields = ["project"]


@admin.register(ProjectPartner)
class ProjectPartnerAdmin(ProjectValuesAdmin, ProjectFiguresAdmin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["organisation", "project", "contribution_kind", "contribution_value", "status"]
    list_select_related = ["organisation", "project"]
    list_filter = ["status", "contribution_kind"]
    readonly_fields = ["status", "answered_by", "answered_at"]  # the named organisation's own answer
    search_fields = ["organisation__name", "project__title"]
    autocomplete_fields = ["organisation", "project"]


@admin.register(OtherFunding)
class OtherFundingAdmin(ProjectValuesAdmin, ProjectFiguresAdmin, ModelAdmin):
    list_display = ["source_name", "project", "kind", "amount", "confirmed"]
    list_select_related = ["project"]
    list_filter = ["kind", "confirmed"]
    search_fields = ["source_name", "project__title"]
    autocomplete_fields = ["project"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(IndicatorValuesAdmin, ProjectFiguresAdmin, ModelAdmin):
    list_display = ["indicator", "report", "value"]
    list_select_related = ["indicator", "report__project"]
    search_fields = ["indicator__name", "report__project__title"]
    autocomplete_fields = ["indicator", "report"]


@admin.register(ProjectYearAmount)
class ProjectYearAmountAdmin(ProjectFiguresAdmin, ModelAdmin):
    """Requested amounts by plan year; the project's total is kept by the project services."""

    list_display = ["project", "plan_year", "amount"]
    list_select_related = ["project", "plan_year"]
    search_fields = ["project__title"]
    autocomplete_fields = ["project", "plan_year"]


@admin.register(ProjectComment)
class ProjectCommentAdmin(ModelAdmin):
    list_display = ["project", "author", "organisation", "created_at"]
    list_select_related = ["project", "author", "organisation"]
    search_fields = ["project__title", "text", "author__last_name"]
    autocomplete_fields = ["project", "author", "organisation"]


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(ModelAdmin):
    list_display = ["name", "max_score", "order", "is_active", "plan"]
    list_select_related = ["plan"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False  # archive it instead: scores hang on it


class ReviewScoreInline(TabularInline):
    model = ReviewScore
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProjectReview)
class ProjectReviewAdmin(ReadOnlyAdmin):
    list_display = ["project", "opened_at", "recommendation", "recommended_at"]
    list_select_related = ["project"]
    list_filter = ["recommendation"]
    search_fields = ["project__title"]
    inlines = [ReviewScoreInline]


@admin.register(ReviewScore)
class ReviewScoreAdmin(ReadOnlyAdmin):
    list_display = ["review", "criterion", "score"]
    list_select_related = ["review__project", "criterion"]


class ResolutionConflictInline(admin.TabularInline):
    model = ResolutionConflict
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Resolution)
class ResolutionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Read in the admin; recorded on the portal (« Résolutions du conseil », projects.services.resolutions)."""

    list_display = ["number", "alliance", "decided_on", "quorum", "citizens_present", "is_reconstructed"]
    list_select_related = ["alliance"]
    list_filter = ["alliance", "is_reconstructed"]
    search_fields = ["number", "subject"]
    inlines = [ResolutionConflictInline]


@admin.register(ResolutionConflict)
class ResolutionConflictAdmin(ReadOnlyAdmin):
    """Each conflict declared at a board meeting, searchable across resolutions (also shown on its resolution)."""

    list_display = ["person", "organisation", "resolution", "recused"]
    list_select_related = ["resolution__alliance"]
    list_filter = ["recused"]
    search_fields = ["person", "organisation", "concerns", "resolution__number"]


@admin.register(BoardDecision)
class BoardDecisionAdmin(ReadOnlyAdmin):
    list_display = ["project", "outcome", "resolution_number", "decided_on", "granted_amount"]
    list_select_related = ["project"]
    list_filter = ["outcome"]
    search_fields = ["project__title", "resolution_number"]


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(ReadOnlyAdmin):
    list_display = ["project", "kind", "due_on", "filed", "reminded_on"]
    list_select_related = ["project"]
    list_filter = ["kind"]
    search_fields = ["project__title", "label"]


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "content_type", "size", "uploaded_at", "download"]
    list_select_related = ["report__project"]
    search_fields = ["original_name", "report__project__title"]
    # The file has no public URL: the admin links to the portal's checked download instead.
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description=_("Télécharger"))
    def download(self, attachment):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("projects:attachment-download", args=[attachment.pk]),
            attachment.original_name,
        )


# The analysis committee (issue 20, part 1): read in the admin; Coordination manages it on its page.
@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "alliance", "organisation", "since", "until"]
    list_select_related = ["alliance", "organisation", "user"]
    search_fields = ["name", "user__username", "user__last_name"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["review", "member", "in_conflict", "prefilled", "on_behalf", "declared_at"]
    list_select_related = ["review__project", "member__user"]
    list_filter = ["in_conflict"]
    search_fields = ["review__project__title", "member__name"]


@admin.register(MemberScore)
class MemberScoreAdmin(ReadOnlyAdmin):
    list_display = ["review", "member", "criterion", "score", "on_behalf", "withdrawn_at", "withdrawn_reason"]
    list_select_related = ["review__project", "member__user", "criterion"]
    list_filter = ["withdrawn_reason"]
    search_fields = ["review__project__title", "member__name"]


# ---------------------------------------------------------------- budget lines (issue 20, part 3)


@admin.register(ExpenseCategory)
class ExpenseCategoryAdmin(ModelAdmin):
    list_display = ["name", "alliance", "order", "archived"]
    list_select_related = ["alliance"]
    list_filter = ["archived"]
    search_fields = ["name", "alliance__name"]
    autocomplete_fields = ["alliance"]

    def has_delete_permission(self, request, obj=None):
        return False  # archive it instead: budget lines and reports' spending hang on it


# Read only: the lines are written with the request they sum to (projects.services.budget_lines), never alone.
@admin.register(ProjectBudgetLine)
class ProjectBudgetLineAdmin(ReadOnlyAdmin):
    list_display = ["project", "category", "plan_year", "amount"]
    list_select_related = ["project", "category", "plan_year"]
    search_fields = ["project__title", "category__name"]


@admin.register(ReportSpending)
class ReportSpendingAdmin(ReadOnlyAdmin):
    list_display = ["report", "category", "amount"]
    list_select_related = ["report__project", "category"]
    search_fields = ["report__project__title", "category__name"]
