"""History of changes (django-simple-history), read by Coordination: who, when, and field by field what changed.

One page serves every tracked model: `/historique/<kind>/<id>/`. Each kind names its model, the
rows a user may see at all (the apps' own `visible_to`) and how a row belongs to the request's alliance, so an
outsider, or the coordinator of another alliance, gets 404 as on the object's own page; anyone else but
Coordination gets 403. Running totals of the ledger are not tracked: the
conditional UPDATEs that keep them write no history row, and the entries that move them have their own.
"""

from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances.models import Alliance
from asis.templatetags.asis_format import format_money
from budget.models import (
    Agreement,
    Commitment,
    CommitmentReduction,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
    PlannedPayment,
)
from chantiers.models import Space, SpaceMembership
from organisations.models import Membership, Organisation
from projects.access import is_report_reader
from projects.models import ActionProject, ProgressReport, ProjectPartner

PER_PAGE = 50


def _own_project_ids(user):
    """Projects whose money a partner may read: those their organisations lead or are partners of."""
    org_ids = user.organisation_ids()
    partnered = ProjectPartner.objects.not_declined().filter(organisation_id__in=org_ids).values("project_id")
    return ActionProject.objects.filter(Q(lead_id__in=org_ids) | Q(pk__in=partnered)).values("pk")


def _money_rows(model, project_path):
    def visible(user):
        if user.sees_everything:
            return model.objects.all()
        return model.objects.filter(**{f"{project_path}__in": _own_project_ids(user)})

    return visible


def _reports(user):
    return ProgressReport.objects.filter(project__in=ActionProject.objects.visible_to(user).values("pk"))


def _memberships(user):
    return Membership.objects.filter(organisation__in=Organisation.objects.visible_to(user).values("pk"))


# kind (in the URL) -> (model, rows the user may know of)
KINDS = {
    "organisation": (Organisation, lambda user: Organisation.objects.visible_to(user)),
    "membre": (Membership, _memberships),
    "lieu": (Space, lambda user: Space.objects.visible_to(user)),
    "projet": (ActionProject, lambda user: ActionProject.objects.visible_to(user)),
    "rapport": (ProgressReport, _reports),
    "source": (
        FundingSource,
        lambda user: FundingSource.objects.all() if user.sees_everything else FundingSource.objects.none(),
    ),
    "engagement": (Commitment, _money_rows(Commitment, "project")),
    "reduction": (CommitmentReduction, _money_rows(CommitmentReduction, "commitment__project")),
    "versement": (Disbursement, _money_rows(Disbursement, "commitment__project")),
    "correction": (DisbursementCorrection, _money_rows(DisbursementCorrection, "disbursement__commitment__project")),
    "convention": (Agreement, lambda user: Agreement.objects.visible_to(user)),
    "paiement-prevu": (PlannedPayment, _money_rows(PlannedPayment, "agreement__project")),
}


def _works_in(alliance=None) -> Q:
    """Organisations that coordinate or fund `alliance` (any alliance when None), lead or are partners of one of
    its projects, or sit in one of its spaces."""
    pk = OuterRef("pk")
    alliances, funders = Alliance.objects.all(), Alliance.funders.through.objects.filter(organisation=pk)
    projects, partners = ActionProject.objects.filter(lead=pk), ProjectPartner.objects.filter(organisation=pk)
    seats = SpaceMembership.objects.filter(organisation=pk)
    if alliance is not None:
        alliances, funders = alliances.filter(pk=alliance.pk), funders.filter(alliance=alliance)
        projects = projects.filter(theme__plan__alliance=alliance)
        partners = partners.filter(project__theme__plan__alliance=alliance)
        seats = seats.filter(space__alliance=alliance)
    return (
        Q(pk__in=alliances.values("coordinating_organisation"))
        | Q(Exists(funders))
        | Q(Exists(projects))
        | Q(Exists(partners))
        | Q(Exists(seats))
    )


def _organisations_of(alliance) -> Q:
    """Organisations are shared between alliances: one is an alliance's when it works in it (`_works_in`), and the
    portal's, readable on any alliance's pages, while it works in none yet (a new sign-up). An organisation that
    works only in other alliances is unknown on this one's pages."""
    return _works_in(alliance) | ~_works_in()


# kind -> how a row of it belongs to an alliance (a filter of its rows, given the request's alliance). Organisations
# and their members are shared: those that work in no alliance yet (a new sign-up) are the portal's, and the
# portal's operators (User.runs_portal) read any organisation's history, as they read it in the admin.
PORTAL_KINDS = {"organisation", "membre"}
IN_ALLIANCE = {
    "organisation": _organisations_of,
    "membre": lambda alliance: Q(organisation__in=Organisation.objects.filter(_organisations_of(alliance))),
    "lieu": lambda alliance: Q(alliance=alliance),
    "projet": lambda alliance: Q(theme__plan__alliance=alliance),
    "rapport": lambda alliance: Q(project__theme__plan__alliance=alliance),
    "source": lambda alliance: Q(plan__alliance=alliance),
    "engagement": lambda alliance: Q(source__plan__alliance=alliance),
    "reduction": lambda alliance: Q(commitment__source__plan__alliance=alliance),
    "versement": lambda alliance: Q(commitment__source__plan__alliance=alliance),
    "correction": lambda alliance: Q(disbursement__commitment__source__plan__alliance=alliance),
    "convention": lambda alliance: Q(project__theme__plan__alliance=alliance),
    "paiement-prevu": lambda alliance: Q(agreement__project__theme__plan__alliance=alliance),
}
# What each model's name (its __str__, in the title) reads: loaded with the object, in the same query.
NAMED_BY = {
    Membership: ["user", "organisation"],
    ProgressReport: ["project"],
    Commitment: ["project", "source", "plan_year"],
    CommitmentReduction: ["commitment__project", "commitment__source", "commitment__plan_year"],
    Disbursement: ["commitment__project"],
    DisbursementCorrection: ["disbursement__commitment__project"],
    Agreement: ["project"],
    PlannedPayment: ["agreement__project"],
}
KIND_OF_MODEL = {model: kind for kind, (model, _visible) in KINDS.items()}

