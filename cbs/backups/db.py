"""The PostgreSQL databases a backup is taken from or restored into, and the client tools.

A database is named by Django's settings (the site's own) or by a DATABASE_URL; both become a
`Database`, which gives psycopg connections and the PG* environment for pg_dump / pg_restore
(the password travels in the environment, never on a command line). Unix-socket hosts (the
private cluster: `postgres://kentcbs@%2F…%2Fvar%2Fpg%2Frun:PORT/kentcbs`) work like TCP ones.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, urlencode

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connections

# Tables that are never worth restoring: an import's staging tables (their job is failed or done
# when the database comes back). The schema and its functions are kept.
EXCLUDED_TABLES = ("cbs_import.*",)


class BackupError(Exception):
    """A backup, restore or drill cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class Database:
    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""
    options: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, alias: str = "default") -> Database:
        return cls._from_dict(connections[alias].settings_dict)

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            return cls._from_dict(dj_database_url.parse(url))
        except ValueError as exc:
            raise ValueError(f"not a PostgreSQL URL: {exc}") from exc

    @classmethod
    def _from_dict(cls, d: dict) -> Database:
        options = {k: v for k, v in (d.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
        return cls(name=d["NAME"], user=d.get("USER") or "", password=d.get("PASSWORD") or "",
                   host=d.get("HOST") or "", port=str(d.get("PORT") or ""), options=options)

    def named(self, name: str) -> Database:
        """The same server and role, another database."""
        return replace(self, name=name)

    @property
    def url(self) -> str:
        """A DATABASE_URL for this database (what a subprocess of manage.py is given)."""
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        host = quote(self.host, safe="")  # a socket folder is percent-encoded, as libpq reads it
        netloc = f"{auth}@{host}" if auth else host
        if self.port:
            netloc += f":{self.port}"
        query = f"?{urlencode(self.options)}" if self.options else ""
        return f"postgres://{netloc}/{quote(self.name, safe='')}{query}"

    @property
    def label(self) -> str:
        """Where, without the password (for messages and records)."""
        return f"{self.user or '-'}@{self.host or 'localhost'}:{self.port or 5432}/{self.name}"

    def env(self) -> dict[str, str]:
        """Environment for the PostgreSQL client tools."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update({"PGDATABASE": self.name, "PGUSER": self.user, "PGHOST": self.host,
                    "PGPORT": self.port, "PGPASSWORD": self.password,
                    "PGSSLMODE": str(self.options.get("sslmode", "")),
                    "PGAPPNAME": "kent-cbs-backup"})
        return {k: v for k, v in env.items() if v != ""}

    def connect(self, *, autocommit: bool = True, dbname: str | None = None) -> psycopg.Connection:
        kwargs = {"dbname": dbname or self.name, "user": self.user or None, "password": self.password or None,
                  "host": self.host or None, "port": self.port or None, "autocommit": autocommit,
                  "application_name": "kent-cbs-backup"}
        kwargs.update({k: v for k, v in self.options.items() if k in ("sslmode", "sslrootcert", "connect_timeout")})
        return psycopg.connect(**{k: v for k, v in kwargs.items() if v is not None})

    def maintenance(self) -> psycopg.Connection:
        """A connection to the server's maintenance database, for CREATE/DROP DATABASE."""
        for dbname in ("postgres", "template1"):
            try:
                return self.connect(dbname=dbname)
            except psycopg.OperationalError:
                continue
        return self.connect()


def user_tables_sql() -> str:
    """The tables a backup holds: ordinary and partitioned tables outside the system schemas,
    not owned by an extension (spatial_ref_sys), not excluded (staging)."""
    excluded = " AND ".join(f"NOT (n.nspname = '{p.split('.')[0]}')" for p in EXCLUDED_TABLES)
    return f"""
        SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
          AND NOT c.relispartition AND {excluded}
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1"""


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows per table (exact counts, in the connection's snapshot)."""
    counts = {}
    with conn.cursor() as cursor:
        cursor.execute(user_tables_sql())
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 – names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def is_empty(conn: psycopg.Connection) -> bool:
    """No table of ours (an extension's own tables, e.g. PostGIS's, don't count)."""
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({user_tables_sql()}) t")
        return cursor.fetchone()[0] == 0


def tool(name: str) -> str:
    """Path of pg_dump / pg_restore: CBS_PG_BIN, else the newest server version's, else PATH."""
    if settings.CBS_PG_BIN:
        path = Path(settings.CBS_PG_BIN) / name
        if not path.is_file():
            raise BackupError(f"{path} not found (CBS_PG_BIN)")
        return str(path)
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if found:
        return str(found[-1])
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client-15) "
                                "or set CBS_PG_BIN")
    return path
