// The writer's page: one editor where the draft is written, marked and rewritten.
//
// Flow: the writer types -> the editor moves its marks with the edit -> after a pause (longer
// for drafts that take longer to analyze) the draft is posted to /v1/analyze, cancelling any
// request still running -> the newest answer (never an older one) is mapped onto the writer's
// text (align.js) and drawn: marks, score, checklist, cards.

import * as api from "./api.js";
import { spanMapper, wordsOf } from "./align.js";
import { Cards, alternativesOf, suggestionKey } from "./cards.js";
import { $, button, copyText, el, narrow } from "./dom.js";
import { FORMAT_NAMES, detectFormat, loadDraft, readTextFile, saveDraft, textFileFormat } from "./drafts.js";
import { Editor } from "./editor.js";
import { closeFeedback, openFeedback } from "./feedback.js";
import { hideSentence, hideTip, showSentence, showTip } from "./inspector.js";
import { markRubric, renderRubric, renderSummary } from "./summary.js";
import { CHANGE, TAGS, sentenceName } from "./words.js";

const state = {
  analysis: null, // the newest analysis shown
  sentences: new Map(), // index -> sentence of that analysis
  headings: new Map(), // index of a heading "sentence" -> its section
  format: "auto",
  dismissed: new Set(),
  accepted: new Set(), // rewrites the writer accepted: never rewritten again in this draft
  sent: 0, // number of the newest request sent; only its answer is shown
  controller: null,
  timer: 0,
  retryTimer: 0,
  retries: 0,
  took: 0, // milliseconds the last analysis took, to pace re-analysis
  pending: null, // an accepted rewrite waiting for its fresh analysis
  needsKey: false,
  quiet: false, // a change the page made itself, already analyzed
  hovered: null,
};

let editor;
let cards;

const key = () => $("api-key").value.trim();
const plain = (error, doing) => api.plainError(error, Boolean(key()), doing);

function formatOf(text) {
  return state.format === "auto" ? detectFormat(text) : state.format;
}

// state: "edited" (analysis pending), "analyzing", "analyzed", "failed" or "empty"; tests and
// styles read it from the editor's data-state.
function setStatus(text, phase) {
  $("status").textContent = text;
  $("editor").dataset.state = phase;
  $("results").setAttribute("aria-busy", phase === "analyzing" ? "true" : "false");
}

function save() {
  saveDraft(editor.value, state.format, state.dismissed, state.accepted);
}

// "Detect" says what it detected: "Detect: Markdown".
function showFormat() {
  const text = editor.value;
  $("format-auto").textContent = text.trim() ? "Detect: " + FORMAT_NAMES[detectFormat(text)] : "Detect";
}

// --- Messages ---------------------------------------------------------------------------

function showMessage(said, retry) {
  const box = $("message");
  box.replaceChildren(el("p", "message-title", said.title));
  if (said.detail) box.append(el("p", "message-detail", "The server said: " + said.detail));
  if (retry) box.append(button("retry", "Try again", retry));
  box.hidden = false;
}

function hideMessage() {
  $("message").hidden = true;
  $("message").replaceChildren();
}

function failed(error, reason, again) {
  const said = plain(error);
  setStatus("Not analyzed", "failed");
  clearTimeout(state.retryTimer);
  if (error.status === 401) {
    state.needsKey = true;
    const box = $("key-box");
    box.open = true;
    if (reason !== "typing") $("api-key").focus();
  }
  const retriable = error.status === 0 || error.status >= 500 || error.status === 429;
  showMessage(said, retriable ? again : null);
  // The server asked to wait, or is starting: try again by itself, a few times.
  if ((error.status === 429 || error.status === 503) && state.retries < 5) {
    state.retries += 1;
    const wait = error.status === 429 ? Math.max(1, error.retryAfter || 5) : 3;
    state.retryTimer = setTimeout(again, wait * 1000);
  }
}

// --- Analysis ---------------------------------------------------------------------------

function schedule() {
  clearTimeout(state.timer);
  if (!editor.value.trim()) {
    cancel();
    clearResults();
    return;
  }
  setStatus("Edited: analyzing when you pause…", "edited");
  const pause = Math.max(700, Math.min(3000, 1.5 * state.took));
  state.timer = setTimeout(() => analyzeDraft("typing"), pause);
}

function cancel() {
  if (state.controller) state.controller.abort();
  state.controller = null;
  state.sent += 1; // whatever is still on its way is now older than the draft
}

