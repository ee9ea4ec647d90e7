// Talking to the API, and its refusals in the writer's words.

const KEY_STORE = "analyzer.apiKey";

export const OPTIONS = { sentences: true, explanations: true, suggestions: true };

export class ApiError extends Error {
  constructor(fields) {
    super(fields.message || "");
    Object.assign(this, fields);
  }
}

export function savedKey() {
  try {
    return sessionStorage.getItem(KEY_STORE) || "";
  } catch (err) {
    return "";
  }
}

export function saveKey(key) {
  try {
    sessionStorage.setItem(KEY_STORE, key);
  } catch (err) {
    // storage refused (private mode): the key still works for this page
  }
}

async function call(path, init, key, file) {
  const headers = Object.assign({}, init.headers || {});
  if (key) headers.Authorization = "Bearer " + key;
  let response;
  try {
    response = await fetch(path, Object.assign({}, init, { headers: headers }));
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError({ status: 0, code: "network", file: file });
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    body = null;
  }
  if (!response.ok) {
    const error = (body && body.error) || {};
    throw new ApiError({
      status: response.status,
      code: error.code || "http_" + response.status,
      message: error.message || "",
      hint: error.hint || "",
      retryAfter: Number(response.headers.get("Retry-After")) || 0,
      file: file,
    });
  }
  return body;
}

// The body /v1/analyze takes: the draft under the key of its format ("text", "markdown" or "html").
export function analyzeBody(text, format) {
  const body = { options: OPTIONS };
  body[format === "markdown" || format === "html" ? format : "text"] = text;
  return body;
}

export function analyze(text, format, key, signal) {
  return call(
    "/v1/analyze",
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(analyzeBody(text, format)),
      signal: signal,
    },
    key,
    null
  );
}

export function analyzeFile(file, key, signal) {
  const form = new FormData();
  form.append("file", file, file.name);
  return call("/v1/analyze/file", { method: "POST", body: form, signal: signal }, key, file.name);
}

export function sendFeedback(body, key) {
  return call(
    "/v1/feedback",
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
    key,
    null
  );
}

const FILE_TYPES = ".txt, .md, .html, .pdf or .docx";

// {title, detail}: what happened and what to do, in the writer's words; `detail` is the server's
// own message, kept for whoever runs the server. `doing` is "feedback" for a correction.
export function plainError(error, hasKey, doing) {
  const name = error.file ? error.file : "This draft";
  const server = error.message ? error.message.trim() : "";
  const said = (title) => ({ title: title, detail: server });
  switch (error.code) {
    case "network":
      return said("Can't reach the analyzer. Check your connection, or that the server is still running, then try again.");
    case "E015":
      return error.file
        ? said(name + " has no text the analyzer can read. If it is a scan, paste its text instead.")
        : said("There is no text to analyze yet. Write or paste your draft, or open a file.");
    case "E011":
      return said(name + " is longer than this server accepts. Analyze it a section at a time.");
    case "E010":
      return { title: "The analyzer can't read this kind of file. Open a " + FILE_TYPES + " file, or paste the text.", detail: server };
    case "E012":
      return said(name + " looks damaged: it can't be opened. Save or export it again, or paste the text.");
    case "E013":
      return said(name + " is protected by a password. Remove the password, or paste the text.");
    case "E014":
      return said("The analyzer can't read the text of " + name + ". Save it as UTF-8 text, or paste the text.");
    default:
      break;
  }
  switch (error.status) {
    case 401:
      return said(
        hasKey
          ? "The server did not accept this API key. Check it, or ask whoever runs the server for a new one."
          : "This server asks for an API key. Enter it in the box below and the page will try again."
      );
    case 403:
      return said("This API key is not allowed to do that. Ask whoever runs the server.");
    case 413:
      return said(name + " is longer than this server accepts. Analyze it a section at a time.");
    case 415:
      return said("The analyzer can't read this kind of file. Open a " + FILE_TYPES + " file, or paste the text.");
    case 429:
      return said(
        doing === "feedback"
          ? "Too many corrections in a short time. Try again in " + (error.retryAfter || 60) + " seconds."
          : "Too many analyses in a short time. The page will try again" +
              (error.retryAfter ? " in " + error.retryAfter + " seconds." : " shortly.")
      );
    case 503:
      return said("The analyzer is still starting up. The page will try again in a few seconds.");
    case 400:
    case 404:
    case 405:
    case 422:
      return said(
        "The page and the server don't agree on this request. Reload the page; if it keeps happening, " +
          "tell whoever runs the server."
      );
    default:
      return said("Something went wrong on the server. Try again; if it keeps happening, tell whoever runs the server.");
  }
}
