"""The "Personel" role (self-service tickets), held by every existing account."""

from django.db import migrations


def add_personel(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    group, _created = Group.objects.get_or_create(name="Personel")
    group.user_set.add(*User.objects.all())


def remove_personel(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Personel").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_login_lockouts")]

    operations = [migrations.RunPython(add_personel, remove_personel)]
