"""Fill the layers' history tables from the audit trail's snapshots (nothing already recorded is lost)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from layers.history_backfill import backfill

    backfill(apps, schema_editor, "layers")


class Migration(migrations.Migration):

    dependencies = [
        ("layers", "0010_feature_history"),
        ("audit", "0004_unsealed_access_records"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
