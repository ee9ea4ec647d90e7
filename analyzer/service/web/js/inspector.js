// One sentence at a time: a tooltip on hover, and the sentence panel on a click, a tap or the
// caret (its scores, what decided it, its card and an explicit "Wrong label?" button).

import { $, bar, button, el, pct } from "./dom.js";
import { openFeedback } from "./feedback.js";
import { DOES, LABELS, NAMES, TAGS, phrasesInWords, rubricQuestion, sentenceName } from "./words.js";

function scoreList(scores) {
  const list = el("ul", "sentence-scores");
  for (const label of LABELS) {
    const row = el("li");
    row.append(el("span", "score-name", NAMES[label]), bar(scores[label], "lab-" + label), el("span", "num", pct(scores[label])));
    list.append(row);
  }
  return list;
}

// What decided a sentence's label, in plain words.
function because(sentence) {
  const toward = phrasesInWords(sentence.explanation && sentence.explanation.toward, 4);
  return toward.length ? "Mostly because of " + toward.join(", ") + "." : null;
}

export function showTip(anchor, sentence, heading) {
  const tip = $("tip");
  tip.replaceChildren();
  if (heading) {
    tip.append(el("p", "tip-title", "A heading"), el("p", null, "Read as the start of a section, not as a sentence."));
  } else {
    tip.append(el("p", "tip-title", sentenceName(sentence.index) + ": " + DOES[sentence.label] + "."));
    tip.append(scoreList(sentence.scores));
    const why = because(sentence);
    if (why) tip.append(el("p", null, why));
    tip.append(el("p", "tip-action", "Click it for its card and more."));
  }
  tip.hidden = false;
  const rect = anchor.getBoundingClientRect();
  const left = Math.max(8, Math.min(rect.left, window.innerWidth - tip.offsetWidth - 8));
  let top = rect.bottom + 6;
  if (top + tip.offsetHeight > window.innerHeight - 8) top = Math.max(8, rect.top - tip.offsetHeight - 6);
  tip.style.left = left + window.scrollX + "px";
  tip.style.top = top + window.scrollY + "px";
}

export function hideTip() {
  $("tip").hidden = true;
}

// context: {analysis, sentence, heading (a section or null), card key or null, evidenceOf: [rubric keys],
//           openCard(key), key(), plain(error)}
export function showSentence(context) {
  const panel = $("sentence-panel");
  panel.replaceChildren();
  const { sentence, heading } = context;
  const head = el("div", "panel-head");
  const title = el("h3", "panel-title");
  title.id = "sentence-title";
  head.append(title);
  const close = button("panel-close", "Close", () => hideSentence());
  close.setAttribute("aria-label", "Close the sentence panel");
  head.append(close);
  panel.append(head);
  panel.dataset.index = String(sentence.index);

  if (heading) {
    title.textContent = "Heading";
    panel.append(
      el("p", null, "A heading starts a section; it is not labelled as a sentence."),
      el("p", null, "The section under it reads as " + NAMES[heading.label] + " (" + pct(heading.scores[heading.label]) + ").")
    );
  } else {
    title.textContent = sentenceName(sentence.index) + " \u00b7 " + TAGS[sentence.label];
    panel.append(el("p", "panel-does", "This sentence " + DOES[sentence.label] + "."));
    if (sentence.low_signal) panel.append(el("p", "muted small", "Too short to say much on its own: it takes the draft's label."));
    panel.append(scoreList(sentence.scores));
    const why = because(sentence);
    if (why) panel.append(el("p", "small", why));
    if (context.evidenceOf.length) {
      panel.append(el("p", "small", "Makes the case: " + context.evidenceOf.map(rubricQuestion).join(" ")));
    }
    const actions = el("div", "panel-actions");
    if (context.cardKey) {
      actions.append(button("primary", "See the suggested rewrite", () => context.openCard(context.cardKey)));
    }
    const wrong = button("fb-open", "Wrong label?");
    wrong.id = "sentence-wrong";
    wrong.setAttribute("aria-label", "Wrong label? Correct the label of " + sentenceName(sentence.index).toLowerCase());
    wrong.addEventListener("click", () =>
      openFeedback({
        analysis: context.analysis,
        label: sentence.label,
        sentence: sentence,
        invoker: wrong,
        host: actions,
        key: context.key,
        plain: context.plain,
      })
    );
    actions.append(wrong);
    panel.append(actions);
  }
  panel.hidden = false;
}

export function hideSentence() {
  const panel = $("sentence-panel");
  panel.hidden = true;
  panel.replaceChildren();
  delete panel.dataset.index;
}
