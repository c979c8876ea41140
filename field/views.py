"""The installable field app: its page (the app shell), web manifest and service worker.

The service worker is served from /saha/sw.js so that its scope (/saha/) covers the app; it
caches the shell and the prepared area's tiles (templates/field/sw.js)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .strings import ui_strings

# Bump when the service worker's own logic changes (its cache names carry it).
SHELL_VERSION = "2"

SHELL_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css", "vendor/ol/ol.css", "vendor/ol/ol.js",
    "field/css/field.css", "field/js/store.js", "field/js/prepare.js", "field/js/sync.js",
    "field/js/conflict.js", "field/js/app.js", "field/img/icon-192.png", "field/img/icon-512.png",
)


@login_required
@require_GET
def app(request: HttpRequest) -> HttpResponse:
    """The field app's single page; everything it shows offline comes from the device."""
    return render(request, "field/app.html", {
        "strings": ui_strings(),
        "urls": {"config": reverse("field:config"), "versions": reverse("field:versions"),
                 "tileBatch": reverse("field:tiles"),
                 "changes": reverse("field:changes"), "photos": reverse("field:photos"),
                 "sw": reverse("field:sw"), "scope": reverse("field:app"),
                 "items": "/ogc/collections/LAYER/items",
                 "tiles": "/ogc/collections/LAYER/tiles/WebMercatorQuad/{z}/{y}/{x}",
                 "login": reverse("login")},
    })


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest (installable; the app opens on /saha/ in its own window)."""
    scope = reverse("field:app")
    body = {
        "name": _("Kent CBS field collection"), "short_name": _("CBS Field"),
        "description": _("Collect and edit features in the field, also without a connection."),
        "lang": request.LANGUAGE_CODE, "start_url": scope, "scope": scope, "id": scope,
        "display": "standalone", "orientation": "any",
        "background_color": "#ffffff", "theme_color": "#212529",
        "icons": [{"src": static(f"field/img/icon-{size}.png"), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": "any maskable"} for size in (192, 512)],
    }
    return JsonResponse(body, content_type="application/manifest+json",
                        json_dumps_params={"ensure_ascii": False})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script with the shell's asset URLs filled in; never cached by HTTP so a
    new deployment reaches the devices at the next online start."""
    shell = [reverse("field:app"), reverse("field:manifest"), *(static(a) for a in SHELL_ASSETS)]
    response = render(request, "field/sw.js", {
        "version": SHELL_VERSION, "shell": json.dumps(shell), "scope": json.dumps(reverse("field:app")),
    }, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_GET
def photo_file(request: HttpRequest, photo_id) -> HttpResponse:
    """A field photo, for those who may see its layer (media files are never served directly)."""
    from django.http import FileResponse

    from cbs.http import NotFound

    from .models import FieldPhoto
    from .selectors import field_layers

    photo = FieldPhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.layer not in {layer.name for layer in field_layers(request.user)}:
        raise NotFound(_("No such photo."))
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="{photo.layer}-{photo.tucbs_no}-{photo.id}.jpg"'
    return response
