/* Confirmation before a destructive step, in the page's own style: a native <dialog> opened modal
   (focus stays inside, Esc and "Cancel" say no, Tab moves between the two buttons).
   window.kentConfirm(id) -> Promise<boolean> for scripts; a form with data-confirm="<dialog id>" asks
   before it is submitted. The dialog's texts are in the template (translated there). */
"use strict";
(function () {
    function confirmWith(id) {
        const dialog = document.getElementById(id);
        if (!dialog || typeof dialog.showModal !== "function") { return Promise.resolve(false); }
        return new Promise(function (resolve) {
            const opener = document.activeElement;
            dialog.returnValue = "";
            dialog.addEventListener("close", function onClose() {
                dialog.removeEventListener("close", onClose);
                if (opener && typeof opener.focus === "function") { opener.focus(); }
                resolve(dialog.returnValue === "ok");
            });
            dialog.showModal();
            const first = dialog.querySelector("[autofocus]") || dialog.querySelector("button");
            if (first) { first.focus(); }
        });
    }
    window.kentConfirm = confirmWith;
    document.addEventListener("submit", function (event) {
        const form = event.target;
        if (!form.dataset || !form.dataset.confirm || form.dataset.confirmed === "1") { return; }
        event.preventDefault();
        const submitter = event.submitter;
        confirmWith(form.dataset.confirm).then(function (yes) {
            if (!yes) { return; }
            form.dataset.confirmed = "1";
            if (submitter && submitter.name) {  // keep the pressed button's name=value in the request
                const hidden = document.createElement("input");
                hidden.type = "hidden";
                hidden.name = submitter.name;
                hidden.value = submitter.value;
                form.appendChild(hidden);
            }
            form.submit();
        });
    }, true);
})();
