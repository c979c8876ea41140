"""Search everywhere: ticket numbers and subjects found by a part, folded like every search."""

from django.db import migrations

from cbs.fold import drop_index_sql, trigram_index_sql

INDEXED = [("tickets_ticket", "number"), ("tickets_ticket", "title")]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_mail_intake_cimer_team_lead"), ("layers", "0013_search_fold")]

    operations = [migrations.RunSQL(trigram_index_sql(t, c), drop_index_sql(t, c)) for t, c in INDEXED]
