"""cbs.prepared: hot-path statements planned once per connection, still Django statements."""

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cbs import prepared

SQL = "SELECT %(a)s::int + %(b)s::int, %(a)s::int"


def _prepared_statements() -> list[tuple[str, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return cursor.fetchall()


def test_values_are_bound_and_the_statement_is_prepared_once_with_a_generic_plan(db):
    assert prepared.fetchone(SQL, {"a": 2, "b": 3}) == (5, 2)
    assert prepared.fetchone(SQL, {"a": 40, "b": 2}) == (42, 40)
    mine = [row for row in _prepared_statements() if "$1::int + $2::int" in row[0]]
    assert len(mine) == 1, _prepared_statements()
    assert mine[0][1] >= 2 and mine[0][2] == 0  # planned once for all values, no custom plans


def test_djangos_own_statements_are_not_prepared(db):
    prepared.fetchone(SQL, {"a": 1, "b": 1})
    for _ in range(6):  # psycopg would prepare from the fifth run on a server-binding cursor
        with connection.cursor() as cursor:
            cursor.execute("SELECT 7 + %s", [1])
    assert not [row for row in _prepared_statements() if "SELECT 7 +" in row[0]]


def test_errors_are_djangos_and_the_transaction_stays_usable(db):
    with pytest.raises(DataError):
        with transaction.atomic():
            prepared.fetchone("SELECT %(v)s::int", {"v": "not a number"})
    assert prepared.fetchone(SQL, {"a": 1, "b": 2}) == (3, 1)


def test_the_query_log_shows_the_statement_with_its_values(db):
    with CaptureQueriesContext(connection) as queries:
        prepared.fetchone(SQL, {"a": 20, "b": 22})
    assert queries.captured_queries[-1]["sql"] == "SELECT 20::int + 22::int, 20::int"


def test_generic_plan_explains_without_the_values(db):
    plan = prepared.generic_plan("SELECT count(*) FROM django_content_type WHERE id = %(id)s::int",
                                 {"id": 1})
    assert plan["Plan"]["Node Type"] == "Aggregate"
    assert "$1" in str(plan)  # planned for any value: the parameter, not 1


def test_generic_plans_also_after_a_rolled_back_first_use(db):
    """The session setting made inside a transaction that is rolled back is made again."""
    with pytest.raises(RuntimeError), transaction.atomic():
        prepared.fetchone(SQL, {"a": 1, "b": 1})
        raise RuntimeError
    with transaction.atomic():
        prepared.fetchone("SELECT %(x)s::int * 2", {"x": 4})
        prepared.fetchone("SELECT %(x)s::int * 2", {"x": 5})
        mine = [row for row in _prepared_statements() if "$1::int * 2" in row[0]]
    assert mine and mine[0][2] == 0, mine


def test_one_cursor_per_connection_is_kept_on_it_and_goes_with_it(db):
    """The cursor is kept (its adapters are looked up once), errors do not spoil it, and it lives
    on its connection: a connection nobody holds any more is collected with its cursor."""
    import gc
    import weakref

    prepared.fetchone(SQL, {"a": 1, "b": 1})
    raw = connection.connection
    kept = prepared._cursor(raw)
    with pytest.raises(DataError), transaction.atomic():
        prepared.fetchone("SELECT %(v)s::int", {"v": "not a number"})
    assert prepared.fetchone(SQL, {"a": 2, "b": 2}) == (4, 2)
    assert prepared._cursor(raw) is kept and not kept.closed

    other = connection.copy()
    other.ensure_connection()
    assert prepared.fetchone(SQL, {"a": 3, "b": 3}, using=connection.alias) == (6, 3)
    gone = weakref.ref(other.connection)
    prepared._cursor(other.connection)
    other.close()
    other.connection = None  # as a pool does with a connection it closed and let go
    del other
    gc.collect()
    assert gone() is None, "the kept cursor held its connection"


def test_a_large_result_is_not_kept_with_the_cursor(db):
    """A kept cursor would hold its last result until the connection's next statement: after a
    large one (a page of thousands of features) the cursor is closed; small ones keep it."""
    prepared.fetchone(SQL, {"a": 1, "b": 1})
    raw = connection.connection
    kept = prepared._cursor(raw)
    big = prepared.fetchone("SELECT repeat('x', %(n)s::int)", {"n": prepared.KEPT_RESULT_MAX + 1})
    assert len(big[0]) == prepared.KEPT_RESULT_MAX + 1 and kept.closed
    many = prepared._cursor(raw)
    rows = prepared.fetchall("SELECT g FROM generate_series(1, %(n)s::int) g", {"n": prepared.KEPT_ROWS_MAX + 1})
    assert len(rows) == prepared.KEPT_ROWS_MAX + 1 and many.closed and many is not kept
    assert prepared.fetchone("SELECT repeat('x', %(n)s::int)", {"n": 10}) == ("x" * 10,)
    again = prepared._cursor(raw)
    assert again is not kept and not again.closed
    assert prepared.fetchone("SELECT repeat('x', %(n)s::int)", {"n": 10}) == ("x" * 10,)
    assert prepared._cursor(raw) is again


def test_a_statement_an_execute_wrapper_did_not_run_never_reads_the_last_ones_rows(db):
    from django.db import ProgrammingError

    assert prepared.fetchone(SQL, {"a": 1, "b": 1}) == (2, 1)

    def swallow(execute, sql, params, many, context):
        return None
    with connection.execute_wrapper(swallow), pytest.raises(ProgrammingError):
        prepared.fetchone(SQL, {"a": 5, "b": 5})
    assert prepared.fetchone(SQL, {"a": 2, "b": 2}) == (4, 2)
