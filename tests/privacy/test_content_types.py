"""privacy/0001 moves the content types of the models it takes from the organisations app, in place: the
permissions, the groups granted them and the admin's log entries keep pointing at the same rows."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from organisations.roles import PERSONNEL

pytestmark = pytest.mark.django_db

migration = import_module("privacy.migrations.0001_initial")


def test_the_content_types_move_with_their_permissions_grants_and_log(cast):
    types = ContentType.objects.filter(app_label="privacy", model__in=migration.MODELS)
    ids = dict(types.values_list("model", "pk"))
    assert set(ids) == set(migration.MODELS)
    entry = LogEntry.objects.create(
        user=cast.coordinator, content_type_id=ids["consent"], object_id="1", object_repr="x", action_flag=CHANGE
    )
    # A database made before the move: the same rows, under the organisations app.
    migration.content_types_to_organisations(apps, None)
    ContentType.objects.clear_cache()
    assert (
        dict(
            ContentType.objects.filter(app_label="organisations", model__in=migration.MODELS).values_list("model", "pk")
        )
        == ids
    )

    migration.content_types_to_privacy(apps, None)
    ContentType.objects.clear_cache()
    assert (
        dict(ContentType.objects.filter(app_label="privacy", model__in=migration.MODELS).values_list("model", "pk"))
        == ids
    )
    view_consent = Permission.objects.get(content_type__app_label="privacy", codename="view_consent")
    assert view_consent.content_type_id == ids["consent"]
    assert Group.objects.get(name=PERSONNEL).permissions.filter(pk=view_consent.pk).exists()
    entry.refresh_from_db()
    assert entry.content_type_id == ids["consent"]


def test_on_a_new_database_there_is_nothing_to_move():
    before = list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model"))
    migration.content_types_to_privacy(apps, None)
    assert list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model")) == before
