"""Privacy pages (Law 25): sign-up with its consents, the public policy, « Mes consentements », and
Coordination's register of requests, people, exports, corrections, erasures and confidentiality incidents."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis import throttle
from asis.forms import add_service_error, search_text
from asis.templatetags.asis_format import day_date
from organisations.access import coordination_required
from organisations.forms import JOIN, NEW, SignupPasswordForm
from organisations.models import Citizen
from privacy import policy, selectors, services
from privacy.forms import (
    ConsentsForm,
    EraseForm,
    IncidentForm,
    PrivacyRequestCloseForm,
    PrivacyRequestForm,
    RectifyForm,
)
from privacy.models import REQUEST_DAYS, ConfidentialityIncident, Consent, PrivacyRequest
from privacy.signup import REVIEW, STEPS, TITLES, SignupAnswers, previous_step, step_url

# Sign-up: the account and its consents -------------------------------------------------------------


def _signup_page(request, step: str, answers: SignupAnswers, **context):
    back_to_review = request.GET.get("retour") == REVIEW
    previous = previous_step(step)
    return render(
        request,
        "privacy/signup_review.html" if step == "review" else "privacy/signup_step.html",
        {
            "step": step,
            "title": TITLES[step],
            "number": (*STEPS, "review").index(step) + 1,
            "steps": len(STEPS) + 1,
            "choice": answers.choice,
            "back_url": (
                step_url("review")
                if back_to_review and step != "review"
                else (step_url(previous) if previous else reverse("login"))
            ),
            "back_to_review": back_to_review,
            **context,
        },
    )


def _signup_step(request, step: str):
    """One step of the sign-up: its answers are kept in the session, then the next step (or, from a « Modifier » link,
    the review). A step asked before the ones it depends on sends back to the first one not answered."""
    if request.user.is_authenticated:
        return redirect("home")
    answers = SignupAnswers(request.session)
    missing = answers.first_missing()
    if missing is not None and STEPS.index(missing) < STEPS.index(step):
        return redirect(step_url(missing))
    form = answers.form(step, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answers.keep(step, form)
        missing = answers.first_missing()
        if request.GET.get("retour") == REVIEW:
            return redirect(step_url(missing, back_to_review=True) if missing else step_url("review"))
        return redirect(step_url(STEPS[STEPS.index(step) + 1] if step != STEPS[-1] else "review"))
    return _signup_page(request, step, answers, form=form)


@require_http_methods(["GET", "POST"])
def signup(request):
    return _signup_step(request, "choice")


@require_http_methods(["GET", "POST"])
def signup_organisation(request):
    return _signup_step(request, "organisation")


@require_http_methods(["GET", "POST"])
def signup_person(request):
    return _signup_step(request, "person")


@require_http_methods(["GET", "POST"])
def signup_consents(request):
    return _signup_step(request, "consents")


@require_http_methods(["GET", "POST"])
def signup_review(request):
    """« Vérifier et envoyer »: every answer with its « Modifier » link, and the password. Nothing is saved before
    this page is sent; then every step is judged again, the account made as before (services) and the answers
    forgotten."""
    if request.user.is_authenticated:
        return redirect("home")
    answers = SignupAnswers(request.session)
    missing = answers.first_missing()
    if missing is not None:
        return redirect(step_url(missing))
    person_form = answers.form("person")
    person = person_form.data if person_form.is_bound else {}
    form = SignupPasswordForm(request.POST or None, person=dict(person.items()))
    if request.method == "POST" and form.is_valid():
        invalid = answers.first_invalid()
        if invalid is not None:
            # Taken in the meantime (a username, an organisation's name): the step shows it with its error.
            messages.error(request, _("Une réponse ne convient plus : corrigez-la, puis revenez vérifier."))
            return redirect(step_url(invalid[0], back_to_review=True))
        if not throttle.client_allowed(request, "signup"):
            # Per client, not per address: the refusal says nothing about anyone's account.
            form.add_error(
                None, _("Trop d'inscriptions depuis votre réseau au cours de la dernière heure : réessayez plus tard.")
            )
        else:
            user = _signup_register(request, answers, form)
            if user is not None:
                return _signup_welcome(request, answers, user)
    consents = answers.form("consents")
    return _signup_page(
        request,
        "review",
        answers,
        form=form,
        organisation_rows=_answers_shown(answers.form("organisation")),
        person_rows=_answers_shown(person_form),
        consents=[consents[name].label for name, value in _cleaned(consents).items() if value],
    )


def _cleaned(form) -> dict:
    form.is_valid()  # the kept answers, read as the form reads them (a step no longer valid is judged on sending)
    return getattr(form, "cleaned_data", {})


def _answers_shown(form) -> list[tuple[str, str]]:
    """(label, answer) of each field answered, as the person reads it: a choice by its label, not its code."""
    cleaned, rows = _cleaned(form), []
    for name, field in form.fields.items():
        value = cleaned.get(name, form.data.get(name))
        if value in (None, ""):
            continue
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        rows.append((field.label, str(value)))
    return rows


def _signup_register(request, answers: SignupAnswers, form: SignupPasswordForm):
    organisation, person, consents = (answers.form(step) for step in ("organisation", "person", "consents"))
    for step_form in (organisation, person, consents):
        step_form.is_valid()  # judged by first_invalid(): this fills cleaned_data
    data = person.cleaned_data
    try:
        return services.account_register_with_consents(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            password=form.cleaned_data["password1"],
            organisation=organisation.organisation_data() if answers.choice == NEW else None,
            join=organisation.cleaned_data["join"] if answers.choice == JOIN else None,
            message=organisation.cleaned_data.get("message", ""),
            consents=consents.purposes(),
        )
    except ValidationError as error:
        add_service_error(form, error)
        return None


def _signup_welcome(request, answers: SignupAnswers, user):
    choice = answers.choice
    answers.clear()
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if choice == NEW:
        organisation = user.memberships.get().organisation
        messages.success(
            request,
            _(
                "Bienvenue! Votre compte est créé et « %(name)s » est inscrite. La coordination de l'Alliance "
                "doit approuver l'organisation : d'ici là, vous pouvez préparer des brouillons, mais rien "
                "soumettre. Vous recevrez un courriel dès sa décision."
            )
            % {"name": organisation.name},
        )
        return redirect(organisation)
    messages.success(
        request,
        _(
            "Bienvenue! Votre compte est créé et votre demande pour joindre « %(name)s » est transmise. "
            "La coordination de l'Alliance doit l'approuver; vous recevrez un courriel dès sa décision."
        )
        % {"name": user.membership_requests.get().organisation.name},
    )
    return redirect("home")


# Public -------------------------------------------------------------------------------------------


def privacy_policy(request):
    return render(
        request,
        "privacy/privacy_policy.html",
        {
            "officer": policy.privacy_officer(),
            "retention": policy.RETENTION,
            "purposes": policy.PURPOSES.values(),
            "request_days": REQUEST_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_consents(request):
    person = request.user
    purposes = policy.purposes_for(person)
    consents = list(selectors.consents_of(person))
    given = {c.purpose for c in consents if c.is_active}
    form = ConsentsForm(request.POST or None, purposes=purposes, given=given)
    if request.method == "POST" and form.is_valid():
        services.consents_set(person=person, purposes=form.purposes(), source=Consent.Source.SELF, by=person)
        messages.success(request, _("Vos choix sont enregistrés."))
        return redirect("privacy:my-consents")
    return render(request, "privacy/my_consents.html", {"form": form, "consents": consents})


# Coordination: requests -------------------------------------------------------------------------


@coordination_required
def privacy_request_list(request):
    today = timezone.localdate()
    requests = list(
        PrivacyRequest.objects.select_related("user", "citizen")
        .annotate(
            open_first=Case(
                When(status=PrivacyRequest.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("open_first", "due_on", "pk")[:200]
    )
    for item in requests:
        item.overdue = item.is_overdue(today)
        item.kind_url = selectors.url_kind(item.person)
    return render(
        request,
        "privacy/privacy_request_list.html",
        {
            "requests": requests,
            "overdue_count": PrivacyRequest.objects.overdue(today).count(),
            "open_count": PrivacyRequest.objects.open().count(),
            "incident_count": ConfidentialityIncident.objects.count(),
        },
    )


@coordination_required
@require_http_methods(["GET", "POST"])
def privacy_request_detail(request, pk):
    privacy_request = get_object_or_404(PrivacyRequest.objects.select_related("user", "citizen", "created_by"), pk=pk)
    form = PrivacyRequestCloseForm(request.POST or None)
    if request.method == "POST" and privacy_request.status != PrivacyRequest.Status.OPEN:
        messages.error(request, _("Cette demande est déjà fermée."))  # the page shows no form any more
        return redirect(privacy_request)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.privacy_request_close(request=privacy_request, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                if privacy_request.status != PrivacyRequest.Status.OPEN:  # closed meanwhile: the page shows no form
                    messages.error(request, " ".join(error.messages))
                    return redirect(privacy_request)
                add_service_error(form, error)
            else:
                messages.success(request, _("La demande est fermée."))
                return redirect(privacy_request)
    person = privacy_request.person
    return render(
        request,
        "privacy/privacy_request_detail.html",
        {
            "privacy_request": privacy_request,
            "person": person,
            "kind": selectors.url_kind(person),
            "overdue": privacy_request.is_overdue(),
            "form": form,
            "actions": privacy_request.actions.select_related("by").order_by("-at", "-pk"),
        },
    )


# Coordination: people -----------------------------------------------------------------------------


@coordination_required
def privacy_person_search(request):
    query = search_text(request.GET.get("q"))
    users, citizens = selectors.search_people(query)
    return render(request, "privacy/privacy_person_search.html", {"query": query, "users": users, "citizens": citizens})


def _person(kind, pk):
    person = selectors.person_for(kind, pk)
    if person is None:
        raise Http404
    return person


def _linked_request(request, person):
    pk = request.GET.get("demande") or request.POST.get("request")
    if not pk:
        return None
    try:
        return selectors.requests_of(person).get(pk=int(pk))
    except (ValueError, PrivacyRequest.DoesNotExist):
        raise Http404 from None


def _person_context(request, person, kind, **forms):
    consents = list(selectors.consents_of(person))
    given = {c.purpose for c in consents if c.is_active}
    is_citizen = isinstance(person, Citizen)
    return {
        "person": person,
        "kind": kind,
        "is_citizen": is_citizen,
        "requests": selectors.requests_of(person),
        "actions": selectors.actions_of(person)[:100],
        "consents": consents,
        "legacy_consent": is_citizen
        and person.consent_to_contact
        and not any(c.purpose == "contact" for c in consents),
        "memberships": [] if is_citizen else person.memberships.select_related("organisation"),
        "request_form": forms.get("request_form") or PrivacyRequestForm(initial={"received_on": timezone.localdate()}),
        "consents_form": (forms.get("consents_form") or ConsentsForm(purposes=policy.purposes_for(person), given=given))
        if is_citizen and not person.anonymised_at
        else None,
    }


@coordination_required
def privacy_person_detail(request, kind, pk):
    person = _person(kind, pk)
    return render(request, "privacy/privacy_person_detail.html", _person_context(request, person, kind))


@coordination_required
@require_POST
def privacy_request_create(request, kind, pk):
    person = _person(kind, pk)
    form = PrivacyRequestForm(request.POST)
    if form.is_valid():
        try:
            created = services.privacy_request_create(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Demande consignée; la réponse est due le %(due)s.") % {"due": day_date(created.due_on)}
            )
            return redirect(created)
    return render(
        request,
        "privacy/privacy_person_detail.html",
        _person_context(request, person, kind, request_form=form),
        status=400,
    )


@coordination_required
@require_POST
def privacy_consents_record(request, kind, pk):
    """Coordination notes a citizen's consents (given on paper or by telephone) or their withdrawal."""
    person = _person(kind, pk)
    if not isinstance(person, Citizen) or person.anonymised_at:
        raise Http404
    form = ConsentsForm(request.POST, purposes=policy.purposes_for(person))
    if form.is_valid():
        services.consents_set(
            person=person, purposes=form.purposes(), source=Consent.Source.COORDINATION, by=request.user
        )
        messages.success(request, _("Consentements enregistrés."))
    return redirect("privacy:privacy-person-detail", kind=kind, pk=pk)


