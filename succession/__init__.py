"""The succession of plans: closing one (its final bilan frozen as a dated document) and starting the next (what
it carries of the closed one: themes, spaces, criteria, targets, ongoing projects and their money, roles)."""
