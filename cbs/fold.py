"""Search text folded the way Turkish users type it: ş/s, ı/i/İ/I, ğ/g, ö/o, ü/u, ç/c, any case.

PostgreSQL's unaccent does not fold the dotless ı (it is a letter, not an accented i) and lower()
of İ depends on the cluster's locale, so the Turkish letters are translated first, then unaccent
strips other marks (â, î, û) and lower() folds the rest. The SQL function `cbs_fold(text)` is
IMMUTABLE (it names unaccent's dictionary explicitly), so expression and trigram indexes can be
built on it (migration layers 0013); `Fold` is its ORM expression.
"""

from __future__ import annotations

from django.db.models import CharField, Func, Value

TURKISH_FROM = "İIıŞşĞğÖöÜüÇçÂâÎîÛû"
TURKISH_TO = "iiissggoouuccaaiiuu"

FOLD_FUNCTION_SQL = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION cbs_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary,
                                        translate($1, '{TURKISH_FROM}', '{TURKISH_TO}'))) $$;
"""


class Fold(Func):
    """cbs_fold(expression): the folded text, as indexed."""

    function = "cbs_fold"
    output_field = CharField()


def fold_value(text: str) -> Fold:
    """A user's search word folded by the same SQL function as the indexed column."""
    return Fold(Value(text, output_field=CharField()))


def trigram_index_sql(table: str, column: str) -> str:
    """A GIN trigram index on the folded column: LIKE '%word%' on cbs_fold(column) uses it."""
    name = f"{table}_{column.lower()}_fold_trgm"[:63]
    return (f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (cbs_fold("{column}") gin_trgm_ops)')


def drop_index_sql(table: str, column: str) -> str:
    name = f"{table}_{column.lower()}_fold_trgm"[:63]
    return f'DROP INDEX IF EXISTS "{name}"'


def trigram_knn_index_sql(table: str, column: str) -> str:
    """A partial GiST trigram index on the folded, non-empty column: `ORDER BY cbs_fold(column) <->
    cbs_fold(word) LIMIT n` reads the closest names from it (with the LIKE conditions as index
    conditions) instead of folding and sorting every hit of a GIN scan."""
    name = f"{table}_{column.lower()}_fold_knn"[:63]
    return (f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gist (cbs_fold("{column}") gist_trgm_ops) WHERE "{column}" <> \'\'')


def drop_knn_index_sql(table: str, column: str) -> str:
    name = f"{table}_{column.lower()}_fold_knn"[:63]
    return f'DROP INDEX IF EXISTS "{name}"'
