"""Turkish texts of issue 21: partner keys (HTTP Basic, key page), WMS/WFS, OGC conformance."""

TR = {
    # key page (cbs/partners)
    "This is a staff API token: log in instead.": "Bu bir personel API anahtarı: bunun yerine oturum açın.",
    "Partner institutions – Kent CBS": "Paydaş kurumlar – Kent CBS",
    "Layers shared under protocol": "Protokolle paylaşılan katmanlar",
    "Signed in for <strong>%(name)s</strong>.": "<strong>%(name)s</strong> adına giriş yapıldı.",
    "Valid in this browser until %(time)s.": "Bu tarayıcıda %(time)s saatine kadar geçerli.",
    "Leave": "Çıkış",
    "Your protocol layers": "Protokolünüzdeki katmanlar",
    "Features on the map": "Nesneler haritada",
    "No layer is shared with your institution under a current protocol.":
        "Kurumunuzla yürürlükteki bir protokol kapsamında paylaşılan katman yok.",
    "Public layers": "Herkese açık katmanlar",
    "Institutions with a data-sharing protocol enter the key they were given once; the layers of "
    "their protocol can then be browsed in this browser. The key is not shown again and is not "
    "stored in the browser.":
        "Veri paylaşım protokolü olan kurumlar kendilerine verilen anahtarı bir kez girer; protokoldeki "
        "katmanlar bundan sonra bu tarayıcıda incelenebilir. Anahtar yeniden gösterilmez ve tarayıcıda "
        "saklanmaz.",
    "Continue": "Devam",
    "In your GIS software": "CBS yazılımınızda",
    "QGIS, ArcGIS, NetCAD and GDAL read the same layers with the key: choose Basic authentication, "
    "any user name, the key as the password.":
        "QGIS, ArcGIS, NetCAD ve GDAL aynı katmanları anahtarla okur: Temel (Basic) kimlik doğrulamayı "
        "seçin, kullanıcı adı serbest, parola olarak anahtarı girin.",
    "OGC API – Features / Tiles": "OGC API – Nesneler / Karolar",
    "Institution key": "Kurum anahtarı",
    # link titles of the OGC API (ogc/link_titles.py)
    "The landing page of this server as JSON": "Bu sunucunun ana sayfası (JSON)",
    "The landing page of this server as HTML": "Bu sunucunun ana sayfası (HTML)",
    "The OpenAPI definition as JSON": "OpenAPI tanımı (JSON)",
    "The OpenAPI definition as HTML": "OpenAPI tanımı (HTML)",
    "Conformance": "Uygunluk",
    "Processes": "Süreçler",
    "Jobs": "İşler",
    "Items (next)": "Nesneler (sonraki)",
    "Items (prev)": "Nesneler (önceki)",
    "The list of supported tiling schemes as JSON": "Desteklenen karo şemalarının listesi (JSON)",
    "The list of supported tiling schemes as HTML": "Desteklenen karo şemalarının listesi (HTML)",
    "TileMatrixSet definition in JSON": "Karo matrisi kümesi tanımı (JSON)",
    "Vector tiles (MVT)": "Vektör karolar (MVT)",
    "This document as %(format)s": "Bu belge (%(format)s)",
    "Items as %(format)s": "Nesneler (%(format)s)",
    "Schema of the collection as %(format)s": "Koleksiyonun şeması (%(format)s)",
    "Queryables of the collection as %(format)s": "Koleksiyonun sorgulanabilir öznitelikleri (%(format)s)",
    "Tile matrix set %(id)s": "Karo matrisi kümesi %(id)s",
    "No such tile matrix set.": "Böyle bir karo matrisi kümesi yok.",
    # WMS / WFS (ogc/ows*.py, ogc/mapfile.py)
    "Kent CBS – municipal layers": "Kent CBS – belediye katmanları",
    "Published layers of the municipality (TUCBS), WMS 1.3.0 and WFS 2.0.":
        "Belediyenin yayımlanan katmanları (TUCBS), WMS 1.3.0 ve WFS 2.0.",
    "The map service is not available at the moment.": "Harita servisi şu anda kullanılamıyor.",
    "Unknown layer: %(name)s": "Bilinmeyen katman: %(name)s",
    "Name at least one layer.": "En az bir katman adı verin.",
    "The filter is too long.": "Filtre çok uzun.",
    "The filter is not well-formed XML.": "Filtre geçerli bir XML değil.",
    "The filter may not contain a document type declaration.": "Filtre belge türü bildirimi (DOCTYPE) içeremez.",
    "Filter functions are not supported.": "Filtre fonksiyonları desteklenmiyor.",
    "WIDTH and HEIGHT must be whole numbers from 1 to 4096.": "WIDTH ve HEIGHT 1 ile 4096 arasında tam sayı olmalıdır.",
    "%(key)s must be a whole number.": "%(key)s tam sayı olmalıdır.",
    "BBOX must be four numbers (and a CRS).": "BBOX dört sayı (ve bir koordinat sistemi) olmalıdır.",
    "This coordinate reference system is not offered: %(crs)s": "Bu koordinat referans sistemi sunulmuyor: %(crs)s",
    "Image formats offered: image/png, image/jpeg.": "Sunulan görüntü biçimleri: image/png, image/jpeg.",
    "This feature info format is not offered.": "Bu nesne bilgisi biçimi sunulmuyor.",
    "SORTBY: sort order must be ASC or DESC.": "SORTBY: sıralama yönü ASC veya DESC olmalıdır.",
    "Unknown feature id: %(id)s": "Bilinmeyen nesne kimliği: %(id)s",
    "Only the stored query GetFeatureById is offered.": "Yalnızca GetFeatureById kayıtlı sorgusu sunulur.",
    "Invalid value of %(key)s.": "%(key)s değeri geçersiz.",
    "A parameter value is too long.": "Bir parametre değeri çok uzun.",
    "This address serves %(service)s only.": "Bu adres yalnızca %(service)s hizmeti verir.",
    "Supported requests: %(list)s.": "Desteklenen istekler: %(list)s.",
    "Unsupported version: %(v)s": "Desteklenmeyen sürüm: %(v)s",
    "Unknown property: %(name)s": "Bilinmeyen öznitelik: %(name)s",
    # ogc/templates/ogc/not_found.html
    "Not found – Kent CBS": "Bulunamadı – Kent CBS",
    "This page is not available to you": "Bu sayfa size açık değil",
    "The collection or feature does not exist, or it is shared only with institutions under a protocol.":
        "Koleksiyon ya da nesne yok veya yalnızca protokollü kurumlarla paylaşılıyor.",
    "Enter your institution key": "Kurum anahtarınızı girin",
    "Public collections": "Herkese açık koleksiyonlar",
}
