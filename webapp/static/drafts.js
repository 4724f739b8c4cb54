/* spoc-kb: what is typed into a form survives a session that ended meanwhile.
 *
 * Forms marked data-draft (its value is the note shown when text comes back) keep the
 * text of their text fields (textareas and one-line text inputs; never passwords,
 * hidden fields, files or read-only fields) in this tab's sessionStorage while it is
 * typed. A draft is filed under the signed-in person (the opaque key of
 * <meta name="kb-draft-owner">), the page and the form. When the same form is shown
 * again as it was first shown (or empty), its text is put back and the note says so.
 *
 * A submitted draft is marked as sent; the next page of the tab removes it, since the
 * server took the form (applied it, or showed it again with the text in it), unless
 * that page says the form was not taken (<meta name="kb-drafts" content="keep">: the
 * session had ended) or comes from the history (back, reload). Signing out in this
 * tab removes every draft of the tab; a page of another person removes the drafts of
 * anyone else. sessionStorage lives as long as the tab, which shows the text anyway.
 * Without storage (disabled, full) the forms work as without this script.
 */
(function () {
  "use strict";

  var PREFIX = "kb-draft|";
  var FIELDS = "textarea[name], input[name]:not([type]), input[name][type=text], " +
    "input[name][type=email], input[name][type=url]";

  function storage() {
    try {
      var s = window.sessionStorage;
      s.getItem(PREFIX);
      return s;
    } catch (err) { return null; }
  }

  function read(s, key) {
    try {
      var rec = JSON.parse(s.getItem(key) || "null");
      return rec && typeof rec === "object" && rec.values ? rec : null;
    } catch (err) { return null; }
  }

  function write(s, key, rec) {
    try { s.setItem(key, JSON.stringify(rec)); } catch (err) { /* full or refused: the form still works */ }
  }

  function draftKeys(s) {
    var found = [];
    for (var i = 0; i < s.length; i++) {
      var key = s.key(i);
      if (key && key.indexOf(PREFIX) === 0) { found.push(key); }
    }
    return found;
  }

  function meta(name) {
    var el = document.querySelector("meta[name=" + name + "]");
    return el ? el.content : "";
  }

  function fromHistory() {
    try {
      var entry = performance.getEntriesByType("navigation")[0];
      return !!entry && (entry.type === "back_forward" || entry.type === "reload");
    } catch (err) { return false; }
  }

  /* The text fields of a form, each under its name (and its place among fields of
   * the same name). */
  function fields(form) {
    var seen = {};
    var out = [];
    Array.prototype.forEach.call(form.querySelectorAll(FIELDS), function (field) {
      if (field.readOnly || field.disabled) { return; }
      var n = seen[field.name] = (seen[field.name] || 0) + 1;
      out.push({ key: field.name + "#" + n, el: field });
    });
    return out;
  }

  function valuesOf(form) {
    var values = {};
    fields(form).forEach(function (f) { values[f.key] = f.el.value; });
    return values;
  }

  function sameValues(a, b) {
    return Object.keys(a).every(function (k) { return a[k] === b[k]; });
  }

  function hasText(values) {
    return Object.keys(values).some(function (k) { return values[k].trim() !== ""; });
  }

  /* What the last page's submission means for the drafts of this tab. */
  function tidy(s, owner) {
    var keep = meta("kb-drafts") === "keep" || fromHistory() || !owner;
    draftKeys(s).forEach(function (key) {
      var rec = read(s, key);
      if (!rec || (owner && rec.owner !== owner)) {
        s.removeItem(key);  // broken, or typed by someone else: never shown here
      } else if (rec.sent && keep) {
        rec.sent = false;  // the form was not taken
        write(s, key, rec);
      } else if (rec.sent) {
        s.removeItem(key);  // the server took it
      }
    });
  }

  function note(form, text) {
    var p = form.querySelector(".draft-note");
    if (!p) {
      p = document.createElement("p");
      p.className = "flash flash--info draft-note";
      p.setAttribute("role", "status");
      form.insertBefore(p, form.firstChild);
    }
    p.textContent = text;
  }

  /* Put a kept draft back when every field is as the page first showed it, or empty. */
  function restore(form, rec) {
    var base = rec.base || {};
    var list = fields(form);
    var untouched = list.every(function (f) {
      return f.el.value === "" || f.el.value === base[f.key];
    });
    if (!untouched) { return; }
    var changed = [];
    list.forEach(function (f) {
      var kept = rec.values[f.key];
      if (typeof kept === "string" && kept !== f.el.value) {
        f.el.value = kept;
        changed.push(f.el);
      }
    });
    if (!changed.length) { return; }
    changed.forEach(function (el) { el.dispatchEvent(new Event("input", { bubbles: true })); });
    note(form, form.getAttribute("data-draft") || "");
  }

  function keyOf(form, owner, index) {
    var action = new URL(form.getAttribute("action") || location.href, location.href).pathname;
    return PREFIX + owner + "|" + location.pathname + "|" + action + "|" + (form.id || index);
  }

  function keepDrafts(s, form, owner, index) {
    var key = keyOf(form, owner, index);
    var base = valuesOf(form);
    var rec = read(s, key);
    if (rec) { restore(form, rec); }
    function save(sent) {
      var values = valuesOf(form);
      if (!hasText(values) || (!sent && sameValues(values, base))) {
        s.removeItem(key);  // nothing typed beyond what the page showed
        return;
      }
      write(s, key, { owner: owner, base: base, values: values, sent: sent, at: Date.now() });
    }
    form.addEventListener("input", function () { save(false); });
    form.addEventListener("change", function () { save(false); });
    form.addEventListener("submit", function (event) {
      if (!event.defaultPrevented) { save(true); }
    });
  }

  function init() {
    var s = storage();
    if (!s) { return; }
    var owner = meta("kb-draft-owner");
    tidy(s, owner);
    document.querySelectorAll("form.sign-out").forEach(function (form) {
      form.addEventListener("submit", function () {
        draftKeys(s).forEach(function (key) { s.removeItem(key); });
      });
    });
    if (!owner) { return; }
    document.querySelectorAll("form[data-draft]").forEach(function (form, index) {
      keepDrafts(s, form, owner, index);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
