"""The alliance's categories of expenses (issue 20, part 3): Coordination adds, renames, orders and archives them;
Coordination and Personnel read them. The projects budget by them (the application's « Budget par ligne »)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from asis.forms import add_service_error
from organisations.access import coordination_required, staff_or_coordination_required
from projects.access import on_closed_plan, refuse_archived
from projects.forms import ExpenseCategoryForm
from projects.models import ExpenseCategory
from projects.services import budget_lines as services
from projects.views._common import shows_refusal


def _alliance(request):
    if request.alliance is None:
        raise Http404
    return request.alliance


@require_safe
@staff_or_coordination_required
def expense_category_list(request):
    """The alliance's categories, those in use first, each with how many budget lines use it. Two queries."""
    alliance = _alliance(request)
    categories = list(
        ExpenseCategory.objects.for_alliance(alliance.pk)
        .annotate(lines=Count("budget_lines"))
        .order_by("archived", "order", "pk")
    )
    return render(
        request,
        "projects/expense_category_list.html",
        {
            "active": [c for c in categories if not c.archived],
            "archived": [c for c in categories if c.archived],
            "can_manage": request.user.is_coordinator and not on_closed_plan(request),
        },
    )


def _form_page(request, form, category):
    return render(
        request,
        "projects/expense_category_form.html",
        {"form": form, "category": category},
        status=400 if form.errors else 200,
    )


@coordination_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def expense_category_create(request):
    alliance = _alliance(request)
    refuse_archived(request)  # a closed plan's address reads the categories, never changes them
    form = ExpenseCategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.expense_category_create(alliance=alliance, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("La catégorie « %(name)s » est ajoutée.") % {"name": category.name})
            return redirect("projects:expense-category-list")
    return _form_page(request, form, None)


@coordination_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def expense_category_update(request, pk):
    refuse_archived(request)
    category = get_object_or_404(ExpenseCategory.objects.for_alliance(_alliance(request).pk), pk=pk)
    form = ExpenseCategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_category_update(category=category, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("La catégorie est modifiée."))
            return redirect("projects:expense-category-list")
    category.refresh_from_db()
    return _form_page(request, form, category)
