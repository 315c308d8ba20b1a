from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken, Role

MAX_YEARS = 5


class TokenIssueForm(forms.Form):
    """A new token: what it is for, the role it carries (among those its issuer may give) and, if wanted, its last
    day."""

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("À quoi il sert, pour le reconnaître : « Tableau Power BI du bailleur »."),
        error_messages={"required": _("Nommez le jeton : à quoi sert-il?")},
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        help_text=_("Le jeton lit ce que ce rôle lit sur les pages de l'alliance, rien de plus."),
        error_messages={
            "required": _("Choisissez le rôle du jeton."),
            "invalid_choice": _("Choisissez un rôle de la liste."),
        },
    )
    expires_on = forms.DateField(
        label=_("Expire le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Dernier jour où il fonctionne. Sans date, il fonctionne jusqu'à sa révocation."),
        error_messages={"invalid": _("Entrez une date valide (AAAA-MM-JJ).")},
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Choisissez le rôle du jeton"))] + [
            (role, Role(role).label) for role in roles
        ]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on is not None and expires_on < today:
            raise forms.ValidationError(_("La date d'expiration est passée : choisissez aujourd'hui ou plus tard."))
        if expires_on is not None and expires_on > today.replace(year=today.year + MAX_YEARS, day=min(today.day, 28)):
            # A token's life is a tool's, renewed as people change; a date centuries away is a typing slip
            raise forms.ValidationError(
                _("Choisissez une date d'expiration dans les %(years)s prochaines années.") % {"years": MAX_YEARS}
            )
        return expires_on
