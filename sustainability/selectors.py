"""The reads of the follow-ups after funding: a page's checks; the « Durabilité » section of the bilan (read with its
tallies: bilan.selectors.build._tallies)."""

from dataclasses import dataclass

FUNDERS_SHOWN = 20  # the funders named, on the bilan (each distinct wording once)


@dataclass(frozen=True)
class Durability:
    """The bilan's « Durabilité »: the checks due in the period and what their answers say."""

    due: int
    answered: int
    late: int
    continues_yes: int
    continues_partly: int
    continues_no: int
    funders: tuple[str, ...]

    @property
    def awaited(self) -> int:
        return self.due - self.answered


def check_list(request_checks):
    """The checks of a page, newest due first, with their project and lead (one query)."""
    return request_checks.select_related("project__lead").order_by("-due_on", "project__title", "pk")
