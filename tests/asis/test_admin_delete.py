"""Nothing that money or history hangs on is deleted from the admin: organisations and spaces are
archived, memberships and seats ended; any other delete that would hit other rows is refused with a
French message (never a 500 from the database's ProtectedError)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from asis.admin import GuardedDeleteMixin, GuardedInlineFormSet
from chantiers.models import Attendance, Decision, FollowUp, Meeting, Space
from organisations.models import Membership, Organisation, User
from plans.models import PlanYear
from tests import factories as f
from tests.admin_forms import admin_post_data


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin-test", "admin@example.org", "x")


def test_every_admin_refuses_a_delete_that_would_hit_other_rows(db):
    """A new ModelAdmin or inline that deletes without the guard fails here."""
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    unguarded = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {
            "organisations",
            "alliances",
            "privacy",
            "plans",
            "chantiers",
            "projects",
            "budget",
        }:
            continue
        if model_admin.has_delete_permission(request) and not isinstance(model_admin, GuardedDeleteMixin):
            unguarded.append(type(model_admin).__name__)
        for inline in model_admin.get_inline_instances(request):
            if (
                inline.can_delete
                and inline.has_delete_permission(request)
                and not issubclass(inline.formset, GuardedInlineFormSet)
            ):
                unguarded.append(f"{type(model_admin).__name__}.{type(inline).__name__}")
    assert not unguarded


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Organisation, Space, Membership])
def test_organisations_spaces_and_memberships_cannot_be_deleted_in_the_admin(client, superuser, model):
    obj = {
        Organisation: lambda: f.make_organisation(),
        Space: lambda: f.make_space(),
        Membership: lambda: f.make_user(organisation=f.make_organisation()).memberships.get(),
    }[model]()
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[obj.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_a_meeting_with_attendance_is_not_deleted_and_the_page_says_why(client, superuser, cast):
    meeting = f.make_meeting(f.make_space())
    Attendance.objects.create(meeting=meeting, user=cast.alice, organisation=cast.org_a, present=True)
    client.force_login(superuser)
    url = reverse("admin:chantiers_meeting_delete", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["protected"]  # Django's page lists what hangs on it and offers no confirmation
    assert "Présence" in page.content.decode() or "présence" in page.content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 200
    assert Meeting.objects.filter(pk=meeting.pk).exists() and Attendance.objects.filter(meeting=meeting).exists()


@pytest.mark.django_db
def test_the_bulk_delete_action_refuses_too(client, superuser, cast):
    lone = f.make_meeting(f.make_space())
    attended = f.make_meeting(f.make_space())
    Attendance.objects.create(meeting=attended, user=cast.alice, present=True)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:chantiers_meeting_changelist"),
        {"action": "delete_selected", "_selected_action": [lone.pk, attended.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert Meeting.objects.filter(pk__in=[lone.pk, attended.pk]).count() == 2


@pytest.mark.django_db
def test_a_lone_row_is_still_deleted(client, superuser):
    meeting = f.make_meeting(f.make_space())
    client.force_login(superuser)
    response = client.post(reverse("admin:chantiers_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.django_db
def test_an_inline_delete_of_a_decision_with_follow_ups_is_refused_in_french(client, superuser):
    meeting = f.make_meeting(f.make_space(), place="Salle du conseil")
    decision = Decision.objects.create(meeting=meeting, text="Créer un comité")
    FollowUp.objects.create(decision=decision, what="Écrire le mandat")
    client.force_login(superuser)
    url = reverse("admin:chantiers_meeting_change", args=[meeting.pk])
    data = admin_post_data(client.get(url))
    data[next(k for k in data if k.endswith("-0-id") and k.startswith("decisions"))] = str(decision.pk)
    data[next(k for k in data if k.endswith("-0-id") and k.startswith("decisions")).replace("-id", "-DELETE")] = "on"
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, not a 500
    text = response.content.decode()
    assert "Écrire le mandat" in text and "protégés" in text  # Django's own message names the follow-up
    assert Decision.objects.filter(pk=decision.pk).exists()


@pytest.mark.django_db
def test_an_inline_delete_of_a_plan_year_with_commitments_is_refused(client, superuser, cast, plan, theme):
    from projects.models import ProjectStatus

    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    year = f.plan_year(plan, 2)
    f.commit(
        source=f.make_source(plan),
        project=project,
        amount=Decimal("500.00"),
        year=year,
        decided_on=datetime.date(2014, 6, 1),
    )
    client.force_login(superuser)
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    data = admin_post_data(client.get(url))
    prefix = next(k for k, v in data.items() if k.endswith("-id") and v == str(year.pk) and k.startswith("years"))
    data[prefix.replace("-id", "-DELETE")] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "protégés" in response.content.decode()
    assert PlanYear.objects.filter(pk=year.pk).exists()


@pytest.mark.django_db
def test_an_inline_delete_that_would_cascade_is_refused_with_a_french_message(cast):
    from django.forms import inlineformset_factory

    space = f.make_space()
    meeting = f.make_meeting(space)
    Attendance.objects.create(meeting=meeting, user=cast.alice, present=True)
    formset_class = inlineformset_factory(
        Space, Meeting, formset=GuardedInlineFormSet, fields=["date"], can_delete=True, extra=0
    )
    data = {
        "meetings-TOTAL_FORMS": "1",
        "meetings-INITIAL_FORMS": "1",
        "meetings-MIN_NUM_FORMS": "0",
        "meetings-MAX_NUM_FORMS": "1000",
        "meetings-0-id": str(meeting.pk),
        "meetings-0-date": "2014-05-01",
        "meetings-0-DELETE": "on",
    }
    formset = formset_class(data, instance=space)
    assert not formset.is_valid()
    assert "ne peut pas être supprimé" in formset.non_form_errors()[0]
    assert Meeting.objects.filter(pk=meeting.pk).exists()
