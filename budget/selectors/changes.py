"""Reads of change requests and amendments (issue 20, part 4): each list in a fixed number of queries."""

import datetime
from decimal import Decimal

from django.db.models import Prefetch

from budget.models import AgreementAmendment, ChangeRequest, ChangeRequestMove, ChangeRequestTarget

MOVES = Prefetch(
    "moves",
    queryset=ChangeRequestMove.objects.select_related("from_category", "from_year", "to_category", "to_year"),
)
TARGETS = Prefetch("targets", queryset=ChangeRequestTarget.objects.select_related("indicator"))


def with_details(requests):
    """Requests with who asked and decided, their moves and targets: 3 queries for any number."""
    return requests.select_related("asked_by", "decided_by", "project__lead", "amendment").prefetch_related(
        MOVES, TARGETS
    )


def agreement_changes(agreement) -> dict:
    """The agreement page's requests (newest first) and versions (the signed one, then one per amendment): 4
    queries."""
    requests = list(with_details(ChangeRequest.objects.filter(agreement=agreement)).order_by("-asked_at", "-pk"))
    amendments = list(
        AgreementAmendment.objects.filter(agreement=agreement).select_related("change_request").order_by("number")
    )
    return {"change_requests": requests, "amendments": amendments, "versions": versions_of(amendments)}


def _readable(terms: dict) -> dict:
    """An amendment's kept terms (plain strings) as the page shows them: dates and Decimals back."""

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    return {
        "start_date": day(terms.get("start_date")),
        "end_date": day(terms.get("end_date")),
        "scope": terms.get("scope", ""),
        "lines": [(year, category, Decimal(amount)) for year, category, amount in terms.get("lines", [])],
        "targets": [(name, None if t is None else Decimal(t)) for name, t in terms.get("targets", [])],
        "total": Decimal(terms.get("total", "0")),
    }


def versions_of(amendments) -> list[dict]:
    """The agreement's versions, newest first: the current one (the last amendment's terms after it), then each
    earlier one (each amendment's terms before it; version 1 is the agreement as signed). Empty without amendment:
    the signed agreement is the only version, as the project's page shows it."""
    versions = []
    for amendment in amendments:
        versions.append({"number": amendment.number, "terms": _readable(amendment.terms_before), "amendment": None})
    if amendments:
        last = amendments[-1]
        versions.append({"number": last.version, "terms": _readable(last.terms_after), "amendment": last})
        for version, amendment in zip(versions[1:], amendments, strict=False):
            version["amendment"] = amendment
    return list(reversed(versions))


def change_requests_to_decide(alliance):
    """Coordination's list: the alliance's pending requests, oldest first, then the decided ones, newest first."""
    base = with_details(ChangeRequest.objects.in_alliance(alliance))
    return {
        "pending": list(base.pending().order_by("asked_at", "pk")),
        "decided": list(base.exclude(status=ChangeRequest.Status.PENDING).order_by("-decided_at", "-pk")[:50]),
    }


def amendments_mismatches() -> list[str]:
    """Amendments that do not add up (should be none; `check_budget` fails on any): an agreement whose amendments
    are not numbered 1, 2, … without a gap; an amendment whose terms after do not follow those before it in the
    previous one; one whose lines, before or after, do not sum to its total, to the cent; one that changed the
    project's total (a move never does). One query."""
    problems = []
    previous: dict = {}
    for amendment in AgreementAmendment.objects.order_by("agreement_id", "number").only(
        "agreement_id", "number", "terms_before", "terms_after"
    ):
        label = f"agreement {amendment.agreement_id} amendment {amendment.number}"
        expected = previous[amendment.agreement_id].number + 1 if amendment.agreement_id in previous else 1
        if amendment.number != expected:
            problems.append(f"{label}: numbered {amendment.number}, expected {expected}")
        before, after = amendment.terms_before, amendment.terms_after
        last = previous.get(amendment.agreement_id)
        if last is not None and last.terms_after.get("total") != before.get("total"):
            problems.append(
                f"{label}: total before {before.get('total')} != previous after {last.terms_after.get('total')}"
            )
        for name, terms in (("before", before), ("after", after)):
            lines = terms.get("lines") or []
            total = sum((Decimal(amount) for _y, _c, amount in lines), Decimal("0.00"))
            if lines and total != Decimal(terms.get("total", "0")):
                problems.append(f"{label}: lines {name} {total:.2f} != total {terms.get('total')}")
        if before.get("total") != after.get("total"):
            problems.append(f"{label}: total changed {before.get('total')} -> {after.get('total')}")
        previous[amendment.agreement_id] = amendment
    return problems
