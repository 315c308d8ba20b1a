"""Project-wide guards: migrations in step, production settings clean, every model in the admin in French."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_APPS = ("organisations", "alliances", "privacy", "plans", "chantiers", "projects", "budget", "succession")


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _production_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update({"DEBUG": "0", "ALLOWED_HOSTS": "asis.example.org", "DJANGO_SETTINGS_MODULE": "asis.settings"})
    env.update(extra)
    return env


def test_check_deploy_is_clean_under_production_settings():
    env = _production_env(SECRET_KEY="x" * 20 + "-production-secret-from-the-environment-" + "y" * 20)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_every_domain_model_is_in_the_admin_with_a_french_name():
    for app_label in DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if hasattr(model, "instance_type"):
                continue  # a history table (django-simple-history): read in its model's admin and at /historique/
            if model._meta.label == "plans.PlanVersion":
                continue  # the figures cache's version of a plan (plans.versions): moved by writes, edited by no one
            assert admin.site.is_registered(model), f"{model._meta.label} is not in the admin"
            assert str(model._meta.verbose_name) and str(model._meta.verbose_name_plural)


@pytest.mark.django_db
def test_every_admin_list_and_add_page_opens_for_coordination(client, cast, rf):
    client.force_login(cast.coordinator)
    request = rf.get("/admin/")
    request.user = cast.coordinator
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(base)
        assert response.status_code == 200, f"changelist of {model._meta.label}: {response.status_code}"
        assert 'lang="fr-ca"' in response.content.decode().lower()
        if model_admin.has_add_permission(request):
            assert client.get(base + "add/").status_code == 200, f"add page of {model._meta.label}"
