"""Forms of the action projects: the partners' intentions and drafts, the review, the reports."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from asis.forms import (
    LONG_TEXT_MAX_LENGTH,
    DateField,
    FreeTextField,
    IdsField,
    MoneyField,
    NumberField,
    bound_dates,
    bounded_texts,
)
from asis.templatetags.asis_format import format_money
from asis.templatetags.asis_format import number as format_number
from chantiers.models import Space
from organisations.models import Organisation, User
from plans.models import Objective, PlanYear, Theme, plan_date_bounds
from projects import validators
from projects.models import (
    ActionProject,
    BoardDecision,
    ExpenseCategory,
    OtherFunding,
    ProjectPartner,
    ProjectReview,
    ReportDeadline,
    ReviewCriterion,
)

DATE_INPUT = {"type": "date"}

MONEY_NOT_NEGATIVE = _("Le montant ne peut pas être négatif.")


def _money(label, **kwargs):
    return MoneyField(
        label=label, required=False, min_value=0, error_messages={"min_value": MONEY_NOT_NEGATIVE}, **kwargs
    )


class LeadChoiceMixin:
    """The lead organisation: the user's own (a choice when they belong to several)."""

    def _set_lead_field(self, organisations):
        organisations = list(organisations)
        if len(organisations) > 1:
            self.fields["lead"] = forms.ModelChoiceField(
                label=_("Organisation porteuse"),
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name"),
            )
        self.lead_organisations = organisations

    def clean_lead_value(self):
        if "lead" in self.fields:
            return self.cleaned_data.get("lead")
        return self.lead_organisations[0] if self.lead_organisations else None


