"""A citizen's own access (issue 21, part 5).

Coordination's page of a citizen seated in one of the alliance's spaces (/<alliance>/citoyens/<pk>/acces/): their
account, the offer and its withdrawal. The link the citizen receives (/citoyen/compte/<token>/). The citizen's own
pages, of no alliance (/citoyen/...): their meetings, where they say whether they will come, and the written
consultations their seat answers. A citizen's account opens nothing else (organisations.citizen_accounts)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.forms import add_service_error
from chantiers import services_avoided
from chantiers import services_citizen as services
from chantiers.access import coordination_required, refuse_closed_plan
from chantiers.forms import CitizenAccountForm, ConsultationAnswerForm, MeetingResponseForm
from chantiers.models import Consultation, Invitation, SpaceCitizen
from organisations.citizen_accounts import session_citizen_id
from organisations.models import Citizen
from privacy.models import ConsentPurpose
from privacy.policy import PURPOSES

PAST_MEETINGS = 20  # the latest past meetings shown
LISTED = 100  # at most this many upcoming meetings, or consultations


# Coordination -------------------------------------------------------------------------------------------------


def _citizen_of_alliance(request, pk) -> Citizen:
    """A citizen seated now in one of the request's alliance's spaces (404 otherwise: another alliance's)."""
    seated = SpaceCitizen.objects.current().filter(space__alliance=request.alliance).values("citizen_id")
    return get_object_or_404(Citizen.objects.select_related("user").filter(pk__in=seated), pk=pk)


def _access_page(request, citizen, *, status=200, error=None):
    context = {
        "citizen": citizen,
        "consent": services.access_consent(citizen),
        "spaces": SpaceCitizen.objects.current()
        .filter(citizen=citizen, space__alliance=request.alliance)
        .select_related("space")
        .order_by("space__name"),
        "error": error,
    }
    return render(request, "chantiers/citizen_access.html", context, status=status)


@coordination_required
@require_http_methods(["GET", "POST"])
def citizen_access(request, pk):
    """The citizen's access: whether they have an account; the offer (POST) sends them the link."""
    citizen = _citizen_of_alliance(request, pk)
    if request.method == "POST":
        refuse_closed_plan(request)
        try:
            services.citizen_account_offer(
                citizen=citizen, alliance=request.alliance, by=request.user, base_url=request.build_absolute_uri("/")
            )
        except ValidationError as error:
            return _access_page(request, citizen, status=400, error=" ".join(error.messages))
        messages.success(
            request,
            _("Invitation envoyée à %(email)s : le lien vaut %(days)s jours.")
            % {"email": citizen.email, "days": settings.INVITATION_EXPIRY_DAYS},
        )
        return redirect("chantiers:citizen-access", pk=citizen.pk)
    return _access_page(request, citizen)


@coordination_required
@require_POST
def citizen_access_withdraw(request, pk):
    """Close the citizen's access: the account is deactivated, the citizen stays a record."""
    citizen = _citizen_of_alliance(request, pk)
    refuse_closed_plan(request)
    try:
        services.citizen_account_withdraw(citizen=citizen, alliance=request.alliance, by=request.user)
    except ValidationError as error:
        return _access_page(request, citizen, status=400, error=" ".join(error.messages))
    messages.success(request, _("Accès retiré : le compte est désactivé; la fiche de la personne reste."))
    return redirect("chantiers:citizen-access", pk=citizen.pk)


# The link -----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def account_accept(request, token):
    """The citizen chooses their login and password, confirms their consent, and is signed in."""
    try:
        citizen = services.citizen_for_token(token)
    except ValidationError as error:
        return render(request, "chantiers/citizen_account_accept.html", {"error": " ".join(error.messages)}, status=400)
    if request.user.is_authenticated:
        return render(
            request,
            "chantiers/citizen_account_accept.html",
            {"error": _("Déconnectez-vous d'abord : ce lien crée le compte d'une autre personne.")},
            status=400,
        )
    form = CitizenAccountForm(
        request.POST or None, citizen=citizen, consent_text=str(PURPOSES[ConsentPurpose.ACCESS].text)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.citizen_account_accept(
                    token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Bienvenue! Votre compte citoyen est activé."))
                return redirect("citizen:home")
        status = 400
    return render(request, "chantiers/citizen_account_accept.html", {"form": form, "citizen": citizen}, status=status)


# The citizen's own pages --------------------------------------------------------------------------------------


def _own_citizen(request) -> Citizen:
    """The citizen the signed-in account is (1 query); anyone else: the login page, or 403 as a partner without
    rights gets."""
    if not request.user.is_authenticated:
        raise _LoginFirst
    citizen_id = session_citizen_id(request)
    citizen = Citizen.objects.filter(pk=citizen_id, user=request.user).first() if citizen_id else None
    if citizen is None:
        raise PermissionDenied
    return citizen


class _LoginFirst(Exception):
    pass


def citizen_page(view):
    """A page of the citizen's own: `view(request, citizen, ...)`."""

    def wrapper(request, *args, **kwargs):
        try:
            citizen = _own_citizen(request)
        except _LoginFirst:
            return redirect_to_login(request.get_full_path())
        return view(request, citizen, *args, **kwargs)

    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return wrapper


def _open_respondents(citizen):
    return [
        r
        for r in services.citizen_respondents(citizen).select_related("consultation__space")[:LISTED]
        if r.consultation.is_open
    ]


@citizen_page
def home(request, citizen):
    """« Mes rencontres »: the upcoming meetings of the citizen's spaces (with their answer) and the latest past
    ones; the open consultations their seat answers. Queries: the citizen, upcoming, past, their answers,
    consultations."""
    meetings = services.citizen_meetings(citizen).select_related("space")
    upcoming = list(meetings.upcoming()[:LISTED])
    past = list(meetings.past()[:PAST_MEETINGS])
    responses = dict(
        Invitation.objects.filter(citizen=citizen, meeting__in=[m.pk for m in upcoming]).values_list(
            "meeting_id", "response"
        )
    )
    for meeting in upcoming:
        meeting.response = responses.get(meeting.pk, "")
    context = {
        "citizen": citizen,
        "upcoming": upcoming,
        "past": past,
        "consultations": _open_respondents(citizen),
        "Response": Invitation.Response,
    }
    return render(request, "chantiers/citizen_home.html", context)


@citizen_page
@require_POST
def meeting_respond(request, citizen, pk):
    """« Je serai là » or « Je ne serai pas là » for an upcoming meeting of the citizen's (404 for any other)."""
    meeting = get_object_or_404(services.citizen_meetings(citizen), pk=pk)
    form = MeetingResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez « Je serai là » ou « Je ne serai pas là »."))
        return redirect("citizen:home")
    try:
        services.meeting_respond(
            meeting=meeting, citizen=citizen, coming=form.cleaned_data["response"] == Invitation.Response.COMING
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre réponse est notée. Merci!"))
    return redirect("citizen:home")


@citizen_page
def consultation_list(request, citizen):
    """The written consultations the citizen's seats answer: open ones to answer, closed ones to read."""
    respondents = list(services.citizen_respondents(citizen).select_related("consultation__space")[:LISTED])
    return render(request, "chantiers/citizen_consultation_list.html", {"respondents": respondents})


@citizen_page
@require_http_methods(["GET", "POST"])
def consultation_answer(request, citizen, pk):
    """The citizen answers for their own seat while the consultation is open; after it, their answers read only."""
    respondent = (
        services.citizen_respondents(citizen).select_related("consultation__space").filter(consultation_id=pk).first()
    )
    if respondent is None:
        raise Http404
    consultation: Consultation = respondent.consultation
    questions = list(consultation.questions.all())
    answers = dict(respondent.answers.values_list("question_id", "text"))
    form = ConsultationAnswerForm(request.POST or None, questions=questions, answers=answers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services_avoided.consultation_answer(respondent=respondent, answers=form.answers(), by=request.user)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Réponses enregistrées."))
                return redirect("citizen:consultation-list")
        status = 400
    context = {
        "consultation": consultation,
        "respondent": respondent,
        "form": form,
        "rows": [(q, answers.get(q.pk, "")) for q in questions],
        "today": timezone.localdate(),
    }
    return render(request, "chantiers/citizen_consultation_answer.html", context, status=status)
