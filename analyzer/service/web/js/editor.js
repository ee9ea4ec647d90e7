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
    this.lines = []; // {start, end, node}: one block per line of the draft
    this.edits = []; // every edit since the page loaded, so a late analysis can be moved forward
    this.active = new Set(); // indexes of the outlined sentences
    textarea.addEventListener("input", () => this.changed());
    this.render();
  }

  // Called on every change of the textarea (typing, paste, undo, accept, a loaded file).
  changed() {
    const value = this.textarea.value;
    if (value === this.value) return;
    const before = this.value;
    const edit = diff(before, value);
    this.value = value;
    this.edits.push(edit);
    const touched = this.spans.filter((s) => s.start <= edit.at + edit.removed && edit.at <= s.end);
    this.spans = this.spans.map((span) => shiftSpan(span, edit)).filter(Boolean);
    if (!this.redrawLine(before, edit, touched)) this.render();
    this.onEdit(edit);
  }

  // Typing within one line redraws that line alone: the draft's layout costs what the
  // textarea's own does, however long the draft (a full redraw lays out every line again).
  redrawLine(before, edit, touched) {
    const inserted = this.value.slice(edit.at, edit.at + edit.inserted);
    if (inserted.includes("\n") || before.slice(edit.at, edit.at + edit.removed).includes("\n")) return false;
    const k = this.lineAt(edit.at);
    const line = this.lines[k];
    if (!line || edit.at + edit.removed > line.end) return false;
    if (touched.some((s) => s.start < line.start || s.end > line.end)) return false; // a sentence over several lines
    const delta = edit.inserted - edit.removed;
    line.end += delta;
    for (let j = k + 1; j < this.lines.length; j++) {
      this.lines[j].start += delta;
      this.lines[j].end += delta;
    }
    const spans = this.spans.filter((s) => s.start < line.end && line.start < s.end);
    const node = this.lineNode(line.start, line.end, spans, 0);
    line.node.replaceWith(node);
    line.node = node;
    return true;
  }

  lineAt(offset) {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lines[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
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

  // A sentence's first piece (a sentence over several lines has one piece per line).
  node(index) {
    return this.backdrop.querySelector('.sent[data-index="' + Number(index) + '"]');
  }

  lastNode(index) {
    const pieces = this.backdrop.querySelectorAll('.sent[data-index="' + Number(index) + '"]');
    return pieces.length ? pieces[pieces.length - 1] : null;
  }

  // The backdrop: one block per line of the draft, every sentence a span (a piece per line),
  // marks as classes; text nodes only.
  render() {
    const text = this.value;
    const spans = [];
    let cursor = 0;
    for (const span of this.spans) {
      if (span.start < cursor || span.end > text.length || span.end <= span.start) continue;
      spans.push(span);
      cursor = span.end;
    }
    this.spans = spans;
    this.lines = [];
    const blocks = [];
    let first = 0; // the first sentence that can reach the current line
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      const end = newline < 0 ? text.length : newline;
      while (first < spans.length && spans[first].end <= start) first++;
      const node = this.lineNode(start, end, spans, first);
      this.lines.push({ start: start, end: end, node: node });
      blocks.push(node);
      if (newline < 0) break;
      start = newline + 1;
    }
    this.backdrop.replaceChildren(...blocks);
  }

  // One line [start, end) of the draft with the pieces of the sentences on it, from spans[from] on.
  lineNode(start, end, spans, from) {
    const text = this.value;
    const line = el("div", "line");
    let cursor = start;
    for (let k = from; k < spans.length && spans[k].start < end; k++) {
      const span = spans[k];
      const a = Math.max(span.start, start);
      const b = Math.min(span.end, end);
      if (b <= a || a < cursor) continue;
      if (a > cursor) line.append(document.createTextNode(text.slice(cursor, a)));
      const node = el("span", "sent " + (span.className || "") + (span.stale ? " stale" : ""));
      node.dataset.index = String(span.index);
      if (this.active.has(span.index)) node.classList.add("is-active");
      if (span.tag && span.start >= start) node.append(el("span", "tag", span.tag));
      node.append(document.createTextNode(text.slice(a, b)));
      line.append(node);
      cursor = b;
    }
    // An empty line needs a character to take up its height, as it does in the textarea.
    line.append(document.createTextNode(end > cursor ? text.slice(cursor, end) : cursor === start ? "\u200b" : ""));
    return line;
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
