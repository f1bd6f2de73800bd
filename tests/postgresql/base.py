"""PostgreSQL for the test suite (newsroom/test_settings.py): Django's own backend, except for
how a test that commits (browser tests, gunicorn) gives the database back.

Django empties every table with one TRUNCATE (a new file for each table and index: 0.2-0.4 s
here) and puts back the rows migrations made (`serialized_rollback`) from JSON, saving them
one by one (about a thousand queries): 0.5 s a test, more than most tests themselves. Here the
tables are emptied with DELETE, and the rows come back from a copy of them taken right after
migrating, with one INSERT … SELECT per table, in the flush itself (every flush): Django
would put them back only when the next such test starts, and a plain test after this one
would find no roles.
"""

import json

from django.db.backends.postgresql import base, creation, operations

SNAPSHOT_SCHEMA = "test_snapshot"


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        """Empties `tables`, then puts back the rows migrations made in them, if this database
        has a snapshot: every flush leaves the database as migrate left it."""
        if reset_sequences or allow_cascade or not tables:
            emptied = super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        else:
            # Foreign keys are checked at commit (Django makes them DEFERRABLE INITIALLY
            # DEFERRED), so the order of the tables does not matter.
            emptied = [
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                for table in tables
            ]
        snapshot = self.connection.snapshot
        return emptied + (restore_statements(self, snapshot, tables) if snapshot else [])


class DatabaseCreation(creation.DatabaseCreation):
    def serialize_db_to_string(self):
        """Copies every table that migrations filled into SNAPSHOT_SCHEMA; returns the names of
        those tables and of the columns that can be written back."""
        quote = self.connection.ops.quote_name
        tables = self.connection.introspection.django_table_names(only_existing=True, include_views=False)
        copied = {}
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}")
            for table in sorted(tables):
                cursor.execute(f"SELECT EXISTS (SELECT FROM {quote(table)})")
                if not cursor.fetchone()[0]:
                    continue
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                    " AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
                    [table],
                )
                copied[table] = [column for (column,) in cursor.fetchall()]
                columns = ", ".join(map(quote, copied[table]))
                cursor.execute(
                    f"CREATE TABLE {SNAPSHOT_SCHEMA}.{quote(table)} AS SELECT {columns} FROM {quote(table)}"
                )
        return json.dumps(copied)

    def deserialize_db_from_string(self, data):
        """Nothing to put back: the flush that ended the last test that committed already did
        (`DatabaseOperations.sql_flush`)."""


def restore_statements(ops, snapshot: str, tables) -> list[str]:
    """The INSERT … SELECT that puts back the copied rows of each of `tables` in `snapshot`."""
    statements = []
    for table, columns in json.loads(snapshot).items():
        if table in tables:
            listed = ", ".join(map(ops.quote_name, columns))
            statements.append(
                f"INSERT INTO {ops.quote_name(table)} ({listed}) OVERRIDING SYSTEM VALUE"
                f" SELECT {listed} FROM {SNAPSHOT_SCHEMA}.{ops.quote_name(table)} ON CONFLICT DO NOTHING;"
            )
    return statements


# What each alias's snapshot holds, and in which database, for every connection object of that
# alias. The browser tests need this: Playwright's sync API runs the test in a context of its
# own, where Django opens new connection objects, which would not have the attribute Django set
# on the first one; their tests were not given the migrations' rows back.
_snapshots: dict[str, tuple[str, str]] = {}


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    creation_class = DatabaseCreation

    @property
    def snapshot(self) -> str | None:
        """What the snapshot of this connection's database holds; None if it has none (a test
        may point the alias at a server of its own: tests/newsroom/test_replicas.py)."""
        database, contents = _snapshots.get(self.alias, (None, None))
        return contents if database == self.settings_dict["NAME"] else None

    @property
    def _test_serialized_contents(self) -> str:
        try:
            return _snapshots[self.alias][1]
        except KeyError:
            raise AttributeError("_test_serialized_contents") from None

    @_test_serialized_contents.setter
    def _test_serialized_contents(self, contents: str) -> None:
        _snapshots[self.alias] = (self.settings_dict["NAME"], contents)
