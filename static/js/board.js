// Drag jobs between technicians' rows and the queue; the server re-times and re-renders the board.
(function () {
  function wire(root) {
    var board = root.querySelector ? (root.id === "board" ? root : root.querySelector("#board")) : null;
    if (!board || typeof Sortable === "undefined") return;
    var lists = board.querySelectorAll(".track[data-technician], .queue[data-technician]");
    lists.forEach(function (list) {
      if (list._sortable) return;
      list._sortable = Sortable.create(list, {
        group: "board", draggable: ".block", animation: 120,
        forceFallback: true, fallbackOnBody: true, emptyInsertThreshold: 40,
        onEnd: function (evt) {
          if (evt.from === evt.to && evt.oldDraggableIndex === evt.newDraggableIndex) return;
          htmx.ajax("POST", "/board/" + board.dataset.day + "/move", {
            source: evt.item, target: "#board", swap: "outerHTML",
            values: {
              ticket_id: evt.item.dataset.ticket,
              technician_id: evt.to.dataset.technician,
              position: evt.newDraggableIndex,
              version: board.dataset.version
            }
          });
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSettle", function (e) { wire(e.detail.elt.parentNode || document); wire(document); });
})();
