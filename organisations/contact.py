"""Whether a member's contact details show to the rest of their organisation.

Law 25: a member's contact details are Coordination's, unless the member agreed to show them. That agreement is a
consent, kept by the privacy app, which sits above this one: privacy hands over the annotation that reads it when
Django starts (`privacy.apps`), so the organisation's page reads it in the same query as its members without
importing privacy. Without it, nobody's details show beyond Coordination and the member themself.
"""

from collections.abc import Callable

from django.db.models import BooleanField, Expression, Value

_contact_shared: Callable[[str], Expression] | None = None


def contact_shared_register(annotation: Callable[[str], Expression]) -> None:
    """`annotation(user_ref)`: has the user at `user_ref` agreed to show their contact details to their organisation?"""
    global _contact_shared
    _contact_shared = annotation


def contact_shared(user_ref: str = "user") -> Expression:
    if _contact_shared is None:
        return Value(False, output_field=BooleanField())
    return _contact_shared(user_ref)
