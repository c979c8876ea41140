"""Print from the map page in a real headless Chromium (issue 18.5): the panel opens at the
map's scale, sends the centre and the layers switched on, and the PDF it opens holds them.
Set CBS_SCREENSHOT_DIR to keep screenshots at 1440×900."""

import io
import os
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser_support import chromium, shot  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_print_panel_sends_the_view_and_the_pdf_holds_title_scale_and_legend(chromium, live_site, db):
    context = chromium.new_context(locale="tr-TR", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(live_site + "/map/")
    page.wait_for_selector("#layer-tree .layer-row")
    # Zoom to about 1:2 500 (0.7 m a pixel on the ground at 41° N) over the district's centre and switch zoning on.
    page.evaluate("""() => { const v = window.kentMap.getView();
        v.setCenter(ol.proj.fromLonLat([28.905, 41.003])); v.setZoom(17.36);
        window.kentLayers['ak-imar'].setVisible(true); }""")
    page.click("#print-panel summary")
    # The panel picks its scale in the "toggle" event, which the browser fires after the click returns.
    expect(page.locator("#print-scale")).to_have_value("2500")
    page.fill("#print-title", "Telsiz ve Gül köşesi")
    page.select_option("select[name=orientation]", "landscape")
    page.check("#print-grid")
    shot(page, "map-print-panel")
    with context.expect_page() as opened:
        page.click("#print-submit")
    pdf_page = opened.value
    url = pdf_page.url
    query = parse_qs(urlparse(url).query)
    assert query["scale"] == ["2500"] and query["orientation"] == ["landscape"] and query["grid"] == ["1"]
    assert "ak-imar" in query["layers"][0].split(",") and "bi-bina" in query["layers"][0].split(",")
    assert "tk-parsel" not in query["layers"][0]  # internal: not on an anonymous map
    x, y = float(query["x"][0]), float(query["y"][0])
    assert 400_000 < x < 420_000 and 4_530_000 < y < 4_550_000  # the TM zone, not Web Mercator
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    for expected in ("Telsiz ve Gül köşesi", "Ölçek 1:2 500", "Lejant", "Binalar", "İmar planları:", "yatay"):
        assert expected in text, expected
    context.close()
