"""The analysis committee (issue 20, part 1): its members, their declarations of interests and their own scores.

Choices, and why:
- A member is a seat on one alliance's committee (`CommitteeMember`): an account, who declares and scores with their
  own login, or a name Coordination records and enters for. Leaving archives the seat (`until`), never deletes it.
- A declaration of interests is per analysis and member. The portal proposes « en conflit » when the member's
  organisation (the seat's, or the account's current memberships) leads the project or is named a partner (not
  declined); declaring « pas de conflit » against that proposal needs a note, so the reason is on record.
- A member in conflict is recused: their scores on that analysis (drafts until the recommendation) are withdrawn,
  they cannot score, and their page of the analysis answers 403 (`projects.access.get_member_review`). Withdrawn,
  never deleted (`MemberScore.withdrawn_at`): kept as typed, counted nowhere, read in the admin. Emptying a score
  withdraws it the same way.
- A conflict set aside later (« pas de conflit », with its reason) reopens the grid empty: the withdrawn scores stay
  withdrawn (given while the member said they were in conflict) and the member scores anew.
- The committee's table (mean and spread per criterion) is read on the analysis page; the spread is max − min, not
  a standard deviation: the scores are small integers given by a handful of people, and « from 2 to 5 » is what a
  committee discusses.
- The recommendation (`review_services.review_recommend`) checks the quorum once a member declared on the analysis:
  the members who took part are those, not recused, who scored every criterion in use.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import CommitteeMember, ConflictDeclaration, MemberScore, ProjectReview
from projects.services.review import _locked_open_review


def _seat_organisation_ids(member: CommitteeMember) -> set[int]:
    """The organisations a member comes from: the seat's, and the account's current memberships."""
    ids = {member.organisation_id} if member.organisation_id else set()
    if member.user_id:
        ids |= set(member.user.memberships.current().values_list("organisation_id", flat=True))
    return ids


def conflict_proposed(*, review: ProjectReview, member: CommitteeMember) -> bool:
    """Whether the portal proposes a conflict: the member's organisation leads the project or is one of its partners
    (named and not declined). Two queries at most."""
    project = review.project
    ids = _seat_organisation_ids(member)
    if not ids:
        return False
    if project.lead_id in ids:
        return True
    return project.partnerships.not_declined().filter(organisation_id__in=ids).exists()


@transaction.atomic
def committee_member_add(
    *,
    alliance,
    by,
    user=None,
    name: str = "",
    organisation=None,
    since: datetime.date | None = None,
) -> CommitteeMember:
    """Coordination seats an account or a named person on the alliance's committee."""
    name = (name or "").strip()
    if user is None and not name:
        raise ValidationError({"name": _("Choisissez un compte ou indiquez le nom du membre.")})
    if user is not None and CommitteeMember.objects.filter(alliance=alliance, user=user, until__isnull=True).exists():
        raise ValidationError({"user": _("Cette personne siège déjà au comité d'analyse.")})
    member = CommitteeMember(
        alliance=alliance,
        user=user,
        name=name,
        organisation=organisation,
        since=since or timezone.localdate(),
        added_by=by,
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def committee_member_leave(*, member: CommitteeMember, by, on: datetime.date | None = None) -> CommitteeMember:
    """The member leaves the committee (archived: their declarations and scores stay)."""
    member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
    if member.until is not None:
        raise ValidationError(_("Ce membre a déjà quitté le comité."))
    on = on or timezone.localdate()
    if on < member.since:
        raise ValidationError(_("La date de départ ne peut précéder l'arrivée au comité."))
    member.until = on
    member.full_clean()
    member.save(update_fields=["until"])
    return member


def _check_seat(review: ProjectReview, member: CommitteeMember) -> None:
    if member.alliance_id != review.project.theme.plan.alliance_id or not member.is_current():
        raise ValidationError(_("Ce membre ne siège pas au comité d'analyse de cette alliance."))


@transaction.atomic
def conflict_declare(
    *, review: ProjectReview, member: CommitteeMember, in_conflict: bool, by, note: str = ""
) -> ConflictDeclaration:
    """The member (or Coordination for them) declares their interests in the project. A conflict recuses the member:
    the scores they gave this analysis are withdrawn."""
    review = _locked_open_review(review)
    review = ProjectReview.objects.select_related("project__theme__plan", "project__lead").get(pk=review.pk)
    _check_seat(review, member)
    note = (note or "").strip()
    proposed = conflict_proposed(review=review, member=member)
    declaration = ConflictDeclaration.objects.filter(review=review, member=member).first() or ConflictDeclaration(
        review=review, member=member
    )
    if declaration.pk and declaration.in_conflict and not in_conflict and not note:
        raise ValidationError({"note": _("Un conflit d'intérêts a été déclaré : expliquez pourquoi il est écarté.")})
    if proposed and not in_conflict and not note:
        raise ValidationError(
            {
                "note": _(
                    "Votre organisation est porteuse ou partenaire de ce projet : expliquez pourquoi il n'y a pas "
                    "de conflit d'intérêts."
                )
            }
        )
    declaration.in_conflict, declaration.note, declaration.prefilled = bool(in_conflict), note, proposed
    declaration.declared_by, declaration.declared_at = by, timezone.now()
    declaration.on_behalf = by is not None and by.pk != member.user_id
    declaration.full_clean()
    declaration.save()
    if declaration.in_conflict:  # withdrawn, kept: what the member typed is never deleted
        MemberScore.objects.counted().filter(review=review, member=member).update(
            withdrawn_at=declaration.declared_at,
            withdrawn_reason=MemberScore.WithdrawnReason.CONFLICT,
            withdrawn_by=by,
        )
    return declaration


@transaction.atomic
def member_scores_save(*, review: ProjectReview, member: CommitteeMember, scores: dict, by) -> ProjectReview:
    """Save one member's grid (a draft until the recommendation): `scores` maps a criterion to (score, comment); a
    score of None withdraws the one given (kept, counted nowhere; a later score is a new row). Refused unless the member declared no conflict on this analysis."""
    review = _locked_open_review(review)
    review = ProjectReview.objects.select_related("project__theme__plan").get(pk=review.pk)
    _check_seat(review, member)
    declaration = ConflictDeclaration.objects.filter(review=review, member=member).first()
    if declaration is None:
        raise ValidationError(_("Déclarez d'abord vos intérêts dans ce projet : la grille s'ouvre ensuite."))
    if declaration.in_conflict:
        raise ValidationError(_("Ce membre est récusé (conflit d'intérêts déclaré) : il ne note pas ce projet."))
    on_behalf = by is not None and by.pk != member.user_id
    errors = {}
    existing = {s.criterion_id: s for s in MemberScore.objects.counted().filter(review=review, member=member)}
    for criterion, (score, comment) in scores.items():
        if criterion.plan_id != review.project.theme.plan_id or not criterion.is_active:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Le critère « %(name)s » ne fait pas partie de la grille en usage.") % {"name": criterion.name}
            )
            continue
        row = existing.get(criterion.pk)
        if score is None:
            if row is not None:
                row.withdrawn_at, row.withdrawn_by = timezone.now(), by
                row.withdrawn_reason = MemberScore.WithdrawnReason.EMPTIED
                row.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
            continue
        row = row or MemberScore(review=review, member=member, criterion=criterion)
        row.score, row.comment = score, (comment or "").strip()
        row.entered_by, row.on_behalf, row.entered_at = by, on_behalf, timezone.now()
        try:
            row.full_clean()
        except ValidationError as error:
            errors.setdefault(f"score_{criterion.pk}", []).extend(
                _("%(name)s : %(message)s") % {"name": criterion.name, "message": message} for message in error.messages
            )
            continue
        row.save()
    if errors:
        raise ValidationError(errors)
    return review
