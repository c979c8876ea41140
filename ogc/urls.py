from django.urls import path

from cbs.partners import views as partner_views

from . import fast_items, tilematrixsets, tiles, transactions, views

app_name = "ogc"

urlpatterns = [
    path("", views.landing_page, name="landing"),
    path("openapi", views.openapi, name="openapi"),
    path("conformance", views.conformance, name="conformance"),
    # A partner's key held by the browser session (cbs/partners/browser.py).
    path("key/", partner_views.partner_key, name="partner_key"),
    path("key/leave", partner_views.partner_key_end, name="partner_key_end"),
    path("tileMatrixSets", tilematrixsets.tile_matrix_sets, name="tilematrixsets"),
    path("tileMatrixSets/<str:tms_id>", tilematrixsets.tile_matrix_set, name="tilematrixset"),
    path("collections", views.collections, name="collections"),
    path("collections/<str:collection_id>", views.collections, name="collection"),
    path("collections/<str:collection_id>/schema", views.collection_schema, name="schema"),
    path("collections/<str:collection_id>/queryables", views.collection_queryables,
         name="queryables"),
    # Reads go to pygeoapi; Part 4 writes to the layer services (ogc/transactions.py).
    # Plain anonymous GeoJSON reads take the one-statement fast path (ogc/fast_items.py).
    path("collections/<str:collection_id>/items", fast_items.items, name="items"),
    path("collections/<str:collection_id>/items/<str:item_id>", transactions.item, name="item"),
    path("collections/<str:collection_id>/tiles", tiles.tilesets, name="tilesets"),
    path("collections/<str:collection_id>/tiles/<str:tms>", tiles.tileset, name="tileset"),
    path("collections/<str:collection_id>/tiles/<str:tms>/<int:z>/<int:y>/<int:x>", tiles.tile,
         name="tile"),
]
