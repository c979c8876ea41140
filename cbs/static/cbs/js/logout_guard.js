/* Logging out wipes what the field app keeps on this device (phones are shared: the next person
   must not see the last one's area, features or photos). Changes not yet sent are never dropped
   silently: the user is told how many and may go and send them first. The field app checks the
   same on its side (a device prepared by someone else is wiped when another user opens it). */
"use strict";
(function () {
    const NAME = "kentcbs-field";  // field/static/field/js/store.js

    function done(request) {
        return new Promise(function (resolve, reject) {
            request.onsuccess = function () { resolve(request.result); };
            request.onerror = function () { reject(request.error); };
        });
    }

    async function present() {
        if (!window.indexedDB) { return false; }
        if (typeof indexedDB.databases !== "function") { return true; }
        return (await indexedDB.databases()).some(function (d) { return d.name === NAME; });
    }

    async function waitingChanges() {
        const db = await done(indexedDB.open(NAME));  // no version: never upgrades the app's database
        try {
            if (!db.objectStoreNames.contains("queue")) { return 0; }
            return await done(db.transaction(["queue"], "readonly").objectStore("queue").count());
        } finally {
            db.close();
        }
    }

    async function wipe() {
        await new Promise(function (resolve) {
            const request = indexedDB.deleteDatabase(NAME);
            // Blocked while a field app tab is open: deleted once it closes; the app also checks.
            request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
        if (window.caches) {
            const keys = await caches.keys();
            await Promise.all(keys.filter(function (k) { return k.startsWith(NAME); })
                .map(function (k) { return caches.delete(k); }));
        }
    }

    document.addEventListener("submit", async function (event) {
        const form = event.target;
        if (form.id !== "logout-form" || form.dataset.wiped === "1") { return; }
        event.preventDefault();
        try {
            if (await present()) {
                const waiting = await waitingChanges();
                if (waiting > 0) {
                    document.getElementById("logout-field-count").textContent = String(waiting);
                    if (!(await window.kentConfirm("logout-field-dialog"))) { return; }
                }
                await wipe();
            }
        } catch (error) {
            /* the device's storage could not be read: log out all the same */
        }
        form.dataset.wiped = "1";
        form.submit();
    }, true);
})();
