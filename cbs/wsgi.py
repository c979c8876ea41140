import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")
_site = get_wsgi_application()

from cbs.fast_lane import with_lane  # noqa: E402  (after django.setup())

# Cookie-less GIS clients' hottest reads take a shorter middleware stack (cbs/fast_lane.py).
application = with_lane(_site)

# What start-up loaded (Django, GDAL, pygeoapi, the URLconf: ~160 000 objects) lives as long as
# the process: frozen, the cyclic garbage collector's full passes skip it. A full pass over it took
# 100–180 ms, stalling every request of the worker meanwhile (the p99 spikes under load).
gc.collect()
gc.freeze()
