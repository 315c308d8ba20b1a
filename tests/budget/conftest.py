"""Fixtures of the budget tests: a small ledger with known dates and amounts, shared by the history and
« as at » tests.

Source A (10 000 $) and source B (5 000 $); P1 led by organisation A, P2 by organisation B.
  2014-06-01  C1  A → P1  3 000,00        2014-09-15  X1  D1 +250,50
  2014-07-15  C2  B → P2  2 000,00        2014-10-01  D2  C2 1 999,99
  2014-08-01  D1  C1      1 000,00        2014-11-01  X2  D2 −0,99
  2014-09-01  R1  C1        −500,00       2015-01-10  K2  C2 cancelled (1,00 left)
"""

import datetime
from types import SimpleNamespace

import pytest

from budget.services import ledger as ledger_services
from projects.models import ProjectStatus
from tests import factories as f

D = datetime.date


@pytest.fixture
def ledger(plan, cast, theme):
    a = f.make_source(plan, amount="10000.00", name="Source A", order=1)
    b = f.make_source(plan, amount="5000.00", name="Source B", order=2)
    p1 = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Projet P1")
    p2 = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Projet P2")
    by = cast.coordinator
    c1 = f.commit(source=a, project=p1, amount="3000.00", decided_on=D(2014, 6, 1), by=by)
    c2 = f.commit(source=b, project=p2, amount="2000.00", decided_on=D(2014, 7, 15), by=by)
    d1 = ledger_services.disbursement_create(
        commitment=c1, amount="1000.00", paid_on=D(2014, 8, 1), reference="Chèque 101", by=by
    )
    r1 = ledger_services.commitment_reduce(
        commitment=c1,
        amount="500.00",
        reduced_on=D(2014, 9, 1),
        reason="Budget revu à la baisse",
        by=by,
        resolution=f.board(c1),
    )
    x1 = ledger_services.disbursement_correct(
        disbursement=d1, delta="250.50", corrected_on=D(2014, 9, 15), reason="Chèque mal saisi", by=by
    )
    d2 = ledger_services.disbursement_create(commitment=c2, amount="1999.99", paid_on=D(2014, 10, 1), by=by)
    x2 = ledger_services.disbursement_correct(
        disbursement=d2, new_amount="1999.00", corrected_on=D(2014, 11, 1), reason="Frais bancaires", by=by
    )
    k2 = ledger_services.commitment_reduce(
        commitment=c2,
        amount=None,
        reduced_on=D(2015, 1, 10),
        reason="Projet terminé",
        cancel=True,
        by=by,
        resolution=f.board(c2),
    )
    return SimpleNamespace(plan=plan, a=a, b=b, p1=p1, p2=p2, c1=c1, c2=c2, d1=d1, d2=d2, r1=r1, x1=x1, x2=x2, k2=k2)
