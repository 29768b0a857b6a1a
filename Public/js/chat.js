/*
 * Portier — the chat panel in the "Behöver du mer hjälp?" card and on /kontakt.
 *
 * Without JavaScript the card links to the contact page. With it, the card asks GET /chatt
 * whether the chat is open, starts a chat with POST /chatt (a visitor gives a name and an
 * e-mail first) and talks over the chat socket. A reload resumes the chat (session or chat
 * cookie). When the chat is closed, or nobody has accepted within two minutes, the panel offers
 * to leave the message as a ticket. New messages are announced (aria-live); everything received
 * is inserted with textContent, never as HTML.
 */
(function () {
  "use strict";

  var card = document.querySelector("[data-chat-card]");
  if (!card || !window.WebSocket || !window.fetch) { return; }
  var strings = card.querySelector("[data-chat-strings]").dataset;
  var socket = null;
  var lastID = 0;
  var seen = {};
  var state = null;
  var offerTimer = null;
  var retry = 1000;
  var ui = {};

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function button(text, className) {
    var node = element("button", className || "button", text);
    node.type = "button";
    return node;
  }

  function csrfToken() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function field(labelText, type, name, autocomplete) {
    var wrapper = element("div", "form-field");
    var id = "chat-" + name;
    var label = element("label", "", labelText);
    label.htmlFor = id;
    var input = element(type === "textarea" ? "textarea" : "input");
    input.id = id;
    input.name = name;
    if (type !== "textarea") { input.type = type; }
    if (autocomplete) { input.autocomplete = autocomplete; }
    var error = element("p", "form-error chat-alert");
    error.id = id + "-error";
    input.setAttribute("aria-describedby", error.id);
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(error);
    return { wrapper: wrapper, input: input, error: error };
  }

  function show(node, visible) { node.hidden = !visible; }

  function buildPanel(needsContact) {
    card.querySelectorAll("[data-chat-fallback]").forEach(function (node) { node.hidden = true; });
    ui.status = element("p", "chat-status");
    ui.status.setAttribute("role", "status");
    card.appendChild(ui.status);
    ui.openButton = button(strings.start);
    card.appendChild(ui.openButton);

    ui.panel = element("div", "chat-panel");
    ui.panel.hidden = true;
    ui.contact = element("form", "chat-contact");
    ui.name = field(strings.name, "text", "name", "name");
    ui.email = field(strings.email, "email", "email", "email");
    ui.contact.appendChild(ui.name.wrapper);
    ui.contact.appendChild(ui.email.wrapper);
    var startButton = element("button", "button", strings.begin);
    startButton.type = "submit";
    ui.contact.appendChild(startButton);
    ui.contact.hidden = !needsContact;
    ui.panel.appendChild(ui.contact);

    ui.log = element("ol", "chat-log");
    ui.log.setAttribute("aria-live", "polite");
    ui.log.setAttribute("aria-relevant", "additions");
    ui.log.setAttribute("aria-label", strings.log);
    ui.panel.appendChild(ui.log);

    ui.form = element("form", "chat-form");
    ui.text = field(strings.messageLabel, "textarea", "message");
    ui.text.input.maxLength = 4000;
    ui.text.input.rows = 3;
    ui.form.appendChild(ui.text.wrapper);
    var send = element("button", "button", strings.send);
    send.type = "submit";
    ui.form.appendChild(send);
    ui.form.hidden = true;
    ui.panel.appendChild(ui.form);

    ui.actions = element("p", "chat-actions");
    ui.ticket = button(strings.ticket, "button button-secondary");
    ui.end = button(strings.end, "button button-secondary");
    ui.transcript = button(strings.transcript, "button button-secondary");
    [ui.ticket, ui.end, ui.transcript].forEach(function (node) { node.hidden = true; ui.actions.appendChild(node); });
    ui.panel.appendChild(ui.actions);
    ui.alert = element("p", "form-error chat-alert");
    ui.alert.setAttribute("role", "alert");
    ui.panel.appendChild(ui.alert);
    card.appendChild(ui.panel);

    ui.openButton.addEventListener("click", function () {
      ui.openButton.hidden = true;
      ui.panel.hidden = false;
      if (ui.contact.hidden) { startChat(); } else { ui.name.input.focus(); }
    });
    ui.contact.addEventListener("submit", function (event) { event.preventDefault(); startChat(); });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.text.input.value;
      if (!text.trim()) { return; }
      sendFrame({ type: "say", text: text });
      ui.text.input.value = "";
    });
    ui.text.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); ui.form.requestSubmit(); }
    });
    ui.ticket.addEventListener("click", function () { sendFrame({ type: "ticket" }); });
    ui.end.addEventListener("click", function () { sendFrame({ type: "end" }); });
    ui.transcript.addEventListener("click", function () { sendFrame({ type: "transcript" }); });
  }

  function startChat() {
    ui.name.error.textContent = "";
    ui.email.error.textContent = "";
    ui.alert.textContent = "";
    var body = new URLSearchParams();
    body.set("csrf_token", csrfToken());
    if (!ui.contact.hidden) {
      body.set("name", ui.name.input.value);
      body.set("email", ui.email.input.value);
    }
    fetch(card.dataset.chat, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      if (result.status === 201) {
        ui.contact.hidden = true;
        connect();
      } else if (result.status === 422 && result.json.field) {
        var target = result.json.field === "email" ? ui.email : ui.name;
        target.error.textContent = result.json.error;
        target.input.setAttribute("aria-invalid", "true");
        target.input.focus();
      } else {
        ui.alert.textContent = result.json.error || strings.failed;
      }
    }).catch(function () { ui.alert.textContent = strings.failed; });
  }

  function sendFrame(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); }
    else { ui.alert.textContent = strings.lost; }
  }

  function addMessage(frame) {
    if (seen[frame.id]) { return; }
    seen[frame.id] = true;
    lastID = Math.max(lastID, frame.id);
    var item = element("li", "chat-message chat-" + frame.author);
    if (frame.author !== "system") { item.appendChild(element("strong", "", frame.name + ": ")); }
    item.appendChild(element("span", "", frame.text));
    ui.log.appendChild(item);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function applyState(frame) {
    state = frame;
    var finished = frame.status === "ended" || frame.status === "left_as_ticket";
    show(ui.form, !finished);
    show(ui.end, frame.status === "active");
    show(ui.transcript, finished && !frame.transcriptSent);
    if (frame.status === "waiting") {
      ui.status.textContent = frame.open ? strings.waiting : strings.closedLeave;
      var remaining = Math.max(0, frame.offerTicketAfter - frame.waited);
      window.clearTimeout(offerTimer);
      show(ui.ticket, remaining === 0);
      if (remaining > 0) { offerTimer = window.setTimeout(function () { show(ui.ticket, true); ui.status.textContent = strings.noAnswer; }, remaining * 1000); }
    } else {
      window.clearTimeout(offerTimer);
      show(ui.ticket, false);
      ui.status.textContent = frame.status === "active" ? strings.active : strings.ended;
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + card.dataset.socket + (lastID ? "?after=" + lastID : ""));
    socket.addEventListener("open", function () {
      retry = 1000;
      ui.alert.textContent = "";
      ui.openButton.hidden = true;
      ui.panel.hidden = false;
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      if (frame.type === "state") { applyState(frame); }
      else if (frame.type === "message") { addMessage(frame); }
      else if (frame.type === "error") { ui.alert.textContent = frame.text; }
      else if (frame.type === "transcript") { ui.status.textContent = frame.text; show(ui.transcript, false); }
    });
    socket.addEventListener("close", function () {
      socket = null;
      if (state && (state.status === "ended" || state.status === "left_as_ticket")) { return; }
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  fetch(card.dataset.chat, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (status) {
      buildPanel(status.needsContact);
      ui.status.textContent = status.open ? strings.open : strings.closed.replace("{0}", status.hours);
      ui.openButton.textContent = status.open ? strings.start : strings.leave;
      if (status.chat) { ui.contact.hidden = true; connect(); }
    })
    .catch(function () { /* the card keeps its link to the contact page */ });
})();
