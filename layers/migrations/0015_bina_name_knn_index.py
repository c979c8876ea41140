"""Search everywhere over many buildings: a partial GiST trigram index on the folded building name,
so that the closest names are read in distance order (`<->` with LIMIT) instead of folding and
sorting every building that contains the words (the GIN index stays for the attribute table's
"contains" filter, which needs all hits anyway)."""

from django.db import migrations

from cbs.fold import drop_knn_index_sql, trigram_knn_index_sql


class Migration(migrations.Migration):
    dependencies = [("layers", "0014_basemap")]

    operations = [
        migrations.RunSQL(trigram_knn_index_sql("layers_bina", "adi"), drop_knn_index_sql("layers_bina", "adi")),
    ]