class ProjectIntentionForm(LeadChoiceMixin, forms.ModelForm):
    """A short intention: what, in which theme, in a few words."""

    class Meta:
        model = ActionProject
        formfield_callback = bounded_texts()
        fields = ["title", "theme", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3, "maxlength": 300})}

    def __init__(self, *args, plan=None, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = (Theme.objects.all() if plan is None else plan.themes.all()).order_by("order")
        self._set_lead_field(organisations)

    def _post_clean(self):
        pass  # the service validates the whole project (its lead comes from the user)


class ProjectForm(LeadChoiceMixin, forms.ModelForm):
    """The full project; a draft saves with only its title and theme."""

    class Meta:
        model = ActionProject
        formfield_callback = bounded_texts(description=LONG_TEXT_MAX_LENGTH, objectives=LONG_TEXT_MAX_LENGTH)
        fields = [
            "title",
            "theme",
            "objective",
            "space",
            "summary",
            "description",
            "objectives",
            "target_population",
            "area_served",
            "start_date",
            "end_date",
            "plan_years",
        ]
        field_classes = {"plan_years": IdsField}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "target_population": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
            "plan_years": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "objectives": _("Les objectifs propres au projet (l'objectif du plan se choisit plus haut)."),
            "space": _("Le lieu de concertation où le projet est travaillé (principe 2)."),
        }

    def __init__(self, *args, plan=None, organisations=(), year_amounts=None, budget_lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        themes = Theme.objects.all() if plan is None else plan.themes.all()
        self.fields["theme"].queryset = themes.order_by("order")
        self.fields["objective"].queryset = (
            Objective.objects.filter(theme__in=themes).select_related("theme").order_by("theme__order", "order")
        )
        self.fields["objective"].label_from_instance = lambda o: f"{o.theme.name} — {o.title}"
        spaces = Space.objects.active() if plan is None else Space.objects.in_alliance(plan.alliance_id).active()
        self.fields["space"].queryset = spaces.order_by("name")  # the plan's alliance's spaces only
        self.plan_years = list(plan.years.all()) if plan is not None else []
        bound_dates(self, "start_date", "end_date", bounds=lambda: plan_date_bounds(plan))
        self.fields["plan_years"].queryset = PlanYear.objects.filter(pk__in=[y.pk for y in self.plan_years])
        year_amounts = year_amounts or {}
        # The budget by line (issue 20, part 3): {(category id, year id): amount}. A project detailed by line asks
        # each year the sum of its lines: its year amounts start empty (they are the lines' sums, shown under them).
        budget_lines = budget_lines or {}
        for year in self.plan_years:
            self.fields[self.amount_field(year)] = _money(
                _("Montant demandé pour %(year)s") % {"year": year.label},
                initial=None if budget_lines else year_amounts.get(year.pk),
            )
        used = {category_id for category_id, _year in budget_lines}
        self.categories = (
            [
                category
                for category in ExpenseCategory.objects.for_alliance(plan.alliance_id).order_by("order", "pk")
                if not category.archived or category.pk in used
            ]
            if plan is not None
            else []
        )
        for category in self.categories:
            for year in self.plan_years:
                self.fields[self.line_field(category, year)] = _money(
                    _("%(category)s, %(year)s") % {"category": category.name, "year": year.label},
                    initial=budget_lines.get((category.pk, year.pk)),
                    widget=forms.TextInput(
                        attrs={"class": "form-control form-control-sm text-end", "inputmode": "decimal", "size": 10}
                    ),
                )
        if self.instance.pk is None:
            self._set_lead_field(organisations)
        else:
            self.lead_organisations = [self.instance.lead]

    @staticmethod
    def amount_field(year) -> str:
        return f"amount_{year.pk}"

    def amount_fields(self):
        return [self[self.amount_field(year)] for year in self.plan_years]

    def year_amounts(self) -> dict:
        return {year: self.cleaned_data.get(self.amount_field(year)) for year in self.plan_years}

    @staticmethod
    def line_field(category, year) -> str:
        return f"amount_line_{category.pk}_{year.pk}"

    def has_lines(self) -> bool:
        return bool(self.categories and self.plan_years)

    def line_years(self):
        """The years heading the table of lines (the template cannot say `form.plan_years`: on the project's own form
        that names its « plan years » field)."""
        return self.plan_years

    def line_rows(self):
        """The table of lines: per category, its name and its field per year (the template's rows). A cell refused
        points at its error, shown under it (`<id>-error`), so that a screen reader says why with the cell."""
        rows = []
        for category in self.categories:
            fields = [self[self.line_field(category, year)] for year in self.plan_years]
            for field in fields:
                if field.errors:
                    field.field.widget.attrs.update(
                        {"aria-invalid": "true", "aria-describedby": f"{field.id_for_label}-error"}
                    )
            rows.append({"category": category, "fields": fields})
        return rows

    def budget_lines(self) -> dict:
        """{(ExpenseCategory, PlanYear): Decimal or None}, as typed."""
        return {
            (category, year): self.cleaned_data.get(self.line_field(category, year))
            for category in self.categories
            for year in self.plan_years
        }

    def _clean_lines(self, data) -> None:
        """Lines typed: an archived category takes none, and a year's amount typed with them is their sum."""
        typed = {key: amount for key, amount in self.budget_lines().items() if amount}
        for category, year in typed:
            if category.archived:
                self.add_error(
                    self.line_field(category, year),
                    _("La catégorie « %(name)s » est archivée : reportez ce montant sur une autre ligne.")
                    % {"name": category.name},
                )
        if not typed:
            return
        for year in self.plan_years:
            amount = data.get(self.amount_field(year))
            lines = sum((a for (_c, y), a in typed.items() if y == year), Decimal("0.00"))
            if amount is not None and amount != lines:
                self.add_error(
                    self.amount_field(year),
                    _(
                        "Le budget est détaillé par ligne : le montant de %(year)s est la somme de ses lignes "
                        "(%(sum)s). Laissez-le vide ou corrigez les lignes."
                    )
                    % {"year": year.label, "sum": format_money(lines)},
                )

    def clean(self):
        data = super().clean()
        self._clean_lines(data)
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin doit suivre la date de début."))
        theme, objective = data.get("theme"), data.get("objective")
        if theme and objective and objective.theme_id != theme.pk:
            self.add_error("objective", _("Cet objectif appartient à un autre enjeu."))
        return data

    def _post_clean(self):
        pass  # the service runs full_clean() on the project with its lead


class ProjectSectionForm(ProjectForm):
    """One section of the application (projects.selectors.application.SECTIONS): the project form's fields of that
    section only, with the same rules, and what the section requires before filing marked as required.

    « Enregistrer et continuer » asks for them (`is_valid()`); « Enregistrer et revenir plus tard » lets them wait
    (`is_valid_for_later()`): what is typed must hold (a date, an amount, its bounds), what is missing may wait."""

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        for name in list(self.fields):
            is_amount = name.startswith("amount_")
            if (is_amount and not section.amounts) or (not is_amount and name not in section.fields):
                del self.fields[name]
        for name, message in section.required.items():
            if name in self.fields:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = message

    def amount_fields(self):
        return super().amount_fields() if self.section.amounts else []

    def has_lines(self) -> bool:
        return self.section.amounts and super().has_lines()

    def budget_lines(self) -> dict:
        return super().budget_lines() if self.section.amounts else {}

    def clean(self):
        data = super().clean()
        message = self.section.required.get("amounts")
        names = [self.amount_field(year) for year in self.plan_years]
        lines = [self.line_field(c, y) for c in self.categories for y in self.plan_years]
        if message and names and not any(name in self._errors for name in names + lines):
            if not any(data.get(name) for name in names + lines):
                self.add_error(names[0], forms.ValidationError(message, code="required"))
        return data

    def is_valid_for_later(self) -> bool:
        """Valid but for what the section requires before filing (the title and theme stay required)."""
        self.is_valid()
        waiting = set(self.section.required) | {self.amount_field(year) for year in self.plan_years}
        for name, errors in list(self.errors.as_data().items()):
            if name in waiting and all(error.code == "required" for error in errors):
                del self._errors[name]
        return not self._errors

    def project_fields(self) -> dict:
        """The cleaned fields of the project itself (not the amounts), as the service takes them."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.section.fields}


class ExpenseCategoryForm(forms.ModelForm):
    """A category of expenses of the alliance (issue 20, part 3): its name, its place in the tables, archived."""

    class Meta:
        model = ExpenseCategory
        fields = ["name", "order", "archived"]
        error_messages = {"name": {"required": _("Donnez un nom à la catégorie.")}}

    def _post_clean(self):
        pass  # the service validates the category with its alliance


class ProjectPartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation partenaire"), queryset=Organisation.objects.none(), required=False
    )
    contribution_kind = forms.ChoiceField(
        label=_("Contribution"),
        choices=ProjectPartner.Contribution.choices,
        initial=ProjectPartner.Contribution.SERVICES,
    )
    contribution_value = _money(_("Valeur estimée"))
    contribution_description = forms.CharField(
        label=_("Description de la contribution"), max_length=255, required=False
    )

    def __init__(self, *args, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.active().order_by("name")
        if lead is not None:
            organisations = organisations.exclude(pk=lead.pk)
        self.fields["organisation"].queryset = organisations

    def has_changed(self):
        return bool(self.data.get(self.add_prefix("organisation"))) if self.is_bound else super().has_changed()

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and (data.get("contribution_value") or data.get("contribution_description")):
            self.add_error("organisation", _("Choisissez l'organisation partenaire."))
        return data


class ProjectIndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicateur"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unité"), max_length=60, required=False)
    target = NumberField(label=_("Cible"), required=False)
    # The alliance's shared indicator of the project's theme it counts towards (issue 21): chosen among those
    # `shared` gives ({pk: SharedIndicator}, read once for the whole formset), its unit the same
    shared = forms.TypedChoiceField(
        label=_("Indicateur partagé"),
        coerce=int,
        required=False,
        empty_value=None,
        # its explanation is said once above the indicators (projects/project_form.html), not under every row
        error_messages={"invalid_choice": _("Choisissez un indicateur partagé des enjeux du plan.")},
    )

    def __init__(self, *args, shared=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shared_indicators = shared or {}
        if not self.shared_indicators:
            del self.fields["shared"]
        else:
            self.fields["shared"].choices = [("", _("Aucun"))] + [
                (pk, f"{indicator.theme.name} — {indicator}") for pk, indicator in self.shared_indicators.items()
            ]

    def clean(self):
        data = super().clean()
        if not data.get("name") and (data.get("unit") or data.get("target") is not None or data.get("shared")):
            self.add_error("name", _("Nommez l'indicateur."))
        if "shared" in self.fields:
            data["shared"] = self.shared_indicators.get(data.get("shared"))
        return data


class ProjectOtherFundingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=OtherFunding.Kind.choices, initial=OtherFunding.Kind.OTHER_FUNDER)
    source_name = forms.CharField(label=_("Source"), max_length=200, required=False)
    amount = _money(_("Montant"))
    confirmed = forms.BooleanField(label=_("Confirmé"), required=False)
    category = forms.ModelChoiceField(
        label=_("Ligne budgétaire"),
        queryset=ExpenseCategory.objects.none(),
        required=False,
        empty_label=_("Le projet dans son ensemble"),
    )

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories is None:
            del self.fields["category"]
        else:  # the alliance's categories still open (issue 20, part 3): what this money pays for
            self.fields["category"].queryset = categories

    def has_changed(self):
        if not self.is_bound:
            return super().has_changed()
        return any(self.data.get(self.add_prefix(name)) for name in ("source_name", "amount"))

    def clean(self):
        data = super().clean()
        if data.get("source_name") or data.get("amount") is not None:
            if not data.get("source_name"):
                self.add_error("source_name", _("Nommez la source de financement."))
            if not data.get("amount"):
                self.add_error("amount", _("Indiquez un montant plus grand que zéro."))
        return data


# absolute_max: a posted TOTAL_FORMS beyond max_num builds no more forms (Django's default builds up to
# max_num + 1000 of them: one POST of project form with 99 999 took minutes of server time and 8 Mo of page).
ProjectPartnerFormSet = forms.formset_factory(ProjectPartnerForm, extra=2, max_num=30, absolute_max=30)
ProjectIndicatorFormSet = forms.formset_factory(ProjectIndicatorForm, extra=2, max_num=30, absolute_max=30)
ProjectOtherFundingFormSet = forms.formset_factory(ProjectOtherFundingForm, extra=2, max_num=30, absolute_max=30)


class ProjectCommentForm(forms.Form):
    text = FreeTextField(
        label=_("Votre commentaire"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Écrivez un commentaire avant de l'envoyer.")},
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Écrivez un commentaire avant de l'envoyer."))
        return text


# ---------------------------------------------------------------- review of filed projects


class ReviewCriterionForm(forms.ModelForm):
    class Meta:
        model = ReviewCriterion
        formfield_callback = bounded_texts()
        fields = ["name", "description", "max_score", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ReviewOpenForm(forms.Form):
    comment = FreeTextField(
        label=_("Commentaire (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewScoresForm(forms.Form):
    """The committee and its grid: a score (0 to the criterion's maximum) and a comment per active criterion."""

    committee = FreeTextField(
        label=_("Membres du comité d'analyse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Les personnes qui ont analysé le projet, une par ligne."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("Note : %(name)s (sur %(max)s)") % {"name": criterion.name, "max": criterion.max_score},
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                error_messages={
                    "max_value": _("La note ne peut dépasser %(max)s.") % {"max": criterion.max_score},
                    "min_value": _("La note ne peut pas être négative."),
                    "invalid": _("Saisissez une note entière."),
                },
            )
            self.fields[f"comment_{criterion.pk}"] = FreeTextField(
                label=_("Commentaire : %(name)s") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def rows(self):
        """(criterion, score field, comment field) for the template's table."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict:
        return {c: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]) for c in self.criteria}


class ReviewRecommendForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommandation du comité"),
        choices=ProjectReview.Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une recommandation.")},
    )
    recommendation_note = FreeTextField(
        label=_("Motifs de la recommandation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Indiquez les motifs de la recommandation.")},
        help_text=_("Pour une recommandation avec conditions, énumérez les conditions."),
    )
    recommended_amount = MoneyField(label=_("Montant recommandé"), required=False, min_value=0)
    quorum = forms.IntegerField(
        label=_("Quorum du comité"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_(
            "Nombre de membres du comité, non récusés, qui doivent avoir noté toute la grille. "
            "Obligatoire dès qu'un membre a déclaré ses intérêts pour ce projet."
        ),
        error_messages={
            "min_value": _("Le quorum est d'au moins un membre."),
            "max_value": _("Le quorum ne peut dépasser 99 membres."),
            "invalid": _("Saisissez un nombre entier de membres."),
        },
    )


class ReviewRecommendDraftForm(ReviewRecommendForm):
    """The recommendation as typed beside the grid when the grid is saved: checked (a valid amount, a note within its
    bound), nothing required, since the recommendation is not being made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def is_typed(self) -> bool:
        return any((self.data.get(name) or "").strip() for name in self.fields)


class BoardDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Décision du conseil d'administration"),
        choices=BoardDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la décision du conseil : accepté ou refusé.")},
    )
    resolution_number = forms.CharField(
        label=_("Numéro de résolution"),
        max_length=60,
        error_messages={"required": _("Indiquez le numéro de la résolution du conseil.")},
    )
    decided_on = DateField(
        label=_("Date de la décision"),
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        bounds=plan_date_bounds,
        error_messages={
            "required": _("Indiquez la date de la décision."),
            "invalid": _("Saisissez une date valide (AAAA-MM-JJ)."),
        },
    )
    granted_amount = MoneyField(
        label=_("Montant accordé"),
        required=False,
        min_value=0,
        help_text=_("Pour un projet accepté seulement."),
    )
    note = FreeTextField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:  # the project's plan, not the current one of whichever alliance
            bound_dates(self, "decided_on", bounds=lambda: plan_date_bounds(plan))

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date de la décision ne peut pas être dans le futur."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("outcome") == BoardDecision.Outcome.REFUSED and data.get("granted_amount") is not None:
            self.add_error("granted_amount", _("Un projet refusé ne reçoit pas de montant."))
        return data


class RequestChangesForm(forms.Form):
    comment = FreeTextField(
        label=_("Modifications demandées"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Dites au porteur ce qu'il doit modifier.")},
        help_text=_(
            "Le porteur reçoit ce message par courriel; le projet redevient un brouillon qu'il pourra déposer de nouveau."
        ),
    )


# ---- reports


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); cleans to a list, empty when none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [
            cleaned
            for cleaned in (super(MultipleFileField, self).clean(file, initial) for file in files if file)
            if cleaned
        ]


def _attachments_help(optional: bool) -> str:
    from django.conf import settings
    from django.utils.translation import gettext

    limit = {"max": validators.megabytes(settings.ATTACHMENT_MAX_BYTES)}
    if optional:
        types = (
            gettext(
                "Facultatif. Plusieurs fichiers possibles : PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, ODT, ODS, TXT "
                "ou CSV, %(max)s Mo au plus chacun."
            )
            % limit
        )
    else:
        types = (
            gettext("PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, ODT, ODS, TXT ou CSV, %(max)s Mo au plus chacun.") % limit
        )
    quotas = gettext(
        "Un rapport compte au plus %(files)s pièces jointes et %(report)s Mo; celles de votre organisation "
        "totalisent au plus %(organisation)s Mo."
    ) % {
        "files": settings.ATTACHMENT_MAX_FILES_PER_REPORT,
        "report": validators.megabytes(settings.ATTACHMENT_MAX_BYTES_PER_REPORT),
        "organisation": validators.megabytes(settings.ATTACHMENT_MAX_BYTES_PER_ORGANISATION),
    }
    return f"{types} {quotas}"


def _clean_attachments(files):
    # The same rules as the service (each error names its file); the service also counts what is already stored.
    validators.attachments_check(files)
    validators.attachments_quota_check(files)
    return files


def _trimmed(value):
    """40.00 -> 40, 12.50 -> 12.5: a target reads as people write it."""
    return value.quantize(1) if value == value.to_integral_value() else value.normalize()


class ReportForm(forms.Form):
    """A progress report, or the final report (`final`): validates and normalises; services.report_create files it."""

    deadline = forms.ModelChoiceField(
        label=_("Ce rapport répond à l'échéance"),
        queryset=ReportDeadline.objects.none(),
        required=False,
        empty_label=_("Aucune échéance en particulier"),
    )
    period_start = DateField(
        label=_("Début de la période"),
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        error_messages={"required": _("Indiquez le début de la période couverte.")},
    )
    period_end = DateField(
        label=_("Fin de la période"),
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        error_messages={"required": _("Indiquez la fin de la période couverte.")},
    )
    percent_done = forms.IntegerField(
        label=_("Avancement du projet (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("L'avancement est un pourcentage de 0 à 100."),
            "max_value": _("L'avancement est un pourcentage de 0 à 100."),
            "required": _("Indiquez l'avancement du projet, de 0 à 100 %."),
        },
    )
    narrative = FreeTextField(
        label=_("Activités réalisées"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=LONG_TEXT_MAX_LENGTH,
        help_text=_("Quoi, quand, avec qui."),
        error_messages={"required": _("Décrivez les activités réalisées.")},
    )
    highlights = FreeTextField(label=_("Faits saillants"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    people_reached = forms.IntegerField(
        label=_("Personnes rejointes"),
        min_value=0,
        initial=0,
        error_messages={"min_value": _("Indiquez un nombre positif ou zéro.")},
    )
    citizens_reached = forms.IntegerField(
        label=_("Dont citoyens et citoyennes"),
        min_value=0,
        initial=0,
        help_text=_("Les personnes en situation de pauvreté rejointes, comprises dans le nombre précédent."),
        error_messages={"min_value": _("Indiquez un nombre positif ou zéro.")},
    )
    partners_involved = IdsField(
        label=_("Partenaires mis à contribution"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expenses = MoneyField(
        label=_("Dépenses à ce jour"), required=False, help_text=_("En dollars, par exemple 1 250,50.")
    )
    gaps = FreeTextField(
        label=_("Écarts et explications"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Ce qui n'a pas été fait comme prévu, et pourquoi."),
    )
    effects = FreeTextField(
        label=_("Effets observés"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_MAX_LENGTH,
        error_messages={"required": _("Décrivez les effets observés du projet.")},
    )
    sustainability = FreeTextField(
        label=_("Pérennité"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Ce qui continuera après le financement de l'Alliance."),
    )
    reusable = FreeTextField(
        label=_("Ce que d'autres pourraient reprendre"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    attachments = MultipleFileField(label=_("Pièces justificatives"))

    FINAL_ONLY = ("effects", "sustainability", "reusable")

    def __init__(
        self,
        *args,
        project,
        final=False,
        deadlines=(),
        indicators=(),
        partner_organisations=(),
        attachments=True,
        categories=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.final = final
        bound_dates(self, "period_start", "period_end", bounds=lambda: plan_date_bounds(project.theme.plan))
        if attachments:
            self.fields["attachments"].help_text = _attachments_help(optional=True)
        else:  # the report's page: its files are chosen on the review page, when it is filed
            del self.fields["attachments"]
        if not final:
            for name in self.FINAL_ONLY:
                del self.fields[name]
        deadlines = list(deadlines)
        if deadlines:
            self.fields["deadline"].queryset = ReportDeadline.objects.filter(pk__in=[d.pk for d in deadlines]).order_by(
                "due_on", "pk"
            )
            self.fields["deadline"].label_from_instance = lambda d: f"{d.name} — {d.due_on.isoformat()}"
            self.initial.setdefault("deadline", deadlines[0].pk)
        else:
            del self.fields["deadline"]
        partner_ids = [org.pk for org in partner_organisations]
        if partner_ids:
            self.fields["partners_involved"].queryset = Organisation.objects.filter(pk__in=partner_ids).order_by("name")
        else:
            del self.fields["partners_involved"]
        self.indicators = list(indicators)
        for indicator in self.indicators:
            target = format_number(_trimmed(indicator.target)) if indicator.target is not None else "—"
            self.fields[self.indicator_field(indicator)] = NumberField(
                label=indicator.name,
                required=False,
                # Help texts are rendered as HTML (Django's and crispy's `help_text|safe`): escape the unit typed
                help_text=_("Cible : %(target)s %(unit)s") % {"target": target, "unit": escape(indicator.unit)},
            )
        # Spending by line (issue 20, part 3): to date, as « Dépenses à ce jour », which becomes their sum
        self.categories = list(categories)
        for category in self.categories:
            self.fields[self.spending_field(category)] = _money(
                _("Dépensé à ce jour : %(category)s") % {"category": category.name}
            )

    @staticmethod
    def spending_field(category) -> str:
        return f"spent_{category.pk}"

    def spending_fields(self):
        return [self[self.spending_field(category)] for category in self.categories]

    def spending_shown(self) -> bool:
        """Whether the spending by line is open on the form: something typed in it, or refused."""
        return any(field.value() or field.errors for field in self.spending_fields())

    def spending(self) -> dict:
        """{ExpenseCategory: Decimal} of the lines typed (the empty ones left out)."""
        data = self.cleaned_data
        return {
            category: data[self.spending_field(category)]
            for category in self.categories
            if data.get(self.spending_field(category)) is not None
        }

    @staticmethod
    def indicator_field(indicator) -> str:
        return f"indicator_{indicator.pk}"

    def indicator_fields(self):
        return [self[self.indicator_field(indicator)] for indicator in self.indicators]

    def clean_expenses(self):
        expenses = self.cleaned_data.get("expenses")
        if expenses is not None and expenses < 0:
            raise forms.ValidationError(_("Les dépenses ne peuvent pas être négatives."))
        return expenses

    def clean_attachments(self):
        return _clean_attachments(self.cleaned_data.get("attachments") or [])

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("La fin de la période doit suivre son début."))
        spending = self.spending() if self.categories else {}
        expenses = data.get("expenses")
        if spending and expenses is not None and expenses != sum(spending.values(), Decimal("0.00")):
            self.add_error(
                "expenses",
                _(
                    "Les dépenses à ce jour sont la somme des dépenses par ligne (%(sum)s) : laissez-les vides ou "
                    "corrigez les lignes."
                )
                % {"sum": format_money(sum(spending.values(), Decimal("0.00")))},
            )
        people, citizens = data.get("people_reached"), data.get("citizens_reached")
        if people is not None and citizens is not None and citizens > people:
            self.add_error(
                "citizens_reached",
                _("Les citoyens rejoints font partie des personnes rejointes : ils ne peuvent être plus nombreux."),
            )
        return data

    def is_valid_as_draft(self) -> bool:
        """« Enregistrer le brouillon »: what is typed must hold (a date, a number, its bounds), what is missing may
        wait until the report is filed. A field whose only error is that it is empty is let through."""
        self.is_valid()
        for name, errors in list(self.errors.as_data().items()):
            if all(error.code == "required" for error in errors):
                del self._errors[name]
        return not self._errors

    def answers(self) -> dict:
        """The fields as typed (the files aside), as a draft keeps them: the form is bound to them again later."""
        return {
            name: self.data.getlist(name)
            if getattr(field.widget, "allow_multiple_selected", False)
            else self.data.get(name, "")
            for name, field in self.fields.items()
            if name != "attachments"
        }

    def service_kwargs(self) -> dict:
        """The cleaned data as services.report_create takes it."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "period_start",
                "period_end",
                "percent_done",
                "narrative",
                "highlights",
                "people_reached",
                "citizens_reached",
                "expenses",
                "gaps",
                *(self.FINAL_ONLY if self.final else ()),
            )
        }
        return {
            **fields,
            "is_final": self.final,
            "deadline": data.get("deadline"),
            "partners_involved": list(data.get("partners_involved") or []),
            "indicator_values": {indicator: data.get(self.indicator_field(indicator)) for indicator in self.indicators},
            "spending": self.spending(),
            "attachments": data.get("attachments") or [],
        }


class ReportAttachmentForm(forms.Form):
    files = MultipleFileField(
        label=_("Ajouter des pièces justificatives"),
        required=True,
        error_messages={"required": _("Choisissez au moins un fichier.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _attachments_help(optional=False)

    def clean_files(self):
        return _clean_attachments(self.cleaned_data.get("files") or [])


# ---------------------------------------------------------------- the analysis committee


class CommitteeMemberForm(forms.Form):
    """A new seat: an account of the portal, or the name of a person without one; the organisation they come from
    (what proposes their conflicts of interests)."""

    user = forms.ModelChoiceField(
        label=_("Compte"),
        required=False,
        queryset=None,
        help_text=_("Un membre qui a un compte déclare ses intérêts et note avec son propre accès."),
    )
    name = FreeTextField(
        label=_("Ou nom de la personne"),
        required=False,
        max_length=200,
        help_text=_("Sans compte : la coordination saisit ses déclarations et ses notes pour elle."),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("last_name", "first_name", "pk")
        # the name and the login (a login alone once: « demandeur », not « demandeur (demandeur) »)
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            status=Organisation.Status.APPROVED
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Choisissez un compte ou indiquez le nom du membre."))
        return data


class ConflictDeclarationForm(forms.Form):
    in_conflict = forms.TypedChoiceField(
        label=_("Conflit d'intérêts"),
        choices=[
            ("0", _("Je n'ai pas de conflit d'intérêts dans ce projet")),
            ("1", _("Je suis en conflit d'intérêts : je me récuse")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites si vous êtes en conflit d'intérêts.")},
    )
    note = FreeTextField(
        label=_("Précisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Obligatoire pour écarter un conflit proposé (votre organisation porte le projet ou y est partenaire) "
            "ou un conflit déjà déclaré."
        ),
    )


class MemberScoresForm(ReviewScoresForm):
    """A member's own grid: the scores and comments of `ReviewScoresForm`, without the committee's names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["committee"]
