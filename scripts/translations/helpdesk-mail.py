"""Turkish for issue 19 points 2, 3, 5: e-mail intake, notifications, CİMER/BİMER deadlines."""

TR = {
    # CİMER / BİMER
    "within deadline": "süresi içinde",
    "7 days or less left": "7 gün ya da daha az kaldı",
    "2 days or less left": "2 gün ya da daha az kaldı",
    "legal deadline passed": "yasal süre geçti",
    "answered in time": "süresinde yanıtlandı",
    "answered late": "geç yanıtlandı",
    "Awaiting answer": "Yanıt bekliyor",
    "Legal deadline passed": "Yasal süre geçti",
    "CİMER deadline": "CİMER süresi",
    "CİMER/BİMER application number": "CİMER/BİMER başvuru numarası",
    "CİMER/BİMER application date": "CİMER/BİMER başvuru tarihi",
    "The 30-day legal answer deadline counts from this day (calendar days; default: today).":
        "30 günlük yasal yanıt süresi bu günden başlar (takvim günü; boşsa bugün).",
    "legal answer deadline": "yasal yanıt süresi sonu",
    "CİMER/BİMER application": "CİMER/BİMER başvurusu",
    "Legal answer deadline": "Yasal yanıt süresi sonu",
    "30 calendar days (Law 3071): weekends, holidays and waiting do not stop it.":
        "30 takvim günü (3071 sayılı Kanun): hafta sonu, tatil ve bekleme süreyi durdurmaz.",
    "deadline passed": "süre geçti",
    "CİMER/BİMER applications and the 30-day legal deadline": "CİMER/BİMER başvuruları ve 30 günlük yasal süre",
    "CİMER/BİMER applications awaiting an answer (30-day legal deadline)":
        "Yanıt bekleyen CİMER/BİMER başvuruları (30 günlük yasal süre)",
    "Ticket": "Kayıt",
    "Application number": "Başvuru numarası",
    "Applied on": "Başvuru tarihi",
    "Legal deadline": "Yasal süre sonu",
    "Answered at": "Yanıtlanma",
    "Result": "Sonuç",
    "All in the queue": "Tümü kuyrukta",
    # E-mail intake
    "Attachments of the e-mail not accepted:": "E-postanın kabul edilmeyen ekleri:",
    "E-mail without a subject": "Konusuz e-posta",
    "(empty message)": "(boş ileti)",
    "Applied by e-mail; the address is used to answer the request (KVKK).":
        "E-posta ile başvurdu; adres yalnızca talebi yanıtlamak için kullanılır (KVKK).",
    "New ticket": "Yeni kayıt",
    "Reply added": "Yanıt eklendi",
    "Ignored (auto-reply or loop)": "Yok sayıldı (otomatik yanıt ya da döngü)",
    "Rejected (moved aside)": "Reddedildi (kenara taşındı)",
    "mailbox": "posta kutusu",
    "UIDVALIDITY": "UIDVALIDITY",
    "UID": "UID",
    "Message-ID": "Message-ID",
    "sender (SHA-256)": "gönderen (SHA-256)",
    "outcome": "sonuç",
    "read at": "okunma zamanı",
    "intake e-mail": "gelen talep e-postası",
    "intake e-mails": "gelen talep e-postaları",
    "team\x04team lead": "ekip lideri",
    "Reply from the requester": "Talep sahibinin yanıtı",
    "Your request %(number)s was received": "%(number)s numaralı talebiniz alındı",
    "Your request was recorded as %(number)s. To add to it, answer this mail and keep the number in the subject.":
        "Talebiniz %(number)s numarasıyla kaydedildi. Eklemek istediğinizi bu e-postayı yanıtlayarak, "
        "konudaki numarayı silmeden gönderebilirsiniz.",
    "Reply to your request %(number)s": "%(number)s numaralı talebinize yanıt",
    "E-mail from %(sender)s:": "%(sender)s adresinden e-posta:",
    "The requester answered by e-mail.": "Talep sahibi e-postayla yanıt verdi.",
    # Notifications
    "Notifications": "Bildirimler",
    "notification\x04Assigned to me": "Bana atandı",
    "notification\x04New reply": "Yeni yanıt",
    "notification\x04Status change": "Durum değişikliği",
    "notification\x04SLA at risk": "SLA riskte",
    "notification\x04SLA breached": "SLA aşıldı",
    "notification\x04Escalated to me (team lead)": "Bana yükseltildi (ekip lideri)",
    "notification\x04CİMER answer deadline": "CİMER yanıt süresi",
    "Ticket %(number)s was assigned to you.": "%(number)s size atandı.",
    "New reply on ticket %(number)s.": "%(number)s kaydına yeni yanıt geldi.",
    "Ticket %(number)s is now: %(detail)s.": "%(number)s kaydının durumu: %(detail)s.",
    "Ticket %(number)s is due within two hours (%(detail)s).":
        "%(number)s kaydının çözüm süresi iki saat içinde doluyor (%(detail)s).",
    "Ticket %(number)s is past its resolution time (%(detail)s).":
        "%(number)s kaydının çözüm süresi aşıldı (%(detail)s).",
    "Ticket %(number)s of your team is past its resolution time (%(detail)s).":
        "Ekibinizin %(number)s kaydının çözüm süresi aşıldı (%(detail)s).",
    "CİMER application of ticket %(number)s must be answered by %(detail)s.":
        "%(number)s kaydındaki CİMER başvurusu en geç %(detail)s tarihinde yanıtlanmalı.",
    "key": "anahtar",
    "detail": "ayrıntı",
    "link": "bağlantı",
    "shown in the bell": "zilde gösterilir",
    "e-mail queued": "e-posta kuyruğa alındı",
    "notification": "bildirim",
    "notifications": "bildirimler",
    "in the bell": "zilde",
    "by e-mail": "e-postayla",
    "notification preference": "bildirim tercihi",
    "notification preferences": "bildirim tercihleri",
    "You can choose which notices you get by e-mail at %(url)s.":
        "Hangi bildirimleri e-postayla alacağınızı %(url)s adresinden seçebilirsiniz.",
    "Notifications: %(n)s unread": "Bildirimler: %(n)s okunmamış",
    "%(n)s unread": "%(n)s okunmamış",
    "Mark all read": "Tümünü okundu say",
    "Notification settings": "Bildirim ayarları",
    "read": "okundu",
    "Mark read": "Okundu say",
    "No notifications yet.": "Henüz bildirim yok.",
    "Choose how you hear about each event: in the bell at the top of every page, by e-mail, both or neither.":
        "Her olayı nasıl öğrenmek istediğinizi seçin: her sayfanın üstündeki zilde, e-postayla, ikisiyle "
        "ya da hiç.",
    "Your account has no e-mail address, so no notification mail can reach you. Ask the system administrator to add it.":
        "Hesabınızda e-posta adresi yok; bildirim e-postası size ulaşamaz. Sistem yöneticisinden "
        "eklemesini isteyin.",
    "Event": "Olay",
    "In the bell": "Zilde",
    "By e-mail": "E-postayla",
    "Back to notifications": "Bildirimlere dön",
    "Unknown notification.": "Bilinmeyen bildirim.",
    "Your notification choices were saved.": "Bildirim tercihleriniz kaydedildi.",
}
