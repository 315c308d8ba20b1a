"""The succession's pages are valid HTML (the Nu Html Checker, as tests/test_html_valid.py runs it on the demo):
the next plan's form with its preview, its confirmation, the form with a refusal, and a closed plan's frozen bilan
(the demo's closed plan has none)."""

import pytest

from succession.models import FrozenBilan
from tests.succession.test_frozen_bilan_views import address
from tests.succession.test_succession_views import addresses, posted_by_the_confirmation, the_form
from tests.test_html_valid import _java, vnu_errors

pytestmark = pytest.mark.django_db


def test_the_pages_are_valid_html(client, closed, tmp_path):
    java = _java()
    client.force_login(closed.by)
    next_page = addresses(closed.plan).next
    pages = {"form": client.get(next_page), "confirmation": client.post(next_page, the_form(closed))}
    refused = posted_by_the_confirmation(pages["confirmation"])
    refused.update(etape="confirmer", themes=[str(closed.t2.pk)])
    pages["refused"] = client.post(next_page, refused)
    pages["frozen"] = client.get(address(closed.plan))
    for name, response in pages.items():
        assert response.status_code == 200, name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert "alert-danger" in pages["refused"].content.decode()
    assert FrozenBilan.objects.count() == 1

    errors = vnu_errors(tmp_path, java)
    assert not errors, "\n".join(f"{name}: {lines}" for name, lines in errors.items())
