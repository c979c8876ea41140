/* Self-service request form: show only the "where" part that was chosen (my office, an address,
   the map); the map is sized when it first becomes visible. */
(function () {
    "use strict";
    const parts = {office: "place-office", address: "place-address", map: "place-map"};
    function chosen() {
        const checked = document.querySelector("#place-choice input:checked");
        return checked ? checked.value : "office";
    }
    function show() {
        const value = chosen();
        Object.keys(parts).forEach(function (key) {
            document.getElementById(parts[key]).hidden = key !== value;
        });
        if (value === "map" && window.kentPickMap) { window.kentPickMap.updateSize(); }
    }
    document.querySelectorAll("#place-choice input").forEach(function (input) {
        input.addEventListener("change", show);
    });
    show();
})();
