"""Print to PDF (issue 18.5)."""

TR = {
    "%(name)s must be a number.": "%(name)s bir sayı olmalı.",
    "Paper must be A4 or A3.": "Kâğıt A4 ya da A3 olmalı.",
    "Orientation must be portrait or landscape.": "Yön dikey ya da yatay olmalı.",
    "Scale must be between 1:500 and 1:25 000.": "Ölçek 1:500 ile 1:25 000 arasında olmalı.",
    "The map centre is outside the municipality.": "Harita merkezi belediye sınırlarının dışında.",
    "The title may have at most %(n)d characters.": "Başlık en çok %(n)d karakter olabilir.",
    "The title contains control characters.": "Başlıkta denetim karakterleri var.",
    "Map": "Harita",
    "Choose at most %(n)d layers.": "En çok %(n)d katman seçin.",
    "Unknown layer: %(name)s": "Bilinmeyen katman: %(name)s",
    "Legend": "Lejant",
    "… and %(n)d more legend entries": "… ve %(n)d lejant girdisi daha",
    "N": "K",
    "Scale 1:%(scale)s": "Ölçek 1:%(scale)s",
    "Date: %(date)s": "Tarih: %(date)s",
    "Coordinate system: TUREF / TM (EPSG:%(srid)s)": "Koordinat sistemi: TUREF / TM (EPSG:%(srid)s)",
    "landscape": "yatay", "portrait": "dikey",
    "%(layer)s: too many features for one page, some are not shown.":
        "%(layer)s: bir sayfa için çok fazla nesne var, bir kısmı gösterilmedi.",
    "Print to PDF": "PDF olarak yazdır",
    "Title": "Başlık",
    "Paper": "Kâğıt",
    "Orientation": "Yön",
    "Portrait": "Dikey",
    "Landscape": "Yatay",
    "Scale": "Ölçek",
    "Coordinate grid (TM)": "Koordinat ağı (TM)",
    "The map's centre and the layers switched on are printed, with title, legend, scale bar, north arrow and date.":
        "Haritanın merkezi ve açık katmanlar; başlık, lejant, ölçek çubuğu, kuzey oku ve tarihle yazdırılır.",
    "Create PDF": "PDF oluştur",
}
