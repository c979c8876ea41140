from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("layers", "0008_fast_to_date")]

    operations = [
        migrations.AddField(
            model_name="layercounter",
            name="config_generation",
            field=models.BigIntegerField(default=0, db_default=0, verbose_name="configuration generation"),
        ),
    ]
