"""`ChangeHistory`: django-simple-history's HistoricalRecords, keeping a line per *change*.

A save that changes no tracked field (a command run again, a form posted back unchanged) writes no
history row, so the history page shows one line per real change. Creations and deletions are always
kept. It costs one query per update: the last history row, to compare with.
"""

from django.core.exceptions import ValidationError
from simple_history.models import HistoricalRecords


def _same(field, old, new) -> bool:
    try:
        return field.to_python(old) == field.to_python(new)
    except (ValidationError, TypeError, ValueError):
        return False


class ChangeHistory(HistoricalRecords):
    def create_historical_record(self, instance, history_type, using=None):
        if history_type == "~":
            manager = getattr(instance, self.manager_name)
            last = (
                manager.using(using).order_by("-history_date", "-history_id").first()
                if using
                else (manager.order_by("-history_date", "-history_id").first())
            )
            if last is not None and all(
                _same(f, getattr(last, f.attname), getattr(instance, f.attname)) for f in self.fields_included(instance)
            ):
                return
        super().create_historical_record(instance, history_type, using=using)
