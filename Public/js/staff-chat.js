/*
 * Portier — the support staff's side of the chat (/personal/chatt).
 *
 * Connects to the chat socket as staff, shows the waiting chats with their wait time and an
 * "Accept" button, and one pane per accepted chat with its messages, a text box, "End" and
 * "Turn into a ticket". Everything received is inserted with textContent: the server sends
 * text, never HTML.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-staff-chat]");
  if (!root || !window.WebSocket) { return; }
  var strings = root.querySelector("[data-chat-strings]").dataset;
  var queueList = root.querySelector("[data-chat-queue]");
  var queueEmpty = root.querySelector("[data-chat-queue-empty]");
  var panesBox = root.querySelector("[data-chat-panes]");
  var panes = {};
  var lastID = 0;
  var socket = null;
  var retry = 1000;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); }
  }

  function minutes(seconds) {
    return strings.waited.replace("{0}", String(Math.floor(seconds / 60)));
  }

  function renderQueue(frame) {
    queueList.textContent = "";
    frame.waiting.forEach(function (entry) {
      var item = element("li", "chat-queue-item");
      item.appendChild(element("span", "", entry.name + " <" + entry.email + "> – " + minutes(entry.waited) + " "));
      var accept = element("button", "button", strings.accept);
      accept.type = "button";
      accept.addEventListener("click", function () { send({ type: "accept", chat: entry.chat }); });
      item.appendChild(accept);
      queueList.appendChild(item);
    });
    queueEmpty.hidden = frame.waiting.length > 0;
    frame.mine.forEach(function (entry) { pane(entry); });
  }

  function pane(entry) {
    var id = entry.chat.toLowerCase();
    if (panes[id]) { return panes[id]; }
    var box = element("section", "card chat-pane");
    box.setAttribute("aria-label", entry.name);
    var heading = element("h3", "", entry.name + " ");
    if (entry.customer) {
      var link = element("a", "", strings.customer);
      link.href = root.dataset.customerPage.replace(':id', encodeURIComponent(entry.customer));
      heading.appendChild(link);
    } else {
      heading.appendChild(element("span", "muted", strings.visitor + " " + entry.email));
    }
    box.appendChild(heading);
    var log = element("ol", "chat-log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    box.appendChild(log);
    var form = element("form", "chat-form");
    var label = element("label", "visually-hidden", strings.messageLabel);
    var fieldID = "chat-text-" + id;
    label.htmlFor = fieldID;
    var field = element("textarea");
    field.id = fieldID;
    field.rows = 2;
    field.maxLength = 4000;
    form.appendChild(label);
    form.appendChild(field);
    var sendButton = element("button", "button", strings.send);
    sendButton.type = "submit";
    form.appendChild(sendButton);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!field.value.trim()) { return; }
      send({ type: "say", chat: id, text: field.value });
      field.value = "";
    });
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    box.appendChild(form);
    var actions = element("p", "chat-actions");
    var end = element("button", "button button-secondary", strings.end);
    end.type = "button";
    end.addEventListener("click", function () { send({ type: "end", chat: id }); });
    var ticket = element("button", "button button-secondary", strings.ticket);
    ticket.type = "button";
    ticket.addEventListener("click", function () { send({ type: "ticket", chat: id }); });
    actions.appendChild(end);
    actions.appendChild(ticket);
    box.appendChild(actions);
    var problem = element("p", "form-error chat-alert");
    problem.setAttribute("role", "alert");
    box.appendChild(problem);
    panesBox.appendChild(box);
    panes[id] = { box: box, log: log, seen: {}, problem: problem, field: field };
    return panes[id];
  }

  function addMessage(frame) {
    var target = pane({ chat: frame.chat, name: frame.author === "client" ? frame.name : "", email: "" });
    if (target.seen[frame.id]) { return; }
    target.seen[frame.id] = true;
    lastID = Math.max(lastID, frame.id);
    var item = element("li", "chat-message chat-" + frame.author);
    if (frame.author !== "system") { item.appendChild(element("strong", "", frame.name + ": ")); }
    item.appendChild(element("span", "", frame.text));
    target.log.appendChild(item);
    target.log.scrollTop = target.log.scrollHeight;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.dataset.socket);
    socket.addEventListener("open", function () { retry = 1000; });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      if (frame.type === "queue") { renderQueue(frame); }
      else if (frame.type === "message") { addMessage(frame); }
      else if (frame.type === "error") {
        var open = Object.keys(panes);
        var target = open.length ? panes[open[open.length - 1]] : null;
        if (target) { target.problem.textContent = frame.text; } else { queueEmpty.textContent = frame.text; queueEmpty.hidden = false; }
      }
    });
    socket.addEventListener("close", function () {
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  connect();
})();
