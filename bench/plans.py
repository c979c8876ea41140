"""The ~1 000-feature bbox: what PostgreSQL does with the items query our provider sends.

EXPLAIN (ANALYZE, BUFFERS) of, for one bbox request on the table as it is (100 000 rows in the
bench database, 1 000 000 in bench.bigtable):
  - the query our provider sends now (captured from a request through the test client);
  - the query it sent before issue 16 (the Feature JSON built in the row query itself), built
    from the same provider functions, to show the plan that was the problem;
  - the raw text-concatenating SQL (bench.run.raw_sql_text, rows in a plain subquery) as
    PostgreSQL plans it and with the index plan (parallel workers off for it: the reference the
    HTTP target is measured against);
and the median time of each, plus a check that both provider forms return the same text.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def provider_sql(client, layer_name: str, params: dict, fast: bool = False) -> str:
    """The items SQL our provider sent for this request, as PostgreSQL received it (the generic
    path's read); fast=True: the fast path's one statement (ogc.fast_items: the publication
    state, the same rows and text, and the access record)."""
    from django.test import override_settings

    with CaptureQueriesContext(connection) as queries, override_settings(CBS_OGC_FAST_ITEMS=fast):
        response = client.get(f"/ogc/collections/{layer_name}/items", params)
    assert response.status_code == 200, response.content[:300]
    return next(q["sql"] for q in queries.captured_queries if "string_agg" in q["sql"])


def fast_statement(client, layer_name: str, params: dict) -> tuple[str, dict]:
    """The fast path's one statement and its values, as it sends them (cbs.prepared: planned
    once per connection, the generic plan)."""
    from cbs import prepared

    sent = []
    real = prepared.fetchone

    def record(sql, values):
        sent.append((sql, values))
        return real(sql, values)
    prepared.fetchone = record
    try:
        response = client.get(f"/ogc/collections/{layer_name}/items", params)
    finally:
        prepared.fetchone = real
    assert response.status_code == 200 and sent, response.content[:300]
    return next((sql, values) for sql, values in sent if "string_agg" in sql)


def explain_generic(sql: str, values: dict, *, runs: int = 3) -> dict:
    """explain() of the generic plan the fast path runs."""
    from cbs import prepared

    for _ in range(runs):
        top = prepared.generic_plan(sql, values, analyze=True)
    return {"nodes": _nodes(top["Plan"]), "planning_ms": round(top["Planning Time"], 2),
            "execution_ms": round(top["Execution Time"], 2), "plan": top["Plan"]}


def run_prepared(sql: str, values: dict):
    def run():
        from cbs import prepared

        return prepared.fetchone(sql, values)[1]
    return run


def provider_sql_before(layer_name: str, bbox: tuple, limit: int) -> str:
    """The same request in the provider's form before issue 16: the Feature text as a column of
    the row query (what `_run` did), everything else from the provider's own functions."""
    from django.db.models.expressions import RawSQL

    from layers.registry import get_layer
    from ogc import context
    from ogc.provider import KentPostGISProvider

    provider = KentPostGISProvider({"name": "KentPostGIS", "type": "feature", "data": layer_name})
    token = context.current.set(context.QueryContext(bbox=tuple(bbox), bbox_srid=4326))
    try:
        qs = provider._queryset(bbox=None, properties=None, sortby=None, filterq=None)[:limit]
    finally:
        context.current.reset(token)
    feature_sql = provider._feature_sql(CRS84, list(get_layer(layer_name).properties()), False)
    rows = qs.annotate(_feature=RawSQL(feature_sql, [])).values_list("_feature", flat=True)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:  # the literal statement, like the captured one
        inner = cursor.cursor.mogrify(sql, params)
    return f"SELECT count(*), coalesce(string_agg(_f, ','), '') FROM ({inner}) AS _q(_f)"


def _nodes(plan: dict, depth: int = 0) -> list[str]:
    label = plan["Node Type"]
    if "Relation Name" in plan:
        label += f" on {plan['Relation Name']}"
    if "Index Name" in plan:
        label += f" using {plan['Index Name']}"
    if "Workers Launched" in plan:
        label += f" ({plan['Workers Launched']} worker{'s' if plan['Workers Launched'] != 1 else ''})"
    if "Relation Name" in plan or plan["Node Type"].startswith("Bitmap Index"):
        loops = plan.get("Actual Loops", 1)
        label += (f" [est. {plan['Plan Rows']} rows, actual {plan.get('Actual Rows', '?')}"
                  f"{f'×{loops}' if loops != 1 else ''}, {plan.get('Actual Total Time', 0):.1f} ms]")
    out = [label]
    for child in plan.get("Plans", []):
        out += _nodes(child, depth + 1)
    return out