// reason: "typing", "button", "accept", "file", "format", "key", "restore"
async function analyzeDraft(reason) {
  clearTimeout(state.timer);
  clearTimeout(state.retryTimer);
  const text = editor.value;
  if (!text.trim()) {
    cancel();
    clearResults();
    if (reason === "button") showMessage({ title: "There is nothing to analyze yet. Write or paste your draft, or open a file." });
    return;
  }
  cancel();
  const controller = new AbortController();
  state.controller = controller;
  const number = state.sent;
  const since = editor.edits.length;
  setStatus("Analyzing…", "analyzing");
  const started = performance.now();
  try {
    const analysis = await api.analyze(text, formatOf(text), key(), controller.signal);
    if (number !== state.sent) return; // a newer request went out since: this answer is stale
    state.took = performance.now() - started;
    state.retries = 0;
    show(analysis, text, since, reason);
  } catch (error) {
    if ((error && error.name === "AbortError") || number !== state.sent) return;
    failed(error, reason, () => analyzeDraft(reason));
  } finally {
    if (state.controller === controller) state.controller = null;
  }
}

function clearResults() {
  state.analysis = null;
  state.sentences = new Map();
  state.headings = new Map();
  editor.setSpans([], editor.edits.length);
  cards.render([]);
  for (const id of ["summary", "rubric-box", "suggestions-box"]) $(id).hidden = true;
  $("placeholder").hidden = false;
  $("mini-score").hidden = true;
  hideSentence();
  hideTip();
  closeFeedback(false);
  setStatus(editor.value.trim() ? "Not analyzed yet" : "", "empty");
}

// Headings: the API keeps them out of the sentences (a heading names a section, it is not labelled).
// Each section's heading gets a span of its own, numbered below zero so it never meets a sentence's.
function headingsOf(analysis) {
  const headings = new Map();
  (analysis.sections || []).forEach((section, k) => headings.set(-1 - k, section));
  return headings;
}

function cardItems(analysis) {
  const items = [];
  for (const suggestion of analysis.suggestions || []) {
    if (state.headings.has(suggestion.sentence) || !state.sentences.has(suggestion.sentence)) continue;
    const key = suggestionKey(suggestion);
    if (state.dismissed.has(key) || state.accepted.has(key) || items.some((item) => item.key === key)) continue;
    items.push({ key: key, suggestion: suggestion, alts: alternativesOf(suggestion) });
  }
  return items;
}

function show(analysis, text, since, reason) {
  hideMessage();
  const previous = state.analysis ? state.analysis.case_for_change_score : null;
  state.analysis = analysis;
  state.sentences = new Map(analysis.sentences.map((s) => [s.index, s]));
  state.headings = headingsOf(analysis);
  for (const [index, section] of state.headings) {
    state.sentences.set(index, { index: index, heading: true, label: section.label, scores: section.scores, low_signal: true });
  }
  // Every offset of the analysis points into analysis.text: map it onto what the writer wrote.
  const map = spanMapper(analysis.text, text);
  const spans = [];
  for (const sentence of analysis.sentences) {
    // A card is tied to its sentence's span (schema 1.1's suggestion offsets are the same span).
    const found = map(sentence.start, sentence.end);
    if (found) spans.push({ index: sentence.index, start: found[0], end: found[1] });
  }
  for (const [index, section] of state.headings) {
    const found = map(section.start, section.start + String(section.heading).length);
    if (found) spans.push({ index: index, start: found[0], end: found[1] });
  }
  editor.setSpans(spans, since);
  const items = cardItems(analysis);
  cards.render(items);
  decorate();

  $("placeholder").hidden = true;
  renderSummary(analysis, reason === "accept" && state.pending ? state.pending.before : previous, (invoker, host) =>
    openFeedback({ analysis, label: analysis.label, sentence: null, invoker, host, key, plain })
  );
  const byMove = new Map();
  for (const item of items) {
    const move = item.alts[0].move;
    byMove.set(move, [...(byMove.get(move) || []), { key: item.key, sentence: item.suggestion.sentence }]);
  }
  renderRubric(analysis, byMove, { showEvidence: showEvidence, openCard: (k) => openCard(k, false) });
  $("suggestions-box").hidden = false;
  showEmpty(items);
  $("show-dismissed").hidden = state.dismissed.size === 0;
  $("show-dismissed").textContent = "Show dismissed suggestions (" + state.dismissed.size + ")";
  const mini = $("mini-score");
  mini.textContent = "Score " + analysis.case_for_change_score;
  mini.hidden = false;
  const n = analysis.sentences.length;
  setStatus("Analyzed: " + n + (n === 1 ? " sentence" : " sentences") + ", " + items.length + (items.length === 1 ? " suggestion" : " suggestions"), "analyzed");
  showFormat();
  if (editor.edits.length > since) setStatus("Edited: analyzing when you pause…", "edited");

  if (state.pending && reason === "accept") finishAccept(analysis);
  const open = $("sentence-panel");
  if (!open.hidden && open.dataset.index) selectSentence(Number(open.dataset.index), false);
  if (reason === "button" || reason === "file") {
    // On a phone the analysis is below the draft: bring its score into view.
    if (narrow()) $("summary").scrollIntoView({ block: "start", behavior: "smooth" });
  }
}

