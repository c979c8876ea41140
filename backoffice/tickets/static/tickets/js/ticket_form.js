/* New ticket (help desk): when a member of staff is chosen as the requester, the items they hold
   (zimmet) move to the top of the item picker, under the heading the template gives. */
(function () {
    "use strict";
    const staff = document.getElementById("id_requester_staff");
    const item = document.getElementById("id_item");
    if (!staff || !item) { return; }
    const url = item.dataset.staffItemsUrl;
    const heading = item.dataset.zimmetLabel;
    function regroup() {
        const picker = item.kentPicker;
        if (!picker) { return; }
        const fetched = staff.value ? fetch(url + "?staff=" + encodeURIComponent(staff.value),
                                            {credentials: "same-origin"}).then(function (r) { return r.json(); })
                                    : Promise.resolve({items: []});
        fetched.then(function (data) {
            const mine = new Set(data.items.map(String));
            if (!picker.optgroups.zimmet) { picker.addOptionGroup("zimmet", {label: heading, $order: -1}); }
            Object.values(picker.options).forEach(function (option) {
                if (!option.homeGroup) { option.homeGroup = option.optgroup; }
                const group = mine.has(String(option.value)) ? "zimmet" : option.homeGroup;
                if (group !== option.optgroup) { picker.updateOption(option.value, Object.assign({}, option, {optgroup: group})); }
            });
            picker.refreshOptions(false);
        });
    }
    staff.addEventListener("change", regroup);
    window.addEventListener("load", regroup);
})();
