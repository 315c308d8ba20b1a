"""The privacy models (Law 25) move from the organisations app to their own, keeping their tables.

The tables exist already (organisations/0003_privacy): this migration only adds the models to the privacy app's
state (organisations/0006 removes them from the organisations app's), and moves their content types in place, so
that permissions, the groups granted them and the admin's log entries follow the models. On a new database there
are no content types yet: nothing to move.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["consent", "privacyrequest", "privacyaction", "confidentialityincident"]


def _move_content_types(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    there = set(ContentType.objects.filter(app_label=target, model__in=MODELS).values_list("model", flat=True))
    ContentType.objects.filter(app_label=source, model__in=set(MODELS) - there).update(app_label=target)


def content_types_to_privacy(apps, schema_editor):
    _move_content_types(apps, "organisations", "privacy")


def content_types_to_organisations(apps, schema_editor):
    _move_content_types(apps, "privacy", "organisations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("organisations", "0005_membership_invitation"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PrivacyRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('access', 'Accès'), ('rectification', 'Rectification'), ('erasure', 'Effacement'), ('portability', 'Portabilité')], max_length=20, verbose_name='type de demande')),
                        ('received_on', models.DateField(verbose_name='reçue le')),
                        ('due_on', models.DateField(verbose_name='réponse due le')),
                        ('details', models.TextField(blank=True, verbose_name='précisions')),
                        ('status', models.CharField(choices=[('open', 'À traiter'), ('done', 'Traitée'), ('refused', 'Refusée')], default='open', max_length=20, verbose_name='statut')),
                        ('answer', models.TextField(blank=True, verbose_name='réponse donnée')),
                        ('closed_on', models.DateField(blank=True, null=True, verbose_name='fermée le')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='consignée le')),
                        ('citizen', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='privacy_requests', to='organisations.citizen', verbose_name='citoyen')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='consignée par')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='privacy_requests', to=settings.AUTH_USER_MODEL, verbose_name='personne')),
                    ],
                    options={
                        'verbose_name': "demande d'une personne",
                        'verbose_name_plural': 'demandes des personnes',
                        'db_table': 'organisations_privacyrequest',
                        'ordering': ['due_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PrivacyAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('request', 'Demande consignée'), ('request_closed', 'Demande fermée'), ('export_json', 'Export JSON'), ('export_csv', 'Export CSV'), ('rectify', 'Rectification'), ('erase', 'Effacement (anonymisation)'), ('purge', 'Anonymisation à la fin de la conservation'), ('consent_given', 'Consentement donné'), ('consent_withdrawn', 'Consentement retiré')], max_length=20, verbose_name='action')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='le')),
                        ('summary', models.CharField(max_length=255, verbose_name='quoi')),
                        ('changes', models.JSONField(blank=True, default=dict, verbose_name='changements')),
                        ('by', models.ForeignKey(blank=True, help_text='Vide : la commande purge_personal_data.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par')),
                        ('citizen', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='privacy_actions', to='organisations.citizen', verbose_name='citoyen concerné')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='privacy_actions', to=settings.AUTH_USER_MODEL, verbose_name='personne concernée')),
                        ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='privacy.privacyrequest', verbose_name='demande')),
                    ],
                    options={
                        'verbose_name': 'journal de confidentialité',
                        'verbose_name_plural': 'journal de confidentialité',
                        'db_table': 'organisations_privacyaction',
                        'ordering': ['-at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ConfidentialityIncident',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('information_involved', models.TextField(help_text="Description des renseignements personnels visés par l'incident.", verbose_name='renseignements visés')),
                        ('circumstances', models.TextField(verbose_name="circonstances de l'incident")),
                        ('occurred_on', models.DateField(verbose_name="date ou période de l'incident")),
                        ('occurred_until', models.DateField(blank=True, null=True, verbose_name='fin de la période')),
                        ('discovered_on', models.DateField(verbose_name='date de la prise de connaissance')),
                        ('people_affected', models.PositiveIntegerField(verbose_name='nombre de personnes concernées')),
                        ('risk_assessment', models.TextField(help_text='Sensibilité des renseignements, conséquences appréhendées de leur utilisation et probabilité.', verbose_name='évaluation du risque de préjudice sérieux')),
                        ('serious_risk', models.BooleanField(default=False, verbose_name='risque de préjudice sérieux')),
                        ('cai_notified_on', models.DateField(blank=True, null=True, verbose_name="avis à la Commission d'accès à l'information le")),
                        ('people_notified_on', models.DateField(blank=True, null=True, verbose_name='avis aux personnes concernées le')),
                        ('measures_taken', models.TextField(help_text='Pour diminuer les risques de préjudice.', verbose_name='mesures prises')),
                        ('kept_until', models.DateField(editable=False, verbose_name="conservé jusqu'au")),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='consigné le')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='consigné par')),
                    ],
                    options={
                        'verbose_name': 'incident de confidentialité',
                        'verbose_name_plural': 'registre des incidents de confidentialité',
                        'db_table': 'organisations_confidentialityincident',
                        'ordering': ['-discovered_on', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('discovered_on__gte', models.F('occurred_on'))), name='organisations_confidentialityincident_discovered_after', violation_error_message="L'incident ne peut pas avoir été découvert avant d'avoir eu lieu."), models.CheckConstraint(condition=models.Q(('occurred_until__isnull', True), ('occurred_until__gte', models.F('occurred_on')), _connector='OR'), name='organisations_confidentialityincident_period', violation_error_message='La fin de la période précède son début.')],
                    },
                ),
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('purpose', models.CharField(choices=[('contact', 'Être joint par la coordination'), ('nouvelles', "Recevoir les nouvelles de l'Alliance"), ('coordonnees', 'Montrer mes coordonnées aux membres de mon organisation')], max_length=20, verbose_name='finalité')),
                        ('text_version', models.CharField(max_length=40, verbose_name='version du texte')),
                        ('text', models.TextField(verbose_name='texte présenté')),
                        ('given_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='donné le')),
                        ('source', models.CharField(choices=[('signup', "À l'inscription"), ('self', 'Par la personne (Mes consentements)'), ('coordination', 'Noté par la coordination'), ('migration', "Repris de l'ancien champ « consent à être contacté »")], max_length=20, verbose_name='recueilli')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='retiré le')),
                        ('citizen', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='organisations.citizen', verbose_name='citoyen')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='noté par')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consents', to=settings.AUTH_USER_MODEL, verbose_name='personne')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='retiré par')),
                    ],
                    options={
                        'verbose_name': 'consentement',
                        'verbose_name_plural': 'consentements',
                        'db_table': 'organisations_consent',
                        'ordering': ['-given_at', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('citizen__isnull', True), ('user__isnull', False)), models.Q(('citizen__isnull', False), ('user__isnull', True)), _connector='OR'), name='organisations_consent_one_person'), models.UniqueConstraint(condition=models.Q(('user__isnull', False), ('withdrawn_at__isnull', True)), fields=('user', 'purpose'), name='organisations_consent_one_active_per_user'), models.UniqueConstraint(condition=models.Q(('citizen__isnull', False), ('withdrawn_at__isnull', True)), fields=('citizen', 'purpose'), name='organisations_consent_one_active_per_citizen')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='privacyrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('citizen__isnull', True), ('user__isnull', False)), models.Q(('citizen__isnull', False), ('user__isnull', True)), _connector='OR'), name='organisations_privacyrequest_one_person'),
                ),
                migrations.AddConstraint(
                    model_name='privacyrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('due_on__gte', models.F('received_on'))), name='organisations_privacyrequest_due_after_receipt'),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_privacy, content_types_to_organisations),
    ]
