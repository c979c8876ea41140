"""The WMS/WFS engine's database role sees exactly the published tables and columns.

Granted by the application's role (the tables' owner) whenever the mapfile of a new
configuration generation is written: published layers get SELECT on their key, geometry and
published columns; every other layer table has all rights revoked. Idempotent. Run on a
connection of its own in autocommit: the engine's connection must see the grants at once,
whatever becomes of the request's transaction."""

from __future__ import annotations

from django.conf import settings
import psycopg
from django.db import connection

from layers.registry import Layer


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def ows_role_grant(*, published: list[type[Layer]], withheld: list[type[Layer]]) -> None:
    role = _quote(settings.CBS_OWS_DB_USER)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
        for layer in withheld:
            cursor.execute(f"REVOKE ALL ON {_quote(layer.meta().db_table)} FROM {role}")
        for layer in published:
            table = _quote(layer.meta().db_table)
            columns = [layer.meta().pk.column, layer.geometry().column, *layer.properties()]
            cursor.execute(f"REVOKE ALL ON {table} FROM {role}")
            cursor.execute(f"GRANT SELECT ({', '.join(_quote(c) for c in dict.fromkeys(columns))}) "
                           f"ON {table} TO {role}")