// The marks: what needs the writer's attention, with a text tag each (number and label).
function decorate() {
  const mode = $("marks").value;
  const targets = new Set([...cards.cards.values()].map((c) => c.suggestion.sentence));
  editor.spans = editor.spans.map((span) => {
    const sentence = state.sentences.get(span.index);
    const n = span.index + 1;
    let className = "";
    let tag = null;
    if (state.headings.has(span.index)) {
      className = "heading";
    } else if (sentence && mode !== "none") {
      const label = "lab-" + sentence.label;
      if (targets.has(span.index)) {
        className = "mark target " + label;
        tag = n + " \u00b7 " + TAGS[sentence.label] + " \u270e";
      } else if (!sentence.low_signal && (mode === "all" || sentence.label !== CHANGE)) {
        className = "mark " + label;
        tag = n + " \u00b7 " + TAGS[sentence.label];
      }
    }
    return Object.assign({}, span, { className: className, tag: tag });
  });
  editor.render();
}

// Without a card, the piece's main claim is where the checklist's answers go (when it has questions).
function showEmpty(items) {
  const claim = state.analysis.main_claim;
  const pointer =
    items.length === 0 && state.dismissed.size === 0 && claim != null && state.sentences.has(claim.sentence) &&
    Object.keys(state.analysis.coaching || {}).length > 0;
  $("no-suggestions").hidden = items.length > 0 || pointer;
  $("main-claim").hidden = !pointer;
  if (pointer) {
    $("main-claim-link").textContent = sentenceName(claim.sentence).toLowerCase();
    $("main-claim-link").dataset.sentence = String(claim.sentence);
  }
}

// --- Linking marks, cards, the checklist and the sentence panel ----------------------------

function evidenceOf(index) {
  const rubric = state.analysis ? state.analysis.rubric : {};
  return Object.keys(rubric).filter((k) => rubric[k].evidence.includes(index));
}

function selectSentence(index, fromPointer) {
  const sentence = state.sentences.get(index);
  if (!sentence) return;
  hideTip();
  const cardKey = cards.keyOfSentence(index);
  showSentence({
    analysis: state.analysis,
    sentence: sentence,
    heading: state.headings.get(index) || null,
    cardKey: cardKey,
    evidenceOf: evidenceOf(index),
    openCard: (k) => openCard(k, false),
    key: key,
    plain: plain,
  });
  placePanel(index);
  editor.setActive([index]);
  markRubric(evidenceOf(index));
  // On a phone the panel is the card's way in: opening the card would scroll the draft away.
  if (fromPointer && cardKey && !narrow()) cards.open(cardKey, true);
  else cards.setActive(cardKey);
}

// Beside the sentence on a wide screen; a sheet at the bottom on a phone (CSS).
function placePanel(index) {
  const panel = $("sentence-panel");
  const node = editor.lastNode(index);
  if (!node) return;
  const box = $("editor").getBoundingClientRect();
  const rects = node.getClientRects();
  const last = rects[rects.length - 1] || node.getBoundingClientRect();
  panel.style.top = Math.round(last.bottom - box.top + 8) + "px";
  panel.style.left = Math.round(Math.max(0, Math.min(last.left - box.left, box.width - panel.offsetWidth))) + "px";
}

function openCard(cardKey, fromSpan) {
  const card = cards.open(cardKey, fromSpan);
  if (!card) return;
  revealSentence(card.suggestion.sentence);
}

function revealSentence(index) {
  editor.setActive([index]);
  editor.reveal(index);
  markRubric(evidenceOf(index));
}

function showEvidence(elementKey, indexes) {
  hideSentence();
  editor.setActive(indexes);
  markRubric([elementKey]);
  if (indexes.length) editor.reveal(indexes[0]);
}

// --- Accept, dismiss, copy ---------------------------------------------------------------

