"""Every commitment, reduction and reallocation points to the board's resolution that decides it (issue 20, part 2).

The fill makes a resolution per alliance and distinct « référence » of its commitments (the number as typed, its
date the board decision of that number when one names it, else the earliest commitment's), and one clearly
labelled reconstructed resolution per alliance (« RECONSTITUÉE ») for the commitments without a reference, every
reduction and every move (none of them carried one). Each board decision on a project points to its alliance's
resolution of its number too. The ledger is append-only on PostgreSQL (0005): its triggers are disabled for the
fill, in the migration's transaction (as 0013 did). The history's rows get their row's resolution, so that the next
change does not list it as changed. The « référence » column stays: it is what was typed, in an append-only ledger."""


import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

RECONSTRUCTED_NUMBER = "RECONSTITUÉE"
TABLES = ["budget_commitment", "budget_commitmentreduction", "budget_targetmove"]


def fill(apps, schema_editor):
    Resolution = apps.get_model("projects", "Resolution")
    BoardDecision = apps.get_model("projects", "BoardDecision")
    Commitment = apps.get_model("budget", "Commitment")
    CommitmentReduction = apps.get_model("budget", "CommitmentReduction")
    TargetMove = apps.get_model("budget", "TargetMove")
    made = {}  # (alliance_id, number) -> resolution id

    def resolution(alliance_id, number, on, *, reconstructed=False):
        key = (alliance_id, number)
        if key not in made:
            row = Resolution.objects.filter(alliance_id=alliance_id, number=number).first()
            if row is None:
                row = Resolution.objects.create(
                    alliance_id=alliance_id,
                    number=number,
                    decided_on=on,
                    is_reconstructed=reconstructed,
                    subject=(
                        "Résolution reconstituée : montants enregistrés sans numéro de résolution."
                        if reconstructed
                        else ""
                    ),
                )
            made[key] = row.pk
        return made[key]

    decisions = BoardDecision.objects.select_related("project__theme__plan").order_by("decided_on", "pk")
    decided = {}
    for decision in decisions:
        alliance_id = decision.project.theme.plan.alliance_id
        number = decision.resolution_number.strip()[:60]
        decided.setdefault((alliance_id, number), decision.decided_on)
        decision.resolution_id = resolution(alliance_id, number, decision.decided_on)
        decision.save(update_fields=["resolution"])

    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    for commitment in Commitment.objects.select_related("source__plan").order_by("decided_on", "pk"):
        alliance_id = commitment.source.plan.alliance_id
        number = commitment.reference.strip()[:60]
        if number:
            on = decided.get((alliance_id, number), commitment.decided_on)
            pk = resolution(alliance_id, number, on)
        else:
            pk = resolution(alliance_id, RECONSTRUCTED_NUMBER, commitment.decided_on, reconstructed=True)
        Commitment.objects.filter(pk=commitment.pk).update(resolution_id=pk)
    for reduction in CommitmentReduction.objects.select_related("commitment__source__plan").order_by("pk"):
        alliance_id = reduction.commitment.source.plan.alliance_id
        pk = resolution(alliance_id, RECONSTRUCTED_NUMBER, reduction.reduced_on, reconstructed=True)
        CommitmentReduction.objects.filter(pk=reduction.pk).update(resolution_id=pk)
    for move in TargetMove.objects.select_related("from_target__plan").order_by("pk"):
        alliance_id = move.from_target.plan.alliance_id
        pk = resolution(alliance_id, RECONSTRUCTED_NUMBER, move.moved_on, reconstructed=True)
        TargetMove.objects.filter(pk=move.pk).update(resolution_id=pk)
    if postgresql:
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
    for model, history in (("Commitment", "HistoricalCommitment"), ("CommitmentReduction", "HistoricalCommitmentReduction")):
        row = Subquery(apps.get_model("budget", model).objects.filter(pk=OuterRef("id")).values("resolution_id")[:1])
        apps.get_model("budget", history).objects.update(resolution_id=row)
    if postgresql:  # the deferred foreign keys of the rows just filled checked now, before the columns are altered
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def not_null(model_name, related_name):
    return migrations.AlterField(
        model_name=model_name,
        name="resolution",
        field=models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT,
            related_name=related_name,
            to="projects.resolution",
            verbose_name="résolution",
        ),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('budget', '0014_change_requests_and_amendments'),
        ('projects', '0019_resolution'),
    ]

    operations = [
        migrations.AddField(
            model_name='commitment',
            name='resolution',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='commitments', to='projects.resolution', verbose_name='résolution'),
        ),
        migrations.AddField(
            model_name='commitmentreduction',
            name='resolution',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reductions', to='projects.resolution', verbose_name='résolution'),
        ),
        migrations.AddField(
            model_name='historicalcommitment',
            name='resolution',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.resolution', verbose_name='résolution'),
        ),
        migrations.AddField(
            model_name='historicalcommitmentreduction',
            name='resolution',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.resolution', verbose_name='résolution'),
        ),
        migrations.AddField(
            model_name='targetmove',
            name='resolution',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='target_moves', to='projects.resolution', verbose_name='résolution'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        not_null("commitment", "commitments"),
        not_null("commitmentreduction", "reductions"),
        not_null("targetmove", "target_moves"),
    ]
