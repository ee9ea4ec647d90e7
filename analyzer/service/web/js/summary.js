// The document's score, label and bars, and the case-for-change checklist.

import { $, bar, button, el, pct } from "./dom.js";
import { LABELS, NAMES, RUBRIC, sentenceName } from "./words.js";

// The two leading messages of a "mixed" draft, whatever shape the field comes in.
function leadingLabels(analysis) {
  const leading = Array.isArray(analysis.leading) ? analysis.leading : [];
  return leading
    .map((item) => (typeof item === "string" ? item : item && item.label))
    .filter((label) => typeof label === "string")
    .slice(0, 2);
}

export function renderSummary(analysis, previousScore, onWrongLabel) {
  const box = $("summary");
  box.replaceChildren();

  const cfc = el("div", "cfc");
  const title = el("span", "cfc-title", "Case-for-change score");
  const number = el("span", "cfc-score", analysis.case_for_change_score);
  number.id = "cfc-score";
  cfc.append(title, number, el("span", "muted", "/ 100"));
  if (previousScore !== null && previousScore !== analysis.case_for_change_score) {
    const delta = analysis.case_for_change_score - previousScore;
    const change = el("span", "delta " + (delta > 0 ? "up" : "down"), (delta > 0 ? "+" : "") + delta);
    change.id = "cfc-delta";
    change.title = "Was " + previousScore;
    cfc.append(change);
  }
  cfc.append(bar(analysis.case_for_change_score / 100, "lab-case-for-change"));
  box.append(cfc);

  const head = el("p", "label-line");
  const leading = analysis.mixed ? leadingLabels(analysis) : [];
  const badge = el("span", "badge lab-" + analysis.label, NAMES[analysis.label] || analysis.label);
  badge.id = "doc-label";
  badge.dataset.label = analysis.label;
  if (leading.length === 2) {
    badge.textContent = "Mixed";
    badge.className = "badge mixed";
    badge.dataset.mixed = "true";
    head.append(el("span", null, "This draft reads as "), badge);
    head.append(el("span", "mixed-of", ": mostly " + NAMES[leading[0]] + ", then " + NAMES[leading[1]] + "."));
  } else {
    head.append(el("span", null, "This draft reads as "), badge);
    if (analysis.uncertain) head.append(el("span", "uncertain", " (not sure: " + pct(analysis.confidence) + ")"));
  }
  const wrong = button("fb-open", "Wrong label?");
  wrong.id = "doc-wrong";
  wrong.setAttribute("aria-label", "Wrong label? Correct the label of this draft");
  wrong.addEventListener("click", () => onWrongLabel(wrong, head));
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
  box.hidden = false;
}

// The checklist: each part present (with its sentences) or missing (with questions to answer).
export function renderRubric(analysis, suggestionsByMove, handlers) {
  const list = $("rubric");
  list.replaceChildren();
  const coaching = analysis.coaching || {};
  for (const [key, question, help] of RUBRIC) {
    const element = analysis.rubric[key];
    const item = el("li", "rubric-row " + (element.present ? "present" : "missing"));
    item.dataset.element = key;
    const mark = el("span", "mark", element.present ? "\u2713" : "\u2717");
    mark.setAttribute("aria-hidden", "true");
    const status = el("span", "status", element.present ? "present" : "missing");
    const control = el(element.evidence.length ? "button" : "span", "rubric-item");
    control.dataset.element = key;
    control.append(mark, el("span", "question", question), status);
    if (element.evidence.length) {
      control.type = "button";
      const n = element.evidence.length;
      control.setAttribute("aria-label", question + " present: show the " + (n === 1 ? "sentence" : n + " sentences"));
      control.addEventListener("click", () => handlers.showEvidence(key, element.evidence));
    }
    item.append(control);
    if (element.evidence.length) {
      const where = element.evidence.map((i) => Number(i) + 1).join(", ");
      const sentencesAt = (element.evidence.length === 1 ? "Sentence " : "Sentences ") + where + ".";
      // A section the writer titled for it ("What waiting costs"): the heading says where, as text.
      const named = typeof element.named_by === "string" && element.named_by
        ? "Named by your section \u201c" + element.named_by + "\u201d: " + sentencesAt.charAt(0).toLowerCase() + sentencesAt.slice(1)
        : sentencesAt;
      item.append(el("span", "help", named));
    } else {
      item.append(el("span", "help", help));
      const questions = Array.isArray(coaching[key]) ? coaching[key] : [];
      if (questions.length) {
        const asks = el("ul", "coaching");
        asks.setAttribute("aria-label", "Questions to answer in the draft");
        for (const q of questions.slice(0, 3)) asks.append(el("li", null, q));
        item.append(asks);
      }
      const offered = suggestionsByMove.get(key) || [];
      if (offered.length) {
        const open = button("link", "See the rewrite of " + sentenceName(offered[0].sentence).toLowerCase());
        open.addEventListener("click", () => handlers.openCard(offered[0].key));
        item.append(open);
      }
    }
    list.append(item);
  }
  $("rubric-box").hidden = false;
}

export function markRubric(keys) {
  for (const row of document.querySelectorAll("#rubric .rubric-row")) {
    row.classList.toggle("is-linked", keys.includes(row.dataset.element));
  }
}