function accept(card, text, status) {
  const index = card.suggestion.sentence;
  const span = editor.spanOf(index);
  const current = span ? editor.value.slice(span.start, span.end) : "";
  if (!span || span.stale || wordsOf(current).join(" ") !== wordsOf(card.suggestion.original).join(" ")) {
    status.textContent = "This sentence has changed since the suggestion was made: the page is analyzing it again.";
    analyzeDraft("typing");
    return;
  }
  // The API's sentence of a list item starts with "- "; the editor keeps the writer's own marker.
  let rewrite = text;
  if (/^- /.test(rewrite) && !/^[-*+]/.test(current)) rewrite = rewrite.slice(2);
  state.accepted.add(suggestionKey({ original: rewrite }));
  // A rewrite keeps the writer's sentence first: the same sentence, found again in the edited
  // draft, is not offered for rewriting a second time.
  state.accepted.add(card.key);
  state.pending = {
    start: span.start,
    length: rewrite.length,
    before: state.analysis.case_for_change_score,
    sentence: index,
  };
  $("apply-status").textContent = "Accepted the rewrite of " + sentenceName(index).toLowerCase() + ": analyzing the edited draft…";
  state.quiet = true;
  editor.replace(span.start, span.end, rewrite);
  state.quiet = false;
  hideSentence();
  analyzeDraft("accept");
}

// After the fresh analysis of the edited draft: its score, and the new text outlined: every
// sentence of it, since a rewrite can be the writer's sentence and a second one after it.
function finishAccept(analysis) {
  const pending = state.pending;
  state.pending = null;
  const end = pending.start + Math.max(pending.length, 1);
  const covered = editor.spans.filter((s) => s.start < end && pending.start < s.end).map((s) => s.index);
  $("apply-status").textContent =
    "Accepted the rewrite of " + sentenceName(pending.sentence).toLowerCase() + ". Case-for-change score " +
    pending.before + " \u2192 " + analysis.case_for_change_score + ".";
  if (!covered.length) return;
  editor.setActive(covered);
  editor.reveal(covered[0]);
  markRubric([...new Set(covered.flatMap((index) => evidenceOf(index)))]);
}

function dismiss(card) {
  state.dismissed.add(card.key);
  save();
  const items = cardItems(state.analysis);
  cards.render(items);
  decorate();
  showEmpty(items);
  $("show-dismissed").hidden = false;
  $("show-dismissed").textContent = "Show dismissed suggestions (" + state.dismissed.size + ")";
  $("apply-status").textContent = "Dismissed the suggestion for " + sentenceName(card.suggestion.sentence).toLowerCase() + ".";
}

function restoreDismissed() {
  state.dismissed.clear();
  save();
  if (state.analysis) {
    const items = cardItems(state.analysis);
    cards.render(items);
    decorate();
    showEmpty(items);
  }
  $("show-dismissed").hidden = true;
  $("apply-status").textContent = "";
}

async function copy(text, control) {
  await copyText(text);
  control.textContent = "Copied";
  setTimeout(() => (control.textContent = "Copy"), 1500);
}

// --- Files --------------------------------------------------------------------------------

function setFormat(format) {
  state.format = format;
  $("format").value = format;
  showFormat();
}

// A new draft: what was dismissed or accepted in the old one no longer applies.
function newDraft() {
  state.dismissed.clear();
  state.accepted.clear();
}

async function openFile(file) {
  hideMessage();
  $("file").value = "";
  const format = textFileFormat(file);
  if (format) {
    // Text, Markdown and HTML stay as written: the editor gets the file's own text.
    const text = await readTextFile(file);
    newDraft();
    setFormat(format);
    state.quiet = true;
    editor.replaceAll(text);
    state.quiet = false;
    save();
    $("file-status").textContent = "Opened " + file.name + " (" + FORMAT_NAMES[format] + ").";
    analyzeDraft("file");
    return;
  }
  // PDF and DOCX (and anything else, which the server reads or refuses): the server extracts the text.
  cancel();
  const controller = new AbortController();
  state.controller = controller;
  const number = state.sent;
  setStatus("Reading " + file.name + "…", "analyzing");
  try {
    const analysis = await api.analyzeFile(file, key(), controller.signal);
    if (number !== state.sent) return;
    newDraft();
    setFormat("text");
    state.quiet = true;
    editor.replaceAll(analysis.text);
    state.quiet = false;
    save();
    $("file-status").textContent = "Opened " + file.name + ": its text is in the editor.";
    show(analysis, analysis.text, editor.edits.length, "file");
  } catch (error) {
    if ((error && error.name === "AbortError") || number !== state.sent) return;
    failed(error, "file", () => openFile(file));
  } finally {
    if (state.controller === controller) state.controller = null;
  }
}

