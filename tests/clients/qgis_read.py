"""Run by Debian's system Python 3 with QGIS 3.22 (python3-qgis), never imported by pytest.

Opens layers the way a partner's desktop QGIS does, headless: a fresh profile with its own
authentication database, an HTTP Basic auth config holding the key, then OAPIF / WFS / WMS
layers using that auth config. Prints one JSON document: per layer valid, feature count or
raster size, the provider's error.

usage: qgis_read.py PROFILE_DIR JOB_JSON
JOB_JSON: {"key": "..." or null, "layers": [{"provider": "OAPIF"|"WFS"|"wms", "uri": "..."}]}
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
profile, job = sys.argv[1], json.loads(sys.argv[2])
os.environ["QGIS_AUTH_DB_DIR_PATH"] = profile

from qgis.core import (  # noqa: E402
    QgsApplication, QgsAuthMethodConfig, QgsMapRendererParallelJob, QgsMapSettings,
    QgsRasterLayer, QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402

app = QgsApplication([], False, profile)
app.setPrefixPath("/usr", True)
app.initQgis()

authcfg = ""
if job.get("key") is not None:
    manager = QgsApplication.authManager()
    assert manager.setMasterPassword("test-master-password", True), "auth db"
    config = QgsAuthMethodConfig()
    config.setMethod("Basic")
    config.setName("Kent CBS")
    config.setConfig("username", job.get("user", "kurum"))
    config.setConfig("password", job["key"])
    assert manager.storeAuthenticationConfig(config)[0], "store auth config"
    authcfg = config.id()

results = []
for spec in job["layers"]:
    uri = spec["uri"]
    if authcfg:
        uri += f" authcfg={authcfg}" if spec["provider"] != "wms" else f"&authcfg={authcfg}"
    if spec["provider"] == "wms":
        layer = QgsRasterLayer(uri, "layer", "wms")
        out = {"valid": layer.isValid()}
        if layer.isValid():
            settings = QgsMapSettings()
            settings.setLayers([layer])
            settings.setDestinationCrs(layer.crs())
            settings.setExtent(layer.extent())
            settings.setOutputSize(QSize(256, 256))
            render = QgsMapRendererParallelJob(settings)
            render.start()
            render.waitForFinished()
            image = render.renderedImage()
            colours = {image.pixel(x, y) for x in range(0, 256, 4) for y in range(0, 256, 4)}
            out.update(crs=layer.crs().authid(), colours=len(colours))
    else:
        layer = QgsVectorLayer(uri, "layer", spec["provider"])
        out = {"valid": layer.isValid()}
        if layer.isValid():
            features = list(layer.getFeatures())
            out.update(count=len(features), fields=[f.name() for f in layer.fields()],
                       crs=layer.crs().authid())
    results.append(out)

print(json.dumps(results), flush=True)
os._exit(0)  # QGIS 3.22 may crash while tearing down network threads; the result is out
