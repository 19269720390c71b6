// storyline: highlight the evidence a link points at (#e-START-END) and scroll to it.
(function () {
  "use strict";
  function showEvidence() {
    var match = /^#e-(\d+)-(\d+)$/.exec(window.location.hash);
    var old = document.querySelectorAll("mark.current");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("current");
    if (!match) return;
    var start = Number(match[1]), end = Number(match[2]);
    var marks = document.querySelectorAll("mark[data-start]");
    var first = null;
    for (var j = 0; j < marks.length; j++) {
      var s = Number(marks[j].dataset.start), e = Number(marks[j].dataset.end);
      if (s >= start && e <= end) {
        marks[j].classList.add("current");
        if (!first) first = marks[j];
      }
    }
    if (first) first.scrollIntoView({ block: "center" });
  }
  document.addEventListener("DOMContentLoaded", showEvidence);
  window.addEventListener("hashchange", showEvidence);
})();