def _export(request, kind, pk, fmt):
    person = _person(kind, pk)
    text = services.person_export(person=person, fmt=fmt, by=request.user, request=_linked_request(request, person))
    name = f"donnees-{kind}-{person.pk}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# An export is logged (who read whose data, when): a POST, from the person's page, so that no prefetch,
# crawler or reopened tab writes a log row. A GET answers 405.
@coordination_required
@require_POST
def privacy_export_json(request, kind, pk):
    return _export(request, kind, pk, "json")


@coordination_required
@require_POST
def privacy_export_csv(request, kind, pk):
    return _export(request, kind, pk, "csv")


@coordination_required
@require_http_methods(["GET", "POST"])
def privacy_person_rectify(request, kind, pk):
    person = _person(kind, pk)
    if person.anonymised_at:
        raise Http404
    fields = services.RECTIFIABLE[selectors.person_kind(person)]
    requests = selectors.requests_of(person).filter(status=PrivacyRequest.Status.OPEN)
    form = RectifyForm(
        request.POST or None,
        fields=fields,
        requests=requests,
        initial={**{name: getattr(person, name) for name in fields}, "request": request.GET.get("demande")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        linked = data.pop("request")
        try:
            services.person_rectify(person=person, by=request.user, request=linked, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Corrections enregistrées; l'ancienne valeur reste au journal."))
            return redirect("privacy:privacy-person-detail", kind=kind, pk=pk)
    return render(request, "privacy/privacy_person_rectify.html", {"form": form, "person": person, "kind": kind})


@coordination_required
@require_http_methods(["GET", "POST"])
def privacy_person_erase(request, kind, pk):
    person = _person(kind, pk)
    if person.anonymised_at:
        raise Http404
    requests = selectors.requests_of(person).filter(status=PrivacyRequest.Status.OPEN)
    form = EraseForm(request.POST or None, requests=requests, initial={"request": request.GET.get("demande")})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(person=person, by=request.user, request=form.cleaned_data["request"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("La personne est anonymisée; ses présences et ses rapports restent comptés."))
            return redirect("privacy:privacy-person-detail", kind=kind, pk=pk)
    return render(request, "privacy/privacy_person_erase.html", {"form": form, "person": person, "kind": kind})


# Coordination: the confidentiality-incident register ------------------------------------------------


@coordination_required
def incident_list(request):
    return render(
        request,
        "privacy/incident_list.html",
        {"incidents": ConfidentialityIncident.objects.select_related("recorded_by")},
    )


@coordination_required
@require_http_methods(["GET", "POST"])
def incident_create(request):
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Incident consigné au registre; il y reste jusqu'au %(day)s.")
                % {"day": day_date(incident.kept_until)},
            )
            return redirect(incident)
    return render(request, "privacy/incident_form.html", {"form": form, "incident": None})


@coordination_required
@require_http_methods(["GET", "POST"])
def incident_detail(request, pk):
    incident = get_object_or_404(ConfidentialityIncident.objects.select_related("recorded_by"), pk=pk)
    form = IncidentForm(request.POST or None, instance=ConfidentialityIncident.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_update(incident=incident, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Registre mis à jour."))
            return redirect(incident)
    return render(request, "privacy/incident_form.html", {"form": form, "incident": incident})
