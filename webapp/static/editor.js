// The article editor: live preview and the internal link picker.
// The preview is rendered by the server (POST /api/preview) with the same
// Markdown and sanitiser as the article page, so what is shown is what
// readers will see. Without JavaScript the editor still saves and publishes.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form) return;
  var body = document.getElementById("e-body");
  var title = document.getElementById("e-title");
  var preview = document.getElementById("e-preview");
  // The preview panel is shown only where this script fills it.
  var panel = preview.closest("section");
  if (panel) panel.hidden = false;
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.content : "";
  var timer = null;
  var sent = 0;

  // The fields beside the text: the preview answers what kb validate would
  // warn of in the article as typed (an audience of everyone and a group…).
  var fieldNames = ["summary", "tags", "lang", "audience", "review_by", "related", "owner"];
  var warningBox = document.getElementById("editor-warnings");
  var warningList = document.getElementById("editor-warning-list");
  function typed() {
    var values = { body: body.value, id: form.dataset.articleId, title: title ? title.value : "" };
    fieldNames.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && typeof field.value === "string") values[name] = field.value;
    });
    return values;
  }
  function showWarnings(warnings) {
    if (!warningBox || !warningList || !Array.isArray(warnings)) return;
    warningList.replaceChildren.apply(warningList, warnings.map(function (warning) {
      var item = document.createElement("li");
      item.className = "field-warning";
      item.textContent = warning.said;
      return item;
    }));
    warningBox.hidden = warnings.length === 0;
  }

  // A preview that could not be had (a proxy's 502 or 504 answered in HTML, a
  // network error, a text too large, too many requests) is said above the pane,
  // which keeps the last preview that worked, marked as earlier, until the next
  // one arrives: the author never takes an old preview for the text as typed.
  var status = document.getElementById("e-preview-status");
  function because(code) {
    if (!status) return "";
    if (code === 413) return status.dataset.tooLarge;
    if (code === 429) return status.dataset.tooMany;
    if (!code || code === 502 || code === 503 || code === 504) return status.dataset.unreachable;
    return status.dataset.failed.replace("{status}", String(code));
  }
  function stale(reason) {
    if (!status) return;
    status.textContent = reason + " " + status.dataset.stale;
    preview.classList.add("preview-stale");
  }
  function current() {
    if (status) status.textContent = "";
    preview.classList.remove("preview-stale");
  }

  function render() {
    var mine = ++sent;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(typed()),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(
        function (data) { return { ok: response.ok, code: response.status, data: data || {} }; },
        function () { return { ok: false, code: response.status, data: {} }; });
    }).then(function (answer) {
      if (mine !== sent) return;
      var error = answer.data.error;
      if (answer.ok && typeof answer.data.html === "string") {
        current();
        // The server's HTML is sanitised (nh3) exactly as on the article page.
        preview.innerHTML = answer.data.html;
        showWarnings(answer.data.warnings);
        if (answer.data.link_warning) {
          // Links the page will show as text: said above the preview, as on save.
          var warning = document.createElement("p");
          warning.className = "field-warning";
          warning.textContent = answer.data.link_warning;
          preview.prepend(warning);
        }
      } else if (error && error.message && (answer.code === 400 || answer.code === 422)) {
        // What a save would refuse (too slow to render, front matter pasted into
        // the text…) is said here, not hidden behind the last preview that worked.
        current();
        var problem = document.createElement("p");
        problem.className = "flash flash--error";
        problem.setAttribute("role", "alert");
        problem.textContent = error.message;
        preview.replaceChildren(problem);
      } else {
        // The API's own answer says why (signed out, too many requests…).
        stale(error && error.message ? error.message : because(answer.code));
      }
    }).catch(function () {
      if (mine === sent) stale(because(0));  // no answer at all: the network or the server
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(render, 250);
  }
  body.addEventListener("input", later);
  // The title decides whether a leading "# Title" line is shown (as on the page).
  if (title) title.addEventListener("input", later);
  fieldNames.forEach(function (name) {
    var field = form.elements.namedItem(name);
    if (field && field.addEventListener) field.addEventListener("input", later);
  });
  render();

  // Pictures: upload one for the article, then put its Markdown at the cursor
  // (the server checks, names and holds it until the article is saved; without
  // a script the form posts and the editor says what to paste).
  var pictureForm = document.getElementById("picture-form");
  var pictureStatus = document.getElementById("picture-status");
  function insertAtCursor(text) {
    var start = body.selectionStart, end = body.selectionEnd;
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    body.selectionStart = body.selectionEnd = start + text.length;
  }
  // A picture is a paragraph of its own: blank lines around it at the cursor
  // (spaces at the cut dropped), never glued to the text before or after.
  function insertParagraph(text) {
    var before = body.value.slice(0, body.selectionStart).replace(/[ \t]+$/, "");
    var after = body.value.slice(body.selectionEnd).replace(/^[ \t]+/, "");
    var lead = !before || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var trail = /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
    if (!after) trail = "\n";
    body.value = before + lead + text + trail + after;
    body.selectionStart = body.selectionEnd = (before + lead + text + trail).length;
    // As typing would: the tab's kept draft (drafts.js) holds the picture too.
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function say(text, failed) {
    pictureStatus.textContent = text;
    pictureStatus.className = failed ? "flash flash--error" : "note";
    pictureStatus.hidden = false;
  }
  if (pictureForm && pictureStatus) {
    pictureForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var old = document.getElementById("picture-error");
      if (old) old.remove();
      fetch(pictureForm.action, {
        method: "POST",
        headers: { "Accept": "application/json", "X-CSRF-Token": token },
        body: new FormData(pictureForm),
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; },
          function () { return { ok: false, data: { error: { message: pictureForm.dataset.failed + " (" + response.status + ")" } } }; });
      }).then(function (answer) {
        if (answer.ok && answer.data.markdown) {
          if (!answer.data.replaced) insertParagraph(answer.data.markdown);
          say(answer.data.message, false);
          pictureForm.reset();
          render();
        } else {
          say(answer.data.error ? answer.data.error.message : pictureForm.dataset.failed, true);
        }
      }).catch(function () { say(pictureForm.dataset.failed, true); });
    });
  }

  // Link picker: choose an article id from the list, insert a Markdown link
  // relative to this article's folder at the cursor.
  var picker = document.getElementById("e-link");
  var insert = document.getElementById("e-insert-link");
  if (!picker || !insert) return;
  picker.closest(".link-picker").hidden = false;  // hidden where no script runs
  function relative(target) {
    var here = form.dataset.articleId.split("/").slice(0, -1);
    var there = target.split("/");
    var common = 0;
    while (common < here.length && common < there.length - 1 && here[common] === there[common]) common++;
    var up = here.slice(common).map(function () { return ".."; });
    return up.concat(there.slice(common)).join("/") || target;
  }
  var unknown = document.getElementById("e-link-unknown");
  // The article the picker names: by its id, or by its title typed in full.
  function chosen(typed) {
    var options = Array.prototype.slice.call(document.querySelectorAll("#article-ids option"));
    var lower = typed.toLowerCase();
    return options.filter(function (option) { return option.value === typed; })[0]
      || options.filter(function (option) { return option.textContent.trim().toLowerCase() === lower; })[0];
  }
  function refuse(refused) {
    if (!unknown) return;
    unknown.hidden = !refused;
    if (refused) {
      picker.setAttribute("aria-invalid", "true");
      picker.setAttribute("aria-describedby", unknown.id);
    } else {
      picker.removeAttribute("aria-invalid");
      picker.removeAttribute("aria-describedby");
    }
  }
  insert.addEventListener("click", function () {
    var typed = picker.value.trim();
    if (!typed) return;
    // A word typed and not chosen from the list names no article: inserted, it
    // was a link the page shows as text. Said here, and nothing is inserted.
    var option = chosen(typed);
    refuse(!option);
    if (!option) { picker.focus(); return; }
    insertAtCursor("[" + option.textContent.trim() + "](" + relative(option.value) + ")");
    body.focus();
    picker.value = "";
    render();
  });
  picker.addEventListener("input", function () { refuse(false); });
  // Enter in the picker inserts the link, as its button does; it would send the form.
  picker.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    insert.click();
  });
})();
