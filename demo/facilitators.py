"""The demo's facilitators (issue 20, part 5): the `partenaire` login (Julie Perron, of the family organisation)
runs the meetings of the early-childhood table her organisation leads. The authorization matrix opens this space as
« space facilitated by partenaire »; its object « space » is another space, where she does not sit."""

import datetime

from chantiers.models import Space, SpaceFacilitator
from chantiers.services import facilitator_name
from organisations.models import User

FACILITATED_SPACE = "Table petite enfance des Collines (démo)"
FACILITATOR = "partenaire"
SINCE = datetime.date(2015, 9, 1)


def load(users: dict[str, User]) -> None:
    """Name the facilitator once (a second load finds the open row and adds none)."""
    space = Space.objects.get(name=FACILITATED_SPACE, is_demo=True)
    user = users[FACILITATOR]
    if not SpaceFacilitator.objects.current().filter(space=space, user=user).exists():
        facilitator_name(space=space, user=user, by=users.get("coordination"), since=SINCE)
