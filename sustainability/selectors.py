"""The reads of the follow-ups after funding: a page's checks, and the « Durabilité » section of the bilan."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from sustainability.models import ANSWER_DAYS, SustainabilityCheck

FUNDERS_SHOWN = 20  # the funders named, on the bilan (each distinct wording once)


@dataclass(frozen=True)
class Durability:
    """The bilan's « Durabilité »: the checks due in the period and what their answers say."""

    due: int
    answered: int
    late: int
    continues_yes: int
    continues_partly: int
    continues_no: int
    funders: tuple[str, ...]

    @property
    def awaited(self) -> int:
        return self.due - self.answered


def durability(*, plan, period_start: datetime.date, period_end: datetime.date, org_ids=None, today=None) -> Durability:
    """The checks of `plan`'s projects due within the period (up to today), `org_ids`' (as lead) for a partner's
    bilan (None: every project). Two queries: the counts, the funders named."""
    today = today or timezone.localdate()
    checks = SustainabilityCheck.objects.filter(
        project__theme__plan=plan, due_on__gte=period_start, due_on__lte=min(period_end, today)
    )
    if org_ids is not None:
        checks = checks.filter(project__lead_id__in=org_ids)
    answered = Q(answered_at__isnull=False)
    C = SustainabilityCheck.Continues
    counts = checks.aggregate(  # 1
        due=Count("pk"),
        answered=Count("pk", filter=answered),
        late=Count("pk", filter=~answered & Q(due_on__lt=today - datetime.timedelta(days=ANSWER_DAYS))),
        continues_yes=Count("pk", filter=answered & Q(continues=C.YES)),
        continues_partly=Count("pk", filter=answered & Q(continues=C.PARTLY)),
        continues_no=Count("pk", filter=answered & Q(continues=C.NO)),
    )
    funders = (  # 2
        checks.filter(answered)
        .exclude(funded_by="")
        .order_by("funded_by")
        .values_list("funded_by", flat=True)
        .distinct()
    )
    return Durability(**counts, funders=tuple(funders[:FUNDERS_SHOWN]))


def check_list(request_checks):
    """The checks of a page, newest due first, with their project and lead (one query)."""
    return request_checks.select_related("project__lead").order_by("-due_on", "project__title", "pk")
