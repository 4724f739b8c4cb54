/* spoc-kb: small enhancements on top of pages that work without JavaScript.
 *  - suggestions while typing in the search box (ARIA 1.2 combobox with a listbox)
 *  - a click on a result is recorded (POST /api/click, keepalive) before the browser leaves
 *  - "Was this helpful?" on the answer card is sent without leaving the page
 *  - the ask form suggests matching articles while the question is described, and
 *    sends itself once however often it is clicked; its heading ("Ask HR") and
 *    "Urgent? Contact …" hint follow the department chosen
 *  - a canned reply goes into the reply box in place, after what was already typed
 *  - a post that comes back at an anchor (#reply, #outcome) focuses its note or message
 *  - file fields show their button and the names chosen in the page's language
 * Posts carry the session's CSRF token (from <meta name="csrf-token">) when there is one.
 */
(function () {
  "use strict";

  function postJson(url, data, keepalive) {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    var token = document.querySelector("meta[name=csrf-token]");
    if (token && token.content) { headers["X-CSRF-Token"] = token.content; }
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: headers,
      body: JSON.stringify(data)
    });
  }

  /* A count in words: `forms` are the catalogue's texts by plural category, as the
   * server renders them into the page (JSON); the page language's rule picks one. */
  function countText(forms, n) {
    var texts = {};
    try { texts = JSON.parse(forms || "{}"); } catch (err) { /* no texts: say nothing */ }
    var category = "other";
    try { category = new Intl.PluralRules(document.documentElement.lang || "en").select(n); } catch (err) { /* other */ }
    return (texts[category] || texts.other || "").replace("{n}", String(n));
  }

  /* ---- Suggestions ------------------------------------------------------ */
  function Combobox(form) {
    this.form = form;
    this.input = form.querySelector("input[role=combobox]");
    this.list = document.getElementById(this.input.getAttribute("aria-controls"));
    this.status = form.querySelector("[role=status]");
    this.url = form.dataset.suggestUrl;
    this.max = Number(form.dataset.suggestMax) || 100;  /* longer text gets no suggestions */
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
    if (value.length < 2 || value.length > this.max) { this.render([]); return; }
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
      this.status.textContent = open ? countText(f.msgCount, items.length) : "";
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
    if (!outcome) { return; }
    var click = { article_id: link.dataset.article, rank: Number(link.dataset.rank) };
    // A search answered before it could be logged is named by its signed reference.
    if (outcome.dataset.searchId) {
      click.search_id = Number(outcome.dataset.searchId);
    } else if (outcome.dataset.searchRef) {
      click.search_ref = outcome.dataset.searchRef;
    } else {
      return;
    }
    try {
      postJson(outcome.dataset.clickUrl, click, true).catch(function () { /* the click still navigates */ });
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
      var vote = {
        article_id: form.elements.article_id.value,
        helpful: button.value === "yes",
        search_id: sid ? Number(sid) : null
      };
      // A search not logged (yet): its reference, and the words searched for.
      if (!sid && form.elements.search_ref && form.elements.search_ref.value) {
        vote.search_ref = form.elements.search_ref.value;
      }
      if (!sid && form.elements.query) { vote.query = form.elements.query.value; }
      postJson(form.dataset.api, vote).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        var fieldset = form.querySelector("fieldset");
        status.textContent = form.dataset.msgThanks;
        // The buttons go; the keyboard's place moves to the thanks, not to the page's top.
        status.setAttribute("tabindex", "-1");
        status.focus();
        if (fieldset) { fieldset.remove(); }
      }).catch(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        status.textContent = form.dataset.msgFailed;
        button.focus();  /* disabling it took the focus away: give it back to try again */
      });
    });
  }

  /* ---- Ask form: suggestions while describing, one submission ------------ */
  function AskForm(form) {
    this.form = form;
    this.query = form.elements.query;
    this.description = form.elements.description;
    this.section = form.querySelector(".ask-suggestions");
    this.list = this.section.querySelector("ul");
    this.status = form.querySelector("[data-msg-found]");
    this.max = Number(form.dataset.maxChars) || 500;
    this.timer = 0;
    this.pending = null;
    this.last = "";
    this.sending = false;
    // Opened without a search (from the menu), the request names the form's own
    // suggestion search: insights then see that it was filed (not deflected).
    this.ownSearch = !form.elements.search_id.value;
    var self = this;
    [this.query, this.description].forEach(function (input) {
      input.addEventListener("input", function () { self.schedule(); });
    });
    form.addEventListener("submit", function (e) { self.onSubmit(e); });
    window.addEventListener("pageshow", function () { self.ready(); });
  }

  AskForm.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.fetch(); }, 450);
  };

  AskForm.prototype.fetch = function () {
    if (this.description.value.trim().length < 8) { return; }
    var text = (this.query.value + " " + this.description.value).replace(/\s+/g, " ").trim();
    text = text.slice(0, this.max);
    if (text === this.last) { return; }
    this.last = text;
    if (this.pending) { this.pending.abort(); }
    var controller = this.pending = new AbortController();
    var self = this;
    fetch(this.form.dataset.searchUrl + "?k=3&source=ask&q=" + encodeURIComponent(text), {
      signal: controller.signal, credentials: "same-origin",
      // The form's token makes these searches count as the ask form's in insights.
      headers: { "Accept": "application/json", "X-KB-Ask-Form": this.form.dataset.askToken || "" }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (self.pending !== controller || !data) { return; }
        self.pending = null;
        self.render(data);
      })
      .catch(function () { /* aborted or offline: the form works without suggestions */ });
  };

  AskForm.prototype.render = function (data) {
    var hits = (data.results || []).slice(0, 3);
    if (!hits.length) { return; }
    var base = this.form.dataset.articleUrl;
    var clickUrl = this.form.dataset.clickUrl;
    this.list.textContent = "";
    hits.forEach(function (hit, i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = base.replace("ARTICLE", encodeURI(hit.id)) +
        (data.search_id ? "?sid=" + encodeURIComponent(data.search_id) : "");
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = hit.title;
      if (data.search_id && clickUrl) {
        // Opening a suggestion is recorded: an ask form left after it counts as deflected.
        a.addEventListener("click", function () {
          try {
            postJson(clickUrl, { search_id: Number(data.search_id), article_id: hit.id, rank: i + 1 }, true)
              .catch(function () { /* the link still opens */ });
          } catch (err) { /* never stand between the user and the article */ }
        });
      }
      li.appendChild(a);
      this.list.appendChild(li);
    }, this);
    this.section.hidden = false;
    // The request records that articles were suggested before it was sent: the
    // server's proof that it served them (a "1" would count for nothing).
    if (data.suggestions_token) { this.form.elements.suggestions_shown.value = data.suggestions_token; }
    // Its proof names the search that served the suggestions: the request names it too.
    if (this.ownSearch && (data.search_id || data.search_ref)) {
      this.form.elements.search_id.value = data.search_id ? String(data.search_id) : "";
      this.form.elements.search_ref.value = data.search_id ? "" : (data.search_ref || "");
    }
    this.status.textContent = countText(this.status.dataset.msgFound, hits.length);
  };

  AskForm.prototype.onSubmit = function (e) {
    if (this.sending) { e.preventDefault(); return; }
    this.sending = true;
    var button = this.form.querySelector("button[type=submit]");
    if (button) { button.setAttribute("aria-disabled", "true"); }
  };

  AskForm.prototype.ready = function () {
    this.sending = false;
    var button = this.form.querySelector("button[type=submit]");
    if (button) { button.removeAttribute("aria-disabled"); }
  };

  /* ---- Ask form: heading and "Urgent?" contact follow the department chosen */
  function followDepartment(select) {
    var blocks = document.querySelectorAll("[data-contact-for]");
    var heading = document.getElementById("ask-h");
    function show() {
      blocks.forEach(function (block) { block.hidden = block.dataset.contactFor !== select.value; });
      var option = select.options[select.selectedIndex];
      var title = option && option.dataset.askTitle;
      if (heading && title && heading.textContent !== title) {
        document.title = document.title.replace(heading.textContent, title);
        heading.textContent = title;
      }
    }
    select.addEventListener("change", show);
    // A page from the history may come back with another choice than it was served with.
    window.addEventListener("pageshow", show);
    show();
  }

  /* ---- Canned replies on a request's page ------------------------------- */
  /* Without a script the form reloads the page with the reply in the box, and what
   * was typed is gone. Here the reply (filled in by the server, as on that page)
   * comes from the API and is added to the box: an empty box takes it, typed text
   * keeps its place and the reply follows after a blank line. */
  function CannedForm(form, box) {
    this.form = form;
    this.box = box;
    this.select = form.elements.canned;
    this.status = form.querySelector(".canned-status");
    this.replies = null;  /* one request for the page's replies, kept */
    var self = this;
    form.addEventListener("submit", function (e) { self.onSubmit(e); });
  }

  CannedForm.prototype.load = function () {
    var form = this.form;
    if (!this.replies) {
      this.replies = fetch(form.dataset.repliesUrl, {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      }).then(function (data) { return data.replies || []; });
      var self = this;
      this.replies.catch(function () { self.replies = null; });  /* the next click asks again */
    }
    return this.replies;
  };

  CannedForm.prototype.onSubmit = function (e) {
    if (!window.fetch) { return; }
    e.preventDefault();
    var ref = this.select.value;
    var self = this;
    this.load().then(function (replies) {
      var chosen = replies.filter(function (r) { return r.ref === ref; })[0];
      if (!chosen) { throw new Error("no reply " + ref); }
      self.insert(chosen.text);
    }).catch(function () {
      // An empty box loses nothing to the page's own way; typed text is never dropped.
      if (!self.box.value.trim()) { self.form.submit(); return; }
      if (self.status) { self.status.textContent = self.form.dataset.msgFailed; }
    });
  };

  CannedForm.prototype.insert = function (text) {
    var typed = this.box.value.replace(/\s+$/, "");
    this.box.value = typed ? typed + "\n\n" + text : text;
    if (this.status) { this.status.textContent = ""; }
    this.box.focus();
    this.box.selectionStart = this.box.selectionEnd = this.box.value.length;
  };

  /* Browsers skip autofocus when the address names a place (a refused action comes
   * back at its form's anchor, #reply; a done one at its note, #outcome): the note,
   * or the message in that place, takes the focus, so it is read, unless something
   * else has it already. */
  function focusOutcome() {
    var place = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
    var busy = document.activeElement && document.activeElement !== document.body;
    if (!place || busy) { return; }
    var message = place.matches("[autofocus]") ? place : place.querySelector("[role=alert][autofocus]");
    if (message) { message.focus(); }
  }

  /* A file field in the page's language (macro file_picker): its label-button and the
   * names chosen are shown, the browser's own button and texts hidden (the field stays
   * focusable, so Enter or Space opens the picker and the focus ring shows on the button). */
  function FilePicker(box) {
    var input = box.querySelector("input[type=file]");
    var chosen = box.querySelector(".file-pick__chosen");
    function show() {
      var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      chosen.textContent = names.length ? names.join(", ") : chosen.dataset.none;
      chosen.title = chosen.textContent;
    }
    box.querySelectorAll("[hidden]").forEach(function (el) { el.hidden = false; });
    box.classList.add("file-pick--ready");
    input.addEventListener("change", show);
    if (input.form) {  // a reset empties the field after the event
      input.form.addEventListener("reset", function () { setTimeout(show, 0); });
    }
    show();
  }

  /* ---- A date field's date in the page's language (macro date_input) ---- */
  /* A native picker writes its date as the browser's language does (12/04/2026 under
   * a German page); the text beside it says the date as the page writes dates, by the
   * browser's own Intl in the locale the server writes them by. A date that is not
   * one (typed where the browser has no picker) shows nothing: the server names it. */
  function DateShown(output) {
    var input = document.getElementById(output.htmlFor.value);
    if (!input || !window.Intl) { return; }
    var format = new Intl.DateTimeFormat(output.dataset.locale, {
      day: "numeric", month: "long", year: "numeric", timeZone: "UTC"
    });
    function show() {
      var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
      var day = parts ? new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3])) : null;
      var real = day && day.getUTCDate() === +parts[3] && day.getUTCMonth() === +parts[2] - 1;
      output.textContent = real ? format.format(day) : "";
    }
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    window.addEventListener("pageshow", show);  // a page from the history keeps its fields
  }

  function init() {
    focusOutcome();
    document.querySelectorAll("output.date-shown[data-locale]").forEach(function (o) { new DateShown(o); });
    document.querySelectorAll(".file-pick").forEach(function (box) { new FilePicker(box); });
    document.querySelectorAll("form.search-form").forEach(function (form) {
      if (form.querySelector("input[role=combobox]")) { new Combobox(form); }
    });
    document.addEventListener("click", onResultClick);
    document.addEventListener("auxclick", onResultClick);
    document.querySelectorAll("form.helpful").forEach(enhanceHelpful);
    document.querySelectorAll("form.ask-form").forEach(function (form) { new AskForm(form); });
    var department = document.getElementById("ask-department");
    if (department) { followDepartment(department); }
    var replyBox = document.getElementById("reply-text");
    document.querySelectorAll("form.canned-form").forEach(function (form) {
      if (replyBox && form.dataset.repliesUrl) { new CannedForm(form, replyBox); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
