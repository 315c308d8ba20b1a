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
