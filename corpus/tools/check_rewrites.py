"""Check corpus/eval/rewrites.jsonl, the editors' rewrite evaluation set, and print its counts.

Standard library only.  Usage: python corpus/tools/check_rewrites.py [path] [--quiet]

Errors (exit 1): a sentence not found in order in the draft, an unknown kind, move or label,
a target of a kind an editor never rewrites, a target without content words (or with content
words that are not in the sentence), fewer than 2 or more than 3 rewrites or repeated moves,
more than two placeholders in a rewrite, a placeholder that is not a question, a figure in a
rewrite that the draft does not contain, a draft outside 9-30 sentences (10-25 until batch 37; the
brief of batches 38 to 43 asked for 120 to 450 words, and a short email or a long post runs past
10-25), splits that do not
alternate dev/test, a `format` that does not match the text.

Warnings: a rewrite that drops one of its content words (matched on a crude stem), a rewrite
that reads as more than two sentences or does not end like a sentence.
"""

import collections
import json
import re
import sys
from pathlib import Path

KINDS = {
    "heading", "dateline", "byline", "schedule", "address", "contact", "cta", "list-fragment",
    "attribution", "legal", "boilerplate", "news", "quote", "feature", "benefit", "price",
    "announcement", "claim", "context", "argument", "other",
}
NEVER_TARGET = {
    "heading", "dateline", "byline", "schedule", "address", "contact", "cta", "list-fragment",
    "attribution", "legal", "boilerplate", "news", "argument",
}
MOVES = {"why_change", "price_of_inaction", "future_state"}
LABELS = {"awareness-only", "feature-pitch", "case-for-change"}
PLACEHOLDER = re.compile(r"\[([^\[\]]*)\]")
NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def stem(word):
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def keeps(content_word, rewrite):
    """True when every word of content_word is in the rewrite, up to a crude stem."""
    low = rewrite.lower()
    if content_word.lower() in low:
        return True
    have = {stem(w) for w in WORD.findall(low)}
    prefixes = {w[:5] for w in WORD.findall(low) if len(w) >= 5}
    for w in WORD.findall(content_word.lower()):
        s = stem(w)
        if s not in have and not (len(w) >= 5 and w[:5] in prefixes) and not any(
            h.startswith(s) for h in have if len(s) >= 4
        ):
            return False
    return True


def sentence_problems(text):
    """Heuristic well-formedness of a rewrite, placeholders read as filled-in noun phrases."""
    flat = PLACEHOLDER.sub("X", text).strip()
    problems = []
    if not flat or not (flat[0].isupper() or flat[0].isdigit() or flat[0] in "\"“'X"):
        problems.append("does not start like a sentence")
    if not flat.rstrip("\"”’)").endswith((".", "!", "?")):
        problems.append("does not end like a sentence")
    ends = re.findall(r"[.!?][\"”’)]?\s+[A-Z\"“]", flat)
    if len(ends) > 1:
        problems.append(f"{len(ends) + 1} sentences")
    return problems


