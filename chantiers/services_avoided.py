"""Writes of the meetings avoided (principle 3): the alternative chosen instead of scheduling a meeting — an item
added to another space's next meeting, a written consultation, or one organisation representing several — and the
written consultations' answers and decision. Each write moves the meetings' figures like a meeting's (the bilan
counts meetings avoided beside those held: `chantiers.services.spaces_written`)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chantiers import notices
from chantiers.models import (
    AvoidedMeeting,
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    ConsultationRespondent,
    Meeting,
    Representation,
    Space,
)
from chantiers.services import MEETINGS, spaces_written
from organisations.models import Organisation

MAX_QUESTIONS = 10


def _invitees(space: Space) -> tuple[list[Organisation], int]:
    """The organisations a meeting of `space` would invite now, and how many invitees in all (with its citizens)."""
    organisations = list(
        Organisation.objects.filter(space_memberships__space=space, space_memberships__left_on__isnull=True).order_by(
            "name"
        )
    )
    citizens = space.citizen_memberships.current().count()
    return organisations, len(organisations) + citizens


def _avoided(*, space, date, alternative, subject, duration_minutes, by, **links) -> AvoidedMeeting:
    if space.status != Space.Status.ACTIVE:
        raise ValidationError(_("Ce lieu de concertation est archivé : on n'y planifie plus de rencontre."))
    if not (subject or "").strip():
        raise ValidationError({"subject": _("Indiquez l'objet de la rencontre évitée.")})
    if not duration_minutes or duration_minutes <= 0:
        raise ValidationError({"duration_minutes": _("Indiquez la durée prévue de la rencontre, en minutes.")})
    organisations, invitees = _invitees(space)
    avoided = AvoidedMeeting(
        space=space,
        date=date,
        alternative=alternative,
        subject=subject.strip(),
        invitees=invitees,
        duration_minutes=duration_minutes,
        person_minutes=invitees * duration_minutes,
        chosen_by=by,
        **links,
    )
    avoided.full_clean()
    avoided.save()
    avoided.organisations.set(organisations)
    return avoided


@transaction.atomic
def avoided_add_to_meeting(
    *, space: Space, date: datetime.date, subject: str, duration_minutes: int, target: Meeting, by
) -> AvoidedMeeting:
    """Add the item to `target` (an upcoming meeting of another space of the alliance) instead of a meeting."""
    if target.space.alliance_id != space.alliance_id or target.space_id == space.pk:
        raise ValidationError({"target_meeting": _("Choisissez une rencontre d'un autre lieu de cette alliance.")})
    if not target.is_upcoming:
        raise ValidationError({"target_meeting": _("Cette rencontre a déjà eu lieu.")})
    avoided = _avoided(
        space=space,
        date=date,
        alternative=AvoidedMeeting.Alternative.NEXT_MEETING,
        subject=subject,
        duration_minutes=duration_minutes,
        by=by,
        target_meeting=target,
    )
    item = _("Point ajouté par « %(space)s » : %(subject)s") % {"space": space.name, "subject": avoided.subject}
    target.agenda = f"{target.agenda.rstrip()}\n- {item}".lstrip("\n") if target.agenda.strip() else f"- {item}"
    target.save(update_fields=["agenda"])
    spaces_written(space=space, parts=MEETINGS)
    return avoided


def _questions(questions: list[str]) -> list[str]:
    cleaned = [q.strip() for q in questions if q and q.strip()]
    if not cleaned:
        raise ValidationError({"questions": _("Posez au moins une question.")})
    if len(cleaned) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": _("Une consultation écrite pose au plus %(n)s questions.") % {"n": MAX_QUESTIONS}}
        )
    if any(len(q) > 500 for q in cleaned):
        raise ValidationError({"questions": _("Une question tient en 500 caractères au plus.")})
    return cleaned


@transaction.atomic
def consultation_launch(
    *,
    space: Space,
    date: datetime.date,
    subject: str,
    duration_minutes: int,
    questions: list[str],
    due_on: datetime.date,
    by,
    is_demo: bool = False,
) -> AvoidedMeeting:
    """A written consultation of the organisations seated in `space` instead of a meeting: each answers the
    questions by `due_on`, and so does each citizen seated there with their own access (issue 21, part 5); their
    people are told, as each chose (chantiers.notices)."""
    questions = _questions(questions)
    if due_on is None or due_on < timezone.localdate():
        raise ValidationError({"due_on": _("La date limite des réponses ne peut pas être passée.")})
    organisations, _count = _invitees(space)
    if not organisations:
        raise ValidationError(_("Aucune organisation ne siège à ce lieu de concertation : personne à consulter."))
    consultation = Consultation(
        space=space, title=(subject or "").strip(), due_on=due_on, created_by=by, is_demo=is_demo
    )
    consultation.full_clean()
    consultation.save()
    ConsultationQuestion.objects.bulk_create(
        [ConsultationQuestion(consultation=consultation, order=i, text=text) for i, text in enumerate(questions, 1)]
    )
    # the citizens seated there who have their own access answer too (issue 21, part 5)
    citizen_seats = space.citizen_memberships.current().filter(citizen__user__is_active=True)
    ConsultationRespondent.objects.bulk_create(
        [ConsultationRespondent(consultation=consultation, organisation=org) for org in organisations]
        + [ConsultationRespondent(consultation=consultation, citizen_seat=seat) for seat in citizen_seats]
    )
    avoided = _avoided(
        space=space,
        date=date,
        alternative=AvoidedMeeting.Alternative.CONSULTATION,
        subject=subject,
        duration_minutes=duration_minutes,
        by=by,
        consultation=consultation,
    )
    spaces_written(space=space, parts=MEETINGS)
    notices.consultation_launched_notify(consultation)
    return avoided


@transaction.atomic
def avoided_by_representation(
    *,
    space: Space,
    date: datetime.date,
    subject: str,
    duration_minutes: int,
    representing: Organisation,
    represented: list[Organisation],
    by,
) -> AvoidedMeeting:
    """One seated organisation speaks for several others of the space instead of a meeting."""
    seated = {org.pk for org in _invitees(space)[0]}
    if representing is None or representing.pk not in seated:
        raise ValidationError({"representing": _("Choisissez une organisation qui siège à ce lieu de concertation.")})
    represented = [org for org in represented if org.pk != representing.pk]
    if not represented:
        raise ValidationError({"represented": _("Choisissez au moins une autre organisation représentée.")})
    if any(org.pk not in seated for org in represented):
        raise ValidationError({"represented": _("Les organisations représentées doivent siéger à ce lieu.")})
    avoided = _avoided(
        space=space,
        date=date,
        alternative=AvoidedMeeting.Alternative.REPRESENTATION,
        subject=subject,
        duration_minutes=duration_minutes,
        by=by,
    )
    Representation.objects.bulk_create(
        [Representation(avoided=avoided, representing=representing, represented=org) for org in represented]
    )
    spaces_written(space=space, parts=MEETINGS)
    return avoided


@transaction.atomic
def consultation_answer(*, respondent: ConsultationRespondent, answers: dict[int, str], by) -> ConsultationRespondent:
    """A respondent's answers ({question pk: text}), changed while the consultation is open; read only after."""
    consultation = Consultation.objects.select_for_update().get(pk=respondent.consultation_id)
    if not consultation.is_open:
        raise ValidationError(_("Cette consultation est close : les réponses ne se modifient plus."))
    questions = {q.pk: q for q in consultation.questions.all()}
    texts = {pk: (answers.get(pk) or "").strip() for pk in questions}
    if not any(texts.values()):
        raise ValidationError(_("Répondez à au moins une question."))
    for pk, text in texts.items():
        if text:  # a question left blank keeps an earlier answer: nothing typed is deleted
            ConsultationAnswer.objects.update_or_create(
                respondent=respondent, question=questions[pk], defaults={"text": text}
            )
    respondent.answered_by = by
    respondent.answered_at = timezone.now()
    respondent.save(update_fields=["answered_by", "answered_at"])
    return respondent


@transaction.atomic
def consultation_decide(*, consultation: Consultation, text: str, by) -> Consultation:
    """The decision taken on the answers, once (like a meeting's decision, it is kept as written)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.decided_on:
        raise ValidationError(_("La décision de cette consultation est déjà consignée."))
    if not (text or "").strip():
        raise ValidationError({"decision": _("Écrivez la décision.")})
    consultation.decision = text.strip()
    consultation.decided_on = timezone.localdate()
    consultation.decided_by = by
    consultation.save(update_fields=["decision", "decided_on", "decided_by"])
    notices.consultation_decided_notify(consultation)
    return consultation
