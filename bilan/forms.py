"""The bilan's filter form (period and filters, read from the query string) and the import upload."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.lookups import IsNull
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from asis.forms import DateField, search_text
from bilan.selectors.period import Period, period_of_dates, period_of_plan, period_of_year
from chantiers.forms import SEAT_CHOICES
from chantiers.models import Space, SpaceMembership
from organisations.models import Organisation
from plans.models import Plan, plan_date_bounds
from projects import validators
from projects.models import ActionProject, ProjectPartner, ProjectStatus

DATE_INPUT = {"type": "date"}
WHOLE_PLAN = "plan"
DATES = "dates"
# The searches that narrow the lists of spaces and organisations (as the seat forms' `?org-q=`), by field
SEARCHES = {"lieu": "lieu-q", "organisation": "organisation-q"}


def _pk_or_none(value) -> int | None:
    """The pk a choice names, None when it names none (not a number, or out of a row id's range)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def _has_one(rows) -> Q:
    """Whether `rows` (correlated to the outer row) holds one: the pk of the first, not null. A scalar subquery cut
    at one row, asked of each outer row through the index on its column, where an EXISTS under an OR is turned by
    PostgreSQL into one hashed list of every row that matches (the whole plan's projects, each time the list is
    shown). The lists below are read in name order and cut at SEAT_CHOICES: they stop once they have them."""
    return Q(IsNull(Subquery(rows.order_by().values("pk")[:1]), False))


def plan_spaces(theme_ids: list[int]) -> Q:
    """Spaces working on one of the plan's themes (`theme_ids`, given by the caller: the form knows the plan's
    themes), or where a project of the plan hangs."""
    if not theme_ids:
        return Q(pk__in=[])
    space = OuterRef("pk")
    return _has_one(Space.themes.through.objects.filter(space=space, theme_id__in=theme_ids)) | _has_one(
        ActionProject.objects.filter(space=space, theme_id__in=theme_ids)
    )


def plan_organisations(theme_ids: list[int]) -> Q:
    """Organisations that lead or are partners of a project of the plan, or sit in one of its spaces (`theme_ids`:
    the plan's themes)."""
    if not theme_ids:
        return Q(pk__in=[])
    organisation = OuterRef("pk")
    return (
        _has_one(ActionProject.objects.filter(lead=organisation, theme_id__in=theme_ids))
        | _has_one(
            ProjectPartner.objects.not_declined().filter(organisation=organisation, project__theme_id__in=theme_ids)
        )
        | _has_one(SpaceMembership.objects.filter(organisation=organisation, space__themes__in=theme_ids))
    )


class PlainSelect(forms.Select):
    """A <select> whose options are written in Python, not one template each: the same HTML as Django's,
    without rendering a template per option (docs/benchmarks.md, « Measured choices in the code »)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))  # as Django's: the empty choice when nothing is chosen
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            ((str(v), mark_safe(" selected") if str(v) in selected else "", label) for v, label in self.choices),
        )
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>\n{}\n</select>", flatatt(final_attrs), options)


class ProduceForm(forms.Form):
    """« Produire le bilan », step 1: the plan year (`?annee=2014-2015`); the last complete one when none is asked."""

    annee = forms.ChoiceField(label=_("Année du plan"))

    def __init__(self, data, *, years, default):
        self.years = {year.label: year for year in years}
        data = data.copy()
        if not data.get("annee"):
            data["annee"] = default.label
        super().__init__(data)
        self.fields["annee"].choices = [(label, _("Année %(label)s") % {"label": label}) for label in self.years]

    def year(self):
        return self.years[self.cleaned_data["annee"]]


class BilanForm(forms.Form):
    """GET form: `periode` is a plan year (`2014-2015`), `plan` (the whole plan) or `dates` (`du`, `au`)."""

    periode = forms.ChoiceField(label=_("Période"))
    du = DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    au = DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    enjeu = forms.ChoiceField(label=_("Enjeu"), required=False)  # a slug of the plan's themes (self.themes)
    lieu = forms.ModelChoiceField(label=_("Lieu de concertation"), queryset=None, required=False, empty_label=_("Tous"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, empty_label=_("Toutes")
    )
    statut = forms.ChoiceField(label=_("Statut du projet"), required=False)

    def __init__(self, data, *, plan: Plan, user, years=None, themes=None):
        """`years` and `themes` of the plan when the caller has them (the bilan reuses `self.themes`)."""
        self.plan = plan
        self.years = list(years) if years is not None else list(plan.years.all())
        self.themes = list(themes) if themes is not None else list(plan.themes.order_by("order"))
        data = data.copy()
        if not data.get("periode"):
            data["periode"] = self.default_period()
        super().__init__(data)
        self.fields["periode"].choices = [
            (year.label, _("Année %(label)s") % {"label": year.label}) for year in self.years
        ] + [(WHOLE_PLAN, _("Tout le plan")), (DATES, _("Autres dates"))]
        self.fields["enjeu"].choices = [("", _("Tous"))] + [(theme.slug, theme.name) for theme in self.themes]
        # The choices are those of the plan shown, not of every alliance in the database (at province
        # scale every space and organisation made a <select> of thousands, most of the page's time); each
        # option reads only what it shows, its pk and name.
        # Who reads the figures (Coordination, Personnel, the regional funder) filters on every space of the plan
        theme_ids = [theme.pk for theme in self.themes]
        spaces = Space.objects.all() if user.reads_figures else Space.objects.visible_to(user)
        self.fields["lieu"].queryset = spaces.filter(plan_spaces(theme_ids)).only("pk", "name").order_by("name")
        organisations = Organisation.objects.only("pk", "name").order_by("name")
        if user.reads_figures:
            organisations = organisations.filter(plan_organisations(theme_ids))
        else:
            organisations = organisations.filter(pk__in=user.organisation_ids())
        self.fields["organisation"].queryset = organisations
        # At province scale a plan has thousands of organisations: the <select> offers at most SEAT_CHOICES of them
        # (and of the spaces), narrowed by the search beside it (`?lieu-q=`, `?organisation-q=`), as the seat forms
        # do; the one chosen is always offered, and any choice is still checked against the whole queryset.
        self._searches = {name: search_text(data.get(search)) for name, search in SEARCHES.items()}
        self._chosen = {name: _pk_or_none(data.get(name)) for name in SEARCHES}
        for name in SEARCHES:  # read only when the form is shown (not for the exports)
            self.fields[name].widget = PlainSelect(choices=lambda name=name: self.offers[name]["choices"])
        self.fields["statut"].choices = [("", _("Tous"))] + list(ProjectStatus.choices)

    @cached_property
    def offers(self) -> dict[str, dict]:
        """For the lists of spaces and organisations: the one chosen and the first SEAT_CHOICES others by name, narrowed
        by their search, both lists in one query (a UNION; each list's first names read in a subquery), with what the
        search beside them says (bilan/_filter_search.html). Any choice is still checked against the whole queryset."""
        parts = []
        for which, name in enumerate(SEARCHES):
            field, search, chosen = self.fields[name], self._searches[name], self._chosen[name]
            others = field.queryset.exclude(pk=chosen) if chosen is not None else field.queryset
            if search:
                others = others.filter(name__icontains=search)
            offered = Q(pk__in=others.order_by("name", "pk").values("pk")[: SEAT_CHOICES + 1])
            if chosen is not None:
                offered |= Q(pk__in=field.queryset.filter(pk=chosen).values("pk"))
            parts.append(
                field.queryset.model.objects.filter(offered)
                .annotate(choice_list=Value(which), chosen=Value(chosen or 0))
                .values_list("choice_list", "pk", "name", "chosen")
                .order_by()
            )
        rows = {name: [] for name in SEARCHES}
        names = list(SEARCHES)
        for which, pk, label, chosen in parts[0].union(parts[1], all=True).order_by("choice_list", "name", "pk"):
            rows[names[which]].append((pk, label, pk == chosen))
        offers = {}
        for name, search_name in SEARCHES.items():
            others = [pk for pk, _label, is_chosen in rows[name] if not is_chosen]
            first = set(others[:SEAT_CHOICES])
            shown = [(pk, label) for pk, label, is_chosen in rows[name] if is_chosen or pk in first]
            offers[name] = {
                "name": search_name,
                "search": self._searches[name],
                "more": len(others) > SEAT_CHOICES,
                "shown": len(shown),
                "choices": [("", self.fields[name].empty_label), *shown],
            }
        return offers

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
            if not start and "du" not in self.errors:  # (a date out of range already says so)
                self.add_error("du", _("Indiquez la date de début de la période."))
            if not end and "au" not in self.errors:
                self.add_error("au", _("Indiquez la date de fin de la période."))
            if start and end and start > end:
                raise ValidationError(
                    _("La date de début doit précéder la date de fin (ou lui être égale)."), code="order"
                )
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
            "theme": next((theme for theme in self.themes if theme.slug == self.cleaned_data.get("enjeu")), None),
            "space": self.cleaned_data.get("lieu"),
            "organisation": self.cleaned_data.get("organisation"),
            "status": self.cleaned_data.get("statut") or None,
        }


class ProgressImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier XLSX du bilan"),
        help_text=_("Le classeur exporté depuis cette page, avec les feuilles Projets et Indicateurs modifiées."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    period_start = DateField(
        label=_("Période du rapport : du"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds
    )
    period_end = DateField(label=_("au"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Déposez un fichier .xlsx (le classeur exporté du bilan)."))
        if upload.size > settings.PROGRESS_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("Le fichier dépasse %(max)s Mo.") % {"max": validators.megabytes(settings.PROGRESS_IMPORT_MAX_BYTES)}
            )
        # An XLSX is a ZIP archive: judge it from its central directory (a zip bomb is refused here, without
        # decompressing it) before openpyxl opens it and reads every member.
        if not validators.office_archive_check(upload, kind="xlsx", name=PurePath(upload.name).name):
            raise ValidationError(_("Ce fichier n'est pas un classeur XLSX lisible."))
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            raise ValidationError(_("La date de début doit précéder la date de fin (ou lui être égale)."), code="order")
        return cleaned