def check(path):
    errors, warnings = [], []
    drafts = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    stats = collections.Counter()
    targets_by = collections.Counter()
    moves = collections.Counter()
    placeholders = collections.Counter()
    kept = [0, 0]
    ids = set()
    for n, d in enumerate(drafts):
        did = d.get("id", f"line {n + 1}")
        where = lambda msg: f"{did}: {msg}"  # noqa: E731
        if did in ids:
            errors.append(where("duplicate id"))
        ids.add(did)
        want_split = "dev" if n % 2 == 0 else "test"
        if d.get("split") != want_split:
            errors.append(where(f"split {d.get('split')!r}, expected {want_split!r} (alternating)"))
        if d.get("label") not in LABELS:
            errors.append(where(f"label {d.get('label')!r}"))
        for field in ("doc_type", "industry"):
            if not d.get(field):
                errors.append(where(f"missing {field}"))
        text = d["text"]
        is_md = bool(re.search(r"(?m)^(#{1,6} |[-*] |\d+\. )", text))
        if d.get("format") != ("markdown" if is_md else "text"):
            errors.append(where(f"format {d.get('format')!r} but the text {'has' if is_md else 'has no'} Markdown"))
        sents = d["sentences"]
        if not 9 <= len(sents) <= 30:
            errors.append(where(f"{len(sents)} sentences (9-30)"))
        pos = 0
        for i, s in enumerate(sents):
            at = text.find(s["text"], pos)
            if at < 0:
                errors.append(where(f"sentence {i} not found after offset {pos}: {s['text'][:60]!r}"))
            else:
                gap = text[pos:at]
                if re.search(r"[A-Za-z0-9]", re.sub(r"(?m)^(#{1,6} |[-*] |\d+\. )", "", gap)):
                    errors.append(where(f"text skipped before sentence {i}: {gap.strip()[:60]!r}"))
                pos = at + len(s["text"])
            kind = s.get("kind")
            if kind not in KINDS:
                errors.append(where(f"sentence {i}: kind {kind!r}"))
            stats["sentences"] += 1
            stats[f"sentences:{d['split']}"] += 1
            if not s.get("rewrite"):
                if "rewrites" in s:
                    errors.append(where(f"sentence {i}: rewrites on a non-target"))
                continue
            stats["targets"] += 1
            targets_by[(kind, d["split"])] += 1
            if kind in NEVER_TARGET:
                errors.append(where(f"sentence {i}: a {kind} is never a target"))
            cws = s.get("content_words") or []
            if not cws:
                errors.append(where(f"sentence {i}: no content_words"))
            for cw in cws:
                if cw.lower() not in s["text"].lower():
                    errors.append(where(f"sentence {i}: content word {cw!r} not in the sentence"))
            rws = s.get("rewrites") or []
            if not 2 <= len(rws) <= 3:
                errors.append(where(f"sentence {i}: {len(rws)} rewrites (2-3)"))
            seen = [r.get("move") for r in rws]
            if len(set(seen)) != len(seen) or not set(seen) <= MOVES:
                errors.append(where(f"sentence {i}: moves {seen}"))
            for r in rws:
                rt = r["text"]
                moves[r.get("move")] += 1
                ph = PLACEHOLDER.findall(rt)
                placeholders[len(ph)] += 1
                if len(ph) > 2:
                    errors.append(where(f"sentence {i} {r['move']}: {len(ph)} placeholders"))
                for p in ph:
                    if not p.strip().endswith("?"):
                        errors.append(where(f"sentence {i} {r['move']}: placeholder not a question: [{p}]"))
                bare = PLACEHOLDER.sub(" ", rt)
                for num in NUMBER.findall(bare):
                    if num not in text:
                        errors.append(where(f"sentence {i} {r['move']}: figure {num!r} is not in the draft"))
                for cw in cws:
                    kept[1] += 1
                    if keeps(cw, bare):
                        kept[0] += 1
                    else:
                        warnings.append(where(f"sentence {i} {r['move']}: drops {cw!r}"))
                for p in sentence_problems(rt):
                    warnings.append(where(f"sentence {i} {r['move']}: {p}"))
                if rt.strip() == s["text"].strip():
                    errors.append(where(f"sentence {i} {r['move']}: rewrite equals the original"))
        stats[f"drafts:{d['split']}"] += 1
        stats[f"drafts:{d['label']}"] += 1
        if not any(s.get("rewrite") for s in sents):
            stats["drafts without targets"] += 1
    return drafts, stats, targets_by, moves, placeholders, kept, errors, warnings


def main(argv):
    quiet = "--quiet" in argv
    args = [a for a in argv if not a.startswith("--")]
    path = args[0] if args else str(Path(__file__).resolve().parents[1] / "eval" / "rewrites.jsonl")
    drafts, stats, targets_by, moves, placeholders, kept, errors, warnings = check(path)
    for e in errors:
        print("ERROR", e)
    if not quiet:
        for w in warnings:
            print("warn ", w)
    n_rw = sum(moves.values())
    print(f"drafts {len(drafts)} (dev {stats['drafts:dev']}, test {stats['drafts:test']}; "
          f"{stats['drafts without targets']} without targets)")
    print("labels", {k[7:]: v for k, v in stats.items() if k.startswith("drafts:") and "-" in k})
    print(f"sentences {stats['sentences']} (dev {stats['sentences:dev']}, test {stats['sentences:test']}), "
          f"targets {stats['targets']}")
    for kind in sorted({k for k, _ in targets_by}):
        print(f"  targets {kind:13} dev {targets_by[(kind, 'dev')]:3}  test {targets_by[(kind, 'test')]:3}")
    print(f"  targets total        dev {sum(v for (k, s), v in targets_by.items() if s == 'dev'):3}  "
          f"test {sum(v for (k, s), v in targets_by.items() if s == 'test'):3}")
    print("rewrites", n_rw, dict(moves))
    if n_rw:
        mean = sum(k * v for k, v in placeholders.items()) / n_rw
        print(f"placeholders per rewrite: mean {mean:.2f}, distribution {dict(sorted(placeholders.items()))}")
    if kept[1]:
        print(f"content words kept: {kept[0]}/{kept[1]} ({kept[0] / kept[1]:.1%})")
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
