"""The small helpers every app's services and views share: one e-mail sender, one way to show a service's error."""

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from asis.forms import add_service_error
from asis.mail import send_after_commit


@pytest.mark.django_db
def test_an_email_leaves_once_to_each_address_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_after_commit(to=["b@example.org", "", "a@example.org", "b@example.org"], subject="Objet", body="Texte")
        assert mail.outbox == []  # not before the commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.org", "b@example.org"]
    assert (mail.outbox[0].subject, mail.outbox[0].body) == ("Objet", "Texte")


@pytest.mark.django_db(transaction=True)
def test_no_email_for_a_change_that_was_rolled_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_after_commit(to=["a@example.org"], subject="Objet", body="Texte")
        raise RuntimeError
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_email_without_an_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_after_commit(to=["", ""], subject="Objet", body="Texte")
    assert callbacks == [] and mail.outbox == []


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_service_error_on_a_field_of_the_form_shows_on_that_field():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    add_service_error(form, ValidationError({"name": "Ce nom est déjà pris."}))
    assert form.errors == {"name": ["Ce nom est déjà pris."]}


def test_a_service_error_on_a_field_the_form_lacks_shows_on_the_whole_form():
    # Django's own form.add_error(None, error) raises ValueError here: the page would answer 500.
    form = NameForm({"name": "x"})
    assert form.is_valid()
    add_service_error(form, ValidationError({"plan": "Aucun plan.", NON_FIELD_ERRORS: "Déjà archivé."}))
    assert form.non_field_errors() == ["Aucun plan.", "Déjà archivé."]
    assert "name" not in form.errors


def test_a_service_error_without_a_field_shows_on_the_whole_form():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    add_service_error(form, ValidationError("Ce lieu de concertation est déjà archivé."))
    assert form.non_field_errors() == ["Ce lieu de concertation est déjà archivé."]
