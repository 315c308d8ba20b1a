"""The accountability report (bilan): one read of the three domain apps for a period, returned as
frozen dataclasses that the page and every export (CSV, XLSX; later PDF and DOCX) render as they are.

`build_bilan` costs a fixed number of queries whatever the number of projects, reports and
meetings (the comment beside each query says what it reads; tests/bilan/test_bilan_queries.py).
Its figures are SQL aggregates (GROUP BY, filtered counts and sums, subqueries): no
project is read into Python for them, only the lines of the page shown; the exports read every
line, a chunk at a time, through `Bilan.lines()`.

One module per subject: `period`, `bilan` (what a bilan holds), `build` (`build_bilan`), `lines`
(the project lines), `figures` (the SQL aggregates), `open_data`; `_common` holds their small shared helpers.

The rules, written once here:

- **Period**: a plan year (1 April–31 March), the whole plan, or any dates; both ends included.
- **Projects in the bilan**: those of the plan the user may see in a bilan (Coordination and
  Personnel: all; a partner: only those its organisations lead or are partners of) that match the
  filters and were active in the period: their dates or plan years overlap it, or money was
  committed, paid or corrected, or a report covered part of it.
- **Committed** in the period = Σ (Commitment.amount − reduced_total) of the commitments *decided*
  in the period (a reduction counts against its commitment, whenever it was made).
- **Disbursed** in the period = Σ Disbursement.amount of the payments *paid* in the period
  + Σ DisbursementCorrection.delta of the corrections *dated* in the period. Over the whole plan
  this is Σ (amount + correction_total), i.e. the sources' running `disbursed_total`.
- **Left to commit** (per source) = the source's amount − everything committed to it (every
  project, every user) decided up to the end of the period.
- **Latest** percent done, people and citizens reached, and indicator values: those of the
  report with the latest `period_end` on or before the end of the period (reports are cumulative).
- **Highlights**: the `highlights` of the reports whose `period_end` falls in the period.
- **Citizens taking part**: Attendance rows with a citizen, marked present, at meetings held in
  the period (held = dated in the period and before today); counted as rows and as distinct citizens.
- **On track**: an indicator's latest value ≥ its target; a project is on track when all its
  indicators with a target are.
"""
