from contextlib import contextmanager

from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from asis.admin import (
    ModelAdmin,
    NoDeleteAdmin,
    ReadOnlyAdmin,
    StackedInline,
    TabularInline,
)
from chantiers.models import (
    Attendance,
    AvoidedMeeting,
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    ConsultationRespondent,
    Decision,
    FollowUp,
    Invitation,
    Meeting,
    MeetingLoad,
    MeetingLoadState,
    Representation,
    Space,
    SpaceCitizen,
    SpaceFacilitator,
    SpaceMembership,
)
from chantiers.services import meeting_days, meeting_days_moved, spaces_written
from plans.admin import PlanFiguresAdmin
from plans.versions import alliance_plans_written


class OfSpaceAdmin(PlanFiguresAdmin):
    """A space or a row of a space's (its seats, meetings): a save through the admin marks its alliance's
    hyperconcertation figures stale and moves its plans' versions, as the services do."""

    def figures_written(self, obj) -> None:
        spaces_written(space=obj if isinstance(obj, Space) else obj.space)


class OfMeetingAdmin(PlanFiguresAdmin):
    """A row of a meeting's (invitations, attendance): the same, through its meeting."""

    def figures_written(self, obj) -> None:
        spaces_written(meeting=obj.meeting)


class MeetingFiguresAdmin:
    """ModelAdmin mixin for a model whose saves and deletions through the admin change the meetings the plans' kept
    totals count (figures: a meeting's day or space, its attendance, a space's themes): the meetings it touches are
    counted before the write and after it (with its inlines and many-to-many), and the kept rows move by the
    difference, as the services move them. `meetings_of(obj)`: a Q of the meetings an object touches."""

    def meetings_of(self, obj) -> Q:  # pragma: no cover - defined by each admin
        raise NotImplementedError

    def _touched(self, objs) -> Q:
        touched = Q(pk__in=[])
        for obj in objs:
            touched |= self.meetings_of(obj)
        return touched

    @contextmanager
    def _counting(self, touched: Q):
        with transaction.atomic():
            before = meeting_days(Meeting.objects.filter(touched), lock=True)
            yield
            meeting_days_moved(before=before, after=meeting_days(Meeting.objects.filter(touched)))

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        touched = self._touched([o for o in (stored, obj) if o is not None])
        # Counted again once the inlines and the many-to-many are saved too (save_related), in the admin's
        # transaction.
        obj._meetings_before = (touched, meeting_days(Meeting.objects.filter(touched), lock=True))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        touched, before = obj._meetings_before
        touched |= self.meetings_of(obj)  # a row just added has its key now
        meeting_days_moved(before=before, after=meeting_days(Meeting.objects.filter(touched)))

    def delete_model(self, request, obj):
        with self._counting(self.meetings_of(obj)):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with self._counting(self._touched(queryset)):
            super().delete_queryset(request, queryset)


class SpaceMembershipInline(TabularInline):
    model = SpaceMembership
    extra = 0
    can_delete = False  # a seat ends with its end date
    autocomplete_fields = ["organisation"]


class SpaceCitizenInline(TabularInline):
    model = SpaceCitizen
    extra = 0
    can_delete = False  # a seat ends with its end date
    autocomplete_fields = ["citizen"]


@admin.register(Space)
class SpaceAdmin(MeetingFiguresAdmin, OfSpaceAdmin, SimpleHistoryAdmin, NoDeleteAdmin):
    """Spaces are archived (status « Archivé »), never deleted. Its themes changed here, its meetings are counted
    under its new themes."""

    def meetings_of(self, obj) -> Q:
        return Q(space_id=obj.pk)

    list_display = ["name", "kind", "lead_organisation", "coordinator", "status", "is_demo"]
    list_filter = ["kind", "status", "themes", "is_demo"]
    list_select_related = ["lead_organisation", "coordinator"]
    search_fields = ["name", "mandate"]
    autocomplete_fields = ["lead_organisation", "themes", "coordinator"]
    inlines = [SpaceMembershipInline, SpaceCitizenInline]


class InvitationInline(TabularInline):
    model = Invitation
    extra = 0
    autocomplete_fields = ["organisation", "citizen", "user"]


class DecisionInline(StackedInline):
    model = Decision
    extra = 0
    show_change_link = True


