"""What a draft still lacks before it can be filed."""

from django.utils.translation import gettext as _

from projects.models import (
    ActionProject,
)


def project_missing_for_submission(project: ActionProject) -> list[str]:
    """What a project still lacks to be filed (French, for the partner); empty when complete."""
    missing = []
    if not project.description.strip():
        missing.append(_("la description"))
    if not project.target_population.strip():
        missing.append(_("la population visée"))
    if not (project.start_date and project.end_date):
        missing.append(_("les dates de début et de fin"))
    if not project.year_amounts.filter(amount__gt=0).exists():
        missing.append(_("un montant demandé pour au moins une année du plan"))
    return missing
