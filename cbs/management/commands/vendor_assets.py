"""Copy front-end dist files from node_modules into static/, and localise pygeoapi's templates.

Nothing is fetched from a CDN at run time: pygeoapi's HTML templates link unpkg/jsdelivr, so
a copy of them is written with those links pointed at our own static files (or dropped where
the page works without them), and without what the pages' Content-Security-Policy would block
(inline event handlers, javascript: URLs). Our own templates (ogc/pygeoapi_templates: the
catalogue's search page) are written over pygeoapi's. The Turkish (and English) texts of those
pages are compiled from locale/pygeoapi (`manage.py pygeoapi_messages` keeps them in step with
pygeoapi and our templates).
"""

import re
import shutil
from pathlib import Path

import pygeoapi
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .pygeoapi_messages import catalogues_dir, overrides_dir

# npm file -> static path under cbs/static/vendor/
VENDOR_FILES = {
    "ol/dist/ol.js": "ol/ol.js",
    "ol/ol.css": "ol/ol.css",
    "proj4/dist/proj4.js": "proj4/proj4.js",
    "chart.js/dist/chart.umd.min.js": "chart.js/chart.umd.min.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    "leaflet.markercluster/dist/leaflet.markercluster-src.js": "leaflet.markercluster/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "leaflet.markercluster/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css": "leaflet.markercluster/MarkerCluster.Default.css",
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui-standalone-preset.js": "swagger-ui/swagger-ui-standalone-preset.js",
    "swagger-ui-dist/favicon-32x32.png": "swagger-ui/favicon-32x32.png",
    "swagger-ui-dist/favicon-16x16.png": "swagger-ui/favicon-16x16.png",
    "tom-select/dist/js/tom-select.complete.min.js": "tom-select/tom-select.complete.min.js",
    "tom-select/dist/js/tom-select.complete.min.js.map": "tom-select/tom-select.complete.min.js.map",
    "tom-select/dist/css/tom-select.bootstrap5.min.css": "tom-select/tom-select.bootstrap5.min.css",
}

