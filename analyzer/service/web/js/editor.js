// The one editing surface: a plain <textarea> over a backdrop that draws the marks.
//
// Why an overlay and not contenteditable: the writer types into a real textarea, so the caret,
// the browser's own undo and redo, IME composition (Chinese, Japanese, Korean input), spell
// checking and paste behave as everywhere else, and paste is always plain text (no markup from
// a word processor can enter the draft). The page never rewrites the textarea while the writer
// types; it only redraws the backdrop behind it, which has the same font, width and wrapping,
// so every mark sits under its words. A contenteditable would have to rebuild its own DOM under
// the caret on each analysis, which breaks undo and interrupts IME composition.
//
// Marks are spans of the draft ({index, start, end, className, tag}). When the writer edits,
// marks before the edit stay, marks after it move with it, a mark the edit falls inside grows
// or shrinks and turns stale until the next analysis, and a mark the edit crosses is dropped.

import { el } from "./dom.js";

// A mark moved through one edit ({at, removed, inserted}), or null if the edit crossed it.
export function shiftSpan(span, edit) {
  const editEnd = edit.at + edit.removed;
  const delta = edit.inserted - edit.removed;
  if (span.end <= edit.at) return span;
  if (span.start >= editEnd) return Object.assign({}, span, { start: span.start + delta, end: span.end + delta });
  if (edit.at >= span.start && editEnd <= span.end) return Object.assign({}, span, { end: span.end + delta, stale: true });
  return null;
}

// The edit that turns `before` into `after`: one changed stretch between a common prefix and suffix.
export function diff(before, after) {
  const shorter = Math.min(before.length, after.length);
  let at = 0;
  while (at < shorter && before.charCodeAt(at) === after.charCodeAt(at)) at++;
  let tail = 0;
  while (
    tail < shorter - at &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  ) {
    tail++;
  }
  return { at: at, removed: before.length - at - tail, inserted: after.length - at - tail };
}

export class Editor {
  constructor(textarea, backdrop, onEdit) {
    this.textarea = textarea;
    this.backdrop = backdrop;
    this.onEdit = onEdit;
    this.value = textarea.value;
    this.spans = [];
    this.edits = []; // every edit since the page loaded, so a late analysis can be moved forward
    this.active = new Set(); // indexes of the outlined sentences
    textarea.addEventListener("input", () => this.changed());
    this.render();
  }

  // Called on every change of the textarea (typing, paste, undo, accept, a loaded file).
  changed() {
    const value = this.textarea.value;
    if (value === this.value) return;
    const edit = diff(this.value, value);
    this.value = value;
    this.edits.push(edit);
    this.spans = this.spans.map((span) => shiftSpan(span, edit)).filter(Boolean);
    this.render();
    this.onEdit(edit);
  }

  // Marks from an analysis of the draft as it was `edits.length === since` edits ago.
  setSpans(spans, since) {
    let moved = spans;
    for (const edit of this.edits.slice(since)) moved = moved.map((s) => shiftSpan(s, edit)).filter(Boolean);
    this.spans = moved.sort((x, y) => x.start - y.start);
    this.render();
  }

  spanOf(index) {
    return this.spans.find((span) => span.index === index) || null;
  }

  // The sentence under a character offset (the caret), or null.
  spanAt(offset) {
    let found = null;
    for (const span of this.spans) {
      if (span.start > offset) break;
      if (offset <= span.end) found = span;
    }
    return found;
  }

  setActive(indexes) {
    this.active = new Set(indexes);
    for (const node of this.backdrop.querySelectorAll(".sent")) {
      node.classList.toggle("is-active", this.active.has(Number(node.dataset.index)));
    }
  }

  node(index) {
    return this.backdrop.querySelector('.sent[data-index="' + Number(index) + '"]');
  }

  // The backdrop: the draft's text, every sentence a span, marks as classes; text nodes only.
  render() {
    const text = this.value;
    const parts = [];
    let cursor = 0;
    for (const span of this.spans) {
      if (span.start < cursor || span.end > text.length || span.end <= span.start) continue;
      if (span.start > cursor) parts.push(document.createTextNode(text.slice(cursor, span.start)));
      const node = el("span", "sent " + (span.className || "") + (span.stale ? " stale" : ""));
      node.dataset.index = String(span.index);
      if (this.active.has(span.index)) node.classList.add("is-active");
      if (span.tag) node.append(el("span", "tag", span.tag));
      node.append(document.createTextNode(text.slice(span.start, span.end)));
      parts.push(node);
      cursor = span.end;
    }
    // A last line break needs a character after it to take up its line, as it does in the textarea.
    parts.push(document.createTextNode(text.slice(cursor) + "\u200b"));
    this.backdrop.replaceChildren(...parts);
  }

  // Replaces [start, end) of the draft as if the writer had typed it, so Ctrl+Z undoes it.
  replace(start, end, text) {
    const area = this.textarea;
    area.focus({ preventScroll: true });
    area.setSelectionRange(start, end);
    let typed = false;
    try {
      typed = document.execCommand("insertText", false, text);
    } catch (err) {
      typed = false;
    }
    if (!typed || area.value.slice(start, start + text.length) !== text) {
      area.setRangeText(text, start, end, "end"); // no undo entry, but the text is right
    }
    this.changed();
  }

  replaceAll(text) {
    this.replace(0, this.textarea.value.length, text);
  }

  // The mark under a point of the screen (the textarea covers the backdrop, so look beneath it).
  sentenceAtPoint(x, y) {
    for (const node of document.elementsFromPoint(x, y)) {
      if (node.classList && node.classList.contains("sent") && this.backdrop.contains(node)) {
        return Number(node.dataset.index);
      }
    }
    return null;
  }

  // Scrolls the sentence into view (the page scrolls; the textarea grows with its text).
  reveal(index) {
    const node = this.node(index);
    if (node) node.scrollIntoView({ block: "center", behavior: "smooth" });
    return node;
  }
}
