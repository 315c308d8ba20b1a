"""The forms of the succession: closing a plan (a confirmation and a note) and starting the next one (its title,
start, sources, and what it carries of the closed plan, every box ticked to begin with)."""

import datetime

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from asis.forms import DateField, FreeTextField, MoneyField
from asis.templatetags.asis_format import format_money, number
from budget.forms import resolution_field, with_resolutions
from plans.models import Plan
from succession.selectors import NextPreview


class PlanCloseForm(forms.Form):
    note = FreeTextField(
        label=_("Note"),
        required=False,
        help_text=_("Gardée avec le bilan figé, par exemple la résolution du conseil d'administration."),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que le plan sera terminé et son bilan figé : ce ne peut pas être défait."),
        error_messages={"required": _("Cochez la case pour confirmer.")},
    )


class SourceForm(forms.Form):
    """One funding source of the new plan; a row left empty is ignored."""

    code = forms.SlugField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Nom"), max_length=200)
    funder = forms.CharField(
        label=_("Bailleur de fonds"),
        max_length=200,
        help_text=_("Les engagements reportés vont à la source du même bailleur de fonds."),
    )
    amount = MoneyField(label=_("Montant"))

    def full_clean(self):
        # A row cleared entirely is a source the new plan does not take, be it one of the closed plan's.
        if self.is_bound and not any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields):
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()


SourceFormSet = forms.formset_factory(SourceForm, extra=1, max_num=20, validate_max=True)


class PlanNextForm(forms.Form):
    """The next plan and what it carries of the closed one (`preview`): every box ticked unless posted."""

    STEP_PREVIEW, STEP_CONFIRM, STEP_EDIT = "apercu", "confirmer", "modifier"

    title = forms.CharField(label=_("Titre du nouveau plan"), max_length=255)
    start_date = DateField(label=_("Début du nouveau plan"))
    themes = forms.TypedMultipleChoiceField(
        label=_("Enjeux reportés (avec leurs objectifs et actions)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    spaces = forms.TypedMultipleChoiceField(
        label=_("Lieux de concertation qui continuent"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Un lieu qui continue est lié aux enjeux reportés; les autres sont archivés."),
    )
    criteria = forms.BooleanField(label=_("Reporter les critères d'analyse en usage"), required=False)
    targets = forms.BooleanField(
        label=_("Reporter les cibles budgétaires"),
        required=False,
        help_text=_(
            "Une cible qui ne trouve pas sa place (enjeu non reporté, enveloppe dépassée) est laissée de côté."
        ),
    )
    projects = forms.TypedMultipleChoiceField(
        label=_("Projets qui continuent, avec l'argent qui leur reste"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = FreeTextField(
        label=_("Motif du retour à la source de l'argent des projets qui ne continuent pas"),
        required=False,
    )
    resolution = resolution_field()
    roles = forms.TypedMultipleChoiceField(
        label=_("Rôles maintenus dans l'alliance"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les rôles décochés prennent fin aujourd'hui."),
    )

    def __init__(self, data=None, *, preview: NextPreview, **kwargs):
        self.preview = preview
        if data is None:
            kwargs.setdefault("initial", self.everything_ticked(preview))
        super().__init__(data, **kwargs)
        # The board decides where the money left goes (carried or returned): one of the alliance's resolutions,
        # asked for whenever money is left (nothing is carried nor returned without it).
        with_resolutions(self, preview.plan.alliance_id)
        self.fields["resolution"].required = preview.remaining > 0
        self.fields["resolution"].help_text = _(
            "La résolution qui décide du report de l'argent restant au nouveau plan et de son retour aux sources. "
            "Absente de la liste ? Enregistrez-la d'abord."
        )
        self.fields["resolution"].error_messages["required"] = _(
            "Choisissez la résolution du conseil d'administration qui décide du report de l'argent restant "
            "et de son retour aux sources."
        )
        self.fields["themes"].choices = [
            (
                c.theme.pk,
                _("%(theme)s (%(objectives)s, %(actions)s)")
                % {
                    "theme": c.theme.name,
                    "objectives": ngettext("%(count)s objectif", "%(count)s objectifs", c.objectives)
                    % {"count": number(c.objectives)},
                    "actions": ngettext("%(count)s action", "%(count)s actions", c.actions)
                    % {"count": number(c.actions)},
                },
            )
            for c in preview.themes
        ]
        self.fields["spaces"].choices = [
            (c.space.pk, f"{c.space.name} — {', '.join(t.name for t in c.themes)}") for c in preview.spaces
        ]
        self.fields["projects"].choices = [
            (
                m.project.pk,
                _("%(project)s — %(lead)s (%(status)s) : reste %(remaining)s")
                % {
                    "project": m.project.title,
                    "lead": m.project.lead.name,
                    "status": m.project.get_status_display(),
                    "remaining": format_money(m.remaining),
                },
            )
            for m in preview.projects
        ]
        self.fields["roles"].choices = [
            (role.pk, f"{role.user.get_full_name() or role.user.username} — {role.get_role_display()}")
            for role in preview.roles
        ]

    @staticmethod
    def everything_ticked(preview: NextPreview) -> dict:
        try:
            start = preview.end + datetime.timedelta(days=1)
        except OverflowError:  # a plan year ending on 31 December 9999, stored without a form: no suggestion
            start = None
        return {
            "title": _("Plan d'action %(years)s") % {"years": Plan.default_slug(start)} if start else "",
            "start_date": start,
            "themes": [c.theme.pk for c in preview.themes],
            "spaces": [c.space.pk for c in preview.spaces],
            "criteria": True,
            "targets": True,
            "projects": [m.project.pk for m in preview.projects],
            "roles": [role.pk for role in preview.roles],
        }


def sources_initial(preview: NextPreview) -> list[dict]:
    """The closed plan's sources, to begin the new plan's with (their amounts to be changed)."""
    return [{"code": s.code, "name": s.name, "funder": s.funder, "amount": s.amount} for s in preview.sources]
