"""Import speed (issue 17 point 2): a replace import versions only the features it changes."""

TR = {
    "Written: %(c)s created, %(u)s updated, %(n)s unchanged (kept their version), %(d)s deleted, %(s)s skipped.":
        "Yazıldı: %(c)s eklendi, %(u)s güncellendi, %(n)s değişmedi (sürümü aynı kaldı), %(d)s silindi, %(s)s atlandı.",
    "This import changed no feature; there is nothing to revert.":
        "Bu içe aktarma hiçbir nesneyi değiştirmedi; geri alınacak bir şey yok.",
}
