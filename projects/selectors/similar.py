"""Look-alike projects (principles 1 and 3: join forces)."""

from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Q

from projects.models import ActionProject, ProjectStatus, visible_projects_q
from projects.similarity import Candidate, rank_similar

# Withdrawn and refused projects are not worth joining.
NOT_SIMILAR = (ProjectStatus.WITHDRAWN, ProjectStatus.REFUSED)


@dataclass(frozen=True)
class SimilarProjects:
    """The look-alike panel of the project forms.

    `projects` are shown with their title and organisation, each a link: every one is a project the user may open.
    `hidden_intentions` counts other organisations' intentions the user may not see: a stranger learns only
    that one exists (the coordination puts them in touch), never its title, organisation or e-mail.
    `contacts`: the organisations' e-mails are shown to Coordination and Personnel only, who read every
    organisation's page; a partner does not see another organisation's e-mail anywhere else."""

    projects: list = field(default_factory=list)
    hidden_intentions: int = 0
    contacts: bool = False

    def __bool__(self) -> bool:
        return bool(self.projects) or self.hidden_intentions > 0


def similar_projects(
    user, *, theme, title: str = "", summary: str = "", exclude_org_ids=(), exclude_pk=None, limit: int = 5
) -> SimilarProjects:
    """Up to `limit` projects of other organisations that look like this one, as `user` may know them: one query.

    Coordination and Personnel see every look-alike. Anyone else sees only what `visible_to` lets them open
    (public projects, their own organisations'); another organisation's intention is only counted, and its
    drafts and projects under review are not mentioned at all (they answer 404 on their own page)."""
    if theme is None:
        return SimilarProjects()
    candidates = (
        ActionProject.objects.filter(theme=theme)
        .exclude(status__in=NOT_SIMILAR)
        .exclude(lead_id__in=exclude_org_ids)
        .select_related("lead", "space")
        .order_by("-updated_at")
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    may_open = visible_projects_q(user)  # None: Coordination and Personnel open every project
    if may_open is not None:
        # Ranked among what may be shown or counted, so an unseen draft takes no place in the panel.
        candidates = candidates.filter(may_open | Q(status=ProjectStatus.INTENTION)).annotate(
            may_open=ExpressionWrapper(may_open, output_field=BooleanField())
        )
    by_pk = {p.pk: p for p in candidates}
    ranked = [
        by_pk[pk]
        for pk in rank_similar(
            theme_id=theme.pk,
            title=title,
            summary=summary,
            limit=limit,
            candidates=[
                Candidate(key=p.pk, theme_id=p.theme_id, title=p.title, summary=p.summary) for p in by_pk.values()
            ],
        )
    ]
    if may_open is None:
        return SimilarProjects(projects=ranked, contacts=True)
    shown = [p for p in ranked if p.may_open]
    return SimilarProjects(projects=shown, hidden_intentions=len(ranked) - len(shown))
