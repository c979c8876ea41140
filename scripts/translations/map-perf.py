"""Turkish for the map-perf branch (issue 18: ticket map layout, attribute table, search)."""

TR = {
    "ticket filters\x04applied": "uygulandı",
}
