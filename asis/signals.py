"""Signals of the project package to the apps above it, for what the floor cannot name (it imports no domain app)."""

from django.dispatch import Signal

# Sent after a restore (asis.backup) replaced the database, with `using`: what was cached from the data before it
# must not be found again (plans.versions moves every plan's version past those of the restored data).
database_restored = Signal()

# Sent inside the transaction that changed what names an organisation (its name or its acronym), with
# `organisation_id`: the figures cached with its name (a theme's seats and projects, the bilan's lines,
# the envelope's commitments) must not be found again once it commits (plans.versions moves every plan's version: a
# name shows in the pages of any alliance it works in).
organisation_renamed = Signal()
