from django.db import models
from django.utils.translation import gettext_lazy as _


class KeptVersion(models.Model):
    """The data version of the kept figures on SQLite (`asis.kept`): one row, given a new random
    value after every write. PostgreSQL uses a sequence instead (`asis_kept_version_seq`)."""

    token = models.BigIntegerField(default=0)

    class Meta:
        db_table = "asis_keptversion"
        verbose_name = _("version des chiffres tenus")

    def __str__(self):
        return str(self.token)


class AllianceVersion(models.Model):
    """The version of one alliance's kept figures (`asis.kept`): a new value once a write to that alliance's rows,
    made from one of its pages, commits. The alliance is named by its pk only: the version outlives nothing and
    protects nothing."""

    alliance_id = models.BigIntegerField(primary_key=True)
    token = models.BigIntegerField(default=0)

    class Meta:
        db_table = "asis_allianceversion"
        verbose_name = _("version des chiffres tenus d'une alliance")

    def __str__(self):
        return f"{self.alliance_id}: {self.token}"
