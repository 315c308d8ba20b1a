"""Forms validate and normalise; the services create the rows."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from asis import throttle
from asis.forms import PASSWORD_MAX_LENGTH, FreeTextField, bounded_texts
from asis.mail import send_after_commit
from organisations.models import Organisation, User

PROFILE_FIELDS = [
    "name",
    "acronym",
    "kind",
    "sector",
    "description",
    "address",
    "city",
    "postal_code",
    "phone",
    "email",
    "website",
    "neq",
]


def check_new_password(form: forms.Form, data: dict, *, email: str) -> None:
    """The two typed passwords agree and pass Django's validators, judged against the account being made
    (a password close to its username, name or e-mail is refused)."""
    password1, password2 = data.get("password1"), data.get("password2")
    if password1 and password2 and password1 != password2:
        form.add_error("password2", _("Les deux mots de passe ne concordent pas."))
    if password1:  # judged even when the two differ: every error of the form is told at once (issue 23)
        user = User(
            username=data.get("username", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            email=email,
        )
        try:
            password_validation.validate_password(password1, user)
        except forms.ValidationError as error:
            form.add_error("password1", error)


# Sign-up, one question per page (issue 23, item 4; GOV.UK « one thing per page »): the choice, then only the block it
# calls for, then the person, then (privacy app) the consents and the review where the password is chosen. Each step
# is a form of its own, so each says what it requires and reports all its errors at once.
NEW, JOIN = "new", "join"


class SignupChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Votre organisation est-elle déjà inscrite au portail?"),
        widget=forms.RadioSelect,
        choices=[
            (NEW, _("Non : j'inscris une nouvelle organisation")),
            (JOIN, _("Oui : je demande à joindre une organisation déjà inscrite")),
        ],
        error_messages={"required": _("Choisissez : une nouvelle organisation ou une organisation déjà inscrite.")},
    )


class SignupNewOrganisationForm(forms.Form):
    org_name = forms.CharField(
        label=_("Nom de l'organisation"),
        max_length=200,
        error_messages={"required": _("Indiquez le nom de l'organisation.")},
    )
    org_kind = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("Choisir un type d'organisation"))] + Organisation.Kind.choices,
        error_messages={"required": _("Indiquez le type d'organisation.")},
    )
    org_sector = forms.CharField(label=_("Secteur d'activité"), max_length=120, required=False)
    org_address = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    org_city = forms.CharField(label=_("Ville"), max_length=100, required=False, initial="Rouyn-Noranda")
    org_postal_code = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    org_phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    org_email = forms.EmailField(label=_("Courriel de l'organisation"), required=False)

    def clean_org_name(self):
        name = self.cleaned_data["org_name"].strip()
        if name and Organisation.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("Une organisation porte déjà ce nom : demandez plutôt à la joindre."))
        return name

    def organisation_data(self) -> dict:
        return {key.removeprefix("org_"): value for key, value in self.cleaned_data.items()}


class SignupJoinForm(forms.Form):
    join = forms.ModelChoiceField(
        label=_("Organisation à joindre"),
        queryset=Organisation.objects.approved(),
        empty_label=_("Choisir une organisation"),
        error_messages={"required": _("Choisissez l'organisation à joindre.")},
    )
    message = FreeTextField(
        label=_("Message à la coordination"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Votre rôle dans l'organisation, par exemple."),
    )


class SignupPersonForm(forms.Form):
    username = forms.CharField(
        label=_("Nom d'utilisateur"),
        max_length=150,
        help_text=_("Lettres, chiffres et les caractères @ . + - _ seulement."),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Courriel"))

    def clean_username(self):
        username = User.normalize_username(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Ce nom d'utilisateur est déjà pris."))
        return username


class NewPasswordFields(forms.Form):
    """A new password typed twice, with the rules' help: the sign-up's and the invitation's (checked by
    `check_new_password` in each form's clean, against that person's answers)."""

    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class SignupPasswordForm(NewPasswordFields):
    """The password, asked last (on the review page) so that no step keeps it: it is judged against the person's
    answers (a password close to the username, name or e-mail is refused)."""

    def __init__(self, *args, person: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self):
        data = super().clean()
        check_new_password(self, {**self.person, **data}, email=self.person.get("email", ""))
        return data


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        formfield_callback = bounded_texts()
        fields = PROFILE_FIELDS

    def __init__(self, *args, can_edit_identity: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_edit_identity:
            for name in ("name", "kind"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Seule la coordination peut changer ce champ d'une organisation approuvée."
                )


class InviteForm(forms.Form):
    # Only the address: the e-mail is a fixed text, and the person gives their own name if they accept.
    email = forms.EmailField(label=_("Courriel de la personne"))


class InvitationSignupForm(NewPasswordFields):
    """Someone invited without an account creates one from the link; the address is the invitation's."""

    field_order = ["username", "first_name", "last_name", "password1", "password2"]

    username = forms.CharField(
        label=_("Nom d'utilisateur"),
        max_length=150,
        help_text=_("Lettres, chiffres et les caractères @ . + - _ seulement."),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self):
        username = User.normalize_username(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Ce nom d'utilisateur est déjà pris."))
        return username

    def clean(self):
        data = super().clean()
        check_new_password(self, data, email=self.email)
        return data


class ReasonForm(forms.Form):
    reason = FreeTextField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("La personne le recevra par courriel."),
        error_messages={"required": _("Indiquez le motif du refus : la personne le recevra par courriel.")},
    )


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form, which also reaches people invited (before invitations needed consent) who never chose a
    password, and sends at most a few e-mails an hour per address and per client (asis.throttle): the page
    that follows says « courriel envoyé » either way, so a limit reached reveals nothing."""

    def get_users(self, email):
        users = User._default_manager.filter(email__iexact=email, is_active=True)
        return (u for u in users if u.has_usable_password() or u.last_login is None)

    def save(self, *args, request=None, **kwargs):
        self._request = request
        return super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        request = getattr(self, "_request", None)
        if request is not None and not throttle.mail_allowed(request, to_email):
            return
        # Through the outbox (asis.mail), as every e-mail of the portal: queued now, sent by the worker, retried
        # when the mail server is down. The e-mail is in French plain text; an HTML template is not used.
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_after_commit(to=[to_email], subject=subject, body=body)
