"""The demo's board resolutions (issue 20, part 2): a few of ASIS's, recorded with their quorum, the members
present, the citizens present (a count) and one recusal, before the demo's money is committed; every demo
commitment and move then points to its resolution (demo/data.py `_commit`, `_move_targets`: a number the demo does
not detail here is recorded with its number and date alone, as a board decision on a project records it)."""

import datetime

from projects.models import Resolution
from projects.services.resolutions import resolution_create, resolution_for_number

D = datetime.date

BOARD = [
    "Marie Gagnon (présidence)",
    "Louis Bergeron",
    "Chantal Ouellet",
    "Nathalie Dubé",
    "Pierre Rivard",
    "Sylvie Lachance",
    "Jacques Bélanger",
]

RESOLUTIONS = [
    {
        "number": "CA-2014-04-02",
        "decided_on": D(2014, 4, 16),
        "subject": "Engagements de l'enveloppe 2014-2015 envers les projets acceptés en avril 2014.",
        "quorum": 5,
        "members_present": BOARD,
        "citizens_present": 3,
        "conflicts": [
            {
                "person": "Chantal Ouellet",
                "organisation": "Maison de la famille de Rouyn-Noranda",
                "concerns": "Projet porté par son organisme",
                "recused": True,
            }
        ],
    },
    {
        "number": "CA-2014-04-15",
        "decided_on": D(2014, 4, 15),
        "subject": "Report à 2014-2015 de ce que la première année a laissé non engagé.",
        "quorum": 5,
        "members_present": BOARD[:6],
        "citizens_present": 2,
    },
    {
        "number": "CA-2014-08-01",
        "decided_on": D(2014, 8, 20),
        "subject": "Engagements de l'enveloppe envers les projets acceptés en août 2014.",
        "quorum": 5,
        "members_present": BOARD[:5],
        "citizens_present": 1,
    },
    {
        "number": "CA-2014-09-10",
        "decided_on": D(2014, 9, 10),
        "subject": "Réaffectation de la cible du chantier logement vers l'insertion en emploi.",
        "quorum": 5,
        "members_present": BOARD,
        "citizens_present": 4,
    },
]


def load(alliance, by) -> None:
    """Record the detailed resolutions of `alliance` (once: a number already recorded is left as it is)."""
    for spec in RESOLUTIONS:
        if Resolution.objects.filter(alliance=alliance, number=spec["number"]).exists():
            continue
        resolution_create(alliance=alliance, by=by, **{**spec, "members_present": "\n".join(spec["members_present"])})


def of_number(alliance_id: int, number: str, decided_on: datetime.date, by=None) -> Resolution:
    """The alliance's resolution of this number (recorded with its number and date alone when not detailed)."""
    return resolution_for_number(alliance_id=alliance_id, number=number, decided_on=decided_on, by=by)