# CDN URL pattern (in pygeoapi templates) -> local static URL; None drops the tag.
CDN_REWRITES: list[tuple[str, str | None]] = [
    (r"https://unpkg\.com/leaflet@[^/]+/dist/leaflet\.css", "vendor/leaflet/leaflet.css"),
    (r"https://unpkg\.com/leaflet@[^/]+/dist/leaflet\.js", "vendor/leaflet/leaflet.js"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/leaflet/[^/]+/leaflet\.js", "vendor/leaflet/leaflet.js"),
    (r"https://unpkg\.com/leaflet\.markercluster/dist/leaflet\.markercluster-src\.js",
     "vendor/leaflet.markercluster/leaflet.markercluster.js"),
    (r"https://unpkg\.com/leaflet\.markercluster/dist/MarkerCluster\.css",
     "vendor/leaflet.markercluster/MarkerCluster.css"),
    (r"https://unpkg\.com/leaflet\.markercluster/dist/MarkerCluster\.Default\.css",
     "vendor/leaflet.markercluster/MarkerCluster.Default.css"),
    (r"https://unpkg\.com/bootstrap@[^/]+/dist/css/bootstrap\.min\.css", "vendor/bootstrap/bootstrap.min.css"),
    (r"https://unpkg\.com/swagger-ui-dist/swagger-ui\.css", "vendor/swagger-ui/swagger-ui.css"),
    (r"https://unpkg\.com/swagger-ui-dist/swagger-ui-bundle\.js", "vendor/swagger-ui/swagger-ui-bundle.js"),
    (r"https://unpkg\.com/swagger-ui-dist/swagger-ui-standalone-preset\.js",
     "vendor/swagger-ui/swagger-ui-standalone-preset.js"),
    (r"https://unpkg\.com/swagger-ui-dist/favicon-32x32\.png", "vendor/swagger-ui/favicon-32x32.png"),
    (r"https://unpkg\.com/swagger-ui-dist/favicon-16x16\.png", "vendor/swagger-ui/favicon-16x16.png"),
]
# Any other external script/stylesheet (draw tools, coverage viewers, web fonts) is dropped.
EXTERNAL_TAG = re.compile(
    r"<script[^>]+src=\"https?://[^\"]+\"[^>]*>\s*</script>|<link[^>]+href=\"https?://(?!pygeoapi\.io)[^\"]+\"[^>]*>"
)
# Inline event handlers (onclick="…") and javascript: URLs never run under the pages' CSP (its
# nonce covers <script> elements only): they are removed from pygeoapi's templates, and a page
# that needs the behaviour gets it from our templates (overrides_dir()) and static scripts.
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
INLINE_HANDLER = re.compile(r"""\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
JAVASCRIPT_URL = re.compile(r"""(\s(?:href|src|action|formaction)\s*=\s*)(["'])\s*javascript:[^"']*\2""", re.I)
# pygeoapi's page kept under another name where ours takes its place and includes it.
KEPT_AS = {"collections/items/index.html": "collections/items/features.html"}
PYGEOAPI_STATIC = re.compile(r"\{\{\s*config\['server'\]\['url'\]\s*\}\}/static/")
PYGEOAPI_STATIC_CONCAT = re.compile(r"config\['server'\]\['url'\]\s*\+\s*'/static/")


# Empty values shown as empty cells rather than "None", a missing epoch as a dash rather than
# pygeoapi's literal "_(not specified)" (exact fragments of pygeoapi's templates).
TEMPLATE_FIXES = [
    ("{% set val = v | string | trim %}", "{% set val = '' if v is none else v | string | trim %}"),
    ("{{ ft.properties.get(prop, '') | string | truncate( 35 ) }}",
     "{{ '' if ft.properties.get(prop) is none else ft.properties.get(prop) | string | truncate( 35 ) }}"),
    ("{{ ft.properties.get(title_field) | string | truncate( 35 ) }}",
     "{{ (ft.properties.get(title_field) or ft.id) | string | truncate( 35 ) }}"),
    ("or '_(not specified)'", "or '–'"),
]


def localise_template(text: str, static_url: str) -> str:
    """Point a pygeoapi template's CDN and /static links at our own static files; drop what the
    CSP would block (inline event handlers, javascript: URLs); show no "None"."""
    for fragment, fixed in TEMPLATE_FIXES:
        text = text.replace(fragment, fixed)
    for pattern, target in CDN_REWRITES:
        text = re.sub(pattern, static_url + target, text)
    text = EXTERNAL_TAG.sub("", text)
    text = PYGEOAPI_STATIC.sub(static_url + "pygeoapi/", text)
    text = PYGEOAPI_STATIC_CONCAT.sub(f"'{static_url}pygeoapi/", text)
    text = TAG.sub(lambda tag: JAVASCRIPT_URL.sub(r'\1\2#\2', INLINE_HANDLER.sub("", tag.group(0))), text)
    return text.replace("%STATIC_URL%", static_url)


def blocked_by_csp(text: str) -> list[str]:
    """Inline handlers and javascript: URLs left in a template's tags (what the CSP would refuse)."""
    return [found.group(0).strip() for tag in TAG.finditer(text)
            for found in [*INLINE_HANDLER.finditer(tag.group(0)), *JAVASCRIPT_URL.finditer(tag.group(0))]]


class Command(BaseCommand):
    help = "Copy front-end libraries into static/ and write CDN-free pygeoapi templates."

    def handle(self, *args, **options) -> None:
        node_modules = settings.BASE_DIR / "node_modules"
        vendor = settings.BASE_DIR / "cbs" / "static" / "vendor"
        for src, dst in VENDOR_FILES.items():
            source, target = node_modules / src, vendor / dst
            if not source.exists():
                raise CommandError(f"{source} is missing: run `npm ci` (make setup does)")
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, target)
        written = self.write_pygeoapi_templates(Path(settings.CBS_PYGEOAPI_TEMPLATES))
        languages = compile_pygeoapi_catalogues(catalogues_dir(), Path(settings.CBS_PYGEOAPI_LOCALE))
        self.stdout.write(f"vendor assets: {len(VENDOR_FILES)} copied, {written} templates localised "
                          f"({', '.join(languages)})")

    def write_pygeoapi_templates(self, out: Path) -> int:
        count = 0
        for source_dir, renames in ((Path(pygeoapi.__file__).parent / "templates", KEPT_AS), (overrides_dir(), {})):
            for source in sorted(source_dir.rglob("*")):
                if source.is_dir():
                    continue
                name = source.relative_to(source_dir).as_posix()
                target = out / renames.get(name, name)
                target.parent.mkdir(parents=True, exist_ok=True)
                if source.suffix in (".html", ".jinja2", ".j2"):
                    target.write_text(localise_template(source.read_text(), settings.STATIC_URL))
                    count += 1
                else:
                    shutil.copyfile(source, target)
        return count


def compile_pygeoapi_catalogues(source: Path, out: Path) -> list[str]:
    """<source>/<lang>/LC_MESSAGES/messages.po -> <out>/…/messages.mo (the layout Babel loads)."""
    languages = []
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        language = po.parent.parent.name
        with po.open("rb") as f:
            catalogue = read_po(f, locale=language)
        target = out / language / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as f:
            write_mo(f, catalogue)
        languages.append(language)
    return languages
