"""Reads of the action projects, one module per subject: filing (what a draft still lacks), reports (who may
file which report, the project page's reports section, late reports) and look-alike projects (`similar`)."""
