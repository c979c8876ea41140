"""Turkish for the offline field collection app (/saha/, branch field-offline)."""

TR = {
    # models, admin
    "Field collection": "Saha veri toplama",
    "new feature": "yeni nesne", "change": "değişiklik", "version written": "yazılan sürüm",
    "made on the device": "cihazda yapıldığı an", "applied": "uygulandı",
    "field change": "saha değişikliği", "field changes": "saha değişiklikleri",
    "field photo": "saha fotoğrafı", "field photos": "saha fotoğrafları",
    # services and API
    "The feature was changed on the server after you downloaded it.":
        "Nesne, siz indirdikten sonra sunucuda değişti.",
    "This change id was already used for another change.":
        "Bu değişiklik kimliği başka bir değişiklik için kullanılmış.",
    "Field collection (change %(id)s)": "Saha veri toplama (değişiklik %(id)s)",
    "The photo is not a JPEG, PNG or WebP image.": "Fotoğraf bir JPEG, PNG ya da WebP görüntüsü değil.",
    "This photo id was already used.": "Bu fotoğraf kimliği zaten kullanılmış.",
    "The photo is larger than %(mb)d MB.": "Fotoğraf %(mb)d MB'tan büyük.",
    "Log in again to sync.": "Eşitlemek için yeniden giriş yapın.",
    "%(name)s must be a UUID.": "%(name)s bir UUID olmalı.",
    "The body must be a JSON object.": "İstek gövdesi bir JSON nesnesi olmalı.",
    "operation must be create or update.": "operation create ya da update olmalı.",
    "properties and geometry must be JSON objects.": "properties ve geometry JSON nesnesi olmalı.",
    "A new feature needs a position.": "Yeni bir nesnenin konumu olmalı.",
    "Choose a photo.": "Bir fotoğraf seçin.",
    # manifest
    "Kent CBS field collection": "Kent CBS saha veri toplama",
    "CBS Field": "CBS Saha",
    "Collect and edit features in the field, also without a connection.":
        "Sahada, bağlantı olmadan da nesne toplayın ve düzenleyin.",
    # page
    "field collection\x04Field": "Saha",
    "attribute\x04Field": "Öznitelik",
    "Back to Kent CBS": "Kent CBS'ye dön",
    "Field actions": "Saha işlemleri",
    "Add point": "Nokta ekle",
    "To send": "Gönderilecek",
    "Sync": "Eşitle",
    "Work area": "Çalışma alanı",
    "Choose a neighbourhood…": "Bir mahalle seçin…",
    "or": "ya da",
    "Draw a rectangle on the map": "Haritada dikdörtgen çizin",
    "Layers to collect": "Toplanacak katmanlar",
    "Store this area on the device": "Bu alanı cihaza indir",
    "New point": "Yeni nokta",
    "My GPS position": "GPS konumum",
    "Tap on the map": "Haritaya dokun",
    "Photos": "Fotoğraflar",
    "Save on the device": "Cihaza kaydet",
    "Waiting to be sent": "Gönderilmeyi bekleyenler",
    "Changed on the server meanwhile": "Bu arada sunucuda değişti",
    "Yours": "Sizinki",
    "Server's": "Sunucudaki",
    "Keep mine": "Benimkini koru",
    "Save the merge": "Seçtiklerimi kaydet",
    "Later": "Sonra",
    "Area": "Alan",
    # script texts (field/strings.py)
    "Online": "Çevrimiçi",
    "Offline": "Çevrimdışı",
    "No connection: your changes are kept on the device.": "Bağlantı yok: değişiklikleriniz cihazda saklanıyor.",
    "Back online: %(n)s changes waiting. Press Sync.":
        "Bağlantı geri geldi: %(n)s değişiklik bekliyor. Eşitle'ye basın.",
    "No area is stored on this device yet.": "Bu cihazda henüz kayıtlı bir alan yok.",
    "Stored: %(name)s (%(date)s)": "Kayıtlı: %(name)s (%(date)s)",
    "About %(km2)s km²": "Yaklaşık %(km2)s km²",
    "%(km2)s km² is too large; choose at most %(max)s km².":
        "%(km2)s km² çok büyük; en çok %(max)s km² seçin.",
    "Drawn area": "Çizilen alan",
    "Drag a rectangle over the area you will work in.": "Çalışacağınız alanın üzerinde bir dikdörtgen sürükleyin.",
    "Choose a neighbourhood or draw a rectangle first.": "Önce bir mahalle seçin ya da dikdörtgen çizin.",
    "Storing the area on the device…": "Alan cihaza indiriliyor…",
    "Ready offline: %(tiles)s map tiles, %(features)s features, %(mb)s MB on the device, %(s)s s.":
        "Çevrimdışı hazır: %(tiles)s harita karesi, %(features)s nesne, cihazda %(mb)s MB, %(s)s sn.",
    "The area could not be stored: %(error)s": "Alan cihaza indirilemedi: %(error)s",
    "Storing an area needs a connection.": "Alanı indirmek için bağlantı gerekir.",
    "Send the waiting changes first (Sync); then store a new area.":
        "Önce bekleyen değişiklikleri gönderin (Eşitle); sonra yeni alanı indirin.",
    "Store a work area first (Area).": "Önce bir çalışma alanı indirin (Alan).",
    "None of the layers you collect takes points; choose one under Area.":
        "Topladığınız katmanların hiçbiri nokta almıyor; Alan altında birini seçin.",
    "You may not edit this layer.": "Bu katmanı düzenleyemezsiniz.",
    "Open this page once with a connection to set it up.": "Kurulum için bu sayfayı bir kez bağlantıyla açın.",
    "Waiting for the GPS position…": "GPS konumu bekleniyor…",
    "No GPS position; allow location access or tap on the map.":
        "GPS konumu yok; konum iznini verin ya da haritaya dokunun.",
    "GPS ±%(m)s m": "GPS ±%(m)s m",
    "Tap the map where the point is.": "Noktanın yerine, haritaya dokunun.",
    "New: %(layer)s": "Yeni: %(layer)s",
    "%(layer)s #%(id)s": "%(layer)s #%(id)s",
    "field feature\x04new": "yeni",
    "%(field)s is required.": "%(field)s zorunlu.",
    "Nothing was changed.": "Hiçbir şey değişmedi.",
    "Saved on the device; it will be sent when you sync.": "Cihaza kaydedildi; eşitlediğinizde gönderilecek.",
    "Saved on the device. Press Sync to send it.": "Cihaza kaydedildi. Göndermek için Eşitle'ye basın.",
    "Photo": "Fotoğraf",
    "%(n)s photos": "%(n)s fotoğraf",
    "%(n)s photos waiting to be sent.": "%(n)s fotoğraf gönderilmeyi bekliyor.",
    "Nothing is waiting: everything was sent.": "Bekleyen yok: her şey gönderildi.",
    "waiting": "bekliyor",
    "changed on the server": "sunucuda değişti",
    "refused": "reddedildi",
    "Resolve": "Çöz",
    "Discard my change": "Değişikliğimi at",
    "Discard this change? It will not be sent.": "Bu değişiklik atılsın mı? Gönderilmeyecek.",
    "No connection: nothing was sent; your changes are kept.":
        "Bağlantı yok: hiçbir şey gönderilmedi; değişiklikleriniz saklanıyor.",
    "Your session has ended: log in again, then sync (nothing is lost).":
        "Oturumunuz sona erdi: yeniden giriş yapıp eşitleyin (hiçbir şey kaybolmaz).",
    "Sent: %(sent)s changes, %(photos)s photos. Conflicts: %(conflicts)s. Refused: %(errors)s.":
        "Gönderildi: %(sent)s değişiklik, %(photos)s fotoğraf. Çakışma: %(conflicts)s. Reddedilen: %(errors)s.",
    "%(layer)s #%(id)s was changed on the server (now version %(v)s; you edited version %(base)s). Choose per field:":
        "%(layer)s #%(id)s sunucuda değişti (şimdi sürüm %(v)s; siz sürüm %(base)s üzerinde çalıştınız). "
        "Her öznitelik için seçin:",
    "%(layer)s #%(id)s was deleted on the server; your change cannot be applied.":
        "%(layer)s #%(id)s sunucuda silinmiş; değişikliğiniz uygulanamaz.",
    "Take theirs": "Sunucudakini al",
    "Resolved: one new version was saved.": "Çözüldü: bir yeni sürüm kaydedildi.",
    "Resolved: the server's version is kept.": "Çözüldü: sunucudaki sürüm korundu.",
    "This feature has a conflict; resolve it under To send.":
        "Bu nesnede çakışma var; Gönderilecek altında çözün.",
    "This browser cannot work offline here (service worker refused).":
        "Bu tarayıcı burada çevrimdışı çalışamıyor (service worker reddedildi).",
    "No such photo.": "Böyle bir fotoğraf yok.",
    "Send the change as JSON.": "Değişikliği JSON olarak gönderin.",
    "z must be a zoom from %(low)d to %(high)d.": "z, %(low)d ile %(high)d arasında bir zum olmalı.",
    "The area is too large for one request; choose a smaller one.":
        "Alan tek istek için çok büyük; daha küçük bir alan seçin.",
    "open": "aç",
    "yes": "evet",
    "no": "hayır",
}
