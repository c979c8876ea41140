"""Turkish translations for locale/tr (run after makemessages; idempotent)."""

import re
import sys
from pathlib import Path

TR = {
    "Kent CBS": "Kent CBS", "created": "oluşturulma", "updated": "güncelleme",
    "Turkish": "Türkçe", "English": "İngilizce", "OGC API": "OGC API",
    "Administration": "Yönetim", "Municipal GIS": "Belediye CBS", "Collections": "Koleksiyonlar",
    "Layer": "Katman", "Theme": "Tema", "Geometry": "Geometri", "Features": "Nesne sayısı",
    "Access": "Erişim", "internal only": "yalnızca kurum içi",
    "Delete all Features": "Tüm nesneleri sil",
    "Thematic layers of the municipality following TUCBS, published to other institutions through OGC API – Features.":
        "Belediyenin TUCBS'ye uygun tematik katmanları; diğer kurumlara OGC API – Features ile sunulur.",
    "Assets": "Varlıklar", "Help desk": "Yardım masası", "Thematic layers": "Tematik katmanlar",
    "Neighbourhoods": "Mahalleler",
    "Neighbourhood (mahalle) boundaries with UAVT codes and population.":
        "UAVT kodları ve nüfuslarıyla mahalle sınırları.",
    "Roads (address)": "Yollar (adres)",
    "Named roads of the address system (CSBM) with their UAVT codes.":
        "Adres sisteminin (CSBM) UAVT kodlu yolları.",
    "Buildings": "Binalar",
    "Building footprints with MAKS building ids and floor counts.":
        "MAKS bina kimlik numaraları ve kat sayılarıyla bina taban alanları.",
    "Door numbers": "Numarataj",
    "Door numbers (numarataj) at building entrances with UAVT address numbers.":
        "Bina girişlerindeki dış kapı numaraları (numarataj) ve UAVT adres numaraları.",
    "Road network": "Karayolu ağı", "Road links of the urban transport network.":
        "Kentsel ulaşım ağının karayolu hatları.",
    "Public service points": "Kamu hizmet noktaları",
    "Schools, health centres, police stations and other public services.":
        "Okullar, sağlık merkezleri, karakollar ve diğer kamu hizmetleri.",
    "Zoning plans": "İmar planları",
    "Zoning plan areas (imar planı) with their land-use decisions.":
        "Arazi kullanım kararlarıyla imar planı alanları.",
    "Cadastral parcels": "Kadastro parselleri",
    "TKGM cadastral parcels, used under protocol; never re-published.":
        "Protokolle kullanılan TKGM kadastro parselleri; asla yeniden yayımlanmaz.",
    "The geometry could not be read.": "Geometri okunamadı.",
    "The geometry has non-finite coordinates.": "Geometride sonlu olmayan koordinatlar var.",
    "The coordinate reference system EPSG:%(srid)s is not supported.":
        "EPSG:%(srid)s koordinat referans sistemi desteklenmiyor.",
    "Avenue (cadde)": "Cadde", "Street (sokak)": "Sokak", "Boulevard (bulvar)": "Bulvar",
    "Square (meydan)": "Meydan", "Housing cluster (küme evler)": "Küme evler",
    "name": "adı", "road type": "yol tipi", "UAVT road code": "UAVT yol kodu",
    "geometry": "geometri", "road": "yol", "roads": "yollar",
    "Main entrance": "Ana giriş", "Side entrance": "Tali giriş", "Service entrance": "Servis girişi",
    "Emergency exit": "Acil çıkış", "door number": "dış kapı numarası",
    "A door number is digits, optionally followed by a letter (12, 12A).":
        "Kapı numarası rakamlardan oluşur, ardından bir harf gelebilir (12, 12A).",
    "entrance type": "giriş tipi", "building": "bina", "UAVT address number": "UAVT adres numarası",
    "Ten digits, unique per address.": "On haneli, her adres için tekil.",
    "postal code": "posta kodu", "A postal code has five digits.": "Posta kodu beş hanelidir.",
    "neighbourhood": "mahalle", "door numbers": "numaratajlar", "TUCBS no": "TUCBS no",
    "Stable identifier of the feature inside its dataset.": "Nesnenin veri seti içindeki kalıcı kimliği.",
    "version start": "sürüm başlangıç zamanı", "version end": "sürüm bitiş zamanı",
    "valid from": "geçerlilik başlangıcı", "valid to": "geçerlilik sonu", "version": "sürüm",
    "The end of validity is before its start.": "Geçerlilik sonu, başlangıcından önce olamaz.",
    "A geometry is required.": "Geometri zorunludur.", "The geometry is empty.": "Geometri boş.",
    "Wrong geometry type: %(got)s given, this layer takes %(expected)s.":
        "Yanlış geometri tipi: %(got)s verildi, bu katman %(expected)s kabul eder.",
    "Too many vertices: %(count)d (at most %(max)d).":
        "Çok fazla köşe noktası: %(count)d (en fazla %(max)d).",
    "The geometry is in EPSG:%(srid)s; it must be transformed to EPSG:%(storage)s.":
        "Geometri EPSG:%(srid)s sisteminde; EPSG:%(storage)s sistemine dönüştürülmelidir.",
    "Invalid geometry: %(reason)s": "Geçersiz geometri: %(reason)s",
    "The geometry lies outside the municipality.": "Geometri belediye sınırları dışında.",
    "The geometry is not valid.": "Geometri geçerli değil.",
    "Group A": "A grubu", "Group B": "B grubu", "Group C": "C grubu", "Group D": "D grubu",
    "Other": "Diğer", "Class 1": "1. sınıf", "Class 2": "2. sınıf", "Class 3": "3. sınıf",
    "building id (MAKS)": "bina kimlik no (MAKS)", "floors above ground": "zemin üstü kat sayısı",
    "floors below ground": "zemin altı kat sayısı", "independent units": "bağımsız bölüm sayısı",
    "building group": "yapı grubu", "building class": "yapı sınıfı",
    "occupancy permit date": "yapı kullanma izni tarihi", "buildings": "binalar",
    "Neighbourhood (mahalle)": "Mahalle", "Municipality (belediye)": "Belediye",
    "UAVT mahalle code": "UAVT mahalle kodu", "administrative level": "idari hiyerarşi düzeyi",
    "population": "nüfus", "neighbourhoods": "mahalleler",
    "Environmental plan": "Çevre düzeni planı", "Master zoning plan": "Nazım imar planı",
    "Implementation zoning plan": "Uygulama imar planı", "Residential": "Konut",
    "Commercial": "Ticaret", "Residential and commercial": "Konut + ticaret", "Industrial": "Sanayi",
    "Education": "Eğitim", "Health": "Sağlık", "Park / green area": "Park / yeşil alan",
    "Religious facility": "Dini tesis", "Public institution": "Resmi kurum",
    "Technical infrastructure": "Teknik altyapı", "plan name": "plan adı", "plan type": "plan türü",
    "plan process number (PİN)": "plan işlem numarası (PİN)", "approval date": "onay tarihi",
    "land-use decision": "arazi kullanım kararı", "zoning plan area": "İmar planı alanı",
    "zoning plan areas": "İmar planı alanları", "Security": "Güvenlik",
    "Municipal service": "Belediye hizmeti", "Administration ": "Yönetim",
    "Transport": "Ulaşım", "Culture": "Kültür", "Religious": "Dini",
    "Family and social services": "Aile ve sosyal hizmetler", "service type": "hizmet tipi",
    "telephone": "telefon", "Enter a valid telephone number.": "Geçerli bir telefon numarası girin.",
    "address": "adres", "public service point": "kamu hizmet noktası",
    "public service points": "kamu hizmet noktaları", "block (ada)": "ada no", "parcel": "parsel",
    "land-register quality": "nitelik", "area (m²)": "alan (m²)", "parcels": "parseller",
    "None": "Yok", "Bus lane": "Otobüs şeridi", "Cycle lane": "Bisiklet şeridi",
    "Public transport lane": "Toplu taşıma şeridi", "virtual link": "sanal hat mı",
    "reserved lane": "tahsisli şerit", "road link": "karayolu hattı", "road links": "karayolu hatları",
    "Administrative units": "İdari birimler", "Address": "Adres",
    "Transport networks": "Ulaşım ağları", "Public services": "Kamu hizmetleri",
    "Land use / zoning": "Arazi kullanımı / imar", "Land registry and cadastre": "Tapu ve kadastro",
    "Unknown attributes for this layer: %(names)s": "Bu katmanda olmayan öznitelikler: %(names)s",
    "These values already exist: %(values)s": "Bu değerler zaten kayıtlı: %(values)s",
    "These referenced features do not exist: %(values)s":
        "Başvurulan şu nesneler bulunamadı: %(values)s",
    "The combination of %(fields)s must be unique.": "%(fields)s birleşimi tekil olmalıdır.",
    "feature %(n)d": "%(n)d. nesne",
    "This feature is referenced by %(count)d other features and cannot be deleted.":
        "Bu nesneye %(count)d başka nesne bağlı olduğu için silinemez.",
    "Unsupported crs %(crs)s. Supported: %(list)s":
        "Desteklenmeyen crs %(crs)s. Desteklenenler: %(list)s",
    "bbox-crs was given without bbox.": "bbox-crs, bbox olmadan verildi.",
    "bbox must be 4 or 6 comma-separated numbers.": "bbox virgülle ayrılmış 4 ya da 6 sayı olmalıdır.",
    "Unsupported bbox-crs %(crs)s. Supported: %(list)s":
        "Desteklenmeyen bbox-crs %(crs)s. Desteklenenler: %(list)s",
    "bbox coordinates are outside the range of longitude and latitude.":
        "bbox koordinatları boylam ve enlem aralığının dışında.",
    "bbox minimum is greater than its maximum.": "bbox alt sınırı üst sınırından büyük.",
    "%(name)s must be an integer.": "%(name)s bir tamsayı olmalıdır.",
    "%(name)s must be at least %(low)d.": "%(name)s en az %(low)d olmalıdır.",
    "limit may be at most %(max)d; page with offset.":
        "limit en fazla %(max)d olabilir; offset ile sayfalayın.",
    "Unknown parameter or property: %(name)s": "Bilinmeyen parametre ya da öznitelik: %(name)s",
    "Unknown property: %(name)s": "Bilinmeyen öznitelik: %(name)s",
    "The value %(value)r is not valid for %(name)s.": "%(value)r değeri %(name)s için geçerli değil.",
    "This filter cannot be applied.": "Bu filtre uygulanamıyor.",
    "The geometry lies outside the area you may edit (your permitted neighbourhoods).":
        "Geometri düzenlemenize izin verilen alanın (size verilen mahallelerin) dışında.",
    "You may not edit the layer %(layer)s.": "%(layer)s katmanını düzenleme yetkiniz yok.",
    'Staff and permissions': 'Personel ve yetkiler',
    'Too many failed logins; try again later.': 'Çok fazla hatalı giriş; daha sonra tekrar deneyin.',
    'Too many failed logins for this account. Try again in %(minutes)d minutes.': 'Bu hesap için çok fazla hatalı giriş yapıldı. %(minutes)d dakika sonra tekrar deneyin.',
    'View': 'Görüntüleme',
    'View and edit': 'Görüntüleme ve düzenleme',
    'resource': 'kaynak',
    'level': 'düzey',
    'group': 'grup',
    'user': 'kullanıcı',
    'limited to neighbourhoods': 'sınırlı olduğu mahalleler',
    'Empty: the whole municipality.': 'Boş: tüm belediye alanı.',
    'permission': 'yetki',
    'permissions': 'yetkiler',
    'A permission belongs to either a group or a user.': 'Bir yetki ya bir gruba ya da bir kullanıcıya aittir.',
    'Unknown resource.': 'Bilinmeyen kaynak.',
    'user name': 'kullanıcı adı',
    'source IP': 'kaynak IP',
    'time': 'zaman',
    'failed login': 'hatalı giriş',
    'failed logins': 'hatalı girişler',
    'Every layer': 'Tüm katmanlar',
    'Module': 'Modül',
    'Audit and access logs': 'Denetim ve erişim kayıtları',
    'Audit trail': 'Denetim izi',
    'Access log': 'Erişim kaydı',
    'day': 'gün',
    'sequence': 'sıra',
    'previous hash': 'önceki özet',
    'hash': 'özet',
    'request id': 'istek kimliği',
    'actor': 'işlemi yapan',
    'User name, partner institution or command.': 'Kullanıcı adı, paydaş kurum ya da komut.',
    'action': 'işlem',
    'object type': 'nesne tipi',
    'object id': 'nesne kimliği',
    'object': 'nesne',
    'before': 'önce',
    'after': 'sonra',
    'audit record': 'denetim kaydı',
    'audit records': 'denetim kayıtları',
    'institution': 'kurum',
    'method': 'yöntem',
    'path': 'yol',
    'status': 'durum',
    'bytes': 'bayt',
    'purpose': 'amaç',
    'Set when personal data was viewed or exported.': 'Kişisel veri görüntülendiğinde ya da dışa aktarıldığında doldurulur.',
    'access record': 'erişim kaydı',
    'access records': 'erişim kayıtları',
    'log': 'kayıt defteri',
    'records': 'kayıt sayısı',
    'last hash': 'son özet',
    'chain head': 'zincir başı',
    'chain heads': 'zincir başları',
    'first day': 'ilk gün',
    'last day': 'son gün',
    'records destroyed': 'imha edilen kayıt',
    'chain heads of the destroyed days': 'imha edilen günlerin zincir başları',
    'destroyed at': 'imha zamanı',
    'destruction record': 'imha tutanağı',
    'destruction records': 'imha tutanakları',
    'Token created. Copy it now, it will not be shown again: %(value)s': 'Anahtar oluşturuldu. Şimdi kopyalayın, bir daha gösterilmeyecek: %(value)s',
    'Revoke the selected tokens': 'Seçili anahtarları iptal et',
    '%(n)d token(s) revoked.': '%(n)d anahtar iptal edildi.',
    'Partner institutions': 'Paydaş kurumlar',
    'short name': 'kısa adı',
    'contact person': 'ilgili kişi',
    'contact e-mail': 'ilgili e-posta',
    'contact telephone': 'ilgili telefon',
    'active': 'etkin',
    'partner institution': 'paydaş kurum',
    'partner institutions': 'paydaş kurumlar',
    'title': 'başlık',
    'protocol number': 'protokol numarası',
    'layers': 'katmanlar',
    'Collection ids, e.g. bi-bina, ad-numarataj.': 'Koleksiyon kimlikleri, örn. bi-bina, ad-numarataj.',
    'contact': 'iletişim',
    'protocol': 'protokol',
    'protocols': 'protokoller',
    'Unknown layers: %(names)s': 'Bilinmeyen katmanlar: %(names)s',
    'The protocol ends before it starts.': 'Protokol başlamadan bitiyor.',
    'prefix': 'önek',
    'SHA-256': 'SHA-256',
    'expires at': 'geçerlilik sonu',
    'revoked at': 'iptal zamanı',
    'allowed IPs': "izinli IP'ler",
    'Addresses or networks (CIDR); empty: any address.': 'Adresler ya da ağlar (CIDR); boş: her adres.',
    'requests per minute': 'dakikada istek',
    'last used': 'son kullanım',
    'API token': 'API anahtarı',
    'API tokens': 'API anahtarları',
    'Invalid API token.': 'Geçersiz API anahtarı.',
    'This API token has been revoked.': 'Bu API anahtarı iptal edilmiş.',
    'This API token has expired.': 'Bu API anahtarının süresi dolmuş.',
    'The institution of this API token is not active.': 'Bu API anahtarının kurumu etkin değil.',
    'This API token may not be used from your address.': 'Bu API anahtarı sizin adresinizden kullanılamaz.',
    'Rate limit exceeded: %(n)d requests per minute.': 'İstek sınırı aşıldı: dakikada %(n)d istek.',
    'Log out': 'Çıkış',
    'Log in': 'Giriş',
    'User name': 'Kullanıcı adı',
    'Password': 'Parola',
    'Draft (internal)': 'Taslak (kurum içi)',
    'Approved': 'Onaylı',
    'Public': 'Herkese açık',
    'Partners under protocol': 'Protokollü (paydaş kurumlar)',
    'layer': 'katman',
    'state': 'durum',
    'council decision number': 'meclis karar numarası',
    'council decision date': 'meclis karar tarihi',
    'changed by': 'değiştiren',
    'changed at': 'değişiklik zamanı',
    'layer publication': 'katman yayını',
    'layer publications': 'katman yayınları',
    'Unknown publication state.': 'Bilinmeyen yayın durumu.',
    'A sensitive layer can never be public.': 'Hassas bir katman asla herkese açık olamaz.',
    'This layer is internal and cannot be shared.': 'Bu katman kurum içidir, paylaşılamaz.',
    'Approval needs the council decision number and date.': 'Onay için meclis karar numarası ve tarihi gerekir.',
    "offset may be at most %(max)d.": "offset en fazla %(max)d olabilir.",
    "A query value is out of range.": "Sorgu değerlerinden biri geçerli aralığın dışında.",
    'staff member': 'personel',
    'A token belongs to either an institution or a staff member.': 'Bir anahtar ya bir kuruma ya da bir personele aittir.',
    'The owner of this API token is not active.': 'Bu API anahtarının sahibi etkin değil.',
    'The feature was changed by someone else (now version %(v)d).': 'Nesne başka biri tarafından değiştirildi (şimdi sürüm %(v)d).',
    'Log in or send a staff API token.': 'Giriş yapın ya da bir personel API anahtarı gönderin.',
    'You may not edit this collection.': 'Bu koleksiyonu düzenleme yetkiniz yok.',
    'CSRF check failed.': 'CSRF doğrulaması başarısız.',
    'The request body is too large.': 'İstek gövdesi çok büyük.',
    'The body is not valid JSON.': 'Gövde geçerli bir JSON değil.',
    'The body must be a GeoJSON Feature.': 'Gövde bir GeoJSON Feature olmalıdır.',
    'Unsupported Content-Crs %(crs)s.': 'Desteklenmeyen Content-Crs %(crs)s.',
    'The geometry is not GeoJSON.': 'Geometri GeoJSON değil.',
    'properties must be a JSON object.': 'properties bir JSON nesnesi olmalıdır.',
    "Send If-Match with the ETag you read, so no one's change is overwritten.": 'Kimsenin değişikliğinin üzerine yazılmaması için okuduğunuz ETag değerini If-Match ile gönderin.',
    'Malformed If-Match.': 'Hatalı If-Match.',
    'Not allowed.': 'İzin verilmiyor.',
    'PUT replaces the whole feature: send its geometry.': 'PUT nesnenin tamamını değiştirir: geometrisini de gönderin.',
    'Method not allowed.': 'Bu yönteme izin verilmiyor.',
    'Map': 'Harita',
    'Layers': 'Katmanlar',
    'Tools': 'Araçlar',
    'Whole municipality': 'Tüm belediye',
    'Distance': 'Mesafe',
    'Area': 'Alan',
    'Close': 'Kapat',
    'History': 'Geçmiş',
    'Search': 'Ara',
    'Neighbourhood, road, road + door no, building id, ada/parsel': 'Mahalle, yol, yol + kapı no, bina kimlik no, ada/parsel',
    'No such tile.': 'Böyle bir karo yok.',
    'layer counter': 'katman sayacı',
    'layer counters': 'katman sayaçları',
    'last TUCBS no': 'son TUCBS no',
    'data generation': 'veri kuşağı',
    "Feature not found.": "Nesne bulunamadı.", "Collection not found.": "Koleksiyon bulunamadı.",
}

ENTRY = re.compile(r'(msgid (?:"(?:[^"\\]|\\.)*"\n)+)(msgstr (?:"(?:[^"\\]|\\.)*"\n)+)')


def unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n")


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    missing = []

    def fill(match: re.Match) -> str:
        msgid = unquote(match.group(1)[6:])
        if not msgid:
            return match.group(0)
        if msgid not in TR:
            missing.append(msgid)
            return match.group(0)
        return f"{match.group(1)}msgstr {quote(TR[msgid])}\n"

    text = ENTRY.sub(fill, text).replace("#, fuzzy\n", "")
    path.write_text(text, encoding="utf-8")
    for m in missing:
        print("untranslated:", m, file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
