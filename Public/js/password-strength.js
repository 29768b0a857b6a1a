/*
 * Portier — live password guidance (progressive enhancement).
 *
 * Markup contract (the form works without this file; the server decides):
 *   <input type="password" id="new-password" data-password-strength
 *          data-email="anna@example.se" aria-describedby="pw-meter pw-rules">
 *   <div class="password-meter" id="pw-meter"
 *        data-label-0="…" data-label-1="…" … data-label-4="…">
 *     <div class="password-meter-bar"><span></span></div>
 *     <p class="password-meter-text" aria-live="polite"></p>
 *   </div>
 *   <ul class="password-rules" id="pw-rules">
 *     <li data-rule="length">…</li> <li data-rule="email">…</li> <li data-rule="match">…</li>
 *   </ul>
 *   <input type="password" data-password-confirm-for="new-password">
 *
 * The meter is found by the input's data-meter id, else among its
 * aria-describedby ids; the rules list by data-rules id, else among the
 * aria-describedby ids, else inside the same form. A meter carrying the
 * `hidden` attribute is revealed, so templates can hide it for no-JS users.
 */
(function () {
  "use strict";

  var MIN_LENGTH = 12;
  var MAX_LENGTH = 256;

  // Frequent building blocks of guessable passwords (lower case, no accents).
  var COMMON_PARTS = [
    "password", "passw0rd", "losenord", "lösenord", "qwerty", "asdf", "zxcv",
    "123456", "654321", "abc123", "welcome", "valkommen", "välkommen", "admin",
    "letmein", "iloveyou", "sommar", "vinter", "hösten", "våren", "monkey",
    "dragon", "football", "hejhej", "secret", "hemlig"
  ];

  var SEQUENCES = [
    "abcdefghijklmnopqrstuvwxyzåäö",
    "01234567890",
    "qwertyuiopå",
    "asdfghjklöä",
    "zxcvbnm"
  ];

  function characters(text) {
    // Count code points, not UTF-16 units, like the server does.
    return Array.from ? Array.from(text) : text.split("");
  }

  function characterClasses(text) {
    var classes = 0;
    if (/[a-zåäöéü]/.test(text)) { classes += 1; }
    if (/[A-ZÅÄÖÉÜ]/.test(text)) { classes += 1; }
    if (/[0-9]/.test(text)) { classes += 1; }
    if (/[^A-Za-z0-9åäöéüÅÄÖÉÜ]/.test(text)) { classes += 1; }
    return classes;
  }

  function hasLongRepeat(text) {
    // The same character 3+ times in a row, or a block of 2–4 characters repeated.
    return /(.)\1\1/.test(text) || /(.{2,4})\1\1/.test(text) || /^(.{3,})\1$/.test(text);
  }

  function hasSequence(lower) {
    var run = 4;
    for (var s = 0; s < SEQUENCES.length; s += 1) {
      var forward = SEQUENCES[s];
      var backward = forward.split("").reverse().join("");
      for (var i = 0; i + run <= forward.length; i += 1) {
        if (lower.indexOf(forward.slice(i, i + run)) !== -1 ||
            lower.indexOf(backward.slice(i, i + run)) !== -1) {
          return true;
        }
      }
    }
    return false;
  }

  function containsCommonPart(lower) {
    for (var i = 0; i < COMMON_PARTS.length; i += 1) {
      if (lower.indexOf(COMMON_PARTS[i]) !== -1) { return true; }
    }
    return false;
  }

  function emailLocalPart(email) {
    if (!email) { return ""; }
    var at = email.lastIndexOf("@");
    return (at === -1 ? email : email.slice(0, at)).trim().toLowerCase();
  }

  function containsEmail(lower, localPart) {
    return localPart.length > 0 && lower.indexOf(localPart) !== -1;
  }

  /* Score 0–4. Length is the rule; variety helps, patterns hurt. Anything
     shorter than MIN_LENGTH never scores above 1. */
  function score(password, localPart) {
    var chars = characters(password);
    var length = chars.length;
    var lower = password.toLowerCase();
    if (length === 0) { return null; }

    var points = length >= 20 ? 4 : length >= 16 ? 3 : length >= MIN_LENGTH ? 2 : 0;
    var classes = characterClasses(password);
    var unique = {};
    for (var i = 0; i < length; i += 1) { unique[chars[i]] = true; }
    var uniqueCount = Object.keys(unique).length;

    if (classes >= 3) { points += 1; }
    if (classes === 1 && length < 16) { points -= 1; }
    if (hasLongRepeat(password)) { points -= 1; }
    if (hasSequence(lower)) { points -= 1; }
    if (containsCommonPart(lower)) { points -= 1; }
    if (uniqueCount < Math.max(5, length / 3)) { points -= 1; }
    if (containsEmail(lower, localPart)) { points = Math.min(points, 1); }

    if (length < MIN_LENGTH) { points = Math.min(points, length >= 8 ? 1 : 0); }
    if (length > MAX_LENGTH) { points = 0; }
    return Math.max(0, Math.min(4, points));
  }

  function setRule(item, ok) {
    if (!item) { return; }
    item.classList.toggle("rule-ok", ok === true);
    item.classList.toggle("rule-fail", ok === false);
  }

  function byIds(list) {
    var found = [];
    (list || "").split(/\s+/).forEach(function (id) {
      var element = id && document.getElementById(id);
      if (element) { found.push(element); }
    });
    return found;
  }

  function findWithin(candidates, selector) {
    for (var i = 0; i < candidates.length; i += 1) {
      if (candidates[i].matches(selector)) { return candidates[i]; }
      var inner = candidates[i].querySelector(selector);
      if (inner) { return inner; }
    }
    return null;
  }

  function attach(input) {
    var described = byIds(input.getAttribute("aria-describedby"));
    var meter = findWithin(byIds(input.getAttribute("data-meter")), ".password-meter") ||
      findWithin(described, ".password-meter");
    var rules = findWithin(byIds(input.getAttribute("data-rules")), ".password-rules") ||
      findWithin(described, ".password-rules") ||
      (input.form && input.form.querySelector(".password-rules"));
    var scope = input.form || document;
    var confirm = input.id
      ? scope.querySelector('[data-password-confirm-for="' + input.id + '"]')
      : null;
    var text = meter && meter.querySelector(".password-meter-text");
    var localPart = emailLocalPart(input.getAttribute("data-email"));

    function rule(name) {
      return (rules && rules.querySelector('[data-rule="' + name + '"]')) ||
        scope.querySelector('.password-rules [data-rule="' + name + '"]');
    }

    if (meter && meter.hasAttribute("hidden")) { meter.removeAttribute("hidden"); }

    function update() {
      var password = input.value;
      var value = score(password, localPart);
      var empty = password.length === 0;

      if (meter) {
        if (value === null) {
          meter.removeAttribute("data-score");
        } else {
          meter.setAttribute("data-score", String(value));
        }
        if (text) {
          text.textContent = value === null ? "" : (meter.getAttribute("data-label-" + value) || "");
        }
      }

      var length = characters(password).length;
      setRule(rule("length"), empty ? null : length >= MIN_LENGTH && length <= MAX_LENGTH);
      setRule(rule("email"), empty || !localPart ? null
        : !containsEmail(password.toLowerCase(), localPart));
      updateMatch();
    }

    function updateMatch() {
      if (!confirm) { return; }
      var repeated = confirm.value;
      setRule(rule("match"), repeated.length === 0 ? null : repeated === input.value);
    }

    input.addEventListener("input", update);
    if (confirm) { confirm.addEventListener("input", updateMatch); }
    if (input.value) { update(); }
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-password-strength]");
    for (var i = 0; i < inputs.length; i += 1) { attach(inputs[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  // Exposed for tests only; nothing in the page depends on it.
  if (typeof window !== "undefined") {
    window.PortierPasswordStrength = { score: score };
  }
})();
