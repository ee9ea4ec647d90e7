// "Wrong label?": one chooser at a time, right below what it corrects: the other two labels
// (one click sends), an optional comment, and the outcome in the same place.

import { sendFeedback } from "./api.js";
import { button, el } from "./dom.js";
import { LABELS, NAMES, sentenceName } from "./words.js";

let open = null;

// target: {analysis, label, sentence (or null for the draft), invoker, host, key()}
export function openFeedback(target) {
  closeFeedback(false);
  const box = el("div", "fb-chooser");
  box.id = "fb-chooser";
  box.setAttribute("role", "group");
  box.setAttribute("aria-labelledby", "fb-title");
  if (target.sentence) box.dataset.sentence = String(target.sentence.index);
  const what = target.sentence ? sentenceName(target.sentence.index) : "This draft";
  const title = el("p", "fb-title", "Wrong label? " + what + " reads as " + (NAMES[target.label] || target.label) + ".");
  title.id = "fb-title";

  const commentLabel = el("label", "small", "Comment (optional)");
  commentLabel.htmlFor = "fb-comment";
  const comment = el("input", "fb-comment");
  comment.id = "fb-comment";
  comment.type = "text";
  comment.maxLength = 2000;
  comment.autocomplete = "off";

  const choices = el("div", "fb-choices");
  choices.append(el("span", "muted", "It should be:"));
  for (const label of LABELS) {
    if (label === target.label) continue;
    const choice = button("fb-choice lab-" + label, NAMES[label], () => send(target, label, comment.value, box));
    choice.dataset.label = label;
    choices.append(choice);
  }
  choices.append(button("fb-cancel", "Close", () => closeFeedback(true)));

  const status = el("p", "fb-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  box.append(title, commentLabel, comment, choices, status);
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      closeFeedback(true);
    }
  });
  target.host.after(box);
  open = { box: box, invoker: target.invoker };
  box.scrollIntoView({ block: "nearest" });
  choices.querySelector(".fb-choice").focus({ preventScroll: true });
}

export function closeFeedback(returnFocus) {
  if (!open) return;
  const { box, invoker } = open;
  open = null;
  box.remove();
  if (returnFocus && invoker.isConnected) invoker.focus();
}

async function send(target, label, comment, box) {
  const analysis = target.analysis;
  const status = box.querySelector(".fb-status");
  const buttons = box.querySelectorAll(".fb-choice");
  for (const b of buttons) b.disabled = true;
  box.classList.remove("fb-failed", "fb-saved");
  status.textContent = "Sending…";
  // Offsets into the text the server analyzed, which is what it stores beside them.
  const body = {
    text: analysis.text,
    label: label,
    model_version: analysis.model.name + "-" + analysis.model.version,
  };
  if (target.sentence) body.sentence = { start: target.sentence.start, end: target.sentence.end };
  if (comment.trim()) body.comment = comment.trim();
  try {
    const stored = await sendFeedback(body, target.key());
    const what = target.sentence ? sentenceName(target.sentence.index).toLowerCase() : "this draft";
    status.textContent = "Thanks: saved that " + what + " should be " + NAMES[label] + " (correction " + stored.id + ").";
    box.classList.add("fb-saved");
    target.invoker.dataset.corrected = label;
  } catch (error) {
    const said = target.plain(error, "feedback");
    status.textContent = "Not saved: " + said.title + (said.detail ? " (" + said.detail + ")" : "");
    box.classList.add("fb-failed");
    for (const b of buttons) b.disabled = false;
  }
}
