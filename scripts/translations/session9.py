"""Turkish texts of session 9 (shared phones: logging out wipes the field app's device storage)."""

TR = {
    "Field changes not sent yet": "Gönderilmemiş saha değişiklikleri",
    "This device still holds <strong id=\"logout-field-count\"></strong> field changes that have not been sent to the server. Logging out deletes them from this device, with the stored work area.":
        "Bu cihazda sunucuya henüz gönderilmemiş <strong id=\"logout-field-count\"></strong> saha "
        "değişikliği var. Çıkış yaparsanız bunlar, kayıtlı çalışma alanıyla birlikte bu cihazdan silinir.",
    "To keep them, cancel, open Field and press Sync while online.":
        "Saklamak için vazgeçin, bağlantı varken Saha sayfasını açıp Eşitle'ye basın.",
    "Delete them and log out": "Sil ve çık",
    "This device holds %(n)s changes of %(user)s that were not sent. They must be sent from %(user)s's own login (Field → Sync) before anyone else can use the app here.":
        "Bu cihazda %(user)s kullanıcısının gönderilmemiş %(n)s değişikliği var. Burada başka biri "
        "uygulamayı kullanmadan önce bunlar %(user)s kendi oturumuyla gönderilmeli (Saha → Eşitle).",
}
