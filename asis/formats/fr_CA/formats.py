"""fr-CA formats as the Office québécois de la langue française writes them.

Django's own fr_CA formats are kept; the week starts on Monday (OQLF) and
forms also accept the day-first dates people type in Quebec.
"""

from django.conf.locale.fr_CA.formats import *  # noqa: F401,F403
from django.conf.locale.fr_CA.formats import DATE_INPUT_FORMATS as _DJANGO_DATE_INPUTS

FIRST_DAY_OF_WEEK = 1  # lundi
DATE_INPUT_FORMATS = [*_DJANGO_DATE_INPUTS, "%d/%m/%Y"]
