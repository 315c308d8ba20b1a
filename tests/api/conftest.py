import pytest

from alliances.models import Alliance
from api.services import token_issue
from organisations.models import User
from tests.demo_snapshot import load_asis_and_demo

ASIS = "rouyn-noranda"
SECOND = "temiscamingue"


@pytest.fixture
def demo(db):
    load_asis_and_demo()


@pytest.fixture
def issue(demo):
    """issue(alliance_slug, role) → the secret of a new token of that alliance and role, issued by its Coordination
    (`coordination` for ASIS, `coordination2` for Témiscamingue)."""

    def _issue(slug, role, **kwargs):
        alliance = Alliance.objects.get(slug=slug)
        coordinator = User.objects.get(username="coordination" if slug == ASIS else "coordination2")
        coordinator.bind_alliance(alliance)
        _token, secret = token_issue(alliance=alliance, role=role, name=f"{slug} {role}", by=coordinator, **kwargs)
        return secret

    return _issue


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
