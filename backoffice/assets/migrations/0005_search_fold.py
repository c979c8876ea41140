"""Search everywhere: trigram indexes on the folded names and codes of the assets."""

from django.db import migrations

from cbs.fold import drop_index_sql, trigram_index_sql

INDEXED = [("assets_camera", "adi"), ("assets_networkdevice", "adi"), ("assets_site", "adi"),
           ("assets_site", "kod"), ("assets_fiberlink", "adi")]


class Migration(migrations.Migration):
    dependencies = [("assets", "0004_history_from_audit"), ("layers", "0013_search_fold")]

    operations = [migrations.RunSQL(trigram_index_sql(t, c), drop_index_sql(t, c)) for t, c in INDEXED]
