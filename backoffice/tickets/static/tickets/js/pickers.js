/* Searchable pickers (Tom Select, served locally) for every <select data-picker> of the help-desk
   forms: type part of a name, unit or number to narrow the list; option groups stay as headings.
   The "no results" text comes from the element's data-no-results (translated by the template). */
(function () {
    "use strict";
    document.querySelectorAll("select[data-picker]").forEach(function (select) {
        const none = select.dataset.noResults || "–";
        const picker = new TomSelect(select, {
            allowEmptyOption: false,  // the empty option's text becomes the placeholder
            lockOptgroupOrder: true,
            maxOptions: null,
            // an optional choice can be cleared again (×)
            plugins: select.multiple ? ["remove_button"] : (select.required ? [] : ["clear_button"]),
            searchField: ["text", "optgroup"],
            render: {no_results: function () {
                const div = document.createElement("div");
                div.className = "no-results";
                div.textContent = none;
                return div;
            }},
        });
        select.kentPicker = picker;
    });
})();
