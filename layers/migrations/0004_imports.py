"""The import staging schema with its safe conversion functions."""

from django.db import migrations

FUNCTIONS = r"""
CREATE SCHEMA IF NOT EXISTS cbs_import;

-- A date written as 2026-11-23, 2026/11/23 or 23.11.2026 (Turkish); NULL when it is none.
CREATE OR REPLACE FUNCTION cbs_import.to_date(v text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE m text[];
BEGIN
  m := regexp_match(v, '^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})([ T].*)?$');
  IF m IS NOT NULL THEN RETURN make_date(m[1]::int, m[2]::int, m[3]::int); END IF;
  m := regexp_match(v, '^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})(\s.*)?$');
  IF m IS NOT NULL THEN RETURN make_date(m[3]::int, m[2]::int, m[1]::int); END IF;
  RETURN NULL;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cbs_import.to_timestamptz(v text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE m text[];
BEGIN
  m := regexp_match(v, '^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(\d{1,2}:\d{2}(:\d{2})?)?\s*$');
  IF m IS NOT NULL THEN
    RETURN (make_date(m[3]::int, m[2]::int, m[1]::int) + coalesce(m[4], '00:00')::time)::timestamptz;
  END IF;
  RETURN v::timestamptz;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cbs_import.to_inet(v text) RETURNS inet
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN v::inet; EXCEPTION WHEN others THEN RETURN NULL; END $$;

-- ST_Transform that answers NULL where the coordinates are outside the projection's domain.
CREATE OR REPLACE FUNCTION cbs_import.try_transform(g geometry, srid integer) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN ST_Transform(g, srid); EXCEPTION WHEN others THEN RETURN NULL; END $$;
"""

DROP = """
DROP FUNCTION IF EXISTS cbs_import.to_date(text), cbs_import.to_timestamptz(text),
  cbs_import.to_inet(text), cbs_import.try_transform(geometry, integer);
DROP SCHEMA IF EXISTS cbs_import CASCADE;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("layers", "0003_layer_counter"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
