// SLA countdowns: the server renders the text; this keeps it ticking without reloads.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function span(seconds) {
    var s = Math.abs(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return h > 0 ? h + ":" + pad(m) + ":" + pad(sec) : pad(m) + ":" + pad(sec);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var seconds = Math.round((Date.parse(el.dataset.due) - now) / 1000);
      var late = seconds < 0;
      el.textContent = (late ? el.dataset.late : el.dataset.left).replace("{t}", span(seconds));
      el.classList.toggle("late", late);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  setInterval(tick, 1000);
})();

/* technician day */
// A status tap that could not reach the server is sent again, unchanged: the form's key makes the
// server record it once however many copies arrive.
(function () {
  var RETRY_MS = 3000;
  function noteFor(form) {
    var box = form.closest(".taps");
    return box ? box.querySelector(".retry-note") : null;
  }
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest("form[data-retry]");
    if (!form) return;
    var note = noteFor(form);
    if (note) { note.textContent = note.closest(".taps").dataset.retrying; note.hidden = false; }
    setTimeout(function () { if (document.body.contains(form)) htmx.trigger(form, "submit"); }, RETRY_MS);
  });
})();
