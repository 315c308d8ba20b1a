"""A new alliance starts with the default expense categories (issue 20, part 3), however it is made: the admin, the
reference data, the demo, a test. No business rule: the seed is projects.services.budget_lines's."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from alliances.models import Alliance


@receiver(post_save, sender=Alliance, dispatch_uid="projects_alliance_expense_categories")
def alliance_expense_categories(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from projects.services.budget_lines import expense_categories_seed

        expense_categories_seed(alliance=instance)
