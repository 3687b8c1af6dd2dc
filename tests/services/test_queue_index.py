"""The console's first screen is read from an index (issue 13): the query behind
``QueueSnapshot.load_top`` orders by the expression the partial index ``case_open_next_due``
holds, so the database walks the index and stops after the page, on both backends. If the query
and the index drift apart, the plan falls back to sorting every open case: these tests fail."""

from __future__ import annotations

import peewee

from wzdesk.services.queue import top_query


def _plan(database: peewee.Database) -> str:
    sql, params = top_query(40).sql()
    if isinstance(database, peewee.PostgresqlDatabase):
        with database.atomic():
            # On empty tables scanning and sorting is cheapest; discourage both so that the
            # plan shows whether the index can serve the ORDER BY at all (if it cannot, the
            # planner still sorts, whatever the setting).
            database.execute_sql("SET LOCAL enable_seqscan = off")
            database.execute_sql("SET LOCAL enable_sort = off")
            rows = database.execute_sql("EXPLAIN " + sql, params).fetchall()
    else:
        rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n".join(str(row[-1]) for row in rows)


def test_the_first_screen_walks_the_index_without_sorting(database: peewee.Database) -> None:
    plan = _plan(database)
    assert "case_open_next_due" in plan, plan
    assert "TEMP B-TREE" not in plan.upper(), plan  # SQLite sorting the rows itself
    assert "Sort" not in plan, plan  # PostgreSQL sorting the rows itself
