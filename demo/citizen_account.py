"""The demo's citizen with their own account (issue 21, part 5): Amélie Tremblay, seated at the early-childhood table
(its next meeting is in two weeks: demo/data.py UPCOMING_MEETINGS), consented to an account, which Coordination
offered and she activated: login `citoyen`. Loaded before the meetings avoided (demo/avoided.py), whose written
consultation of that table then asks her seat too: she has an open consultation to answer."""

from chantiers.models import Space
from chantiers.services_citizen import account_token, citizen_account_accept
from demo.facilitators import FACILITATED_SPACE
from organisations.models import Citizen
from privacy.models import Consent, ConsentPurpose
from privacy.services import consent_give

LOGIN = "citoyen"
CITIZEN = {"first_name": "Amélie", "last_name": "Tremblay"}


def demo_login() -> tuple[str, str, str]:
    """(login, role, where) as `demo.data.demo_logins` lists them."""
    return LOGIN, "Citoyen", f"{CITIZEN['first_name']} {CITIZEN['last_name']}, {FACILITATED_SPACE}"


def load(password: str, coordinator) -> None:
    """Her consent and her account, once; a second load resets the password (as the other demo logins')."""
    space = Space.objects.get(name=FACILITATED_SPACE, is_demo=True)
    citizen = Citizen.objects.select_related("user").get(
        is_demo=True, space_memberships__space=space, space_memberships__left_on__isnull=True, **CITIZEN
    )
    consent_give(person=citizen, purpose=ConsentPurpose.ACCESS, source=Consent.Source.COORDINATION, by=coordinator)
    if citizen.user is None:
        citizen_account_accept(token=account_token(citizen), username=LOGIN, password=password)
        return
    user = citizen.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
