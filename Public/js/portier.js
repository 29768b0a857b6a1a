/*
 * Portier — small enhancements for the whole site. Everything works without it.
 *
 * The mobile menu is a <details class="mobile-menu">. This closes it when
 * Escape is pressed (returning focus to its "Meny" summary) or when the
 * visitor clicks or taps anywhere outside it.
 */
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details.mobile-menu[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    var menus = openMenus();
    for (var i = 0; i < menus.length; i += 1) {
      var menu = menus[i];
      var hadFocus = menu.contains(document.activeElement);
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (hadFocus && summary) { summary.focus(); }
    }
  });

  document.addEventListener("click", function (event) {
    var menus = openMenus();
    for (var i = 0; i < menus.length; i += 1) {
      if (!menus[i].contains(event.target)) { menus[i].removeAttribute("open"); }
    }
  });
})();
