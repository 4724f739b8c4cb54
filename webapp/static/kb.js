/* spoc-kb: small enhancements on top of pages that work without JavaScript.
 *  - suggestions while typing in the search box (ARIA 1.2 combobox with a listbox)
 *  - a click on a result is recorded (POST /api/click, keepalive) before the browser leaves
 *  - "Was this helpful?" on the answer card is sent without leaving the page
 */
(function () {
  "use strict";

  function postJson(url, data, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(data)
    });
  }

  /* ---- Suggestions ------------------------------------------------------ */
  function Combobox(form) {
    this.form = form;
    this.input = form.querySelector("input[role=combobox]");
    this.list = document.getElementById(this.input.getAttribute("aria-controls"));
    this.status = form.querySelector("[role=status]");
    this.url = form.dataset.suggestUrl;
    this.items = [];
    this.active = -1;
    this.timer = 0;
    this.pending = null;
    this.lastValue = this.input.value;
    var self = this;
    this.input.addEventListener("input", function () { self.schedule(); });
    this.input.addEventListener("keydown", function (e) { self.onKey(e); });
    this.input.addEventListener("blur", function () { self.close(); });
    this.list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    this.list.addEventListener("click", function (e) {
      var option = e.target.closest("[role=option]");
      if (option) { self.choose(Number(option.dataset.index)); }
    });
  }

  Combobox.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.fetch(); }, 120);
  };

  Combobox.prototype.fetch = function () {
    var value = this.input.value.trim();
    if (value.length < 2) { this.render([]); return; }
    if (this.pending) { this.pending.abort(); }
    var controller = this.pending = new AbortController();
    var self = this;
    fetch(this.url + "?q=" + encodeURIComponent(value), {
      signal: controller.signal, headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) {
        if (self.pending === controller) {
          self.pending = null;
          if (document.activeElement === self.input) { self.render(data.suggestions || []); }
        }
      })
      .catch(function () { /* aborted or offline: no suggestions */ });
  };

  Combobox.prototype.render = function (items) {
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.list.textContent = "";
    var f = this.form.dataset;
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = this.list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.index = String(i);
      var text = document.createElement("span");
      text.textContent = item.text;
      var kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = item.kind === "title" ? f.msgTitle : f.msgQuery;
      li.appendChild(text);
      li.appendChild(kind);
      this.list.appendChild(li);
    }, this);
    var open = items.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    if (this.status) {
      this.status.textContent = open ? f.msgCount.replace("{n}", String(items.length)) : "";
    }
  };

  Combobox.prototype.close = function () {
    window.clearTimeout(this.timer);
    if (this.pending) { this.pending.abort(); this.pending = null; }
    if (this.items.length) { this.render([]); }
  };

  Combobox.prototype.highlight = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    this.active = index;
    if (index >= 0) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) { return; }
    this.input.value = item.text;
    this.close();
    if (this.form.requestSubmit) { this.form.requestSubmit(); } else { this.form.submit(); }
  };

  Combobox.prototype.onKey = function (e) {
    var n = this.items.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!n) { if (e.key === "ArrowDown") { this.fetch(); } return; }
      e.preventDefault();
      var step = e.key === "ArrowDown" ? 1 : -1;
      var next = this.active + step;
      if (next >= n) { next = -1; } else if (next < -1) { next = n - 1; }
      this.highlight(next);
    } else if (e.key === "Enter" && this.active >= 0) {
      e.preventDefault();
      this.choose(this.active);
    } else if (e.key === "Escape" && n) {
      e.preventDefault();
      this.close();
    } else if (e.key === "Tab") {
      this.close();
    }
  };

  /* ---- Click logging ---------------------------------------------------- */
  function recordClick(link) {
    var outcome = link.closest("[data-search-id]");
    if (!outcome || !outcome.dataset.searchId) { return; }
    try {
      postJson(outcome.dataset.clickUrl, {
        search_id: Number(outcome.dataset.searchId),
        article_id: link.dataset.article,
        rank: Number(link.dataset.rank)
      }, true).catch(function () { /* the click still navigates */ });
    } catch (err) { /* never stand between the user and the article */ }
  }

  function onResultClick(e) {
    if (e.type === "auxclick" && e.button !== 1) { return; }
    var link = e.target.closest && e.target.closest("a.result-link");
    if (link) { recordClick(link); }
  }

  /* ---- Helpful? on the answer card -------------------------------------- */
  function enhanceHelpful(form) {
    form.addEventListener("submit", function (e) {
      var button = e.submitter;
      if (!button || !button.value || !window.fetch) { return; }
      e.preventDefault();
      var status = form.querySelector(".feedback-status");
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      var sid = form.elements.search_id.value;
      postJson(form.dataset.api, {
        article_id: form.elements.article_id.value,
        helpful: button.value === "yes",
        search_id: sid ? Number(sid) : null
      }).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        var fieldset = form.querySelector("fieldset");
        if (fieldset) { fieldset.remove(); }
        status.textContent = form.dataset.msgThanks;
      }).catch(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        status.textContent = form.dataset.msgFailed;
      });
    });
  }

  function init() {
    document.querySelectorAll("form.search-form").forEach(function (form) {
      if (form.querySelector("input[role=combobox]")) { new Combobox(form); }
    });
    document.addEventListener("click", onResultClick);
    document.addEventListener("auxclick", onResultClick);
    document.querySelectorAll("form.helpful").forEach(enhanceHelpful);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
