// Suggestion cards: each tied to its sentence, with its alternatives, blanks to fill, Accept,
// Copy and Dismiss.
//
// Works with both shapes of a suggestion: `alternatives` with placeholder objects (schema 1.1),
// or the older single `rewrite` whose placeholders are only [bracketed] text.

import { button, el } from "./dom.js";
import { moveName, sentenceName } from "./words.js";

const BRACKETED = /\[[^[\]\n]{1,200}\]/g;

// Placeholders of a text: the objects given, and any other [bracketed] span, never left unfilled.
function blanksOf(text, given) {
  const blanks = [];
  for (const p of Array.isArray(given) ? given : []) {
    if (!p || typeof p !== "object") continue;
    const start = Number(p.start);
    const end = Number(p.end);
    if (!(start >= 0 && end <= text.length && start < end && text[start] === "[" && text[end - 1] === "]")) continue;
    const question = typeof p.question === "string" && p.question.trim() ? p.question : text.slice(start + 1, end - 1);
    blanks.push({ start: start, end: end, question: question });
  }
  for (const found of text.matchAll(BRACKETED)) {
    const start = found.index;
    const end = start + found[0].length;
    if (!blanks.some((b) => start < b.end && b.start < end)) {
      blanks.push({ start: start, end: end, question: found[0].slice(1, -1) });
    }
  }
  return blanks.sort((x, y) => x.start - y.start);
}

function alternative(alt) {
  const text = String(alt.text || "");
  return {
    move: String(alt.move || ""),
    text: text,
    rationale: String(alt.rationale || ""),
    check: alt.check && typeof alt.check === "object" ? alt.check : null,
    blanks: blanksOf(text, alt.placeholders),
  };
}

// The alternatives of a suggestion; one made from the old fields when the API sends none.
export function alternativesOf(suggestion) {
  if (Array.isArray(suggestion.alternatives) && suggestion.alternatives.length) {
    return suggestion.alternatives.map(alternative);
  }
  return [
    alternative({
      move: suggestion.target,
      text: suggestion.rewrite,
      rationale: suggestion.rationale,
      placeholders: null,
      check: null,
    }),
  ];
}

// A sentence as the writer sees it: the API writes a list item's marker as "- ".
function asWritten(sentence) {
  return String(sentence).replace(/^- /, "");
}

// What a suggestion is remembered by when dismissed: its sentence as written.
export function suggestionKey(suggestion) {
  return asWritten(String(suggestion.original || "").trim()).replace(/\s+/g, " ").trim();
}

// The text of an alternative with its blanks filled; null while one is empty.
export function filledText(alt, values) {
  let out = "";
  let cursor = 0;
  for (let k = 0; k < alt.blanks.length; k++) {
    const value = (values[k] || "").replace(/\s+/g, " ").trim();
    if (!value) return null;
    out += alt.text.slice(cursor, alt.blanks[k].start) + value;
    cursor = alt.blanks[k].end;
  }
  return out + alt.text.slice(cursor);
}

export class Cards {
  constructor(list, handlers) {
    this.list = list;
    this.handlers = handlers; // {open(key, fromSpan), accept(card, text), dismiss(card), copy(text, button)}
    this.state = new Map(); // key -> {chosen, fills: {altText: values}} kept across analyses
    this.cards = new Map(); // key -> {key, suggestion, alts, node}
    this.quiet = false;
    this.made = 0; // names radio groups uniquely
  }

  render(items) {
    const focused = document.activeElement;
    const kept = new Map();
    const nodes = [];
    for (const item of items) {
      const old = this.cards.get(item.key);
      let card;
      if (old && old.node.contains(focused) && JSON.stringify(old.alts) === JSON.stringify(item.alts)) {
        card = Object.assign(old, { suggestion: item.suggestion }); // the writer is filling it in
        card.node.querySelector(".card-num").textContent = sentenceName(item.suggestion.sentence);
      } else {
        card = Object.assign({}, item);
        card.node = this.build(card);
      }
      card.node.dataset.sentence = String(item.suggestion.sentence);
      kept.set(item.key, card);
      nodes.push(card.node);
    }
    this.cards = kept;
    this.list.replaceChildren(...nodes);
  }

  stateOf(key) {
    if (!this.state.has(key)) this.state.set(key, { chosen: 0, fills: {}, open: false });
    return this.state.get(key);
  }

  build(card) {
    const state = this.stateOf(card.key);
    if (state.chosen >= card.alts.length) state.chosen = 0;
    const node = el("li", "card");
    node.dataset.key = card.key;
    card.group = "alternatives-" + ++this.made;
    const details = el("details");
    details.open = state.open;
    const summary = el("summary", "card-head");
    summary.append(el("span", "card-num", sentenceName(card.suggestion.sentence)), el("span", "card-move"));
    summary.append(el("span", "card-excerpt", asWritten(card.suggestion.original)));
    details.append(summary);
    const body = el("div", "card-body");
    details.append(body);
    node.append(details);
    details.addEventListener("toggle", () => {
      state.open = details.open;
      if (!details.open) return;
      for (const [other, c] of this.cards) if (other !== card.key) c.node.querySelector("details").open = false;
      if (!this.quiet) this.handlers.open(card.key, false);
    });
    this.fillBody(card, body, summary);
    return node;
  }

