import pytest
from django.core.management import call_command
from django.test import override_settings

from organisations.models import User


@pytest.fixture
def demo(db):
    """The ASIS reference data and the demo (four logins), as `make run` loads them."""
    call_command("load_asis")
    with override_settings(DEBUG=True):
        call_command("load_demo")


@pytest.fixture
def demo_client(client, demo):
    """demo_client("personnel") is the test client logged in as that demo login."""

    def _as(username):
        client.force_login(User.objects.get(username=username))
        return client

    return _as
