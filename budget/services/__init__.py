"""Writes of the budget, one module per subject: the ledger (commitments, disbursements, reductions,
corrections), the targets and the agreements. Every write of money goes through here."""
