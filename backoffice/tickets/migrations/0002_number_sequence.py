from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunSQL("CREATE SEQUENCE IF NOT EXISTS tickets_number_seq",
                                    "DROP SEQUENCE IF EXISTS tickets_number_seq")]