// --- Wiring ---------------------------------------------------------------------------------

function init() {
  const area = $("draft");
  const saved = loadDraft();
  area.value = saved.text;
  state.format = ["auto", "text", "markdown", "html"].includes(saved.format) ? saved.format : "auto";
  $("format").value = state.format;
  state.dismissed = new Set(saved.dismissed);
  state.accepted = new Set(saved.accepted);

  // Keeping the draft for the tab and naming its format read the whole draft: once the
  // writer pauses, not on every keystroke (and at once when the tab goes away).
  let saveTimer = 0;
  editor = new Editor(area, $("backdrop"), () => {
    hideTip();
    hideSentence();
    $("file-status").textContent = "";
    if (!editor.value.trim()) newDraft();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      save();
      showFormat();
    }, 400);
    if (!state.quiet) schedule();
  });
  window.addEventListener("pagehide", save);
  cards = new Cards($("suggestions"), { open: openCard, accept: accept, dismiss: dismiss, copy: copy });

  $("api-key").value = api.savedKey();
  let keyTimer = 0;
  $("api-key").addEventListener("input", () => {
    api.saveKey($("api-key").value);
    clearTimeout(keyTimer);
    if (state.needsKey && key()) {
      keyTimer = setTimeout(() => {
        state.needsKey = false;
        analyzeDraft("key");
      }, 600);
    }
  });

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    analyzeDraft("key");
  });
  $("analyze-form").addEventListener("submit", (event) => {
    event.preventDefault();
    analyzeDraft("button");
  });
  $("format").addEventListener("change", () => {
    state.format = $("format").value;
    save();
    showFormat();
    if (editor.value.trim()) analyzeDraft("format");
  });
  $("marks").addEventListener("change", decorate);
  $("show-dismissed").addEventListener("click", restoreDismissed);
  $("main-claim-link").addEventListener("click", (event) => {
    const index = Number(event.currentTarget.dataset.sentence);
    revealSentence(index);
    selectSentence(index, false);
  });
  $("file").addEventListener("change", () => {
    const file = $("file").files[0];
    if (file) openFile(file);
  });

  const box = $("editor");
  box.addEventListener("dragover", (event) => {
    if (!event.dataTransfer || ![...event.dataTransfer.types].includes("Files")) return;
    event.preventDefault();
    box.classList.add("dragging");
  });
  box.addEventListener("dragleave", () => box.classList.remove("dragging"));
  box.addEventListener("drop", (event) => {
    box.classList.remove("dragging");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (!file) return;
    event.preventDefault();
    openFile(file);
  });

  // A click or a tap on a sentence: its panel (scores, card, "Wrong label?") and its card.
  area.addEventListener("click", () => {
    if (area.selectionStart !== area.selectionEnd) return;
    const span = editor.spanAt(area.selectionStart);
    if (span) selectSentence(span.index, true);
    else hideSentence();
  });
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.altKey) {
      // The keyboard's way to the sentence at the caret: its panel, focused.
      event.preventDefault();
      const span = editor.spanAt(area.selectionStart);
      if (span) {
        selectSentence(span.index, true);
        const first = $("sentence-panel").querySelector(".panel-actions button");
        if (first) first.focus();
      }
    }
  });
  let frame = 0;
  area.addEventListener("mousemove", (event) => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const index = editor.sentenceAtPoint(event.clientX, event.clientY);
      if (index === state.hovered) return;
      state.hovered = index;
      const sentence = index === null ? null : state.sentences.get(index);
      if (!sentence || !$("sentence-panel").hidden) return hideTip();
      const node = editor.node(index);
      const heading = state.headings.has(index);
      if (!heading && !node.classList.contains("mark")) return hideTip();
      showTip(node, sentence, heading);
    });
  });
  area.addEventListener("mouseleave", () => {
    state.hovered = null;
    hideTip();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    hideTip();
    if (!$("sentence-panel").hidden) {
      hideSentence();
      area.focus();
    }
  });
  window.addEventListener("resize", () => {
    hideTip();
    const panel = $("sentence-panel");
    if (!panel.hidden && panel.dataset.index) placePanel(Number(panel.dataset.index));
  });

  showFormat();
  if (editor.value.trim()) analyzeDraft("restore");
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
