/*
 * Portier — guide titles below the help center's search box while the visitor types.
 *
 * Progressive enhancement of <form class="search-form" data-suggestions="…">: without this
 * script the form simply submits to the results page. With it, from two letters on, up to five
 * guide titles from the JSON endpoint (data-suggestions, ?q=…&lang=…) appear below the box,
 * following the WAI-ARIA combobox pattern with a listbox popup:
 *   - ArrowDown / ArrowUp move through the titles (aria-activedescendant, aria-selected);
 *   - Enter opens the chosen guide, or searches as usual when none is chosen;
 *   - Escape closes the list (a second Escape clears the box), as does leaving the box;
 *   - a polite live region says how many titles there are.
 * Titles are inserted as text, never as HTML.
 */
(function () {
  "use strict";

  var MINIMUM_LETTERS = 2;
  var DELAY_MS = 150;

  function letterCount(text) {
    var matches = text.match(/[\p{L}\p{N}]/gu);
    return matches ? matches.length : 0;
  }

  function enhance(form) {
    var input = form.querySelector("input[name='q']");
    var list = form.querySelector("[role='listbox']");
    var status = form.querySelector("[aria-live]");
    var endpoint = form.getAttribute("data-suggestions");
    var language = form.getAttribute("data-language") || document.documentElement.lang || "sv";
    if (!input || !list || !status || !endpoint || !window.fetch) { return; }

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var suggestions = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    var controller = null;

    function setActive(index) {
      var options = list.querySelectorAll("[role='option']");
      for (var i = 0; i < options.length; i += 1) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        if (options[index].scrollIntoView) { options[index].scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function announce(count) {
      var template = count === 0 ? status.getAttribute("data-none")
        : count === 1 ? status.getAttribute("data-one")
        : status.getAttribute("data-many");
      status.textContent = (template || "").replace("{0}", String(count));
    }

    function open(url) {
      window.location.assign(url);
    }

    function show(results) {
      suggestions = results.slice(0, 5);
      while (list.firstChild) { list.removeChild(list.firstChild); }
      suggestions.forEach(function (suggestion, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "search-suggestion";
        var title = document.createElement("span");
        title.className = "search-suggestion-title";
        title.textContent = suggestion.title;
        option.appendChild(title);
        if (suggestion.category) {
          var category = document.createElement("span");
          category.className = "search-suggestion-category";
          category.textContent = suggestion.category;
          option.appendChild(category);
        }
        // Keep the focus in the box while clicking; then open the guide.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { open(suggestion.url); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (suggestions.length > 0) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      announce(suggestions.length);
    }

    function request() {
      var query = input.value;
      if (letterCount(query) < MINIMUM_LETTERS) {
        latest += 1;
        suggestions = [];
        close();
        status.textContent = "";
        return;
      }
      var number = (latest += 1);
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var url = endpoint + "?q=" + encodeURIComponent(query) + "&lang=" + encodeURIComponent(language);
      window.fetch(url, {
        credentials: "omit",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (body) {
        if (number !== latest || document.activeElement !== input) { return; }
        show(Array.isArray(body.results) ? body.results : []);
      }).catch(function () {
        // Suggestions are a convenience: on any failure the form still searches as usual.
      });
    }

    input.addEventListener("input", function () {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(request, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var isOpen = !list.hidden && suggestions.length > 0;
      switch (event.key) {
        case "ArrowDown":
        case "Down":
          if (suggestions.length === 0) { return; }
          event.preventDefault();
          if (!isOpen) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
            setActive(0);
          } else {
            setActive(active + 1 >= suggestions.length ? 0 : active + 1);
          }
          break;
        case "ArrowUp":
        case "Up":
          if (!isOpen) { return; }
          event.preventDefault();
          setActive(active <= 0 ? suggestions.length - 1 : active - 1);
          break;
        case "Enter":
          if (isOpen && active >= 0) {
            event.preventDefault();
            open(suggestions[active].url);
          }
          break;
        case "Escape":
        case "Esc":
          if (isOpen) {
            event.preventDefault();
            close();
          } else if (input.value !== "") {
            event.preventDefault();
            input.value = "";
            suggestions = [];
            status.textContent = "";
          }
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", close);
  }

  var forms = document.querySelectorAll("form.search-form[data-suggestions]");
  for (var i = 0; i < forms.length; i += 1) { enhance(forms[i]); }
})();
