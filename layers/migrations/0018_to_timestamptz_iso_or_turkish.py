"""cbs_import.to_timestamptz gives only what Python can read back: it fell back to PostgreSQL's
own input, which also takes 'infinity', 'now', 'today', 'epoch', BC and five-digit years – a
feature stored with one of them would fail every later read (a 500). Now: the Turkish form or
ISO 8601, nothing else. (0017 did the same for to_date's BC.)"""

from importlib import import_module

from django.db import migrations

# The function as it was (the way back), and changed by one guard.
_EARLIER = import_module("layers.migrations.0004_imports").FUNCTIONS
_START = _EARLIER.index("CREATE OR REPLACE FUNCTION cbs_import.to_timestamptz")
TIMESTAMP_BEFORE = _EARLIER[_START:_EARLIER.index("END $$;", _START) + len("END $$;")] + "\n"

TIMESTAMP_ISO_OR_TURKISH = TIMESTAMP_BEFORE.replace(
    "  RETURN v::timestamptz;\n",
    "  -- ISO 8601 only: PostgreSQL's input alone would take 'infinity', 'now', BC, year 10000 …\n"
    "  IF v !~ '^\\s*\\d{4}-\\d{1,2}-\\d{1,2}([ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?\\s*"
    "(Z|[+-]\\d{2}(:?\\d{2})?)?\\s*$' THEN\n"
    "    RETURN NULL;\n"
    "  END IF;\n"
    "  RETURN v::timestamptz;\n", 1)
assert TIMESTAMP_ISO_OR_TURKISH != TIMESTAMP_BEFORE, "0004's to_timestamptz changed: update this migration"


class Migration(migrations.Migration):
    dependencies = [("layers", "0017_to_date_refuses_bc")]
    operations = [migrations.RunSQL(TIMESTAMP_ISO_OR_TURKISH, TIMESTAMP_BEFORE)]
