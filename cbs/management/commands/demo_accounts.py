"""Demo accounts for the embedded development setup (never run by production settings)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or reset the demo administrator `admin` (password from CBS_DEMO_PASSWORD)."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(username="admin", defaults={"email": ""})
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(settings.CBS_DEMO_PASSWORD)
        user.save()
        self.stdout.write(
            f"Demo administrator {'created' if created else 'ready'}: "
            f"log in at /admin/ as `admin` with the password in CBS_DEMO_PASSWORD "
            f"(default `kentcbs-demo`)."
        )
