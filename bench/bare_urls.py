"""The floor of the HTTP benchmark: a bare Django view (no middleware, no gate, no pygeoapi, no
access log) answering /items with the statement our provider sent for the same query string.

bench.http captures those statements through the real endpoint before it starts this server and
hands them over in the JSON file named by CBS_BENCH_BARE_SQL ({query string: SQL}).
"""

import json
import os
from pathlib import Path

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import path

STATEMENTS: dict[str, str] = json.loads(Path(os.environ["CBS_BENCH_BARE_SQL"]).read_text())


def items(request: HttpRequest) -> HttpResponse:
    sql = STATEMENTS.get(request.META.get("QUERY_STRING", ""))
    if sql is None:
        return HttpResponseNotFound()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        count, text = cursor.fetchone()
    body = f'{{"type":"FeatureCollection","features":[{text}],"numberReturned":{count}}}'
    return HttpResponse(body, content_type="application/geo+json")


urlpatterns = [path("items", items)]