CHANGE_LABELS = {
    "+": gettext_lazy("Création"),
    "~": gettext_lazy("Modification"),
    "-": gettext_lazy("Suppression"),
}


def history_url(obj) -> str:
    """The history page of a tracked object (for links from its own page)."""
    return reverse("object-history", kwargs={"kind": KIND_OF_MODEL[type(obj)], "pk": obj.pk})


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryLine:
    at: object
    by: object
    kind: str
    label: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _tracked_fields(model) -> list[models.Field]:
    """The model's fields that history keeps, in the model's order, without the primary key."""
    tracked = {f.name for f in model.history.model.tracked_fields}
    return [f for f in model._meta.concrete_fields if f.name in tracked and not f.primary_key]


def _names_of_related(fields, records) -> dict:
    """`{(field name, id): str(row)}` for every foreign key value in the records: one query per foreign key."""
    names = {}
    for f in fields:
        if not f.is_relation:
            continue
        ids = {getattr(r, f.attname) for r in records} - {None}
        if ids:
            for row in f.related_model._default_manager.filter(pk__in=ids):
                names[f.name, row.pk] = str(row)
    return names


def _show(f, value, names) -> str:
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return names.get((f.name, value), f"#{value}")
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("Oui") if value else _("Non")
    if isinstance(f, models.DecimalField):
        return format_money(value)
    if isinstance(f, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def history_lines(records, older, fields) -> list[HistoryLine]:
    """One line per history record (newest first), each with its changes against the record before it.

    `older` is the record just before the last one of `records` (or None), so a page's last line still
    shows what it changed."""
    names = _names_of_related(fields, [*records, *([older] if older else [])])
    previous = [*records[1:], older]
    lines = []
    for record, before in zip(records, previous):
        line = HistoryLine(
            at=record.history_date,
            by=record.history_user,
            kind=record.history_type,
            label=str(CHANGE_LABELS.get(record.history_type, record.history_type)),
            reason=record.history_change_reason or "",
        )
        for f in fields:
            new = getattr(record, f.attname)
            if before is None or record.history_type == "-":
                if record.history_type == "+" and new not in (None, ""):
                    line.changes.append(FieldChange(capfirst(f.verbose_name), "", _show(f, new, names)))
                continue
            old = getattr(before, f.attname)
            if old != new:
                line.changes.append(FieldChange(capfirst(f.verbose_name), _show(f, old, names), _show(f, new, names)))
        lines.append(line)
    return lines


@dataclass
class LedgerLine:
    label: str
    day: object
    amount: object
    by: object
    note: str
    entry: object


def ledger_entries(obj) -> list[LedgerLine] | None:
    """The entries that moved a commitment's or a payment's running totals (reductions, payments,
    corrections), newest first: two queries at most. None for other objects."""
    if isinstance(obj, Commitment):
        lines = [
            LedgerLine(
                _("Annulation") if r.is_cancellation else _("Réduction"),
                r.reduced_on,
                -r.amount,
                r.created_by,
                r.reason,
                r,
            )
            for r in obj.reductions.select_related("created_by")
        ] + [
            LedgerLine(_("Versement"), d.paid_on, d.amount, d.created_by, d.reference, d)
            for d in obj.disbursements.select_related("created_by")
        ]
    elif isinstance(obj, Disbursement):
        lines = [
            LedgerLine(_("Correction"), c.corrected_on, c.delta, c.created_by, c.reason, c)
            for c in obj.corrections.select_related("created_by")
        ]
    else:
        return None
    return sorted(lines, key=lambda line: (line.day, line.entry.pk), reverse=True)


def object_history(request, kind, pk):
    """The history of one object, newest change first, paginated: Coordination only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if kind not in KINDS:
        raise Http404
    model, visible = KINDS[kind]
    alliance = getattr(request, "alliance", None)
    if alliance is None:  # history pages are an alliance's: none on a page of no alliance
        raise Http404
    rows = visible(request.user)
    if not (kind in PORTAL_KINDS and request.user.runs_portal):
        rows = rows.filter(IN_ALLIANCE[kind](alliance))
    obj = get_object_or_404(rows.select_related(*NAMED_BY.get(model, [])), pk=pk)
    if model is ProgressReport and not is_report_reader(
        request.user, obj.project, obj.project.partnerships.not_declined().values_list("organisation_id", flat=True)
    ):
        raise Http404
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Seule la coordination consulte l'historique des modifications."))
    history = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    page = Paginator(history, PER_PAGE).get_page(request.GET.get("page"))
    records = list(page.object_list)
    older = history[page.end_index()] if page.has_next() else None  # the record before this page's last one
    fields = _tracked_fields(model)
    context = {
        "object": obj,
        "object_url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None,
        "model_name": capfirst(model._meta.verbose_name),
        "page": page,
        "lines": history_lines(records, older, fields),
        "pagination_label": _("Pages de l'historique"),
        "ledger_entries": ledger_entries(obj),
    }
    return render(request, "pages/history.html", context)
