"""Writes of the action projects, one module per subject: a project's status (`status`), the partners'
intentions and drafts, their partners and filing (`filing`), the review (`review`), the reports and their
attachments (`reports`) and the reminders of reports due (`reminders`)."""