def explain(sql: str, *, serial: bool = False, runs: int = 3) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) `runs` times (the last, warm one is kept)."""
    for _ in range(runs):
        with transaction.atomic(), connection.cursor() as cursor:
            if serial:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            doc = cursor.fetchone()[0]
    import json

    doc = json.loads(doc) if isinstance(doc, str) else doc
    top = doc[0]
    return {"nodes": _nodes(top["Plan"]), "planning_ms": round(top["Planning Time"], 2),
            "execution_ms": round(top["Execution Time"], 2), "plan": top["Plan"]}


def run_sql(sql: str, *, serial: bool = False):
    """A callable for bench.run.timed: runs `sql`, returns its feature count."""
    def run():
        with transaction.atomic() if serial else _nothing(), connection.cursor() as cursor:
            if serial:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute(sql)
            *_state, count, _text = cursor.fetchone()
        return count
    return run


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def check_bbox(client, timed, raw_sql_text, layer_name: str, table: str, bbox: tuple,
               limit: int = 10_000) -> dict:
    """Plans and medians of the provider's query now and before, and of the raw SQL."""
    from layers.registry import get_layer

    now = provider_sql(client, layer_name, {"bbox": ",".join(map(str, bbox)), "limit": limit})
    fast = provider_sql(client, layer_name, {"bbox": ",".join(map(str, bbox)), "limit": limit}, fast=True)
    fast_sql, fast_values = fast_statement(client, layer_name, {"bbox": ",".join(map(str, bbox)), "limit": limit})
    before = provider_sql_before(layer_name, bbox, limit)
    with connection.cursor() as cursor:
        cursor.execute(now)
        now_result = cursor.fetchone()
        cursor.execute(before)
        before_result = cursor.fetchone()
        cursor.execute(fast)
        fast_result = tuple(cursor.fetchone()[1:3])  # (count, text); numberMatched follows
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        rows = cursor.fetchone()[0]
    columns = list(get_layer(layer_name).properties())
    raw_statement = raw_sql_text(table, columns, limit, bbox, form="subquery").sql  # literal
    out = {"table_rows": rows, "features": now_result[0],
           "identical_text": now_result == before_result == fast_result, "cases": []}
    for label, sql, serial in (
        ("provider before issue 16 (Feature JSON in the row query)", before, False),
        ("provider now (rows in a MATERIALIZED CTE)", now, False),
        ("fast path: publication state + the same rows and text + the access record, one prepared statement (generic plan)", None, False),
        ("raw SQL (rows in a subquery) as planned", raw_statement, False),
        ("raw SQL (rows in a subquery), index plan (no parallel workers)", raw_statement, True),
    ):
        if sql is None:  # the fast path: as it runs, prepared
            case = explain_generic(fast_sql, fast_values)
            case["median_ms"] = timed(run_prepared(fast_sql, fast_values))["median_ms"]
        else:
            case = explain(sql, serial=serial)
            case["median_ms"] = timed(run_sql(sql, serial=serial))["median_ms"]
        case["label"] = label
        out["cases"].append(case)
        print(f"plan @ {rows} rows: {label:58} {case['median_ms']:7.2f} ms | "
              + " > ".join(case["nodes"]), flush=True)
    return out


def markdown(result: dict) -> list[str]:
    lines = [f"Table of {result['table_rows']} rows, {result['features']} features returned; "
             f"the provider's two forms and the fast path return {'identical' if result['identical_text'] else 'DIFFERENT'} "
             "text.", "",
             "| query | median ms | EXPLAIN ANALYZE: planning / execution ms | plan |", "|---|---|---|---|"]
    for case in result["cases"]:
        lines.append(f"| {case['label']} | {case['median_ms']} | {case['planning_ms']} / "
                     f"{case['execution_ms']} | {' → '.join(case['nodes'])} |")
    return lines
