// The draft's format, files opened into the editor, and what this tab remembers of the draft.

// Signs of Markdown: a heading, a list, a link, emphasis, a quote, a fence, a table row.
const MARKDOWN = [
  /^#{1,6}[ \t]+\S/m,
  /^[ \t]{0,3}[-*+][ \t]+\S.*\n[ \t]{0,3}[-*+][ \t]+\S/m,
  /^[ \t]{0,3}\d{1,3}[.)][ \t]+\S.*\n[ \t]{0,3}\d{1,3}[.)][ \t]+\S/m,
  /\[[^\]\n]+\]\([^)\s]+(?:\s+"[^"\n]*")?\)/,
  /(^|\s)(\*\*|__)\S[^\n]*?\S\2(?=[\s.,;:!?)]|$)/m,
  /^>[ \t]?\S/m,
  /^(```|~~~)/m,
  /^\|.*\|[ \t]*\n\|[ \t:|-]+\|/m,
];
const HTML_BLOCKS = /<(p|h[1-6]|div|ul|ol|li|article|section|body|html|table|br|blockquote)(\s[^<>]*)?\/?>/gi;

// "markdown", "html" or "text" for a draft whose format the writer left to the page.
export function detectFormat(text) {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  const tags = sample.match(HTML_BLOCKS);
  if (tags && tags.length >= 2) return "html";
  let signs = 0;
  for (const pattern of MARKDOWN) if (pattern.test(sample)) signs += 1;
  // A heading, a fence or a table says Markdown alone; otherwise two different signs do.
  if (MARKDOWN[0].test(sample) || MARKDOWN[6].test(sample) || MARKDOWN[7].test(sample) || signs >= 2) return "markdown";
  return "text";
}

export const FORMAT_NAMES = { text: "Plain text", markdown: "Markdown", html: "HTML" };

// Files the page reads itself, keeping their text as written, and the format each is.
const TEXT_FILES = { txt: "text", text: "text", md: "markdown", markdown: "markdown", html: "html", htm: "html" };

export function extensionOf(name) {
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
}

// The format of a file the page reads as text itself, or null for one the server extracts
// (PDF, DOCX, and anything the page does not know, which the server names or refuses).
export function textFileFormat(file) {
  return TEXT_FILES[extensionOf(file.name)] || null;
}

// A text file's characters: UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252.
export async function readTextFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (err) {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

// --- What this tab remembers: the draft, its format, the suggestions dismissed or accepted ---

const STORE = "analyzer.draft";

export function loadDraft() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
    if (saved && typeof saved.text === "string") {
      return {
        text: saved.text,
        format: typeof saved.format === "string" ? saved.format : "auto",
        dismissed: Array.isArray(saved.dismissed) ? saved.dismissed.map(String) : [],
        accepted: Array.isArray(saved.accepted) ? saved.accepted.map(String) : [],
      };
    }
  } catch (err) {
    // nothing saved, or storage refused
  }
  return { text: "", format: "auto", dismissed: [], accepted: [] };
}

export function saveDraft(text, format, dismissed, accepted) {
  try {
    const saved = { text: text, format: format, dismissed: [...dismissed], accepted: [...accepted] };
    sessionStorage.setItem(STORE, JSON.stringify(saved));
  } catch (err) {
    // too large for storage, or refused: the draft is still in the editor
  }
}
