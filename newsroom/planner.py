"""PostgreSQL's planner statistics, refreshed after a bulk load.

Until autovacuum gets round to a table, PostgreSQL plans its queries on guesses: a freshly
seeded or imported database searched in ~1.4 s, in 85 ms once analysed.
"""

from django.db import connection


def analyze() -> None:
    """Fresh statistics for every table (a few seconds at most, and reads are never blocked)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
