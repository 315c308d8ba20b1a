"""Reads of the budget, one module per subject: envelope, targets (with the forecast and the charts),
agreements, ledger (history, balances as at a date, totals check) and one project's budget."""
