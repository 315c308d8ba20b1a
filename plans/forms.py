"""Forms of the plan's pages: the shared indicators per theme and the measures of the population ones (issue 21)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.forms import NumberField, bound_dates, bounded_texts
from plans.models import SharedIndicator, SharedIndicatorMeasure

DATE_INPUT = {"type": "date"}


class SharedIndicatorForm(forms.ModelForm):
    """A shared indicator: its theme chosen among the plan's on creation only (its projects' links hang on it)."""

    baseline = NumberField(label=_("Valeur de départ"), required=False)
    target = NumberField(label=_("Cible"), required=False)

    class Meta:
        model = SharedIndicator
        formfield_callback = bounded_texts()
        fields = [
            "theme",
            "name",
            "kind",
            "category",
            "unit",
            "direction",
            "baseline",
            "baseline_on",
            "target",
            "target_on",
            "source",
        ]
        widgets = {
            "baseline_on": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
            "target_on": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        }
        error_messages = {
            "name": {"required": _("Nommez l'indicateur.")},
            "unit": {"required": _("Indiquez l'unité de l'indicateur (personnes, ménages, %…).")},
            "theme": {"invalid_choice": _("Choisissez un enjeu du plan.")},
        }

    def __init__(self, *args, themes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["theme"]
        else:
            self.fields["theme"].queryset = themes
            self.fields["theme"].empty_label = None
        bound_dates(self)

    def clean(self):
        data = super().clean()
        if data.get("baseline") is not None and not data.get("baseline_on"):
            self.add_error("baseline_on", _("Datez la valeur de départ."))
        if data.get("kind") == SharedIndicator.Kind.POPULATION and not (data.get("source") or "").strip():
            self.add_error("source", _("Un indicateur de population cite sa source (Statistique Canada, INSPQ…)."))
        return data

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "theme"}


class SharedIndicatorMeasureForm(forms.ModelForm):
    value = NumberField(label=_("Valeur"))

    class Meta:
        model = SharedIndicatorMeasure
        formfield_callback = bounded_texts()
        fields = ["measured_on", "value", "source"]
        widgets = {"measured_on": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")}
        error_messages = {
            "measured_on": {"required": _("Datez la mesure.")},
            "source": {"required": _("Citez la source de la mesure.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].error_messages["required"] = _("Indiquez la valeur mesurée.")
        bound_dates(self)