  fillBody(card, body, summary) {
    const state = this.stateOf(card.key);
    const alt = card.alts[state.chosen];
    summary.querySelector(".card-move").textContent = "\u2192 " + moveName(alt.move);
    body.replaceChildren();
    const original = el("p", "original");
    original.append(el("span", "kicker", "Now: "), document.createTextNode(asWritten(card.suggestion.original)));
    body.append(original);

    if (card.alts.length > 1) {
      const group = el("fieldset", "alts");
      group.append(el("legend", null, "Ways to rewrite it"));
      card.alts.forEach((option, k) => {
        const label = el("label", "alt-choice");
        const radio = el("input");
        radio.type = "radio";
        radio.name = card.group;
        radio.checked = k === state.chosen;
        radio.addEventListener("change", () => {
          state.chosen = k;
          this.fillBody(card, body, summary);
          body.querySelector(".alt-choice input:checked").focus();
        });
        label.append(radio, document.createTextNode(" " + moveName(option.move)));
        group.append(label);
      });
      body.append(group);
    }

    const values = state.fills[alt.text] || (state.fills[alt.text] = alt.blanks.map(() => ""));
    const rewrite = el("p", "rewrite");
    rewrite.append(el("span", "kicker", "Try: "));
    let cursor = 0;
    const accept = button("accept primary", "Accept");
    const note = el("span", "card-note muted small");
    const update = () => {
      const left = values.filter((v) => !v.trim()).length;
      accept.disabled = left > 0;
      note.textContent = left ? "Fill in " + (left === 1 ? "the blank" : "the " + left + " blanks") + " to accept." : "";
    };
    alt.blanks.forEach((blank, k) => {
      rewrite.append(document.createTextNode(alt.text.slice(cursor, blank.start)));
      const label = el("label", "blank");
      label.append(el("span", "blank-q", blank.question));
      const input = el("input", "blank-input");
      input.type = "text";
      input.autocomplete = "off";
      input.maxLength = 200;
      input.value = values[k];
      input.size = Math.max(8, Math.min(28, blank.question.length));
      input.addEventListener("input", () => {
        values[k] = input.value;
        update();
      });
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          if (!accept.disabled) accept.click();
        }
      });
      label.append(input);
      rewrite.append(label);
      cursor = blank.end;
    });
    rewrite.append(document.createTextNode(alt.text.slice(cursor)));
    body.append(rewrite);
    if (alt.rationale) body.append(el("p", "rationale muted", alt.rationale));
    if (alt.check) {
      body.append(
        el(
          "p",
          "check small " + (alt.check.agrees ? "agrees" : "doubts"),
          alt.check.agrees
            ? "A second, independent model also reads this rewrite as a stronger case for change."
            : "A second, independent model does not see a gain here: read it critically."
        )
      );
    }

    const status = el("p", "card-status small");
    status.setAttribute("role", "status");
    accept.addEventListener("click", () => {
      const text = filledText(alt, values);
      if (text !== null) this.handlers.accept(card, text, status);
    });
    const copy = button("copy", "Copy", () => {
      const text = filledText(alt, values);
      this.handlers.copy(text === null ? alt.text : text, copy);
    });
    const dismiss = button("dismiss", "Dismiss", () => this.handlers.dismiss(card));
    accept.setAttribute("aria-label", "Accept the rewrite of " + sentenceName(card.suggestion.sentence).toLowerCase());
    const actions = el("div", "card-actions");
    actions.append(accept, copy, dismiss, note);
    body.append(actions, status);
    update();
  }

  // Opens a card (from its span, or a rubric item), closing the others, and brings it into view.
  open(key, fromSpan) {
    const card = this.cards.get(key);
    if (!card) return null;
    this.quiet = fromSpan;
    for (const [other, c] of this.cards) {
      const details = c.node.querySelector("details");
      if (other !== key && details.open) details.open = false;
    }
    const details = card.node.querySelector("details");
    details.open = true;
    this.stateOf(key).open = true;
    this.setActive(key);
    card.node.scrollIntoView({ block: "nearest", behavior: "smooth" });
    // The toggle event fires after this task: let it pass before listening again.
    setTimeout(() => (this.quiet = false), 0);
    return card;
  }

  setActive(key) {
    for (const [k, c] of this.cards) c.node.classList.toggle("is-active", k === key);
  }

  keyOfSentence(index) {
    for (const [key, card] of this.cards) if (card.suggestion.sentence === index) return key;
    return null;
  }
}
