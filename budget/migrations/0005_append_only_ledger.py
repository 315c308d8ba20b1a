"""The ledger is append-only, enforced by PostgreSQL itself.

A BEFORE UPDATE OR DELETE trigger on every ledger table refuses DELETE, and refuses UPDATE
unless only the columns allowed on that table changed:

- budget_commitment: the running totals reduced_total and disbursed_total;
- budget_disbursement: the running total correction_total;
- budget_plannedpayment: disbursement_id once (while it is NULL), cancelled_on and
  cancel_reason once (while cancelled_on is NULL);
- every other ledger table: nothing.

Each row is compared as JSON without the allowed columns. TRUNCATE (the test runner's flush)
fires no row trigger. SQLite gets no trigger: the services and the admin are its only writers.

First, the commitment's CHECK rounds `amount − reduced_total` to the cent: SQLite subtracts in
binary floating point, and refused to cancel what was left of 500,00 $ after paying 124,27 $
(500,00 − 375,73 = 124,26999…). Found by tests/budget/test_ledger_properties.py.
"""

import django.db.models.expressions
import django.db.models.functions.math
from django.db import migrations, models

# table -> columns an UPDATE may change at any time
TABLES = {
    "budget_commitment": ["reduced_total", "disbursed_total"],
    "budget_commitmentreduction": [],
    "budget_disbursement": ["correction_total"],
    "budget_disbursementcorrection": [],
    "budget_agreement": [],
    "budget_plannedpayment": [],  # set-once columns: in the function below
    "budget_budgettarget": [],
    "budget_targetmove": [],
}

FUNCTION = """
CREATE OR REPLACE FUNCTION budget_ledger_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    allowed text[] := COALESCE(TG_ARGV, ARRAY[]::text[]);
    old_row jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Le registre budgétaire ne s''efface pas : % (id %) ne peut être supprimé; enregistrez une correction.',
            TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    old_row := to_jsonb(OLD);
    IF TG_TABLE_NAME = 'budget_plannedpayment' THEN
        IF old_row ->> 'disbursement_id' IS NULL THEN
            allowed := allowed || ARRAY['disbursement_id'];
        END IF;
        IF old_row ->> 'cancelled_on' IS NULL THEN
            allowed := allowed || ARRAY['cancelled_on', 'cancel_reason'];
        END IF;
    END IF;
    IF (to_jsonb(NEW) - allowed) IS DISTINCT FROM (old_row - allowed) THEN
        RAISE EXCEPTION 'Le registre budgétaire ne se modifie pas : % (id %) ne change que par une nouvelle écriture.',
            TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;
"""


def _arguments(columns):
    return ", ".join(f"'{column}'" for column in columns)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, columns in TABLES.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION budget_ledger_append_only({_arguments(columns)})"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS budget_ledger_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0004_ledger_agreements_targets"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="commitment",
            name="budget_commitment_not_overdisbursed",
        ),
        migrations.AddConstraint(
            model_name="commitment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("disbursed_total__gte", 0),
                    ("reduced_total__gte", 0),
                    (
                        "disbursed_total__lte",
                        django.db.models.functions.math.Round(
                            django.db.models.expressions.CombinedExpression(models.F("amount"), "-", models.F("reduced_total")), 2
                        ),
                    ),
                ),
                name="budget_commitment_not_overdisbursed",
                violation_error_message="Les versements dépasseraient le montant engagé.",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
