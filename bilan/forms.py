"""The bilan's filter form (period and filters, read from the query string) and the import upload."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bilan.selectors import Period, period_of_dates, period_of_plan, period_of_year
from chantiers.models import Chantier, Plan, ProjectStatus
from organisations.models import Organisation

DATE_INPUT = {"type": "date"}
WHOLE_PLAN = "plan"
DATES = "dates"


class BilanForm(forms.Form):
    """GET form: `periode` is a plan year (`2014-2015`), `plan` (the whole plan) or `dates` (`du`, `au`)."""

    periode = forms.ChoiceField(label=_("Période"))
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    au = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    enjeu = forms.ModelChoiceField(label=_("Enjeu"), queryset=None, required=False, to_field_name="slug", empty_label=_("Tous"))
    lieu = forms.ModelChoiceField(label=_("Lieu de concertation"), queryset=None, required=False, empty_label=_("Tous"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False, empty_label=_("Toutes"))
    statut = forms.ChoiceField(label=_("Statut du projet"), required=False)

    def __init__(self, data, *, plan: Plan, user):
        self.plan = plan
        self.years = list(plan.years.all())
        data = data.copy()
        if not data.get("periode"):
            data["periode"] = self.default_period()
        super().__init__(data)
        self.fields["periode"].choices = (
            [(year.label, _("Année %(label)s") % {"label": year.label}) for year in self.years]
            + [(WHOLE_PLAN, _("Tout le plan")), (DATES, _("Autres dates"))]
        )
        self.fields["enjeu"].queryset = plan.themes.order_by("order")
        self.fields["lieu"].queryset = Chantier.objects.visible_to(user).order_by("name")
        organisations = Organisation.objects.order_by("name")
        if not user.sees_everything:
            organisations = organisations.filter(pk__in=user.organisation_ids())
        self.fields["organisation"].queryset = organisations
        self.fields["statut"].choices = [("", _("Tous"))] + list(ProjectStatus.choices)

    def default_period(self) -> str:
        """The plan year that contains today, else the whole plan."""
        today = timezone.localdate()
        for year in self.years:
            if year.contains(today):
                return year.label
        return WHOLE_PLAN

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("periode") == DATES:
            start, end = cleaned.get("du"), cleaned.get("au")
            if not start:
                self.add_error("du", _("Indiquez la date de début de la période."))
            if not end:
                self.add_error("au", _("Indiquez la date de fin de la période."))
            if start and end and start > end:
                raise ValidationError(_("La date de début doit précéder la date de fin (ou lui être égale)."), code="order")
        return cleaned

    def period(self) -> Period:
        choice = self.cleaned_data["periode"]
        if choice == DATES:
            return period_of_dates(self.cleaned_data["du"], self.cleaned_data["au"])
        if choice == WHOLE_PLAN:
            return period_of_plan(self.years)
        return period_of_year(next(year for year in self.years if year.label == choice))

    def filters(self) -> dict:
        return {
            "theme": self.cleaned_data.get("enjeu"),
            "space": self.cleaned_data.get("lieu"),
            "organisation": self.cleaned_data.get("organisation"),
            "status": self.cleaned_data.get("statut") or None,
        }


class ProgressImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier XLSX du bilan"),
        help_text=_("Le classeur exporté depuis cette page, avec les feuilles Projets et Indicateurs modifiées."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
    period_start = forms.DateField(label=_("Période du rapport : du"), widget=forms.DateInput(attrs=DATE_INPUT))
    period_end = forms.DateField(label=_("au"), widget=forms.DateInput(attrs=DATE_INPUT))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Déposez un fichier .xlsx (le classeur exporté du bilan)."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("Le fichier dépasse 5 Mo."))
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            raise ValidationError(_("La date de début doit précéder la date de fin (ou lui être égale)."), code="order")
        return cleaned
