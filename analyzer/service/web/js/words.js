// What the page says, in the writer's words: labels, moves, the phrases behind a label.

export const LABELS = ["awareness-only", "feature-pitch", "case-for-change"];
export const CHANGE = "case-for-change";

export const NAMES = {
  "awareness-only": "Awareness only",
  "feature-pitch": "Feature pitch",
  "case-for-change": "Case for change",
};

// The text tag of a mark, so a label never rests on colour alone.
export const TAGS = { "awareness-only": "awareness", "feature-pitch": "feature", "case-for-change": "case" };

// What a sentence with this label does to its reader.
export const DOES = {
  "awareness-only": "informs the reader but gives no reason to act",
  "feature-pitch": "talks about the product's features",
  "case-for-change": "argues that the reader's situation has to change",
};

// The three parts of a case for change: the checklist's question, what it asks of the draft,
// and the short name of a rewrite that adds it.
export const RUBRIC = [
  ["why_change", "Why change?", "What has shifted in the reader's world, so today's way no longer works.", "Why change"],
  ["price_of_inaction", "What does waiting cost?", "What the reader loses or risks by doing nothing.", "Cost of waiting"],
  ["future_state", "What must the future look like?", "Where the reader has to get to, and the first step.", "Future state"],
];

export function moveName(move) {
  const row = RUBRIC.find((r) => r[0] === move);
  return row ? row[3] : move;
}

export function rubricQuestion(key) {
  const row = RUBRIC.find((r) => r[0] === key);
  return row ? row[1] : key;
}

// Signals the model counts that mean nothing to a writer as advice.
const UNHELPFUL = new Set(["length", "sentence length"]);

// The phrases behind a label: words in quotes, the model's named signals as plain descriptions.
export function phrasesInWords(list, limit) {
  const out = [];
  for (const item of list || []) {
    const phrase = String(item.phrase);
    if (phrase.startsWith("signal: ")) {
      const what = phrase.slice("signal: ".length);
      if (!UNHELPFUL.has(what)) out.push(what);
    } else {
      out.push("\u201c" + phrase + "\u201d");
    }
    if (out.length === (limit || 4)) break;
  }
  return out;
}

export function sentenceName(index) {
  return "Sentence " + (Number(index) + 1);
}
