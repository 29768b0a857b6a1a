/*
 * Portier — passkeys (lösennycklar), progressive enhancement.
 *
 * Login page (#passkey-login): shows "Logga in med lösennyckel" when the browser has WebAuthn,
 * and offers passkeys in the e-mail field's autofill (conditional mediation, the field has
 * autocomplete="username webauthn"). Säkerhet (#passkey-add): adds a passkey.
 *
 * Both talk JSON to Portier: POST the options endpoint (data-options), hand the options to
 * navigator.credentials, POST the result to data-finish. Every POST carries the page's CSRF
 * token in the body (csrf_token), as forms do. Binary values travel as unpadded base64url.
 * The server answers {redirect} or {error} (a localized message, shown as it is).
 */
(function () {
  "use strict";

  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) { return; }

  // ---------------------------------------------------------------- base64url <-> bytes

  function fromBase64URL(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64URL(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      var descriptor = { type: item.type, id: fromBase64URL(item.id) };
      if (item.transports) { descriptor.transports = item.transports; }
      return descriptor;
    });
  }

  function creationOptions(json) {
    return {
      challenge: fromBase64URL(json.challenge),
      rp: json.rp,
      user: { id: fromBase64URL(json.user.id), name: json.user.name, displayName: json.user.displayName },
      pubKeyCredParams: json.pubKeyCredParams,
      timeout: json.timeout,
      excludeCredentials: descriptors(json.excludeCredentials),
      authenticatorSelection: json.authenticatorSelection,
      attestation: json.attestation
    };
  }

  function requestOptions(json) {
    return {
      challenge: fromBase64URL(json.challenge),
      rpId: json.rpId,
      allowCredentials: descriptors(json.allowCredentials),
      userVerification: json.userVerification,
      timeout: json.timeout
    };
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64URL(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toBase64URL(response.clientDataJSON),
        attestationObject: toBase64URL(response.attestationObject),
        transports: typeof response.getTransports === "function" ? response.getTransports() : []
      }
    };
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64URL(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toBase64URL(response.clientDataJSON),
        authenticatorData: toBase64URL(response.authenticatorData),
        signature: toBase64URL(response.signature),
        userHandle: response.userHandle ? toBase64URL(response.userHandle) : undefined
      }
    };
  }

  // ---------------------------------------------------------------- talking to Portier

  /* POSTs `body` as JSON; resolves to {status, data} (data {} when the answer is not JSON). */
  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data || {} };
      });
    });
  }

  function csrfToken(root) {
    var field = root.querySelector('input[name="csrf_token"]') || document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function show(element, text) {
    if (!element) { return; }
    element.textContent = text;
    element.hidden = !text;
  }

  /* The localized text for a failed browser ceremony. */
  function browserError(root, error) {
    if (error && error.name === "InvalidStateError" && root.dataset.errorExists) { return root.dataset.errorExists; }
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) { return root.dataset.errorCancelled; }
    return root.dataset.errorFailed;
  }

  // ---------------------------------------------------------------- login page

  function setUpLogin(root) {
    var button = document.getElementById("passkey-login-button");
    var errorBox = document.getElementById("passkey-login-error");
    var status = document.getElementById("passkey-login-status");
    var nextField = document.querySelector('#login-form input[name="next"]');
    var conditional = null;
    var busy = false;
    root.hidden = false;

    function finish(credential) {
      return postJSON(root.dataset.finish, {
        csrf_token: csrfToken(root),
        next: nextField ? nextField.value : undefined,
        credential: assertionJSON(credential)
      }).then(function (answer) {
        if (answer.data.redirect) {
          window.location.assign(answer.data.redirect);
          return;
        }
        show(errorBox, answer.data.error || root.dataset.errorFailed);
      });
    }

    function options() {
      return postJSON(root.dataset.options, { csrf_token: csrfToken(root) }).then(function (answer) {
        if (!answer.data.challenge) { throw { portierMessage: answer.data.error || root.dataset.errorFailed }; }
        return requestOptions(answer.data);
      });
    }

    function startConditional() {
      if (!PublicKeyCredential.isConditionalMediationAvailable) { return; }
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available || busy) { return; }
        return options().then(function (publicKey) {
          conditional = new AbortController();
          return navigator.credentials.get({ publicKey: publicKey, mediation: "conditional", signal: conditional.signal });
        }).then(function (credential) {
          conditional = null;
          if (credential) { return finish(credential); }
        });
      }).catch(function () {
        // Aborted for the button, or autofill not offered: the button still works.
      });
    }

    button.addEventListener("click", function () {
      if (busy) { return; }
      busy = true;
      if (conditional) { conditional.abort(); conditional = null; }
      show(errorBox, "");
      status.textContent = root.dataset.working;
      options().then(function (publicKey) {
        return navigator.credentials.get({ publicKey: publicKey });
      }).then(function (credential) {
        if (credential) { return finish(credential); }
      }).catch(function (error) {
        show(errorBox, error && error.portierMessage ? error.portierMessage : browserError(root, error));
      }).then(function () {
        busy = false;
        status.textContent = "";
      });
    });

    startConditional();
  }

  // ---------------------------------------------------------------- Säkerhet

  function setUpRegistration(form) {
    var errorBox = document.getElementById("passkey-add-error");
    var passwordField = document.getElementById("passkey-password-field");
    var button = document.getElementById("passkey-add-button");
    var unsupported = document.querySelectorAll("[data-passkey-unsupported]");
    for (var i = 0; i < unsupported.length; i += 1) { unsupported[i].hidden = true; }
    form.hidden = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) { return; }
      var name = form.elements.name.value;
      var password = form.elements.current_password ? form.elements.current_password.value : "";
      button.disabled = true;
      show(errorBox, "");
      postJSON(form.dataset.options, { csrf_token: csrfToken(form), name: name, current_password: password })
        .then(function (answer) {
          if (!answer.data.challenge) {
            if (answer.data.needsPassword) {
              passwordField.hidden = false;
              form.elements.current_password.focus();
            }
            throw { portierMessage: answer.data.error || form.dataset.errorFailed };
          }
          return navigator.credentials.create({ publicKey: creationOptions(answer.data) });
        })
        .then(function (credential) {
          return postJSON(form.dataset.finish, {
            csrf_token: csrfToken(form), name: name, credential: registrationJSON(credential)
          });
        })
        .then(function (answer) {
          if (answer.data.redirect) {
            window.location.assign(answer.data.redirect);
            return;
          }
          throw { portierMessage: answer.data.error || form.dataset.errorFailed };
        })
        .catch(function (error) {
          show(errorBox, error && error.portierMessage ? error.portierMessage : browserError(form, error));
        })
        .then(function () { button.disabled = false; });
    });
  }

  var login = document.getElementById("passkey-login");
  if (login) { setUpLogin(login); }
  var add = document.getElementById("passkey-add");
  if (add) { setUpRegistration(add); }
})();
