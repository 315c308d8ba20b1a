"""The demo's analysis committee (issue 20, part 1; demo/committee.py)."""

import pytest

from projects.models import CommitteeMember, ConflictDeclaration, MemberScore
from tests.demo_snapshot import load_asis_and_demo

pytestmark = pytest.mark.django_db


def test_the_demo_committee_has_three_members_one_recused_and_scores_by_another():
    load_asis_and_demo()
    members = CommitteeMember.objects.filter(alliance__slug="rouyn-noranda")
    assert sorted(m.display_name for m in members) == ["Karim Belkacem", "Lise Tremblay", "Robert Côté"]
    recused = ConflictDeclaration.objects.get(in_conflict=True)
    assert recused.member.name == "Lise Tremblay" and recused.prefilled  # her organisation is a partner of the project
    assert recused.review.project.title == "Jardins communautaires intergénérationnels"
    scores = MemberScore.objects.filter(member__name="Robert Côté")
    assert scores.exists() and all(s.on_behalf for s in scores)
    assert not ConflictDeclaration.objects.filter(member__user__username="partenaire2").exists()  # the journey declares
