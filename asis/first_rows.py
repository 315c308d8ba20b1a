"""The first rows of several groups in one query, each group read on its own index and stopped at its limit.

A page that shows the first projects of each theme (the home page, the plan's timeline) needs, for each theme, the
first N in title order. `pk IN (first of theme 1) OR pk IN (first of theme 2) …` reads each group on its index, but
PostgreSQL then tests the ORs against every row of the table (a sequential scan: 45 000 projects at scale 100 for
60 rows). One `pk IN (… UNION ALL …)` lets it look the few keys up instead. SQLite refuses a LIMIT inside a member of
a compound statement, and Django's `union()` refuses it there, hence each member is wrapped in a subquery of its own
(`SELECT * FROM (… LIMIT n)`), which both databases accept.
"""

from django.db.models import Expression, IntegerField, Subquery


class FirstOfEach(Expression):
    """For `pk__in=`: the union of the keys that each sliced `querysets` member selects (each `.values("pk")[:n]`
    with its own order)."""

    output_field = IntegerField()

    def __init__(self, querysets):
        super().__init__()
        self.members = [Subquery(queryset) for queryset in querysets]

    def get_source_expressions(self):
        return self.members

    def set_source_expressions(self, expressions):
        self.members = list(expressions)

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for number, member in enumerate(self.members):
            sql, member_params = compiler.compile(member)  # "(SELECT … ORDER BY … LIMIT n)"
            parts.append(f"SELECT * FROM {sql} first_{number}")
            params.extend(member_params)
        return f"({' UNION ALL '.join(parts)})", params
