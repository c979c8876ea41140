"""The import's date conversions give only what Python can read back (years 0001-9999, no BC):

- cbs_import.to_date refused nothing after a date: "0044-03-15 BC" was read as the year 44 AD
  (the text after a date is taken for a time of day and ignored);
- cbs_import.to_timestamptz fell back to PostgreSQL's own input, which also takes 'infinity',
  'now', 'today', 'epoch', BC and five-digit years: a feature stored with one of them would fail
  every later read (a 500). Now: the Turkish form or ISO 8601, nothing else.
A typed date column gets the same answer (layers.imports.checks keeps the years 0001-9999)."""

from importlib import import_module

from django.db import migrations

# The functions as they were (the way back), and changed by one guard each.
PREVIOUS = import_module("layers.migrations.0008_fast_to_date").FAST
_EARLIER = import_module("layers.migrations.0004_imports").FUNCTIONS
_START = _EARLIER.index("CREATE OR REPLACE FUNCTION cbs_import.to_timestamptz")
TIMESTAMP_BEFORE = _EARLIER[_START:_EARLIER.index("END $$;", _START) + len("END $$;")] + "\n"

REFUSES_BC = PREVIOUS.replace("BEGIN\n", "BEGIN\n"
                              "  IF v ~* '\\sBC\\s*$' THEN\n"
                              "    RETURN NULL;  -- an era marker is not a time of day\n"
                              "  END IF;\n", 1)

TIMESTAMP_ISO_OR_TURKISH = TIMESTAMP_BEFORE.replace(
    "  RETURN v::timestamptz;\n",
    "  -- ISO 8601 only: PostgreSQL's input alone would take 'infinity', 'now', BC, year 10000 …\n"
    "  IF v !~ '^\\s*\\d{4}-\\d{1,2}-\\d{1,2}([ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?\\s*"
    "(Z|[+-]\\d{2}(:?\\d{2})?)?\\s*$' THEN\n"
    "    RETURN NULL;\n"
    "  END IF;\n"
    "  RETURN v::timestamptz;\n", 1)


class Migration(migrations.Migration):
    dependencies = [("layers", "0016_history_fillfactor")]
    operations = [migrations.RunSQL(REFUSES_BC, PREVIOUS),
                  migrations.RunSQL(TIMESTAMP_ISO_OR_TURKISH, TIMESTAMP_BEFORE)]
