"""What a draft still lacks before it can be filed: the sum of what each section of its application lacks
(projects.selectors.application), so the task list, « Vérifier et déposer » and the filing service agree."""

from projects.selectors.application import project_missing_for_submission

__all__ = ["project_missing_for_submission"]
