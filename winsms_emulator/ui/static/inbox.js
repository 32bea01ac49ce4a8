// The web inbox's only script: keep the page live and run its actions.
//
// Every POLL_MS it asks state.json (with the page's own query: account, view, search,
// filters, page) for the panels' fingerprint and the clock. When the fingerprint changes
// it fetches the panels as HTML (rendered and escaped by the server) and swaps each
// [data-live] element. The actions call the control plane with fetch(), through the
// inbox's own /_emulator/ui/control/...: the inbox's cookie opens it when the emulator
// has an admin token, so the page never holds the token.
"use strict";

(() => {
  const body = document.body;
  const cfg = body.dataset;
  const pollMs = Number(cfg.pollMs) || 500;
  let account = cfg.account || "";
  let version = cfg.version || "";
  let inFlight = null;
  let timer = null;

  function headers(extra) {
    return Object.assign({ Accept: "application/json" }, extra || {});
  }

  // The page's own query (account, view, search, filters, page) on a live URL.
  function withQuery(url) {
    return url + window.location.search;
  }

  function setLive(ok, why) {
    const el = document.getElementById("live-indicator");
    if (!el) return;
    el.classList.toggle("is-live", ok);
    el.classList.toggle("is-down", !ok);
    el.textContent = ok ? "live" : "offline";
    el.title = ok ? "The page asks the emulator for changes twice a second" : why || "";
  }

  function showClock(clock) {
    const el = document.getElementById("clock");
    if (!el || !clock || !clock.now) return;
    if (el.getAttribute("datetime") !== clock.now) {
      el.setAttribute("datetime", clock.now);
      el.textContent = clock.now.slice(0, 19).replace("T", " ");
    }
  }

  async function swapPanels() {
    const answer = await fetch(withQuery(cfg.liveUrl), {
      headers: headers({ Accept: "text/html" }),
      cache: "no-store",
      credentials: "same-origin",
    });
    if (!answer.ok) throw new Error(`${answer.status} ${answer.statusText}`);
    // DOMParser never runs scripts; the server escaped every text already.
    const doc = new DOMParser().parseFromString(await answer.text(), "text/html");
    const root = doc.querySelector(".live-fragment");
    if (!root) return;
    for (const fresh of root.querySelectorAll("[data-live]")) {
      const old = document.querySelector(`[data-live="${fresh.dataset.live}"]`);
      if (old) old.replaceWith(document.importNode(fresh, true));
    }
    version = root.dataset.version || "";
    account = root.dataset.account || "";
    body.dataset.version = version;
    body.dataset.account = account;
  }

  async function syncOnce() {
    const answer = await fetch(withQuery(cfg.stateUrl), {
      headers: headers(),
      cache: "no-store",
      credentials: "same-origin",
    });
    if (!answer.ok) throw new Error(`${answer.status} ${answer.statusText}`);
    const state = await answer.json();
    showClock(state.clock);
    if (state.version !== version) await swapPanels();
  }

  // One sync at a time; a caller arriving during one waits for it and then syncs again.
  function sync() {
    const run = (inFlight || Promise.resolve()).then(
      () => syncOnce().then(() => setLive(true), (err) => setLive(false, String(err))),
    );
    inFlight = run.finally(() => {
      if (inFlight === run) inFlight = null;
    });
    return run;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      await sync();
      schedule();
    }, document.hidden ? pollMs * 4 : pollMs);
  }

  function flash(text, isError) {
    const el = document.getElementById("flash");
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("is-error", Boolean(isError));
    el.classList.toggle("is-ok", !isError);
    el.setAttribute("role", isError ? "alert" : "status");
  }

  // POST (or another method) JSON to the control plane; answers the parsed body or throws
  // its error message.
  async function control(path, payload, method) {
    let answer;
    try {
      answer = await fetch(cfg.controlUrl + path, {
        method: method || "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(payload || {}),
        credentials: "same-origin",
      });
    } catch (err) {
      throw new Error(`The emulator did not answer (${err.message || err}).`);
    }
    const data = await answer.json().catch(() => null);
    if (!answer.ok) {
      const said = data && typeof data.error === "string" ? data.error : answer.statusText;
      throw new Error(`${answer.status}: ${said}`);
    }
    return data;
  }

  async function act(button, work) {
    if (button) button.disabled = true;
    try {
      flash(await work(), false);
      await sync();
    } catch (err) {
      flash(err.message || String(err), true);
    } finally {
      if (button) button.disabled = false;
    }
  }

  function numberOrText(text) {
    const trimmed = text.trim();
    return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
  }

  const clockForm = document.getElementById("clock-form");
  if (clockForm) {
    clockForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const seconds = numberOrText(clockForm.elements.advance_seconds.value);
      act(clockForm.querySelector("button"), async () => {
        const clock = await control("/clock", { advance_seconds: seconds });
        showClock(clock);
        return `Clock advanced by ${seconds} s to ${clock.now.slice(0, 19).replace("T", " ")}.`;
      });
    });
  }

  const replyForm = document.getElementById("reply-form");
  if (replyForm) {
    replyForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const from = replyForm.elements.from.value.trim();
      const message = replyForm.elements.message.value;
      act(replyForm.querySelector("button"), async () => {
        const reply = await control("/replies", { from, message });
        const where = reply.account === account ? "" : ` (account ${reply.account})`;
        const optOut = reply.opt_out ? "; it opted the number out" : "";
        return `Reply #${reply.id} from ${reply.from} received${where}${optOut}.`;
      });
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action='reset-account']");
    if (!button) return;
    const user = button.dataset.account;
    const question = `Reset ${user}? Its messages, replies and journal are cleared and it goes back to how it was created.`;
    if (!window.confirm(question)) return;
    act(button, async () => {
      await control(`/accounts/${encodeURIComponent(user)}/reset`, {});
      return `Account ${user} was reset.`;
    });
  });

  const webhooksForm = document.getElementById("webhooks-form");
  if (webhooksForm) {
    webhooksForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const user = webhooksForm.dataset.account;
      const url = (name) => webhooksForm.elements[name].value.trim() || null;
      const webhooks = {
        reply_url: url("reply_url"),
        delivery_url: url("delivery_url"),
        enabled: webhooksForm.elements.enabled.checked,
      };
      act(webhooksForm.querySelector("button[type=submit]"), async () => {
        await control(`/accounts/${encodeURIComponent(user)}`, { webhooks }, "PATCH");
        return `Webhooks of ${user} saved.`;
      });
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action='test-webhook']");
    if (!button) return;
    const user = button.dataset.account;
    const kind = button.dataset.event;
    act(button, async () => {
      const sent = await control(`/accounts/${encodeURIComponent(user)}/webhooks/test`, {
        event: kind,
      });
      return `Test ${kind} notification #${sent.id} queued for ${sent.url}.`;
    });
  });

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) schedule();
  });

  schedule();
})();
