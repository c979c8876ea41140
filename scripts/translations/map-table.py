"""Attribute table, search everywhere, measuring and keyboard shortcuts (issue 18, points 4, 6, 7)."""

TR = {
    # search
    "Coordinates": "Koordinatlar",
    "Addresses": "Adresler",
    "Parcels": "Parseller",
    "Neighbourhoods": "Mahalleler",
    "Roads": "Yollar",
    "Buildings": "Binalar",
    "Public service points": "Kamu hizmet noktaları",
    "search group\x04Assets": "Varlıklar",
    "search group\x04Tickets": "Kayıtlar",
    "Ada %(ada)s Parsel %(parsel)s": "Ada %(ada)s Parsel %(parsel)s",
    "Building %(id)s": "Bina %(id)s",
    "Building id %(id)s": "Bina kimlik no %(id)s",
    "Camera %(name)s (%(ip)s)": "Kamera %(name)s (%(ip)s)",
    "Camera %(name)s": "Kamera %(name)s",
    "Device %(name)s (%(ip)s)": "Cihaz %(name)s (%(ip)s)",
    "Device %(name)s": "Cihaz %(name)s",
    "Site %(code)s %(name)s": "Lokasyon %(code)s %(name)s",
    "Fiber link %(name)s": "Fiber hat %(name)s",
    "Latitude %(lat)s, longitude %(lon)s": "Enlem %(lat)s, boylam %(lon)s",
    "Address, place, ada/parsel, asset, ticket no or coordinates":
        "Adres, yer, ada/parsel, varlık, kayıt no veya koordinat",
    "Go to this position": "Bu konuma git",
    "Open its page": "Sayfasını aç",
    "Nothing found. Try part of a name, a door number after the street, 123/4 for ada/parsel or coordinates.":
        "Hiçbir şey bulunamadı. Adın bir parçasını, sokaktan sonra kapı numarasını, ada/parsel için 123/4 "
        "biçimini veya koordinat deneyin.",
    # attribute table: server
    "The layer has no attribute %(name)s.": "Katmanda %(name)s özniteliği yok.",
    "%(value)s is not a valid value for %(label)s.": "%(value)s, %(label)s için geçerli bir değer değil.",
    "Unknown filter operator %(op)s.": "Bilinmeyen filtre koşulu: %(op)s.",
    "“contains” needs a text attribute; use = for %(label)s.":
        "“içerir” yalnızca metin özniteliklerinde kullanılabilir; %(label)s için = kullanın.",
    "No such neighbourhood.": "Böyle bir mahalle yok.",
    "Select at most %(max)d features.": "En fazla %(max)d obje seçin.",
    "ids must be feature numbers separated by commas.": "ids, virgülle ayrılmış obje numaraları olmalıdır.",
    "order must be asc or desc.": "order, asc veya desc olmalıdır.",
    "Send the changes as a list.": "Değişiklikleri liste olarak gönderin.",
    "Change at most %(max)d features at once.": "Tek seferde en fazla %(max)d obje değiştirin.",
    "Each change needs the feature's id, version and properties.":
        "Her değişiklik objenin numarasını, sürümünü ve özniteliklerini içermelidir.",
    "The request body is not valid JSON.": "İstek gövdesi geçerli bir JSON değil.",
    "These attributes cannot be edited in the table: %(names)s.":
        "Bu öznitelikler tabloda düzenlenemez: %(names)s.",
    "Attribute table": "Öznitelik tablosu",
    "You may not edit this feature.": "Bu objeyi düzenleme yetkiniz yok.",
    "Nothing was saved. %(problems)s": "Hiçbir şey kaydedilmedi. %(problems)s",
    "%(count)d features saved; each has a new version in its history.":
        "%(count)d obje kaydedildi; her birinin geçmişinde yeni bir sürüm var.",
    "The feature was saved; it has a new version in its history.":
        "Obje kaydedildi; geçmişinde yeni bir sürüm var.",
    "Someone else changed or deleted %(numbers)s meanwhile. Reload the table and apply your change again.":
        "Bu arada başka biri %(numbers)s objelerini değiştirdi veya sildi. Tabloyu yenileyip değişikliğinizi "
        "yeniden uygulayın.",
    # attribute table: page
    "Drag to resize": "Boyutlandırmak için sürükleyin",
    "Only in the map view": "Yalnızca harita görünümündekiler",
    "All neighbourhoods": "Tüm mahalleler",
    "Selected only": "Yalnızca seçilenler",
    "Attribute to filter by": "Filtrelenecek öznitelik",
    "Condition": "Koşul",
    "contains": "içerir",
    "is empty": "boş",
    "is not empty": "boş değil",
    "Add filter": "Filtre ekle",
    "Previous page": "Önceki sayfa",
    "Next page": "Sonraki sayfa",
    "Close the attribute table": "Öznitelik tablosunu kapat",
    "Zoom to selection": "Seçime yakınlaş",
    "Clear selection": "Seçimi temizle",
    "Export the selection": "Seçimi dışa aktar",
    "Attribute to set": "Değiştirilecek öznitelik",
    "Apply to the selection": "Seçilenlere uygula",
    "Change the selected features?": "Seçilen objeler değiştirilsin mi?",
    "Change them": "Değiştir",
    "{count} features": "{count} obje",
    "1 feature": "1 obje",
    "{first}–{last} of {count}": "{first}–{last} / {count}",
    "{count} selected": "{count} seçili",
    "Nothing selected": "Seçili obje yok",
    "Set “{label}” to “{value}” for {count} selected features? Each gets a new version in its history; "
    "nothing is saved if one of them is refused.":
        "Seçili {count} objenin “{label}” değeri “{value}” yapılsın mı? Her biri geçmişinde yeni bir sürüm "
        "alır; biri reddedilirse hiçbiri kaydedilmez.",
    "Click a row to select it (Ctrl: add, Shift: range); double-click a cell to edit it.":
        "Seçmek için satıra tıklayın (Ctrl: ekle, Shift: aralık); düzenlemek için hücreye çift tıklayın.",
    "Click a row to select it (Ctrl: add, Shift: range).":
        "Seçmek için satıra tıklayın (Ctrl: ekle, Shift: aralık).",
    "No features match.": "Koşullara uyan obje yok.",
    "Loading…": "Yükleniyor…",
    "The table could not be loaded. Try again.": "Tablo yüklenemedi. Yeniden deneyin.",
    "Remove this filter": "Bu filtreyi kaldır",
    "Sort by this column": "Bu sütuna göre sırala",
    "Select every row of this page": "Bu sayfadaki tüm satırları seç",
    "Select this row": "Bu satırı seç",
    # measuring, editor messages, shortcuts
    "Click to add points, double-click to finish. Backspace removes the last point, Esc cancels.":
        "Nokta eklemek için tıklayın, bitirmek için çift tıklayın. Backspace son noktayı siler, Esc iptal eder.",
    "Click to add corners, double-click to close the area. Backspace removes the last corner, Esc cancels.":
        "Köşe eklemek için tıklayın, alanı kapatmak için çift tıklayın. Backspace son köşeyi siler, Esc iptal eder.",
    "Measuring cancelled.": "Ölçüm iptal edildi.",
    "Length: {value}": "Uzunluk: {value}",
    "Area: {value}": "Alan: {value}",
    "Feature #{id} was saved.": "#{id} numaralı obje kaydedildi.",
    "Feature #{id} was created.": "#{id} numaralı obje oluşturuldu.",
    "Feature #{id} was deleted; its history keeps every version.":
        "#{id} numaralı obje silindi; geçmişi tüm sürümlerini saklıyor.",
    "Please check: {warnings}": "Lütfen kontrol edin: {warnings}",
    "Feature #{id} is selected for editing (version {version}).":
        "#{id} numaralı obje düzenleme için seçildi (sürüm {version}).",
    "Drawing cancelled.": "Çizim iptal edildi.",
    "Keyboard shortcuts": "Klavye kısayolları",
    "Go to the search box": "Arama kutusuna git",
    "Show this list": "Bu listeyi göster",
    "Double-click": "Çift tıklama",
    "Finish the line or area being drawn or measured (the map does not zoom)":
        "Çizilen veya ölçülen çizgiyi ya da alanı bitirir (harita yakınlaşmaz)",
    "Remove the last point while drawing or measuring; undo the last vertex move while editing a geometry":
        "Çizim veya ölçüm sırasında son noktayı siler; geometri düzenlenirken son köşe hareketini geri alır",
    "Cancel drawing or measuring; close a dialog; cancel a cell edit":
        "Çizimi veya ölçümü iptal eder; pencereyi kapatır; hücre düzenlemesini iptal eder",
    "click": "tıklama",
    "Remove a vertex while editing a geometry": "Geometri düzenlenirken bir köşeyi siler",
    "drag": "sürükleme",
    "Zoom to a box": "Çizilen kutuya yakınlaşır",
    "arrow keys": "ok tuşları",
    "Zoom in and out, pan (when the map has the focus)":
        "Yakınlaşır, uzaklaşır, kaydırır (harita odaktayken)",
    "Click: select a row; Ctrl+click: add to the selection; Shift+click: select a range; double-click a cell: "
    "edit it, Enter saves":
        "Tıklama: satırı seçer; Ctrl+tıklama: seçime ekler; Shift+tıklama: aralık seçer; hücreye çift tıklama: "
        "düzenler, Enter kaydeder",
    # the geometry widget (admin and forms)
    "Delete the drawn geometry?": "Çizilen geometri silinsin mi?",
    "The map is emptied; nothing is saved until you save the form.":
        "Harita boşaltılır; formu kaydedene kadar hiçbir şey kaydedilmez.",
}
