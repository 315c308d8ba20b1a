"""The ASIS demo's analysis committee (issue 20, part 1): three members — the `partenaire2` login (Karim Belkacem,
of the employment organisation, who scores with his own access) and two people without an account whose
declarations and scores Coordination enters. On « Jardins communautaires intergénérationnels », under analysis,
Lise Tremblay (of the seniors' table, a partner of the project) is recused and Robert Côté has scored the grid;
`partenaire2` has not declared yet (the whole journey declares and scores for him).

`partenaire2` rather than `personnel`: Personnel already reads every analysis, so a seat would recuse nothing it
could not see; a partner's seat shows the member's own access. Loaded once with ASIS's demo (`_create_demo`);
idempotent all the same (a second call adds nothing)."""

from alliances.models import Alliance
from organisations.models import Organisation, User
from projects.models import ActionProject, CommitteeMember, ReviewCriterion
from projects.services.committee import committee_member_add, conflict_declare, member_scores_save

REVIEWED = "Jardins communautaires intergénérationnels"
NAMED = [
    # (name, organisation key in demo.data.ORGANISATIONS or None)
    ("Lise Tremblay", "aines"),
    ("Robert Côté", None),
]
ROBERT_SCORES = (4, 3, 5, 4, 3, 4, 4)


def load(*, alliance_slug: str, orgs: dict[str, Organisation], users: dict[str, User]) -> None:
    alliance = Alliance.objects.get(slug=alliance_slug)
    if CommitteeMember.objects.filter(alliance=alliance).exists():
        return
    coordinator = users["coordination"]
    plan = alliance.plans.order_by("start_date", "pk").first()
    since = plan.start_date
    karim = users["partenaire2"]
    committee_member_add(
        alliance=alliance,
        by=coordinator,
        user=karim,
        organisation=orgs["emploi"],
        since=since,
    )
    named = {
        name: committee_member_add(
            alliance=alliance, by=coordinator, name=name, organisation=orgs[key] if key else None, since=since
        )
        for name, key in NAMED
    }
    project = ActionProject.objects.get(title=REVIEWED, is_demo=True)
    review = project.reviews.first()
    conflict_declare(
        review=review,
        member=named["Lise Tremblay"],
        in_conflict=True,
        note="Membre de la Table des aînés, partenaire du projet.",
        by=coordinator,
    )
    robert = named["Robert Côté"]
    conflict_declare(review=review, member=robert, in_conflict=False, by=coordinator)
    criteria = ReviewCriterion.objects.filter(plan=project.theme.plan, is_active=True).order_by("order", "pk")
    member_scores_save(
        review=review,
        member=robert,
        scores={
            criterion: (min(score, criterion.max_score), "")
            for criterion, score in zip(criteria, ROBERT_SCORES, strict=False)
        },
        by=coordinator,
    )
