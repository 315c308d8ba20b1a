"""Sign-up in steps (issue 23, item 4): the answers of each step kept in the session until the review page sends them.

What is kept is what the person typed, step by step, as the form received it: each page shows it again (a « Modifier »
link or the back button finds it), and the review judges every step again before anything is saved, since a username
or an organisation's name may have been taken in the meantime. The password is never kept: it is asked on the review
page, the last one."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.forms import (
    JOIN,
    NEW,
    SignupChoiceForm,
    SignupJoinForm,
    SignupNewOrganisationForm,
    SignupPersonForm,
)
from privacy.forms import SignupConsentsForm

SESSION_KEY = "signup"
# The steps in order, each with its URL name and its title; the second is the block the choice calls for.
STEPS = ("choice", "organisation", "person", "consents")
URL_NAMES = {
    "choice": "privacy:signup",
    "organisation": "privacy:signup-organisation",
    "person": "privacy:signup-person",
    "consents": "privacy:signup-consents",
    "review": "privacy:signup-review",
}
TITLES = {
    "choice": _("Votre organisation"),
    "organisation": _("L'organisation"),
    "person": _("Vous"),
    "consents": _("Vos consentements"),
    "review": _("Vérifier et envoyer"),
}
REVIEW = "verifier"  # ?retour=verifier: a « Modifier » link from the review page, which the step goes back to


class SignupAnswers:
    """The answers kept in `request.session`, and the form of each step bound to them."""

    def __init__(self, session):
        self.session = session
        self.answers = dict(session.get(SESSION_KEY, {}))

    @property
    def choice(self) -> str | None:
        choice = self.answers.get("choice", {}).get("choice")
        return choice if choice in (NEW, JOIN) else None

    def _key(self, step: str) -> str:
        # The two blocks are kept apart: going back to change the choice does not mix their answers.
        return self.choice if step == "organisation" else step

    def form_class(self, step: str):
        if step == "organisation":
            return SignupNewOrganisationForm if self.choice == NEW else SignupJoinForm
        return {"choice": SignupChoiceForm, "person": SignupPersonForm, "consents": SignupConsentsForm}[step]

    def kept(self, step: str) -> dict | None:
        return self.answers.get(self._key(step))

    def form(self, step: str, data=None):
        """The step's form: bound to `data` (a POST), else to what was kept (shown again with its errors, if it no
        longer holds), else blank."""
        form_class = self.form_class(step)
        if data is None:
            data = self.kept(step)
        return form_class(data) if data is not None else form_class()

    def keep(self, step: str, form) -> None:
        """What `form` received for its own fields (not the CSRF token), as typed."""
        self.answers[self._key(step)] = {name: form.data[name] for name in form.fields if name in form.data}
        self.session[SESSION_KEY] = self.answers

    def first_missing(self) -> str | None:
        """The first step not answered yet, or None when only the review is left."""
        for step in STEPS:
            if step == "organisation" and self.choice is None:
                return "choice"
            if self.kept(step) is None:
                return step
        return None

    def first_invalid(self) -> tuple[str, object] | None:
        """The first step whose kept answers no longer hold, with its form; None when every step holds."""
        for step in STEPS:
            form = self.form(step)
            if not form.is_bound or not form.is_valid():
                return step, form
        return None

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)


def step_url(step: str, *, back_to_review: bool = False) -> str:
    url = reverse(URL_NAMES[step])
    return f"{url}?retour={REVIEW}" if back_to_review else url


def previous_step(step: str) -> str | None:
    order = (*STEPS, "review")
    index = order.index(step)
    return order[index - 1] if index else None
