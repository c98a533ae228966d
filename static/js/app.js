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
