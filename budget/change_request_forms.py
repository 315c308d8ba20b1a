"""The forms of change requests (issue 20, part 4): what the lead asks, what Coordination decides, the alliance's
threshold. They read and normalise; the rules are budget.services.changes'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.forms import DateField, FreeTextField, MoneyField, NumberField
from asis.templatetags.asis_format import format_money
from plans.models import plan_date_bounds
from projects.models import ExpenseCategory

DATE_INPUT = {"type": "date"}
MOVE_ROWS = 3  # moves a request may carry at once; a bigger reshuffle is a few requests


class ChangeRequestForm(forms.Form):
    reason = FreeTextField(label=_("Motif de la demande"), widget=forms.Textarea(attrs={"rows": 3}))
    new_start_date = DateField(
        label=_("Nouvelle date de début"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        bounds=plan_date_bounds,
    )
    new_end_date = DateField(
        label=_("Nouvelle date de fin"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        bounds=plan_date_bounds,
    )
    clear_end_date = forms.BooleanField(
        label=_("Retirer la date de fin (le projet n'en aura plus)"),
        required=False,
    )
    new_scope = FreeTextField(
        label=_("Portée du projet (description)"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Laissez-la telle quelle si elle ne change pas."),
    )

    def __init__(self, *args, project, lines, indicators, **kwargs):
        """`lines`: the project's budget lines (category and year read), `indicators`: its indicators."""
        kwargs.setdefault(
            "initial",
            {
                "new_start_date": project.start_date,
                "new_end_date": project.end_date,
                "new_scope": project.description,
                **{f"target_{i.pk}": i.target for i in indicators},
            },
        )
        super().__init__(*args, **kwargs)
        self.project, self.indicators = project, list(indicators)
        self.line_choices = {f"{line.category_id}-{line.plan_year_id}": line for line in lines}
        categories = ExpenseCategory.objects.for_alliance(project.theme.plan.alliance_id).active().order_by("order")
        years = project.theme.plan.years.order_by("number")
        self.move_rows = []
        for i in range(1, MOVE_ROWS + 1 if lines else 1):
            self.fields[f"move_{i}_from"] = forms.ChoiceField(
                label=_("Déplacement %(n)s : de la ligne") % {"n": i},
                required=False,
                choices=[("", "—")]
                + [
                    (key, f"{line.category.name} — {line.plan_year.label} ({format_money(line.amount)})")
                    for key, line in self.line_choices.items()
                ],
            )
            self.fields[f"move_{i}_to_category"] = forms.ModelChoiceField(
                label=_("vers la catégorie"), required=False, queryset=categories
            )
            self.fields[f"move_{i}_to_year"] = forms.ModelChoiceField(
                label=_("de l'année"), required=False, queryset=years
            )
            self.fields[f"move_{i}_to_year"].label_from_instance = lambda y: y.label
            self.fields[f"move_{i}_amount"] = MoneyField(label=_("montant"), required=False)
            self.move_rows.append(i)
        if not lines:
            self.move_rows = []
            for name in [n for n in self.fields if n.startswith("move_")]:
                del self.fields[name]
        for indicator in self.indicators:
            self.fields[f"target_{indicator.pk}"] = NumberField(
                label=_("Cible : %(name)s") % {"name": indicator.name}, required=False
            )
            if indicator.target is not None:  # only a target there is can be removed
                self.fields[f"clear_target_{indicator.pk}"] = forms.BooleanField(
                    label=_("Retirer la cible de « %(name)s » (plus de cible)") % {"name": indicator.name},
                    required=False,
                )
        if project.end_date is None:
            del self.fields["clear_end_date"]

    def target_rows(self) -> list:
        """(target field, its « retirer » box or None) of each indicator, a row each on the page."""
        return [
            (self[f"target_{i.pk}"], self[f"clear_target_{i.pk}"] if f"clear_target_{i.pk}" in self.fields else None)
            for i in self.indicators
        ]

    def move_groups(self) -> list:
        """The bound fields of each move, a row each on the page."""
        names = ("from", "to_category", "to_year", "amount")
        return [[self[f"move_{i}_{name}"] for name in names] for i in self.move_rows]

    def clean(self):
        data = super().clean()
        moves = []
        for i in self.move_rows:
            source = data.get(f"move_{i}_from")
            category, year = data.get(f"move_{i}_to_category"), data.get(f"move_{i}_to_year")
            amount = data.get(f"move_{i}_amount")
            if not (source or category or year or amount):
                continue
            if not (source and category and year and amount):
                self.add_error(
                    f"move_{i}_amount",
                    _(
                        "Un déplacement donne la ligne d'où part l'argent, la catégorie et l'année où il va, et le montant."
                    ),
                )
                continue
            line = self.line_choices[source]
            moves.append(
                {
                    "from_category": line.category,
                    "from_year": line.plan_year,
                    "to_category": category,
                    "to_year": year,
                    "amount": amount,
                }
            )
        data["moves"] = moves
        # an empty target (or date) leaves it as it is: a request changes what it names; « retirer » removes it, the
        # field then left as it was (its current value) or emptied
        data["targets"] = {i: data[f"target_{i.pk}"] for i in self.indicators if data.get(f"target_{i.pk}") is not None}
        for indicator in self.indicators:
            if not data.get(f"clear_target_{indicator.pk}"):
                continue
            if data.get(f"target_{indicator.pk}") not in (None, indicator.target):
                self.add_error(
                    f"target_{indicator.pk}", _("Retirez la cible ou indiquez-en une nouvelle, pas les deux.")
                )
            data["targets"][indicator] = None
        if data.get("clear_end_date"):
            if data.get("new_end_date") not in (None, self.project.end_date):
                self.add_error("new_end_date", _("Retirez la date de fin ou indiquez-en une nouvelle, pas les deux."))
            data["new_end_date"] = None
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "new_start_date": data.get("new_start_date"),
            "new_end_date": data.get("new_end_date"),
            "clear_end_date": bool(data.get("clear_end_date")),
            "new_scope": data.get("new_scope") or "",
            "moves": data["moves"],
            "targets": data["targets"],
        }


class ChangeDecisionForm(forms.Form):
    reason = FreeTextField(label=_("Motif de la décision"), widget=forms.Textarea(attrs={"rows": 3}))


class ChangeSettingsForm(forms.Form):
    auto_accept_percent = NumberField(
        label=_("Seuil d'acceptation sans examen (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        help_text=_(
            "Une demande qui ne fait que déplacer de l'argent entre lignes budgétaires, pour au plus ce pourcentage "
            "du total du projet, est acceptée sans examen et consignée. 0 : chaque déplacement est examiné."
        ),
    )
