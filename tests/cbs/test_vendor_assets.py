"""pygeoapi's templates as vendor_assets writes them: nothing the pages' CSP would block."""

from pathlib import Path

from cbs.management.commands.vendor_assets import blocked_by_csp, localise_template

SAMPLE = """<input class="form-check-input" onchange="checkSpatialFilter()"  type="checkbox" id="s">
<button type="submit" class="btn btn-primary" onclick="submitForm();">Search</button>
<button type="reset" onclick='document.getElementById("f").reset();'>Reset</button>
<a class="x" href="javascript:void(0)" ONCLICK="go()">x</a><p onmouseover=go() class=y>p</p>
<script>var onload = "kept"; if (a<b && c>d) { el.onclick = "kept"; }</script>"""


def test_inline_handlers_and_javascript_urls_are_dropped_scripts_kept():
    assert len(blocked_by_csp(SAMPLE)) == 6
    written = localise_template(SAMPLE, "/static/")
    assert blocked_by_csp(written) == []
    assert '<input class="form-check-input"  type="checkbox" id="s">' in written
    assert '<button type="submit" class="btn btn-primary">Search</button>' in written
    assert '<a class="x" href="#">x</a><p class=y>p</p>' in written
    assert 'var onload = "kept"; if (a<b && c>d) { el.onclick = "kept"; }' in written


def test_written_templates_hold_nothing_the_csp_blocks(settings):
    """make setup (vendor_assets) wrote them; the catalogue's record page is ours, pygeoapi's items
    page stays for features."""
    root = Path(settings.CBS_PYGEOAPI_TEMPLATES)
    pages = sorted(root.rglob("*.html"))
    assert len(pages) > 30
    assert {str(p.relative_to(root)): blocked_by_csp(p.read_text()) for p in pages if blocked_by_csp(p.read_text())} == {}
    items = root / "collections" / "items"
    assert "records.html" in (items / "index.html").read_text()
    assert "L.map('items-map')" in (items / "features.html").read_text()
    assert "%STATIC_URL%" not in (items / "records.html").read_text()
    assert f"{settings.STATIC_URL}cbs/js/ogc-records.js" in (items / "records.html").read_text()
