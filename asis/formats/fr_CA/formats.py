"""fr-CA formats as the Office québécois de la langue française writes them.

Django's own fr_CA formats are kept, except: the week starts on Monday (OQLF); the time
formats escape the « h » (Django's `H\xa0h\xa0i` prints « 13 01 30 » for 13 h 30, since an
unescaped h is the 12-hour format character); forms also accept day-first dates.
"""

from django.conf.locale.fr_CA.formats import *  # noqa: F401,F403
from django.conf.locale.fr_CA.formats import DATE_INPUT_FORMATS as _DJANGO_DATE_INPUTS

FIRST_DAY_OF_WEEK = 1  # lundi
TIME_FORMAT = "H\xa0\\h\xa0i"  # 13 h 30
DATETIME_FORMAT = "j F Y, H\xa0\\h\xa0i"  # 31 janvier 2024, 13 h 40
SHORT_DATETIME_FORMAT = "Y-m-d H\xa0\\h\xa0i"
DATE_INPUT_FORMATS = [*_DJANGO_DATE_INPUTS, "%d/%m/%Y"]
