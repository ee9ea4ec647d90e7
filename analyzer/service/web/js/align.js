// Offsets of the analyzed text mapped onto the writer's own text.
//
// The API analyzes a transformed text: Markdown and HTML lose their markup, plain text its
// extra spaces and blank lines, bullets become "- ". Every offset it returns points into that
// text (`analysis.text`), while the editor holds what the writer wrote. The two are aligned on
// their words: words unique to both anchor the alignment (patience alignment, as in patience
// diff), the stretches between anchors are aligned the same way, recursively, and what is left
// without unique words is matched in order. A span of the analyzed text then maps to the
// writer's text from its first matched word to its last; the markup around it is split at the
// whitespace (or the tag) between two sentences, so "**bold**." ends after ".", a list marker
// or "<p>" stays outside, and neighbouring spans never overlap.

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

function words(text) {
  const starts = [];
  const ends = [];
  const keys = [];
  for (const match of text.matchAll(WORD)) {
    starts.push(match.index);
    ends.push(match.index + match[0].length);
    keys.push(match[0].normalize("NFC"));
  }
  return { starts, ends, keys };
}

// The longest increasing run of `pairs` by their second element (pairs come sorted by the first).
function longestIncreasing(pairs) {
  const tails = [];
  const previous = new Array(pairs.length);
  for (let k = 0; k < pairs.length; k++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][1] < pairs[k][1]) lo = mid + 1;
      else hi = mid;
    }
    previous[k] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = k;
  }
  const run = [];
  for (let k = tails.length ? tails[tails.length - 1] : -1; k >= 0; k = previous[k]) run.push(pairs[k]);
  return run.reverse();
}

function uniqueAnchors(a, a0, a1, s, s0, s1) {
  const seen = new Map();
  for (let i = a0; i < a1; i++) {
    const entry = seen.get(a[i]);
    if (entry) entry.inA += 1;
    else seen.set(a[i], { inA: 1, i: i, inS: 0, j: -1 });
  }
  for (let j = s0; j < s1; j++) {
    const entry = seen.get(s[j]);
    if (entry) {
      entry.inS += 1;
      entry.j = j;
    }
  }
  const pairs = [];
  for (const entry of seen.values()) if (entry.inA === 1 && entry.inS === 1) pairs.push([entry.i, entry.j]);
  pairs.sort((x, y) => x[0] - y[0]);
  return longestIncreasing(pairs);
}

// In order, each word to its next occurrence (the stretch has no word unique to both sides).
function inOrder(a, a0, a1, s, s0, s1, match) {
  const positions = new Map();
  for (let j = s0; j < s1; j++) {
    const list = positions.get(s[j]);
    if (list) list.push(j);
    else positions.set(s[j], [j]);
  }
  let cursor = s0;
  for (let i = a0; i < a1 && cursor < s1; i++) {
    const list = positions.get(a[i]);
    if (!list) continue;
    const lo = firstAtOrAfter(list, cursor);
    if (lo < list.length) {
      match[i] = list[lo];
      cursor = list[lo] + 1;
    }
  }
}

// For each word of `a`, the index of the word of `s` it is aligned with, or -1.
export function alignWords(a, s) {
  const match = new Int32Array(a.length).fill(-1);
  const stack = [[0, a.length, 0, s.length]];
  while (stack.length) {
    let [a0, a1, s0, s1] = stack.pop();
    while (a0 < a1 && s0 < s1 && a[a0] === s[s0]) match[a0++] = s0++;
    while (a0 < a1 && s0 < s1 && a[a1 - 1] === s[s1 - 1]) match[--a1] = --s1;
    if (a0 >= a1 || s0 >= s1) continue;
    const anchors = uniqueAnchors(a, a0, a1, s, s0, s1);
    if (!anchors.length) {
      inOrder(a, a0, a1, s, s0, s1, match);
      continue;
    }
    let i0 = a0;
    let j0 = s0;
    for (const [i, j] of anchors) {
      match[i] = j;
      stack.push([i0, i, j0, j]);
      i0 = i + 1;
      j0 = j + 1;
    }
    stack.push([i0, a1, j0, s1]);
  }
  return match;
}

const SPACE = /\s/;

// Where, in the text between two sentences, the first one ends: at the first whitespace or tag.
function endIn(gap) {
  let at = gap.search(/\s/);
  if (at < 0) at = gap.length;
  const tag = gap.indexOf("<");
  return tag >= 0 && tag < at ? tag : at;
}

// Where the second one starts: after the last whitespace or tag.
function startIn(gap) {
  let at = gap.length;
  while (at > 0 && !SPACE.test(gap[at - 1])) at--;
  const tag = gap.lastIndexOf(">");
  return tag >= at ? tag + 1 : at;
}

function startBefore(gap, afterSentence) {
  let at = afterSentence ? endIn(gap) : 0;
  const tag = gap.lastIndexOf(">");
  if (tag + 1 > at) at = tag + 1;
  while (at < gap.length && SPACE.test(gap[at])) at++;
  return at;
}

function endAfter(gap, beforeSentence) {
  let at = beforeSentence ? startIn(gap) : gap.length;
  const tag = gap.indexOf("<");
  if (tag >= 0 && tag < at) at = tag;
  while (at > 0 && SPACE.test(gap[at - 1])) at--;
  return at;
}

// The first index of a sorted list whose value is at least `value`.
function firstAtOrAfter(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// A function mapping a span [start, end) of `analyzed` to [start, end) of `source`, or null
// when none of its words can be found there.
export function spanMapper(analyzed, source) {
  if (analyzed === source) return (start, end) => [start, end];
  const a = words(analyzed);
  const s = words(source);
  const match = alignWords(a.keys, s.keys);
  const n = match.length;
  const before = new Int32Array(n); // the nearest matched word at or before i, or -1
  const after = new Int32Array(n); // the nearest matched word at or after i, or -1
  for (let i = 0, last = -1; i < n; i++) before[i] = last = match[i] >= 0 ? i : last;
  for (let i = n - 1, next = -1; i >= 0; i--) after[i] = next = match[i] >= 0 ? i : next;

  return (start, end) => {
    const lo = firstAtOrAfter(a.starts, start);
    const hi = firstAtOrAfter(a.starts, end) - 1; // the last word starting inside the span
    if (lo > hi || lo >= n) return null;
    const first = after[lo];
    const last = before[Math.min(hi, n - 1)];
    if (first < 0 || last < 0 || first > last || a.ends[last] > end) return null;
    const from = s.starts[match[first]];
    const to = s.ends[match[last]];
    const previous = first > 0 ? before[first - 1] : -1;
    const next = last + 1 < n ? after[last + 1] : -1;
    const gapStart = previous >= 0 ? s.ends[match[previous]] : 0;
    const leading = source.slice(gapStart, from);
    const trailing = source.slice(to, next >= 0 ? s.starts[match[next]] : source.length);
    // Words of the span missing from the source ("Caf&eacute;" read as "Café") stand in the
    // gaps: the span then reaches back to the previous sentence's end or tag, and forward to
    // the next sentence's start or tag.
    const lead = first > lo ? startBefore(leading, previous >= 0) : startIn(leading);
    const shift = previous >= 0 ? Math.max(lead, endIn(leading)) : lead;
    const tail = last < hi ? endAfter(trailing, next >= 0) : endIn(trailing);
    return [gapStart + shift, to + tail];
  };
}

// The words of a text, for comparing two versions of a sentence whatever their markup.
export function wordsOf(text) {
  return words(text).keys;
}
