"""The demo's meetings avoided (issue 21, part 2), in the early-childhood table that `partenaire` facilitates
(demo/facilitators.py): a written consultation instead of a meeting, answered by her organisation (the family
organisation; the health organisation has not answered yet), and a meeting avoided because the family organisation
represented the two others. The authorization matrix opens the consultation as « consultation of a space facilitated
by partenaire »: `partenaire` answers it for her organisation, `partenaire2` (whose organisation does not sit there)
does not see it."""

import datetime

from django.utils import timezone

from chantiers.models import AvoidedMeeting, Consultation, Space
from chantiers.services_avoided import avoided_by_representation, consultation_answer, consultation_launch
from demo.facilitators import FACILITATED_SPACE
from organisations.models import Organisation, User

CONSULTATION = "Horaire des haltes-garderies cet été (démo)"
QUESTIONS = [
    "Votre organisation peut-elle ouvrir sa halte-garderie en juillet?",
    "Quelles semaines vous conviennent le mieux?",
]
ANSWERS = ["Oui, trois matins par semaine.", "Les deux premières semaines de juillet."]
REPRESENTATION = "Position commune sur les places en CPE (démo)"


def load(users: dict[str, User]) -> None:
    """Once (a second load finds the consultation and adds nothing)."""
    space = Space.objects.get(name=FACILITATED_SPACE, is_demo=True)
    if Consultation.objects.filter(space=space, title=CONSULTATION).exists():
        return
    facilitator = users["partenaire"]
    today = timezone.localdate()
    avoided = consultation_launch(
        space=space,
        date=today + datetime.timedelta(days=10),
        subject=CONSULTATION,
        duration_minutes=90,
        questions=QUESTIONS,
        due_on=today + datetime.timedelta(days=21),
        by=facilitator,
        is_demo=True,  # tells nobody (chantiers.notices)
    )
    consultation = avoided.consultation
    Consultation.objects.filter(pk=consultation.pk).update(is_demo=True)
    family = Organisation.objects.get(pk__in=facilitator.organisation_ids(), space_memberships__space=space)
    respondent = consultation.respondents.get(organisation=family)
    questions = list(consultation.questions.all())
    consultation_answer(
        respondent=respondent, answers={q.pk: text for q, text in zip(questions, ANSWERS, strict=True)}, by=facilitator
    )
    others = list(
        Organisation.objects.filter(space_memberships__space=space, space_memberships__left_on__isnull=True)
        .exclude(pk=family.pk)
        .order_by("name")
    )
    represented = avoided_by_representation(
        space=space,
        date=today - datetime.timedelta(days=30),
        subject=REPRESENTATION,
        duration_minutes=120,
        representing=family,
        represented=others,
        by=users["coordination"],
    )
    AvoidedMeeting.objects.filter(pk__in=[avoided.pk, represented.pk]).update(is_demo=True)
