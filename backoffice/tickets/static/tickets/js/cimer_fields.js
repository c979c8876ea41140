// New ticket: the CİMER/BİMER application fields only when the channel is CİMER.
(function () {
  "use strict";
  function setup() {
    var channel = document.getElementById("id_channel");
    var fields = ["id_cimer_number", "id_cimer_applied_on"].map(function (id) {
      var input = document.getElementById(id);
      return input ? input.closest(".mb-1") || input.parentElement : null;
    }).filter(Boolean);
    if (!channel || !fields.length) return;
    function sync() {
      var show = channel.value === "cimer";
      fields.forEach(function (wrapper) { wrapper.hidden = !show; });
    }
    channel.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
