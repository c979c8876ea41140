from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cbs import search_views, views
from cbs.accounts.forms import AdminLoginForm
from ogc import basemap as ogc_basemap
from ogc import ows as ogc_ows
from ogc import views as ogc_views

admin.site.login_form = AdminLoginForm
admin.site.site_header = admin.site.site_title = "Kent CBS"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", RedirectView.as_view(url="/static/pygeoapi/img/favicon.ico", permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("cbs.accounts.urls")),
    path("admin/", admin.site.urls),
    path("map/", include("layers.urls")),
    path("search/", search_views.search_view, name="search"),
    path("ogc/", include("ogc.urls")),
    # The landing page without the slash too: QGIS 3.22 does not follow the 301 APPEND_SLASH sends.
    path("ogc", ogc_views.landing_page, name="ogc_landing_no_slash"),
    # WMS 1.3.0 / WFS 2.0 (MapServer behind the same gate, ogc/ows.py).
    path("ows/wms", ogc_ows.wms, name="ows_wms"),
    path("ows/wfs", ogc_ows.wfs, name="ows_wfs"),
    path("ows/basemap/<int:z>/<int:x>/<int:y>.png", ogc_basemap.basemap_tile, name="ows_basemap"),
    path("assets/", include("backoffice.assets.urls")),
    path("tickets/", include("backoffice.tickets.urls")),
    path("requests/", include("backoffice.tickets.self_service_urls")),
    path("reports/", include("backoffice.reports.urls")),
    path("notifications/", include("cbs.notifications.urls")),
    path("saha/", include("field.urls")),
]

# Error pages in the user's language (cbs/views.py); 500 stays Django's plain page.
handler400 = "cbs.views.bad_request"
handler403 = "cbs.views.permission_denied"
handler404 = "cbs.views.page_not_found"
