"""Meetings avoided (principle 3): instead of scheduling a meeting, Coordination or the space's facilitator adds the
item to another space's next meeting, launches a written consultation, or records that one organisation represents
several; the written consultations' pages (the list, one consultation, a partner's answers, its decision)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.forms import add_service_error
from chantiers import services_avoided as services
from chantiers.access import (
    can_run_meetings,
    get_consultation_for_user,
    get_space_for_user,
    meeting_runners_required,
    page_plan,
    refuse_closed_plan,
    shows_closed_plan,
)
from chantiers.forms import AvoidedMeetingForm, ConsultationAnswerForm, ConsultationDecisionForm
from chantiers.models import AvoidedMeeting, Consultation, ConsultationRespondent, Meeting, Space
from chantiers.selectors import meetings_to_share


def avoid_form(request, space, data=None, *, initial=None):
    """The alternatives' form of `space`, its meetings to share read once (1 query), its dates within the page's
    plan's years (as a meeting's)."""
    return AvoidedMeetingForm(
        data, space=space, shared=meetings_to_share(space), plan=page_plan(request), initial=initial
    )


@meeting_runners_required
@require_http_methods(["GET", "POST"])
def meeting_avoid(request, pk):
    """Record the alternative chosen instead of a meeting of `space`: the choice, what it spared, who chose."""
    space = get_space_for_user(request, pk, run=True)
    if space.status != Space.Status.ACTIVE:
        messages.error(request, _("Ce lieu de concertation est archivé : on n'y planifie plus de rencontre."))
        return redirect("chantiers:space-detail", pk=space.pk)
    form = avoid_form(request, space, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "space": space,
            "date": data["date"],
            "subject": data["subject"],
            "duration_minutes": data["duration_minutes"],
            "by": request.user,
        }
        Alternative = AvoidedMeeting.Alternative  # noqa: N806
        try:
            if data["alternative"] == Alternative.NEXT_MEETING:
                if data["target_meeting"] not in form.shared:
                    raise ValidationError({"target_meeting": _("Choisissez une des rencontres proposées.")})
                target = Meeting.objects.select_related("space").get(pk=data["target_meeting"])
                avoided = services.avoided_add_to_meeting(target=target, **common)
            elif data["alternative"] == Alternative.CONSULTATION:
                avoided = services.consultation_launch(
                    questions=data["questions"].splitlines(), due_on=data["due_on"], **common
                )
            else:
                avoided = services.avoided_by_representation(
                    representing=data["representing"], represented=list(data["represented"]), **common
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            hours = avoided.person_hours
            messages.success(
                request,
                _("Rencontre évitée : %(hours)s heures-personnes épargnées.") % {"hours": str(hours).replace(".", ",")},
            )
            if avoided.consultation_id:
                return redirect("chantiers:consultation-detail", pk=avoided.consultation_id)
            return redirect("chantiers:space-detail", pk=space.pk)
    return render(request, "chantiers/meeting_avoid.html", {"form": form, "space": space})


@login_required
def consultation_list(request):
    """The written consultations the user sees in the request's alliance, latest due first (1 query)."""
    consultations = list(
        Consultation.objects.in_alliance(request.alliance)
        .visible_to(request.user)
        .select_related("space")
        .order_by("-due_on", "-pk")[:200]
    )
    return render(request, "chantiers/consultation_list.html", {"consultations": consultations})


def _respondent_of(user, consultation) -> ConsultationRespondent | None:
    """The respondent a partner account answers for: the first of its organisations asked (by name)."""
    return (
        consultation.respondents.filter(organisation_id__in=user.organisation_ids())
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )


def _detail(request, consultation, *, decision_form=None, status=200):
    """The page of a consultation: its questions, who answered; the answers to whoever runs the space's meetings
    (and Coordination, staff), a partner its own organisation's; the decision's form (`decision_form`: bound, with
    its errors, after a refused post)."""
    user = request.user
    runs = can_run_meetings(user, consultation.space_id) and not shows_closed_plan(request)
    sees_all = user.sees_everything or can_run_meetings(user, consultation.space_id)
    questions = list(consultation.questions.all())
    respondents = consultation.respondents.select_related("organisation", "citizen_seat__citizen").order_by(
        "organisation__name", "pk"
    )
    if not sees_all:
        respondents = respondents.filter(organisation_id__in=user.organisation_ids())
    respondents = list(respondents.prefetch_related("answers"))
    for respondent in respondents:
        by_question = {answer.question_id: answer.text for answer in respondent.answers.all()}
        respondent.rows = [(question, by_question.get(question.pk, "")) for question in questions]
    own = [r for r in respondents if r.organisation_id in user.organisation_ids()]
    can_decide = runs and not consultation.decided_on
    context = {
        "consultation": consultation,
        "space": consultation.space,
        "questions": questions,
        "respondents": respondents,
        "answered": sum(1 for r in respondents if r.answered_at),
        "sees_all": sees_all,
        "can_answer": bool(own) and consultation.is_open and not shows_closed_plan(request),
        "can_decide": can_decide,
        # a refused post's form, with its errors, even once decided (« déjà consignée » is said on the page)
        "decision_form": decision_form
        if decision_form is not None
        else (ConsultationDecisionForm() if can_decide else None),
    }
    return render(request, "chantiers/consultation_detail.html", context, status=status)


@login_required
def consultation_detail(request, pk):
    consultation = get_consultation_for_user(request, pk, queryset=Consultation.objects.select_related("space"))
    return _detail(request, consultation)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_answer(request, pk):
    """A seated organisation's partner account answers for it, up to the due date; after it, read only."""
    consultation = get_consultation_for_user(request, pk, queryset=Consultation.objects.select_related("space"))
    respondent = _respondent_of(request.user, consultation)
    if respondent is None:
        raise PermissionDenied
    questions = list(consultation.questions.all())
    answers = dict(respondent.answers.values_list("question_id", "text"))
    form = ConsultationAnswerForm(request.POST or None, questions=questions, answers=answers)
    if request.method == "POST":
        refuse_closed_plan(request)
        if form.is_valid():
            try:
                services.consultation_answer(respondent=respondent, answers=form.answers(), by=request.user)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Réponses enregistrées."))
                return redirect("chantiers:consultation-detail", pk=consultation.pk)
    return render(
        request,
        "chantiers/consultation_answer.html",
        {"consultation": consultation, "space": consultation.space, "form": form, "respondent": respondent},
    )


@meeting_runners_required
@require_POST
def consultation_decide(request, pk):
    """The decision taken on the answers (once); a refused post shows the page again with its French error."""
    consultation = get_consultation_for_user(
        request, pk, run=True, queryset=Consultation.objects.select_related("space")
    )
    form = ConsultationDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_decide(consultation=consultation, text=form.cleaned_data["decision"], by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Décision consignée."))
            return redirect("chantiers:consultation-detail", pk=consultation.pk)
    return _detail(request, consultation, decision_form=form, status=400)
