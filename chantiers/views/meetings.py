"""Meetings of a space: schedule (with the hyperconcertation warning), attendance, minutes, decisions. Coordination
runs every space's meetings, a facilitator (animateur) those of their spaces (`chantiers.access.can_run_meetings`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.forms import add_service_error
from asis.redirects import posted_next
from chantiers import services
from chantiers.access import (
    can_run_meetings,
    get_follow_up_for_user,
    get_meeting_for_user,
    get_space_for_user,
    meeting_runners_required,
    page_plan,
    shows_closed_plan,
)
from chantiers.forms import (
    AttendanceForm,
    DecisionForm,
    FollowUpFormSet,
    MeetingScheduleForm,
    MeetingUpdateForm,
)
from chantiers.models import (
    FollowUp,
    Invitation,
    Meeting,
    Space,
)
from chantiers.views.avoided import avoid_form
from organisations.models import Organisation


@meeting_runners_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    """Schedule a meeting and invite the space's members. Before saving, warn which invited
    organisations are already at the monthly threshold and which have another meeting that day
    (principle 3); the coordinator or the space's facilitator then merges, moves, or confirms."""
    space = get_space_for_user(request, pk, run=True)
    if space.status != Space.Status.ACTIVE:
        messages.error(request, _("Ce lieu de concertation est archivé : on n'y planifie plus de rencontre."))
        return redirect("chantiers:space-detail", pk=space.pk)
    plan = page_plan(request)
    form = MeetingScheduleForm(request.POST or None, plan=plan)
    warnings = avoid = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm")
        invited = Organisation.objects.filter(space_memberships__space=space, space_memberships__left_on__isnull=True)
        warnings = services.meeting_warnings(space=space, date=data["date"], organisations=invited, plan=plan)
        if (warnings["over_threshold"] or warnings["same_day"]) and not confirmed:
            form = MeetingScheduleForm(initial={**data, "confirm": True}, plan=plan)
            # beside the warning, the alternatives to a meeting (principle 3): its date and planned duration kept
            start, end = data.get("start_time"), data.get("end_time")
            minutes = Meeting(date=data["date"], start_time=start, end_time=end).compute_duration_minutes()
            avoid = avoid_form(
                request,
                space,
                initial={"date": data["date"], "duration_minutes": minutes or 120, "subject": data["agenda"][:255]},
            )
        else:
            try:
                meeting = services.meeting_schedule(space=space, **data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Rencontre planifiée; les membres du lieu de concertation y sont invités."))
                return redirect("chantiers:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "chantiers/meeting_form.html",
        {"form": form, "space": space, "warnings": warnings, "meeting": None, "avoid_form": avoid},
    )


def _meeting_queryset():
    return Meeting.objects.select_related("space__lead_organisation", "space__coordinator")


@login_required
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request, pk, queryset=_meeting_queryset())
    user = request.user
    can_manage = can_run_meetings(user, meeting.space_id) and not shows_closed_plan(request)
    invitations = list(meeting.invitations.select_related("organisation", "citizen", "user"))
    attendances = list(meeting.attendances.select_related("organisation", "citizen", "user"))
    decisions = list(
        meeting.decisions.prefetch_related(
            Prefetch(
                "follow_ups", queryset=FollowUp.objects.select_related("responsible_organisation", "responsible_user")
            )
        )
    )
    context = {
        "meeting": meeting,
        "space": meeting.space,
        "invited_organisations": [i.organisation for i in invitations if i.organisation],
        "invited_citizen_count": sum(1 for i in invitations if i.citizen),
        "invited_citizens": [i.citizen for i in invitations if i.citizen],
        "invited_people": [i.user for i in invitations if i.user],
        "attendances": attendances,
        "present_citizen_count": sum(1 for a in attendances if a.citizen and a.present),
        "decisions": decisions,
        # Citizens' names: Coordination and staff, and whoever runs the meeting (they record who came).
        "show_citizen_names": user.sees_everything or can_manage,
        "can_manage": can_manage,
        # What the citizens with their own access answered (issue 21, part 5): to Coordination and the facilitators
        "responses": {
            "coming": sum(1 for i in invitations if i.response == Invitation.Response.COMING),
            "not_coming": sum(1 for i in invitations if i.response == Invitation.Response.NOT_COMING),
        }
        if can_run_meetings(user, meeting.space_id)
        else None,
    }
    if can_manage:
        organisations = Organisation.objects.filter(invitations__meeting=meeting).order_by("name")
        context["decision_form"] = DecisionForm()
        context["follow_up_formset"] = FollowUpFormSet(prefix="suivi", form_kwargs={"organisations": organisations})
    return render(request, "chantiers/meeting_detail.html", context)


@meeting_runners_required
@require_http_methods(["GET", "POST"])
def meeting_update(request, pk):
    meeting = get_meeting_for_user(request, pk, run=True, queryset=_meeting_queryset())
    form = MeetingUpdateForm(request.POST or None, instance=meeting, plan=page_plan(request))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        try:
            services.meeting_update(meeting=meeting, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Rencontre mise à jour."))
            return redirect("chantiers:meeting-detail", pk=meeting.pk)
    return render(request, "chantiers/meeting_form.html", {"form": form, "space": meeting.space, "meeting": meeting})


@meeting_runners_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = get_meeting_for_user(request, pk, run=True, queryset=_meeting_queryset())
    current = meeting.attendances.filter(present=True)
    initial = {
        "users": [a.user_id for a in current if a.user_id],
        "citizens": [a.citizen_id for a in current if a.citizen_id],
        "organisations": [a.organisation_id for a in current if a.organisation_id and not a.user_id],
    }
    form = AttendanceForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Présences enregistrées."))
            return redirect("chantiers:meeting-detail", pk=meeting.pk)
    return render(
        request, "chantiers/meeting_attendance.html", {"form": form, "meeting": meeting, "space": meeting.space}
    )


@meeting_runners_required
@require_POST
def decision_create(request, pk):
    meeting = get_meeting_for_user(request, pk, run=True, queryset=_meeting_queryset())
    organisations = Organisation.objects.filter(invitations__meeting=meeting).order_by("name")
    form = DecisionForm(request.POST)
    formset = FollowUpFormSet(
        request.POST, prefix="suivi", form_kwargs={"organisations": organisations, "plan": page_plan(request)}
    )
    if form.is_valid() and formset.is_valid():
        follow_ups = [
            {k: v for k, v in f.cleaned_data.items() if v not in (None, "")}
            for f in formset.forms
            if f.cleaned_data.get("what")
        ]
        services.decision_record(meeting=meeting, text=form.cleaned_data["text"], follow_ups=follow_ups)
        messages.success(request, _("Décision consignée."))
        return redirect("chantiers:meeting-detail", pk=meeting.pk)
    messages.error(request, _("La décision n'a pas été enregistrée : corrigez les champs signalés."))
    return render(
        request,
        "chantiers/decision_form.html",
        {"meeting": meeting, "space": meeting.space, "decision_form": form, "follow_up_formset": formset},
    )


@meeting_runners_required
@require_POST
def follow_up_done(request, pk):
    follow_up = get_follow_up_for_user(
        request, pk, run=True, queryset=FollowUp.objects.select_related("decision__meeting")
    )
    done = request.POST.get("done", "1") == "1"
    services.follow_up_set_done(follow_up=follow_up, done=done)
    messages.success(request, _("Suivi marqué comme fait.") if done else _("Suivi rouvert."))
    return redirect(posted_next(request) or reverse("chantiers:meeting-detail", args=[follow_up.decision.meeting_id]))
