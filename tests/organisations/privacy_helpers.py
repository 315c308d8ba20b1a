"""What the privacy tests share besides their fixture (the `trail`, in tests/organisations/conftest.py):
the coordination pages and the URL arguments of a person."""

from organisations import privacy

# The coordination pages (kind and pk filled by `person_urls`): every one is Coordination's only.
COORDINATION_PAGES = [
    ("organisations:privacy-request-list", None),
    ("organisations:privacy-person-search", None),
    ("organisations:incident-list", None),
    ("organisations:incident-create", None),
    ("organisations:privacy-person-detail", "citizen"),
    ("organisations:privacy-person-detail", "user"),
    ("organisations:privacy-export-json", "citizen"),
    ("organisations:privacy-export-csv", "user"),
    ("organisations:privacy-person-rectify", "citizen"),
    ("organisations:privacy-person-erase", "user"),
]


def person_kwargs(trail, who):
    if who is None:
        return {}
    person = trail.citizen if who == "citizen" else trail.user
    return {"kind": privacy.url_kind(person), "pk": person.pk}
