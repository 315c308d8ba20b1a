"""The demo's concertation as a contribution (issue 21, part 3): ASIS's hourly rate for its partners' staff time at
meetings (35 $ from the plan's start, 38,50 $ from its second year), and a few support payments that helped citizens
come to the early-childhood table's meetings (transport, childcare, a meal; one cancelled, kept with its reason)."""

import datetime
from decimal import Decimal

from budget.models import ContributionRate, ParticipationSupport
from budget.services.contribution import (
    contribution_rate_set,
    participation_support_cancel,
    participation_support_record,
)
from chantiers.models import Meeting, Space
from demo.facilitators import FACILITATED_SPACE
from organisations.models import User

RATES = ((1, Decimal("35.00"), "Taux de départ de la démo"), (2, Decimal("38.50"), "Indexé pour la 2e année"))
SUPPORTS = (  # (kind, amount, people), one per meeting, the earliest meetings first
    ("transport", Decimal("42.50"), 3),
    ("childcare", Decimal("60.00"), 2),
    ("meals", Decimal("27.75"), 5),
)


def load(plan, users: dict[str, User]) -> None:
    """Once: a second load finds the rates and the supports and adds none."""
    coordination = users["coordination"]
    if not ContributionRate.objects.filter(alliance=plan.alliance).exists():
        years = {year.number: year for year in plan.years.all()}
        for number, rate, note in RATES:
            if number in years:
                contribution_rate_set(
                    alliance=plan.alliance,
                    hourly_rate=rate,
                    valid_from=years[number].start_date,
                    by=coordination,
                    note=note,
                )
    space = Space.objects.filter(name=FACILITATED_SPACE, is_demo=True).first()
    if space is None or ParticipationSupport.objects.filter(space=space).exists():
        return
    meetings = list(Meeting.objects.filter(space=space, date__lt=datetime.date.today()).order_by("date", "pk"))
    for meeting, (kind, amount, people) in zip(meetings, SUPPORTS, strict=False):
        participation_support_record(
            space=space, meeting=meeting, paid_on=meeting.date, kind=kind, amount=amount, people=people, by=coordination
        )
    if meetings:  # a payment typed twice, cancelled: it stays in the history and counts nowhere
        twice = participation_support_record(
            space=space,
            meeting=meetings[0],
            paid_on=meetings[0].date,
            kind="transport",
            amount=SUPPORTS[0][1],
            people=SUPPORTS[0][2],
            by=coordination,
        )
        participation_support_cancel(support=twice, reason="Saisi deux fois", by=coordination)
