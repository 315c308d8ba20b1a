"""The project application as a task list (issue 23, item 4; GOV.UK « task list », the SDG's « Formulaires »): the
project's fields grouped in short sections, each with its status, and what each still lacks before filing.

One rule: `project_missing_for_submission` (what the filing service checks) is the sum of the sections' own
`missing`, so the task list, « Vérifier et déposer » and the service never disagree."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.templatetags.asis_format import quantity
from projects.models import ZERO, ActionProject, ProjectStatus

DONE, IN_PROGRESS, TO_DO, OPTIONAL = "done", "in_progress", "to_do", "optional"
STATUS_LABELS = {
    DONE: gettext_lazy("Terminé"),
    IN_PROGRESS: gettext_lazy("En cours"),
    TO_DO: gettext_lazy("À faire"),
    OPTIONAL: gettext_lazy("Facultatif"),
}


@dataclass(frozen=True)
class Section:
    """One short form of the application: the project form's `fields` (ProjectForm's names), its `formsets`
    (the partners', indicators', other funding's), its amounts by plan year (`amounts`); `required`, the fields
    « Enregistrer et continuer » asks for (what filing asks for), with their message when missing."""

    slug: str
    title: str
    fields: tuple = ()
    formsets: tuple = ()
    amounts: bool = False
    required: dict = field(default_factory=dict)
    optional: bool = False  # nothing in it is required: it never holds the filing back


SECTIONS = (
    Section(
        "projet",
        gettext_lazy("Le projet"),
        fields=(
            "title",
            "theme",
            "objective",
            "space",
            "summary",
            "description",
            "start_date",
            "end_date",
            "plan_years",
        ),
        required={
            "description": gettext_lazy("Décrivez le projet."),
            "start_date": gettext_lazy("Indiquez la date de début du projet."),
            "end_date": gettext_lazy("Indiquez la date de fin du projet."),
        },
    ),
    Section(
        "partenaires",
        gettext_lazy("Le porteur et les partenaires"),
        formsets=("partner_formset",),
        optional=True,
    ),
    Section(
        "personnes-rejointes",
        gettext_lazy("Les personnes rejointes"),
        fields=("target_population", "area_served"),
        required={"target_population": gettext_lazy("Décrivez la population visée.")},
    ),
    Section(
        "budget",
        gettext_lazy("Le budget et le financement demandé"),
        formsets=("funding_formset",),
        amounts=True,
        required={"amounts": gettext_lazy("Indiquez un montant demandé pour au moins une année du plan.")},
    ),
    Section(
        "resultats",
        gettext_lazy("Les résultats attendus"),
        fields=("objectives",),
        formsets=("indicator_formset",),
        optional=True,
    ),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def next_section(section: Section) -> Section | None:
    """The section after `section`, None after the last (« Vérifier et déposer » comes next)."""
    index = SECTIONS.index(section)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None


@dataclass
class SectionState:
    section: Section
    status: str
    missing: list

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_done(self) -> bool:
        return self.status in (DONE, OPTIONAL)


def _missing(project: ActionProject, slug: str) -> list[str]:
    """What the section `slug` still lacks before filing (French, for the partner). Reads the project's
    year amounts as loaded (prefetched on the task list: no query)."""
    if slug == "projet":
        missing = []
        if not project.description.strip():
            missing.append(_("la description"))
        if not (project.start_date and project.end_date):
            missing.append(_("les dates de début et de fin"))
        return missing
    if slug == "personnes-rejointes":
        return [] if project.target_population.strip() else [_("la population visée")]
    if slug == "budget":
        if any(row.amount > 0 for row in project.year_amounts.all()):
            return []
        return [_("un montant demandé pour au moins une année du plan")]
    return []


def _has_content(project: ActionProject, slug: str) -> bool:
    """Something of the section is filled in (its status is then « En cours » rather than « À faire »)."""
    if slug == "projet":
        return True  # a project always has its title and theme
    if slug == "partenaires":
        return any(not p.is_declined for p in project.partnerships.all())
    if slug == "personnes-rejointes":
        return bool(project.target_population.strip() or project.area_served.strip())
    if slug == "budget":
        return bool(list(project.year_amounts.all()) or list(project.other_funding.all()))
    if slug == "resultats":
        return bool(project.objectives.strip() or list(project.indicators.all()))
    return False


def application_sections(project: ActionProject) -> list[SectionState]:
    """Each section of the application with its status: « Terminé » when what it requires is there (an optional
    section once something is in it; « Facultatif » before), « En cours » when something is in it but not all it
    requires, « À faire » when nothing is."""
    states = []
    for section in SECTIONS:
        missing = _missing(project, section.slug)
        content = _has_content(project, section.slug)
        if section.optional:
            status = DONE if content else OPTIONAL
        elif not missing:
            status = DONE
        else:
            status = IN_PROGRESS if content else TO_DO
        states.append(SectionState(section=section, status=status, missing=missing))
    return states


def project_missing_for_submission(project: ActionProject) -> list[str]:
    """What a project still lacks to be filed (French, for the partner), section by section; empty when complete."""
    return [item for section in SECTIONS for item in _missing(project, section.slug)]


def is_being_drafted(project: ActionProject) -> bool:
    """The application is still written (an intention or a draft); filed, it is read."""
    return project.status in (ProjectStatus.INTENTION, ProjectStatus.DRAFT)


@dataclass
class Answer:
    """One line of « Vérifier et déposer »: a label, the answer (text, and/or an amount, money formatted by the
    template), and the id of the field its « Modifier » link lands on in the section's form ("" when none)."""

    label: str
    text: str = ""
    amount: object = None
    anchor: str = ""
    date: object = None


def _answers(project: ActionProject, slug: str) -> list[Answer]:
    if slug == "projet":
        return [
            Answer(_("Titre"), project.title, anchor="id_title"),
            Answer(_("Enjeu"), project.theme.name, anchor="id_theme"),
            Answer(_("Objectif du plan"), project.objective.title if project.objective else "", anchor="id_objective"),
            Answer(_("Lieu de concertation"), project.space.name if project.space else "", anchor="id_space"),
            Answer(_("Résumé"), project.summary, anchor="id_summary"),
            Answer(_("Description"), project.description, anchor="id_description"),
            Answer(_("Début"), date=project.start_date, anchor="id_start_date"),
            Answer(_("Fin"), date=project.end_date, anchor="id_end_date"),
            Answer(
                _("Années du plan"),
                ", ".join(year.label for year in sorted(project.plan_years.all(), key=lambda y: y.number)),
                anchor="id_plan_years_0",
            ),
        ]
    if slug == "partenaires":
        answers = [Answer(_("Organisation porteuse"), project.lead.name)]
        partners = [p for p in project.partnerships.all() if not p.is_declined]
        for number, partner in enumerate(partners, start=1):
            text = _("%(name)s — contribution %(kind)s (%(status)s)") % {
                "name": partner.organisation.name,
                "kind": partner.get_contribution_kind_display().lower(),
                "status": partner.get_status_display(),
            }
            if partner.contribution_description:
                text += f"\n{partner.contribution_description}"
            answers.append(
                Answer(
                    _("Partenaire %(number)s") % {"number": number},
                    text,
                    amount=partner.contribution_value,
                    anchor=f"id_partenaires-{number - 1}-organisation",
                )
            )
        if not partners:
            answers.append(Answer(_("Partenaires"), anchor="id_partenaires-0-organisation"))
        return answers
    if slug == "personnes-rejointes":
        return [
            Answer(_("Population visée"), project.target_population, anchor="id_target_population"),
            Answer(_("Territoire desservi"), project.area_served, anchor="id_area_served"),
        ]
    if slug == "budget":
        rows = sorted(project.year_amounts.all(), key=lambda row: row.plan_year.number)
        answers = [
            Answer(
                _("Montant demandé pour %(year)s") % {"year": row.plan_year.label},
                amount=row.amount,
                anchor=f"id_amount_{row.plan_year_id}",
            )
            for row in rows
        ]
        if not rows:
            answers.append(Answer(_("Montant demandé à l'enveloppe")))
        lines = sorted(project.budget_lines.all(), key=lambda line: (line.plan_year.number, line.category.order))
        for line in lines:  # the budget by line (issue 20, part 3), prefetched with the project
            answers.append(
                Answer(
                    _("%(category)s, %(year)s") % {"category": line.category.name, "year": line.plan_year.label},
                    amount=line.amount,
                    anchor=f"id_amount_line_{line.category_id}_{line.plan_year_id}",
                )
            )
        if rows and not lines:
            answers.append(Answer(_("Budget par ligne"), _("Non détaillé")))
        answers.append(Answer(_("Total demandé à l'enveloppe"), amount=sum((r.amount for r in rows), ZERO)))
        for number, funding in enumerate(project.other_funding.all(), start=1):
            confirmed = _("confirmé") if funding.confirmed else _("non confirmé")
            answers.append(
                Answer(
                    _("Autre source %(number)s") % {"number": number},
                    f"{funding.source_name} ({funding.get_kind_display()}, {confirmed})",
                    amount=funding.amount,
                    anchor=f"id_financement-{number - 1}-source_name",
                )
            )
        return answers
    if slug == "resultats":
        answers = [Answer(_("Objectifs du projet"), project.objectives, anchor="id_objectives")]
        for number, indicator in enumerate(project.indicators.all(), start=1):
            target = _("cible : %(target)s %(unit)s") % {
                "target": quantity(indicator.target) if indicator.target is not None else "—",
                "unit": indicator.unit,
            }
            answers.append(
                Answer(
                    _("Indicateur %(number)s") % {"number": number},
                    f"{indicator.name} ({target.strip()})",
                    anchor=f"id_indicateurs-{number - 1}-name",
                )
            )
        return answers
    return []


def application_answers(project: ActionProject, states=None) -> list[tuple[SectionState, list[Answer]]]:
    """Each section with its status (`states`, computed when not given) and its answers, for « Vérifier et
    déposer »."""
    states = application_sections(project) if states is None else states
    return [(state, _answers(project, state.section.slug)) for state in states]
