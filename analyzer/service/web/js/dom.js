// Small DOM helpers. Everything from a document or a server reaches the page as text
// (textContent, text nodes, attributes), never as markup.

export const $ = (id) => document.getElementById(id);

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function button(className, text, onClick) {
  const node = el("button", className, text);
  node.type = "button";
  if (onClick) node.addEventListener("click", onClick);
  return node;
}

export function pct(p) {
  return Math.round(p * 100) + "%";
}

// A bar for a fraction; its width is set through the CSSOM, which the CSP allows.
export function bar(fraction, className) {
  const track = el("span", "bar");
  track.setAttribute("aria-hidden", "true");
  const fill = el("span", "bar-fill " + (className || ""));
  fill.style.width = Math.max(0, Math.min(100, fraction * 100)).toFixed(1) + "%";
  track.append(fill);
  return track;
}

export function narrow() {
  return window.matchMedia("(max-width: 900px)").matches;
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch (err) {
    // Not a secure context, or no permission: copy through a selected, off-screen textarea.
  }
  const area = el("textarea", "offscreen");
  area.value = text;
  area.setAttribute("readonly", "");
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}
