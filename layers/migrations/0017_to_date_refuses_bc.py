"""cbs_import.to_date refuses a date marked BC: "0044-03-15 BC" was read as the year 44 AD (the
text after a date is taken for a time of day and ignored). A typed date column gets the same
answer (layers.imports.checks keeps the years 0001-9999)."""

from importlib import import_module

from django.db import migrations

PREVIOUS = import_module("layers.migrations.0008_fast_to_date").FAST

REFUSES_BC = r"""
-- A date written as 2026-11-23, 2026/11/23 or 23.11.2026 (Turkish), a time after it ignored;
-- NULL when it is none. Boolean matches and substring() only: regexp_match() with capture
-- groups costs ~25 µs a value, and without an EXCEPTION block the function is parallel safe.
CREATE OR REPLACE FUNCTION cbs_import.to_date(v text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE p text[]; y int; mo int; d int; last int;
BEGIN
  IF v ~* '\sBC\s*$' THEN
    RETURN NULL;  -- an era marker is not a time of day
  END IF;
  IF v ~ '^\s*[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}([ T].*)?$' THEN
    p := string_to_array(translate(substring(v FROM '[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}'), '/.', '--'), '-');
    y := p[1]; mo := p[2]; d := p[3];
  ELSIF v ~ '^\s*[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{4}(\s.*)?$' THEN
    p := string_to_array(translate(substring(v FROM '[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{4}'), '/.', '--'), '-');
    d := p[1]; mo := p[2]; y := p[3];
  ELSE
    RETURN NULL;
  END IF;
  last := CASE WHEN mo = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
               WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END;
  IF y < 1 OR mo < 1 OR mo > 12 OR d < 1 OR d > last THEN
    RETURN NULL;
  END IF;
  RETURN make_date(y, mo, d);
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("layers", "0016_history_fillfactor")]
    operations = [migrations.RunSQL(REFUSES_BC, PREVIOUS)]
