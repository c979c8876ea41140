import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")
_site = get_wsgi_application()

from cbs.fast_lane import with_lane  # noqa: E402  (after django.setup())

# Cookie-less GIS clients' hottest reads take a shorter middleware stack (cbs/fast_lane.py).
application = with_lane(_site)
