"""Every text a person types is bounded (issue 15: a comment of 2 MiB was accepted and stored).

The bounds are named once in asis/forms.py (COMMENT_MAX_LENGTH, LONG_TEXT_MAX_LENGTH); this walks every
form class of the portal, so a new unbounded text field fails here the day it is written."""

import importlib

import pytest
from django import forms

PROJECT_APPS = (
    "asis",
    "organisations",
    "alliances",
    "privacy",
    "plans",
    "chantiers",
    "projects",
    "budget",
    "bilan",
    "succession",
)


def project_form_classes() -> list[type]:
    for app in PROJECT_APPS:
        for module in ("forms", "admin"):
            try:
                importlib.import_module(f"{app}.{module}")
            except ModuleNotFoundError:
                pass
    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS and hasattr(cls, "base_fields"):
            found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_the_walk_finds_the_forms_it_should():
    names = {cls.__qualname__ for cls in project_form_classes()}
    assert {
        "ProjectCommentForm",
        "ProjectForm",
        "MeetingUpdateForm",
        "ReportForm",
        "CommitmentReductionForm",
        "SignupPersonForm",
    } <= names


def test_every_text_field_of_every_form_is_bounded():
    unbounded = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in project_form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert not unbounded, "text fields without max_length:\n" + "\n".join(unbounded)


@pytest.mark.django_db
def test_every_text_field_of_the_admin_is_bounded(rf, cast):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = (
        cast.staff
        if cast.staff.is_superuser
        else type(cast.staff).objects.create_superuser("root", "root@example.org", "x")
    )
    unbounded = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        form = model_admin.get_form(request)
        # Django's own fields (the user admin's passwords) and the audit's JSON (read-only) are not typed texts.
        django_own = {
            name
            for base in form.__mro__
            if base.__module__.startswith("django.")
            for name in getattr(base, "declared_fields", {})
        }
        for name, field in form.base_fields.items():
            if name in django_own or isinstance(field, forms.JSONField):
                continue
            if isinstance(field, forms.CharField) and field.max_length is None:
                unbounded.append(f"{model._meta.label}.{name}")
    assert not unbounded, "admin text fields without max_length:\n" + "\n".join(unbounded)
