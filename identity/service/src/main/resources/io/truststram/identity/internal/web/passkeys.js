// Passkeys and security keys on TrustStram's sign-in and account pages (WebAuthn Level 2).
// The server side is Spring Security's WebAuthn support; this script only carries options from it
// to the browser's authenticator API and the authenticator's answer back. Served as a file so the
// pages' Content-Security-Policy can forbid inline script.
"use strict";
(() => {
  const encode = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const decode = (text) =>
    Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)).buffer;
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content;

  async function post(path, body) {
    const headers = { "Content-Type": "application/json" };
    headers[meta("csrf-header")] = meta("csrf-token");
    const response = await fetch(path, {
      method: "POST",
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      if (response.status === 401) {
        throw new Error("The passkey was not accepted.");
      }
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.message || problem.detail || `HTTP ${response.status}`);
    }
    return response.json();
  }

  // Signs in with a passkey, then goes to `next` (by default: wherever sign-in was going).
  async function signIn(next = "/login/continue") {
    const options = await post("/webauthn/authenticate/options");
    const credential = await navigator.credentials.get({
      publicKey: {
        ...options,
        challenge: decode(options.challenge),
        allowCredentials: (options.allowCredentials || []).map((c) => ({ ...c, id: decode(c.id) })),
      },
    });
    const response = credential.response;
    await post("/login/webauthn", {
      id: credential.id,
      rawId: encode(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: encode(response.authenticatorData),
        clientDataJSON: encode(response.clientDataJSON),
        signature: encode(response.signature),
        userHandle: response.userHandle ? encode(response.userHandle) : undefined,
      },
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment,
    });
    window.location.assign(next);
  }

  // Registers a new passkey for the signed-in user under the label they chose.
  async function register(label) {
    const options = await post("/webauthn/register/options");
    const credential = await navigator.credentials.create({
      publicKey: {
        ...options,
        challenge: decode(options.challenge),
        user: { ...options.user, id: decode(options.user.id) },
        excludeCredentials: (options.excludeCredentials || []).map((c) => ({ ...c, id: decode(c.id) })),
      },
    });
    const response = credential.response;
    const result = await post("/webauthn/register", {
      publicKey: {
        label,
        credential: {
          id: credential.id,
          rawId: encode(credential.rawId),
          type: credential.type,
          response: {
            attestationObject: encode(response.attestationObject),
            clientDataJSON: encode(response.clientDataJSON),
            transports: response.getTransports ? response.getTransports() : [],
          },
          clientExtensionResults: credential.getClientExtensionResults(),
          authenticatorAttachment: credential.authenticatorAttachment,
        },
      },
    });
    if (!result.success) {
      throw new Error("The passkey was not registered.");
    }
  }

  function showError(error) {
    const box = document.getElementById("passkey-error");
    if (box) {
      box.textContent = error.name === "NotAllowedError"
        ? "The passkey request was cancelled or timed out."
        : error.message;
      box.hidden = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.PublicKeyCredential) {
      document.querySelectorAll("[data-passkey]").forEach((e) => { e.hidden = true; });
      return;
    }
    document.querySelectorAll("[data-passkey=sign-in]").forEach((button) =>
      button.addEventListener("click", () => signIn().catch(showError)));
    // A session without a second factor yet proves the new passkey at once, so that it counts.
    const form = document.querySelector("form[data-passkey=register]");
    if (form) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const label = form.querySelector("input[name=label]").value.trim();
        register(label)
          .then(() => (form.dataset.next ? signIn(form.dataset.next) : window.location.reload()))
          .catch(showError);
      });
    }
  });
})();
