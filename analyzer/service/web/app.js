// The writer's page: posts the draft to /v1/analyze and shows the Analysis.
// Everything from the document reaches the DOM through textContent, never as markup.
"use strict";

(function () {
  const LABELS = ["awareness-only", "feature-pitch", "case-for-change"];
  const NAMES = {
    "awareness-only": "Awareness only",
    "feature-pitch": "Feature pitch",
    "case-for-change": "Case for change",
  };
  const TAGS = { "awareness-only": "aware", "feature-pitch": "feature", "case-for-change": "change" };
  const RUBRIC = [
    ["why_change", "Why change?", "The reader's world, argued to no longer work."],
    ["price_of_inaction", "What does inaction cost?", "What standing still costs the reader."],
    ["future_state", "What must the future look like?", "Where the reader has to be, and the first step."],
  ];
  const KEY_STORE = "analyzer.apiKey";

  const $ = (id) => document.getElementById(id);
  const state = { analysis: null, file: null, previousScore: null, feedback: null };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function pct(p) {
    return Math.round(p * 100) + "%";
  }

  // --- Talking to the API ---------------------------------------------------------------

  function authHeaders() {
    const key = $("api-key").value.trim();
    return key ? { Authorization: "Bearer " + key } : {};
  }

  async function callApi(path, init) {
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      throw { code: "network", message: "Could not reach the server.", hint: "Check that `analyzer serve` is running." };
    }
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    if (!response.ok) {
      const error = body && body.error ? body.error : {};
      throw {
        code: error.code || "http_" + response.status,
        message: error.message || "The server answered " + response.status + ".",
        hint: error.hint || "",
      };
    }
    return body;
  }

  function analyzeText(text) {
    return callApi("/v1/analyze", {
      method: "POST",
      headers: Object.assign({ "Content-Type": "application/json" }, authHeaders()),
      body: JSON.stringify({ text: text, options: { sentences: true, explanations: true, suggestions: true } }),
    });
  }

  function analyzeFile(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    return callApi("/v1/analyze/file", { method: "POST", headers: authHeaders(), body: form });
  }

  async function run() {
    hideMessage();
    const button = $("analyze");
    button.disabled = true;
    $("busy").textContent = "Analyzing…";
    $("results").setAttribute("aria-busy", "true");
    try {
      let analysis;
      if (state.file) {
        analysis = await analyzeFile(state.file);
        setFile(null);
        $("draft").value = analysis.text;
      } else {
        analysis = await analyzeText($("draft").value);
      }
      render(analysis);
      $("busy").textContent = "Done.";
    } catch (error) {
      showMessage(error);
      $("busy").textContent = "";
    } finally {
      button.disabled = false;
      $("results").removeAttribute("aria-busy");
    }
  }

  // --- Messages ---------------------------------------------------------------------------

  function showMessage(error) {
    const box = $("message");
    box.replaceChildren();
    const title = el("p", "message-title");
    title.append(el("strong", null, "Could not analyze: "), document.createTextNode(error.message || String(error)));
    box.append(title);
    if (error.hint) box.append(el("p", "message-hint", error.hint));
    if (error.code) box.append(el("p", "message-code", "Error code: " + error.code));
    box.hidden = false;
  }

  function hideMessage() {
    $("message").hidden = true;
    $("message").replaceChildren();
  }

  // --- Rendering --------------------------------------------------------------------------

  function render(analysis) {
    closeFeedback(false);
    state.analysis = analysis;
    hideTip();
    $("placeholder").hidden = true;
    renderSummary(analysis);
    renderRubric(analysis);
    renderDraft(analysis);
    renderSuggestions(analysis);
    state.previousScore = null;
  }

  function bar(fraction, className) {
    const track = el("span", "bar");
    track.setAttribute("aria-hidden", "true");
    const fill = el("span", "bar-fill " + (className || ""));
    fill.style.width = Math.max(0, Math.min(100, fraction * 100)).toFixed(1) + "%";
    track.append(fill);
    return track;
  }

  function renderSummary(analysis) {
    const box = $("summary");
    box.replaceChildren();

    const head = el("div", "label-line");
    const badge = el("span", "badge lab-" + analysis.label, NAMES[analysis.label] || analysis.label);
    badge.id = "doc-label";
    badge.dataset.label = analysis.label;
    head.append(el("span", "muted", "This draft reads as "), badge);
    if (analysis.uncertain) head.append(el("span", "uncertain", " (uncertain: " + pct(analysis.confidence) + ")"));
    const wrong = el("button", "fb-open", "Wrong label?");
    wrong.type = "button";
    wrong.id = "doc-wrong";
    wrong.setAttribute("aria-label", "Wrong label? Correct the label of this draft");
    wrong.addEventListener("click", () =>
      openFeedback({ label: analysis.label, sentence: null, invoker: wrong, host: head })
    );
    head.append(wrong);
    box.append(head);

    const scores = el("dl", "scores");
    for (const label of LABELS) {
      const row = el("div", "score-row");
      row.append(el("dt", null, NAMES[label]));
      const value = el("dd");
      value.append(bar(analysis.scores[label], "lab-" + label), el("span", "num", pct(analysis.scores[label])));
      row.append(value);
      scores.append(row);
    }
    box.append(scores);

    const cfc = el("div", "cfc");
    cfc.append(el("span", "cfc-title", "Case-for-change score"));
    const number = el("span", "cfc-score", analysis.case_for_change_score);
    number.id = "cfc-score";
    cfc.append(number, el("span", "muted", " / 100"));
    if (state.previousScore !== null) {
      const delta = analysis.case_for_change_score - state.previousScore;
      const sign = delta > 0 ? "+" : "";
      const change = el("span", "delta " + (delta >= 0 ? "up" : "down"), " " + sign + delta + " (was " + state.previousScore + ")");
      change.id = "cfc-delta";
      cfc.append(change);
    }
    cfc.append(bar(analysis.case_for_change_score / 100, "lab-case-for-change"));
    box.append(cfc);
    box.hidden = false;
  }

  function renderRubric(analysis) {
    const list = $("rubric");
    list.replaceChildren();
    for (const [key, question, help] of RUBRIC) {
      const element = analysis.rubric[key];
      const item = el("li", element.present ? "present" : "missing");
      const mark = el("span", "mark", element.present ? "✓" : "✗");
      mark.setAttribute("aria-hidden", "true");
      const status = el("span", "status", element.present ? "present" : "missing");
      const control = el(element.evidence.length ? "button" : "span", "rubric-item");
      control.dataset.element = key;
      control.append(mark, el("span", "question", question + " "), status);
      if (element.evidence.length) {
        control.type = "button";
        const n = element.evidence.length;
        control.title = "Show the " + (n === 1 ? "sentence" : n + " sentences") + " behind it";
        control.addEventListener("click", () => showEvidence(element.evidence));
      }
      item.append(control, el("span", "help", help + " Evidence " + pct(element.score) + "."));
      list.append(item);
    }
    $("rubric-box").hidden = false;
  }

  function showEvidence(indexes) {
    for (const node of document.querySelectorAll(".sent.is-evidence")) node.classList.remove("is-evidence");
    const nodes = indexes.map((i) => sentenceNode(i)).filter(Boolean);
    for (const node of nodes) node.classList.add("is-evidence");
    if (nodes.length) {
      nodes[0].scrollIntoView({ block: "center", behavior: "smooth" });
      nodes[0].focus({ preventScroll: true });
    }
  }

  function sentenceNode(index) {
    return document.querySelector('#draft-view .sent[data-index="' + Number(index) + '"]');
  }

  function renderDraft(analysis) {
    const view = $("draft-view");
    view.replaceChildren();
    const text = analysis.text;
    const sentences = analysis.sentences.slice().sort((a, b) => a.start - b.start);
    let cursor = 0;
    for (const sentence of sentences) {
      if (sentence.start > cursor) view.append(document.createTextNode(text.slice(cursor, sentence.start)));
      const span = el("span", "sent lab-" + sentence.label + (sentence.low_signal ? " low" : ""));
      span.tabIndex = 0;
      span.dataset.index = String(sentence.index);
      span.dataset.label = sentence.label;
      span.setAttribute("aria-describedby", "tip");
      span.append(el("span", "tag", TAGS[sentence.label] || sentence.label));
      span.append(document.createTextNode(text.slice(sentence.start, sentence.end)));
      span.addEventListener("mouseenter", () => showTip(span, sentence));
      span.addEventListener("mouseleave", () => hideTip());
      span.addEventListener("focus", () => showTip(span, sentence));
      span.addEventListener("blur", () => hideTip());
      // "Wrong label?" on each sentence: a click, or Enter/Space on the focused sentence. Not a
      // button of its own per sentence, so Tab still walks the draft sentence by sentence.
      span.setAttribute("aria-keyshortcuts", "Enter");
      const correct = () => openFeedback({ label: sentence.label, sentence: sentence, invoker: span, host: view });
      span.addEventListener("click", correct);
      span.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          correct();
        }
      });
      view.append(span);
      cursor = Math.max(cursor, sentence.end);
    }
    if (cursor < text.length) view.append(document.createTextNode(text.slice(cursor)));
    $("draft-section").hidden = false;
  }

  // --- The sentence tooltip ---------------------------------------------------------------

  function phrases(list) {
    return (list || [])
      .slice(0, 4)
      .map((p) => p.phrase)
      .join(", ");
  }

  function showTip(anchor, sentence) {
    const tip = $("tip");
    tip.replaceChildren();
    const title = "Sentence " + (sentence.index + 1) + ": " + (NAMES[sentence.label] || sentence.label);
    tip.append(el("p", "tip-title", title));
    const scores = el("ul", "tip-scores");
    for (const label of LABELS) {
      const row = el("li");
      row.append(el("span", "tip-name", TAGS[label]), bar(sentence.scores[label], "lab-" + label), el("span", "num", pct(sentence.scores[label])));
      scores.append(row);
    }
    tip.append(scores);
    if (sentence.low_signal) tip.append(el("p", "muted", "Low signal: takes the document's label."));
    const explanation = sentence.explanation;
    if (explanation && explanation.toward.length) tip.append(el("p", null, "Toward: " + phrases(explanation.toward)));
    if (explanation && explanation.away.length) tip.append(el("p", null, "Away: " + phrases(explanation.away)));
    tip.append(el("p", "tip-action", "Wrong label? Click the sentence or press Enter."));
    tip.hidden = false;
    const rect = anchor.getBoundingClientRect();
    const width = tip.offsetWidth;
    const left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
    let top = rect.bottom + 6;
    if (top + tip.offsetHeight > window.innerHeight - 8) top = Math.max(8, rect.top - tip.offsetHeight - 6);
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function hideTip() {
    $("tip").hidden = true;
  }

  // --- "Wrong label?" ---------------------------------------------------------------------

  // One chooser at a time, right below what it corrects: the other two labels (one click
  // sends), an optional comment, and the outcome in the same place.
  function openFeedback(target) {
    const analysis = state.analysis;
    if (!analysis) return;
    closeFeedback(false);
    hideTip();
    const box = el("div", "fb-chooser");
    box.id = "fb-chooser";
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", "fb-title");
    if (target.sentence) box.dataset.sentence = String(target.sentence.index);
    const what = target.sentence ? "Sentence " + (target.sentence.index + 1) : "This draft";
    const title = el("p", "fb-title", "Wrong label? " + what + " reads as " + (NAMES[target.label] || target.label) + ".");
    title.id = "fb-title";

    const commentLabel = el("label", "small", "Comment (optional)");
    commentLabel.htmlFor = "fb-comment";
    const comment = el("input", "fb-comment");
    comment.id = "fb-comment";
    comment.type = "text";
    comment.maxLength = 2000;
    comment.autocomplete = "off";

    const choices = el("div", "fb-choices");
    choices.append(el("span", "muted", "It should be:"));
    for (const label of LABELS) {
      if (label === target.label) continue;
      const choice = el("button", "fb-choice lab-" + label, NAMES[label]);
      choice.type = "button";
      choice.dataset.label = label;
      choice.addEventListener("click", () => sendFeedback(analysis, target, label, comment.value, box));
      choices.append(choice);
    }
    const cancel = el("button", "fb-cancel", "Close");
    cancel.type = "button";
    cancel.addEventListener("click", () => closeFeedback(true));
    choices.append(cancel);

    const status = el("p", "fb-status");
    status.id = "fb-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    box.append(title, commentLabel, comment, choices, status);
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        closeFeedback(true);
      }
    });
    target.host.after(box);
    state.feedback = { box: box, invoker: target.invoker };
    box.scrollIntoView({ block: "nearest" });
    choices.querySelector(".fb-choice").focus({ preventScroll: true });
  }

  function closeFeedback(returnFocus) {
    const open = state.feedback;
    if (!open) return;
    state.feedback = null;
    open.box.remove();
    if (returnFocus && open.invoker.isConnected) open.invoker.focus();
  }

  async function sendFeedback(analysis, target, label, comment, box) {
    const status = box.querySelector(".fb-status");
    const buttons = box.querySelectorAll(".fb-choice");
    for (const button of buttons) button.disabled = true;
    box.classList.remove("fb-failed", "fb-saved");
    status.textContent = "Sending…";
    const body = {
      text: analysis.text,
      label: label,
      model_version: analysis.model.name + "-" + analysis.model.version,
    };
    if (target.sentence) body.sentence = { start: target.sentence.start, end: target.sentence.end };
    if (comment.trim()) body.comment = comment.trim();
    try {
      const stored = await callApi("/v1/feedback", {
        method: "POST",
        headers: Object.assign({ "Content-Type": "application/json" }, authHeaders()),
        body: JSON.stringify(body),
      });
      const what = target.sentence ? "sentence " + (target.sentence.index + 1) : "this draft";
      status.textContent = "Thanks: saved that " + what + " should be " + NAMES[label] + " (correction " + stored.id + ").";
      box.classList.add("fb-saved");
      target.invoker.dataset.corrected = label;
      target.invoker.classList.add("corrected");
    } catch (error) {
      status.textContent = "Not saved: " + (error.message || String(error)) + (error.hint ? " " + error.hint : "");
      box.classList.add("fb-failed");
      for (const button of buttons) button.disabled = false;
    }
  }

  // --- Suggestions ------------------------------------------------------------------------

  function renderSuggestions(analysis) {
    const list = $("suggestions");
    list.replaceChildren();
    const box = $("suggestions-box");
    if (!analysis.suggestions.length) {
      list.append(el("li", "muted", "No rewrites to suggest for this draft."));
      box.hidden = false;
      return;
    }
    analysis.suggestions.forEach((suggestion, n) => {
      const item = el("li", "suggestion");
      const target = RUBRIC.find((r) => r[0] === suggestion.target);
      const heading = "Sentence " + (suggestion.sentence + 1) + " → " + (target ? target[1] : suggestion.target);
      item.append(el("p", "suggestion-head", heading));
      const original = el("p", "original");
      original.append(el("span", "kicker", "Now: "), document.createTextNode(suggestion.original));
      const rewrite = el("p", "rewrite");
      rewrite.append(el("span", "kicker", "Try: "), document.createTextNode(suggestion.rewrite));
      item.append(original, rewrite, el("p", "rationale muted", suggestion.rationale));
      if (suggestion.placeholders.length) {
        item.append(el("p", "placeholders small", "Fill in: " + suggestion.placeholders.join(", ")));
      }
      const after = suggestion.scores_after["case-for-change"];
      item.append(el("p", "small muted", "This sentence as a case for change: " + pct(after) + " after the rewrite."));
      const actions = el("div", "actions");
      const copy = el("button", "copy", "Copy");
      copy.type = "button";
      copy.setAttribute("aria-label", "Copy rewrite " + (n + 1));
      copy.addEventListener("click", () => copyText(suggestion.rewrite, copy));
      const apply = el("button", "apply primary", "Apply");
      apply.type = "button";
      apply.setAttribute("aria-label", "Apply rewrite " + (n + 1) + " to the draft and re-analyze");
      apply.addEventListener("click", () => applySuggestion(suggestion));
      actions.append(copy, apply);
      item.append(actions);
      list.append(item);
    });
    box.hidden = false;
  }

  async function copyText(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      // Older browsers, or a page not in a secure context: copy through a selected textarea.
      const area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = "Copy"), 1500);
  }

  async function applySuggestion(suggestion) {
    const analysis = state.analysis;
    const sentence = analysis.sentences.find((s) => s.index === suggestion.sentence);
    if (!sentence) return;
    const text = analysis.text;
    const edited = text.slice(0, sentence.start) + suggestion.rewrite + text.slice(sentence.end);
    $("draft").value = edited;
    setFile(null);
    const before = analysis.case_for_change_score;
    $("apply-status").textContent = "Applied the rewrite of sentence " + (suggestion.sentence + 1) + "; re-analyzing…";
    hideMessage();
    try {
      const next = await analyzeText(edited);
      render(next);
      state.previousScore = before;
      renderSummary(next);
      $("apply-status").textContent =
        "Applied. Case-for-change score " + before + " → " + next.case_for_change_score + ".";
    } catch (error) {
      showMessage(error);
      $("apply-status").textContent = "";
    }
  }

  // --- Files and the key ------------------------------------------------------------------

  function setFile(file) {
    state.file = file;
    $("file-status").textContent = file ? "Will analyze " + file.name + " (" + Math.ceil(file.size / 1024) + " KB)." : "";
    if (!file) $("file").value = "";
  }

  function init() {
    const key = $("api-key");
    try {
      key.value = sessionStorage.getItem(KEY_STORE) || "";
    } catch (err) {
      key.value = "";
    }
    key.addEventListener("input", () => {
      try {
        sessionStorage.setItem(KEY_STORE, key.value);
      } catch (err) {
        // storage refused (private mode): the key still works for this page
      }
    });

    $("analyze-form").addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });
    $("file").addEventListener("change", () => setFile($("file").files[0] || null));
    $("draft").addEventListener("input", () => {
      if (state.file) setFile(null);
    });

    const zone = $("drop-zone");
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      const file = event.dataTransfer && event.dataTransfer.files[0];
      if (file) setFile(file);
    });

    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hideTip();
    });
    window.addEventListener("resize", hideTip);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
