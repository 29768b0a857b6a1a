/*
 * Portier — the invoice page's "Skriv ut" button. It is hidden until this script shows it, so
 * without JavaScript nobody sees a button that does nothing (the browser's own print works).
 */
(function () {
  "use strict";

  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i += 1) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
}());
