"""Settings of the bench's floor server: the site's settings with no middleware and one view
(bench.bare_urls) that runs the SQL our provider sends for the same request. Never deployed."""

from cbs.settings import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.bare_urls"
