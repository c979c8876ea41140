"""Fill the asset layers' history tables from the audit trail's snapshots."""

from django.db import migrations


def forwards(apps, schema_editor):
    from layers.history_backfill import backfill

    backfill(apps, schema_editor, "assets")


class Migration(migrations.Migration):

    dependencies = [
        ("assets", "0003_feature_history"),
        ("audit", "0004_unsealed_access_records"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
