"""Search everywhere: unaccent + pg_trgm, the Turkish fold function and trigram indexes on names."""

from django.db import migrations

from cbs.fold import FOLD_FUNCTION_SQL, drop_index_sql, trigram_index_sql

INDEXED = [("layers_mahalle", "adi"), ("layers_yol", "adi"), ("layers_bina", "adi"),
           ("layers_kamuhizmeti", "adi")]


class Migration(migrations.Migration):
    dependencies = [("layers", "0012_import_queue_job")]

    operations = [
        migrations.RunSQL(FOLD_FUNCTION_SQL, "DROP FUNCTION IF EXISTS cbs_fold(text)"),
        *[migrations.RunSQL(trigram_index_sql(t, c), drop_index_sql(t, c)) for t, c in INDEXED],
    ]
