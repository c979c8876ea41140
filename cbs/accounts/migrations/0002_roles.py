"""The staff roles as groups with Turkish names, with their default grants."""

from django.db import migrations

from cbs.accounts.roles import ROLES


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Grant = apps.get_model("accounts", "Grant")
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        for resource, level in role.grants:
            Grant.objects.get_or_create(group=group, resource=resource, defaults={"level": level})


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[r.name for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
