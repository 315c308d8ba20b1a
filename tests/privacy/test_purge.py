"""`purge_personal_data`: anonymises people past their retention period, logs each, and --dry-run changes nothing."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from chantiers.models import Attendance, SpaceCitizen
from organisations.models import Citizen, Membership, User
from privacy import policy
from privacy.models import PrivacyAction
from tests import factories as f


def _ago(years, days=0):
    return timezone.localdate() - datetime.timedelta(days=365 * years + days)


def _people(cast, theme):
    space = f.make_space(themes=[theme])
    old_meeting = f.make_meeting(space, date=_ago(policy.CITIZEN_INACTIVE_YEARS, days=30))
    recent_meeting = f.make_meeting(space, date=_ago(1))
    gone = f.make_citizen(first_name="Gaston", last_name="Ancien", email="gaston@example.org")
    Attendance.objects.create(meeting=old_meeting, citizen=gone)
    SpaceCitizen.objects.create(space=space, citizen=gone, joined_on=_ago(6), left_on=_ago(5))
    active = f.make_citizen(first_name="Aline", last_name="Présente")
    Attendance.objects.create(meeting=recent_meeting, citizen=active)
    seated = f.make_citizen(first_name="Sylvie", last_name="Assise")
    SpaceCitizen.objects.create(space=space, citizen=seated, joined_on=_ago(8))
    Citizen.objects.filter(pk__in=[gone.pk, active.pk, seated.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=365 * 9)
    )
    left = f.make_user("parti", organisation=cast.org_b, first_name="Paul", last_name="Parti", email="paul@example.org")
    Membership.objects.filter(user=left).update(joined_on=_ago(9), left_on=_ago(policy.USER_INACTIVE_YEARS, days=10))
    User.objects.filter(pk__in=[left.pk, cast.bob.pk, cast.coordinator.pk]).update(
        date_joined=timezone.now() - datetime.timedelta(days=365 * 9), last_login=None
    )
    return gone, active, seated, left


def test_dry_run_changes_nothing(cast, theme):
    gone, active, seated, left = _people(cast, theme)
    before = (
        list(Citizen.objects.order_by("pk").values_list("first_name", "email")),
        list(User.objects.order_by("pk").values_list("username", "email", "is_active")),
    )
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    after = (
        list(Citizen.objects.order_by("pk").values_list("first_name", "email")),
        list(User.objects.order_by("pk").values_list("username", "email", "is_active")),
    )
    assert after == before
    assert not PrivacyAction.objects.filter(action=PrivacyAction.Action.PURGE).exists()
    assert "1 citoyens et 1 comptes à anonymiser (essai, rien n'a changé)." in out.getvalue()
    assert f"citoyen #{gone.pk}" in out.getvalue() and f"compte #{left.pk}" in out.getvalue()


def test_the_purge_anonymises_only_people_past_their_retention(cast, theme):
    gone, active, seated, left = _people(cast, theme)
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    gone.refresh_from_db(), active.refresh_from_db(), seated.refresh_from_db(), left.refresh_from_db()
    assert gone.anonymised_at and "Gaston" not in str(gone) and gone.email == ""
    assert left.anonymised_at and not left.is_active and left.email == "" and left.username != "parti"
    assert Attendance.objects.filter(citizen=gone).count() == 1  # the count stays
    # A recent attendance, a seat still held, a current member and Coordination are kept.
    assert (active.first_name, seated.first_name) == ("Aline", "Sylvie")
    assert not User.objects.filter(pk__in=[cast.bob.pk, cast.coordinator.pk], anonymised_at__isnull=False).exists()
    entries = PrivacyAction.objects.filter(action=PrivacyAction.Action.PURGE)
    assert {(e.citizen_id, e.user_id) for e in entries} == {(gone.pk, None), (None, left.pk)}
    assert all(e.by is None and "ans" in e.summary for e in entries)
    assert "1 citoyens et 1 comptes anonymisés." in out.getvalue()
    # A second run finds no one.
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "0 citoyens et 0 comptes anonymisés." in out.getvalue()