class AttendanceInline(TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["user", "citizen", "organisation"]


@admin.register(Meeting)
class MeetingAdmin(MeetingFiguresAdmin, OfSpaceAdmin, ModelAdmin):
    list_display = ["__str__", "date", "start_time", "place"]
    list_filter = ["space"]
    list_select_related = ["space"]
    search_fields = ["space__name", "agenda", "place"]
    autocomplete_fields = ["space"]
    date_hierarchy = "date"
    inlines = [InvitationInline, AttendanceInline, DecisionInline]

    def meetings_of(self, obj) -> Q:
        return Q(pk=obj.pk)


@admin.register(SpaceMembership)
class SpaceMembershipAdmin(OfSpaceAdmin, NoDeleteAdmin):
    list_display = ["organisation", "space", "role", "joined_on", "left_on"]
    list_select_related = ["organisation", "space"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "space__name"]
    autocomplete_fields = ["organisation", "space"]


@admin.register(SpaceCitizen)
class SpaceCitizenAdmin(OfSpaceAdmin, NoDeleteAdmin):
    list_display = ["citizen", "space", "role", "joined_on", "left_on"]
    list_select_related = ["citizen", "space"]
    list_filter = ["role"]
    search_fields = ["citizen__last_name", "space__name"]
    autocomplete_fields = ["citizen", "space"]


@admin.register(SpaceFacilitator)
class SpaceFacilitatorAdmin(NoDeleteAdmin):
    """Who runs a space's meetings (named on the space's page; the end date keeps the row)."""

    list_display = ["user", "space", "since", "until", "named_by"]
    list_select_related = ["user", "space", "named_by"]
    search_fields = ["user__last_name", "user__username", "space__name"]
    autocomplete_fields = ["user", "space", "named_by"]


@admin.register(Attendance)
class AttendanceAdmin(MeetingFiguresAdmin, OfMeetingAdmin, ModelAdmin):
    list_display = ["meeting", "user", "citizen", "organisation", "present"]
    list_select_related = ["meeting__space", "user", "citizen", "organisation"]
    list_filter = ["present"]
    search_fields = ["meeting__space__name", "user__last_name", "citizen__last_name", "organisation__name"]
    autocomplete_fields = ["meeting", "user", "citizen", "organisation"]

    def meetings_of(self, obj) -> Q:
        return Q(pk=obj.meeting_id)


@admin.register(Invitation)
class InvitationAdmin(OfMeetingAdmin, ModelAdmin):
    list_display = ["meeting", "organisation", "citizen", "user", "invited_at", "response"]
    list_select_related = ["meeting__space", "organisation", "citizen", "user"]
    search_fields = ["meeting__space__name", "organisation__name", "citizen__last_name", "user__last_name"]
    autocomplete_fields = ["meeting", "organisation", "citizen", "user"]


class FollowUpInline(TabularInline):
    model = FollowUp
    extra = 0
    autocomplete_fields = ["responsible_organisation", "responsible_user"]


@admin.register(Decision)
class DecisionAdmin(PlanFiguresAdmin, ModelAdmin):
    list_display = ["__str__", "meeting", "created_at"]
    list_select_related = ["meeting__space"]
    search_fields = ["text", "meeting__space__name"]
    autocomplete_fields = ["meeting"]
    inlines = [FollowUpInline]

    def figures_written(self, obj) -> None:
        # the bilan lists the meetings' decisions
        alliance_plans_written(obj.meeting.space.alliance_id, parts=("meetings",))


@admin.register(FollowUp)
class FollowUpAdmin(ModelAdmin):
    list_display = ["what", "decision", "responsible_organisation", "responsible_user", "due_on", "done"]
    list_select_related = ["decision__meeting__space", "responsible_organisation", "responsible_user"]
    list_filter = ["done"]
    search_fields = ["what", "decision__text"]
    autocomplete_fields = ["decision", "responsible_organisation", "responsible_user"]


@admin.register(MeetingLoad)
class MeetingLoadAdmin(ReadOnlyAdmin):
    """The hyperconcertation figures of the day (a cache built by the page, never edited)."""

    list_display = ["kind", "who", "spaces", "meetings_3", "meetings_6", "meetings_12", "minutes_12"]
    list_filter = ["kind"]
    search_fields = ["=who"]


@admin.register(MeetingLoadState)
class MeetingLoadStateAdmin(ReadOnlyAdmin):
    """For which day each alliance's hyperconcertation figures were built, and whether a write has made them stale
    since."""

    list_display = ["alliance", "as_of", "version", "built_version", "invitations_max", "attendances_max"]
    list_select_related = ["alliance"]


# ---------------------------------------------------------------- meetings avoided (principle 3): read only here
# Written by their pages' services (chantiers.services_avoided), which move the bilan's figures; the admin reads them.


@admin.register(AvoidedMeeting)
class AvoidedMeetingAdmin(ReadOnlyAdmin):
    """A meeting not held and the alternative chosen, with the person-minutes it saved."""

    list_display = ["space", "date", "alternative", "invitees", "duration_minutes", "person_minutes", "chosen_by"]
    list_filter = ["alternative"]
    list_select_related = ["space", "chosen_by"]
    search_fields = ["subject", "space__name"]


@admin.register(Representation)
class RepresentationAdmin(ReadOnlyAdmin):
    list_display = ["avoided", "representing", "represented"]
    list_select_related = ["avoided__space", "representing", "represented"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["title", "space", "due_on", "decided_on", "created_by"]
    list_select_related = ["space", "created_by"]
    search_fields = ["title", "space__name"]


@admin.register(ConsultationQuestion)
class ConsultationQuestionAdmin(ReadOnlyAdmin):
    list_display = ["text", "consultation", "order"]
    list_select_related = ["consultation"]


@admin.register(ConsultationRespondent)
class ConsultationRespondentAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "organisation", "citizen_seat", "answered_at"]
    list_select_related = ["consultation", "organisation", "citizen_seat__citizen", "citizen_seat__space"]


@admin.register(ConsultationAnswer)
class ConsultationAnswerAdmin(ReadOnlyAdmin):
    list_display = ["respondent", "question"]
    list_select_related = ["respondent__organisation", "respondent__citizen_seat__citizen", "question"]
