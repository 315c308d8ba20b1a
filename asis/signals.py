"""Signals of the project package to the apps above it, for what the floor cannot name (it imports no domain app)."""

from django.dispatch import Signal

# Sent after a restore (asis.backup) replaced the database, with `using`: what was cached from the data before it
# must not be found again (plans.versions moves every plan's version past those of the restored data).
database_restored = Signal()
