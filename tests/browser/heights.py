"""The tallest working page of each role (issue 23), measured by the walks over every page: at 1280 px with axe
(tests/browser/test_every_page_axe.py), at 375 px on a phone (tests/browser/test_every_page_on_a_phone.py). The user
guide (/aide/) is a document read end to end, long by nature: the working pages are measured."""

import os

# The tallest working page of each role, at most (px), as measured with MEASURES=1 plus a small margin; the bilan is
# the tallest of every role that reads it. At 375 px it was 20 581 px for Coordination before the phone cards were
# made compact (secondary columns folded into « Détails », short lines paired).
TALLEST = {
    # the bilan, the tallest page of Personnel and Coordination, holds issue 20's « Durabilité » and the resolution
    # under each amount committed: 7 449 and 7 558 px measured (the bounds were 7 200 and 7 300); with issue 21's
    # shared indicators and concertation's contribution, each folded to its summary: 7 549 and 7 657 px. The
    # partner's tallest, the project form, gives each indicator its shared indicator: 4 623 px (the bound was 4 500)
    1280: {"anonymous": 2300, "partenaire": 4700, "partenaire2": 4000, "personnel": 7700, "coordination": 7800},
    # at 375 px partenaire2's tallest is the bilan too: 7 502 px with the resolutions under its amounts (bound 7 500),
    # 7 608 with issue 21's; Personnel's and Coordination's bilans 17 333 and 17 536 px with issue 21's two folded
    # sections (the bounds were 17 000 and 17 200)
    375: {"anonymous": 4700, "partenaire": 9400, "partenaire2": 7800, "personnel": 17500, "coordination": 17700},
}


def report(name, figures):
    if os.environ.get("MEASURES") == "1":
        print(f"\nMEASURE {name}: {figures}")  # noqa: T201 (the figures the issue note quotes, asked for by MEASURES=1)


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def measured(target) -> bool:
    """A working page (not the user guide)."""
    return not target.url.startswith("/aide/")


def too_tall(heights: dict, width: int) -> list[str]:
    """What the tallest page of each role (`heights`: role → [(height, url)]) says against its bound at `width`."""
    tallest = {role: sorted(pages, reverse=True)[:3] for role, pages in heights.items()}
    report(f"tallest pages per role at {width} px", tallest)
    failures = [f"no page measured for {role}" for role in TALLEST[width] if role not in tallest]
    for role, ((tall, url), *_others) in tallest.items():
        bound = TALLEST[width][role]
        if tall > bound:
            failures.append(f"{role}: {url} is {tall} px tall at {width} px, bound {bound} px")
    return failures
