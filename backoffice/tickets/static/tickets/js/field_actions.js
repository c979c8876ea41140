/* The technician's block on the ticket page: directions for the phone's platform, a photo made
   smaller on the device (longest side ≤ 1600 px, JPEG) before the usual attachment upload, and
   the maintenance date as today's local date when the page has none. */
"use strict";

(function () {
    function $(id) { return document.getElementById(id); }

    function platform() {
        const ua = navigator.userAgent || "";
        if (/iPad|iPhone|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1)) {
            return "ios";
        }
        return /Android/.test(ua) ? "android" : "other";
    }

    function setupDirections() {
        const main = $("field-directions"), alt = $("field-directions-alt");
        if (!main) {
            return;
        }
        const kind = platform();
        // iOS does not open geo: – Apple Maps first there; Android opens geo: in the chosen app.
        if (kind === "ios") {
            main.href = main.dataset.apple;
            alt.href = main.dataset.google;
            alt.textContent = alt.dataset.labelGoogle;
        } else if (kind === "android") {
            main.href = main.dataset.geo;
            alt.href = main.dataset.google;
            alt.textContent = alt.dataset.labelGoogle;
        } else {
            main.href = main.dataset.geo;
            alt.href = main.dataset.google;
        }
        document.documentElement.dataset.platform = kind;
    }

    function shrink(file, max) {
        return new Promise(function (resolve, reject) {
            const url = URL.createObjectURL(file);
            const img = new Image();
            img.onload = function () {
                const scale = Math.min(1, max / Math.max(img.naturalWidth, img.naturalHeight));
                const canvas = document.createElement("canvas");
                canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
                canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
                canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
                URL.revokeObjectURL(url);
                canvas.toBlob(function (blob) {
                    if (blob) {
                        resolve({blob: blob, width: canvas.width, height: canvas.height});
                    } else {
                        reject(new Error("toBlob"));
                    }
                }, "image/jpeg", 0.85);
            };
            img.onerror = function () {
                URL.revokeObjectURL(url);
                reject(new Error("decode"));
            };
            img.src = url;
        });
    }

    function setupPhoto() {
        const form = $("field-photo-form");
        if (!form) {
            return;
        }
        const input = $("field-photo"), status = $("field-photo-status"), preview = $("field-photo-preview");
        const button = $("field-photo-send");
        let prepared = null;
        input.addEventListener("change", function () {
            prepared = null;
            const file = input.files[0];
            if (!file) {
                return;
            }
            status.textContent = form.dataset.msgWorking;
            button.disabled = true;
            shrink(file, parseInt(form.dataset.max, 10)).then(function (result) {
                const base = (file.name || "foto").replace(/\.[^.]*$/, "") || "foto";
                prepared = new File([result.blob], base + ".jpg", {type: "image/jpeg"});
                preview.src = URL.createObjectURL(result.blob);
                preview.hidden = false;
                preview.dataset.width = String(result.width);
                preview.dataset.height = String(result.height);
                status.textContent = result.width + " × " + result.height + " px · "
                    + Math.round(result.blob.size / 1024) + " kB";
                button.disabled = false;
            }, function () {
                status.textContent = form.dataset.msgFailed;
            });
        });
        form.addEventListener("submit", function (event) {
            if (!prepared) {
                return;  // not an image the browser can draw: the server's checks answer
            }
            event.preventDefault();
            button.disabled = true;
            const data = new FormData(form);
            data.set("file", prepared, prepared.name);
            // getAttribute: the form's input named "action" shadows form.action.
            const target = form.getAttribute("action");
            // The answer is a redirect to the ticket page; not followed here, so that its message
            // ("Saved." or what was wrong) is shown by the page load below.
            fetch(target, {method: "POST", body: data, credentials: "same-origin", redirect: "manual"}).then(function () {
                window.location.assign(target);
            }, function () {
                button.disabled = false;
                status.textContent = form.dataset.msgFailed;
            });
        });
    }

    function setupDate() {
        const date = $("field_done_on");
        if (date && !date.value) {
            const now = new Date();
            const pad = function (n) { return String(n).padStart(2, "0"); };
            date.value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
        }
    }

    document.addEventListener("DOMContentLoaded", function () {
        setupDirections();
        setupPhoto();
        setupDate();
    });
})();
