"""A model's README, generated from its card so the two never disagree (spaCy's habit)."""

from __future__ import annotations

import json
from typing import Any

from analyzer.labels import CHANGE, LABELS
from analyzer.model.rubric import MAX_CONTEXT_WEIGHT, MAX_NEIGHBOUR_WEIGHT

#: How each evaluation set is named in the README, in the order shown.
SET_NAMES = {
    "test_original": "test split, the original 192",
    "test": "test split, all",
    "held_out_long": "held-out long documents",
    "devset": "real-world dev set",
    "out_of_fold_train": "train split, out of fold",
}
SHORT = {"awareness-only": "aw", "feature-pitch": "fp", "case-for-change": "cfc"}


def _name(key: str) -> str:
    return SET_NAMES.get(key, key.replace("_", " "))


def _ordered(block: dict[str, Any]) -> list[str]:
    return sorted(block, key=lambda k: list(SET_NAMES).index(k) if k in SET_NAMES else len(SET_NAMES))


def render_readme(card: dict[str, Any]) -> str:
    lines = [
        f"# {card['name']} {card['version']}",
        "",
        card.get("description", ""),
        "",
        "Generated from `model-card.json` by `analyzer train`; edit the card's source, not this file.",
        "",
        f"- Labels: {', '.join(card['labels'])}",
        f"- Trained at: {card['trained_at']} with seed {card['seed']}",
        f"- Corpus: {card['corpus']['documents']} documents, {card['corpus']['words']:,} words, "
        f"train {card['corpus']['train']} / test {card['corpus']['test']}, sha256 `{card['corpus']['sha256'][:16]}…`",
        *(
            f"- Artifact ({role}): `{entry['file']}`, {entry['bytes']:,} bytes, sha256 `{entry['sha256']}`"
            for role, entry in card["artifacts"].items()
        ),
        f"- Libraries: {', '.join(f'{k} {v}' for k, v in card['libraries'].items())}",
    ]
    if card.get("how_the_label_is_made"):
        lines += ["", "## How the label is made", "", card["how_the_label_is_made"]]
    lines += _settings(card)
    lines += _evaluation(card)
    lines += _length(card)
    lines += _calibration(card)
    lines += _sentences(card)
    lines += _suggestions()
    for section in ("intended_use", "limitations"):
        if card.get(section):
            lines += ["", f"## {section.replace('_', ' ').capitalize()}", "", card[section]]
    return "\n".join(lines) + "\n"


def _settings(card: dict[str, Any]) -> list[str]:
    params = card["hyperparameters"]
    lines = ["", "## Settings and how they were chosen", ""]
    lines.append(
        f"Hyperparameters by cross-validation on the train split only ({params.get('selection', 'unknown')}; "
        f"macro-F1 {params.get('cv_macro_f1')}):"
    )
    shown = {k: v for k, v in params.items() if k != "cv_results"}
    lines += ["", "```json", json.dumps(shown, indent=2), "```"]
    if params.get("sample_weights") == "length-balanced":
        lines += [
            "",
            "Training weighs every document so that, within each length bucket (under 150, 150-300, "
            "300-600, 600-1000, 1000+ words), every label carries the same mass.",
        ]
    if "temperature" in params:
        lines += [
            "",
            f"Temperature {params['temperature']}: the document model's scores are divided by it before the "
            f"softmax; fitted by log loss on the train split's out-of-fold scores "
            f"({params.get('temperature_chosen_on', 'out of fold')}).",
        ]
    abstention = card.get("abstention") or {}
    if abstention.get("mixed_below") is not None:
        lines += [
            "",
            f"Mixed below {abstention['mixed_below']}: a document whose top score is lower is shown as mixed, "
            f"with its two leading messages (the label is kept). Chosen {abstention.get('chosen_on', 'out of fold')} "
            f"as the threshold of least cost when a wrong label costs 1 and showing mixed "
            f"{abstention.get('mixed_cost')}.",
        ]
    return lines


def _evaluation(card: dict[str, Any]) -> list[str]:
    metrics = card["metrics"]
    lines = [
        "",
        "## Evaluation",
        "",
        "| set | documents | accuracy | macro-F1 | case-for-change precision | Brier | ECE |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in _ordered(metrics):
        m = metrics[key]
        change = m["per_label"][CHANGE]["precision"]
        lines.append(
            f"| {_name(key)} | {m['n']} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {change:.3f} | "
            f"{m['brier']:.3f} | {m['ece']:.3f} |"
        )
    for key in _ordered(metrics):
        lines += ["", f"### {_name(key)}", "", *_label_table(metrics[key])]
    return lines


def _label_table(m: dict[str, Any]) -> list[str]:
    labels = m["confusion_matrix"]["labels"]
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in labels:
        row = m["per_label"][label]
        lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")
    lines += ["", "Confusion matrix (rows true, columns predicted):", ""]
    lines += ["| true \\ predicted | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for label, row in zip(labels, m["confusion_matrix"]["rows_true_columns_predicted"], strict=True):
        lines.append(f"| {label} | " + " | ".join(str(n) for n in row) + " |")
    return lines


def _length(card: dict[str, Any]) -> list[str]:
    tables = card.get("length")
    if not tables:
        return []
    lines = [
        "",
        "## By length",
        "",
        "Share of each label, gold and predicted, and macro-F1 per length bucket (words): the predicted "
        "case-for-change share should follow the gold one, not the length (`benchmarks/length.py`).",
    ]
    labels = [SHORT[label] for label in LABELS]
    for key in _ordered(tables):
        lines += [
            "",
            f"### {_name(key)}",
            "",
            "| words | documents | "
            + " | ".join(f"gold {x}" for x in labels)
            + " | "
            + " | ".join(f"predicted {x}" for x in labels)
            + " | macro-F1 |",
            "|---" * (3 + 2 * len(labels)) + "|",
        ]
        for row in tables[key]:
            gold = " | ".join(f"{row['gold'][label]:.2f}" for label in LABELS)
            predicted = " | ".join(f"{row['predicted'][label]:.2f}" for label in LABELS)
            lines.append(f"| {row['bucket']} | {row['n']} | {gold} | {predicted} | {row['macro_f1']:.3f} |")
    return lines


def _calibration(card: dict[str, Any]) -> list[str]:
    curves = card.get("reliability")
    if not curves:
        return []
    eces = ", ".join(f"{_name(key)} {card['metrics'][key]['ece']:.3f}" for key in _ordered(curves))
    lines = [
        "",
        "## Calibration",
        "",
        f"Expected calibration error (10 equal-width bins of the top score): {eces}.",
        "",
        "![Reliability diagram: share right against mean top score per bin](reliability.svg)",
        "",
        "| set | bin | documents | mean top score | share right |",
        "|---|---|---|---|---|",
    ]
    for key in _ordered(curves):
        for b in curves[key]:
            lines.append(
                f"| {_name(key)} | {b['low']:.1f}-{b['high']:.1f} | {b['n']} | {b['confidence']:.3f} | "
                f"{b['accuracy']:.3f} |"
            )
    return lines


def _sentences(card: dict[str, Any]) -> list[str]:
    blocks = card.get("analysis_metrics")
    if not blocks:
        return []
    analysis = card["analysis"]
    lines = [
        "",
        "## Sentences and rubric",
        "",
        f"A sentence's probabilities are {1 - analysis.get('neighbour_weight', 0) - analysis['context_weight']:.1f} "
        f"its own, {analysis.get('neighbour_weight', 0):.1f} the mean of its neighbours' "
        f"(within {analysis.get('neighbour_window', 0)} sentences either side) and {analysis['context_weight']:.1f} "
        f"its document's (weights capped at {MAX_NEIGHBOUR_WEIGHT} and {MAX_CONTEXT_WEIGHT}). Rubric evidence is the "
        "element detector's probability times the sentence's own case-for-change probability"
        + ("" if analysis.get("own_evidence") else " in context")
        + f"; thresholds {analysis['thresholds']}. All chosen out of fold on the train split's writer-labelled "
        "sentences (context: best sentence macro-F1; thresholds: best F1 at telling which documents have the "
        "element)." + (f" Context: {analysis['chosen_on']}" if analysis.get("chosen_on") else ""),
        "",
        "| set | sentences | writer-labelled | macro-F1 (writer-labelled) | macro-F1 (all) |",
        "|---|---|---|---|---|",
    ]
    for key in _ordered(blocks):
        s = blocks[key]["sentences"]
        lines.append(
            f"| {_name(key)} | {s['sentences']} | {s['annotated_sentences']} | {s['macro_f1_annotated']:.3f} | "
            f"{s['macro_f1_all']:.3f} |"
        )
    for key in _ordered(blocks):
        labelled = blocks[key]["sentences"].get("annotated")
        if labelled:
            lines += ["", f"### Sentences: {_name(key)} (writer-labelled)", "", *_label_table(labelled)]
    lines += [
        "",
        "Rubric detection on documents with writer-labelled sentences (document: does it have the element; "
        "sentence: is this sentence evidence):",
        "",
        "| set | element | threshold | doc precision | doc recall | sentence precision | sentence recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in _ordered(blocks):
        for element, r in blocks[key]["rubric"].items():
            d, s = r["documents"], r["sentences"]
            lines.append(
                f"| {_name(key)} | {element} | {r['threshold']} | {d['precision']:.3f} | {d['recall']:.3f} | "
                f"{s['precision']:.3f} | {s['recall']:.3f} |"
            )
    return lines


def _suggestions() -> list[str]:
    """How the analysis's suggested rewrites use this model, and where their figures are."""
    return [
        "",
        "## Suggested rewrites",
        "",
        "The analysis chooses the few sentences an editor would rewrite (the announcement, the first two features,",
        "the strongest result figure, the price; never headings, datelines, schedules, CTAs, quotes, boilerplate or",
        "company news) and names the piece's main claim (`main_claim`): the target a ranker trained on editors'",
        "choices puts first (`models/claim-ranker-1.3.0/`, its own checksum; trained on batches 1 to 63, an",
        "editor's target on 0.67 of the evaluation set's 455 test drafts with a target, against 0.61 for the rules'",
        "order; none where the",
        "ranker gives its best",
        "target under an even chance, since such claims misled editors 43 times of 52). On one of the two targets that",
        "carry the piece, once per draft, it offers one form: the writer's sentence as it is, then 'Until now, you",
        "had to [what did you do instead?]' ('your team had to' where the draft speaks to a team), only on a launch",
        "said to its reader, only on a sentence that names the product or says what is new, and only where the",
        "draft does not already say how the reader works today, and only on a target the claim ranker gives at",
        "least a 0.8 chance that an editor rewrites it (a single candidate excepted). Its record over every",
        "judged round is 87 usable verdicts of 266; with the reader's own 'you' 11 of 26 on batches 17 to 20, 6 of",
        "8 on batch 21, 3 of 8 on batch 22 and 1 of 8 on batch 24, each judged blind (the editor's own rewrites",
        "0.33 to 0.64 on the same sheets). Most drafts get no form (2 of the 64 of batches 34 to 37 got one):",
        "the coaching questions, built on the draft's own complaint and its main claim quoted back (never a",
        "price: the best target after it), were judged useful 0.49 and 0.47 (batch 22), 0.51 and 0.51 (batch",
        "23), 0.33 and 0.42 (batch 24), 0.38 and 0.50 (batch 25), 0.33 and 0.31 (batch 26), 0.20 and 0.14",
        "(batch 27), 0.65 and 0.65 (batch 28), 0.38 and 0.51 (batch 29), 0.28 and 0.17 (batch 30), 0.36 and",
        "0.42 (batch 31), 0.59 and 0.59 (batch 32), 0.23 and 0.31 (batch 33), 0.17 and 0.28 (batch 34), 0.49",
        "and 0.49 (batch 35), 0.38 and 0.38 (batches 36 and 37, each), and 0.25 to 0.41 on batches 38 to 43",
        "(judged by a stricter brief that counts a question the draft already answers as wrong), against 0.20",
        "and 0.24 on batches 20 and",
        "21 before the claim was quoted: they are as good as the main claim, which is an editor's target about",
        "six times in ten on new trades (140 of 225 on batches 22 to 37, 37 of 81 on batches 38 to 43). A feature",
        "pitch with nothing else to quote is asked about its headline (useful 15 times of 16 on batches 42 and 43);",
        "a piece read as awareness-only gets no coaching unless `include_news` asks (useful 4 times of 126). Since",
        "the seventeenth pass the main claim is never asked where it leads (useful 4 times of 40), the reader's",
        "situation read off a target is not asked (1 of 16) and a price without a unit is never quoted as the",
        "claim; on batches 44 to 49 the coaching was judged useful 0.19 to 0.52 a judge (0.42, 0.46, 0.30",
        "and 0.30 as it ships, batches 48 and 49). Since the eighteenth pass an element the writer titled a",
        'section for ("What waiting costs", "Where to start") is present and never asked for, a lasting quality,',
        "a maker's method or a call to action is never quoted as the draft's complaint, and the general questions",
        "(useful 0 times of 1,286 verdicts) are gone: an element with nothing specific to ask about gets none. On",
        "batches 50 and 51 the coaching was judged useful 0.36 and 0.48, 0.38 and 0.38, wrong 0.12 to 0.16 (the",
        "general questions, generic every time, counted; 0.63 useful without them); on batches 52 and 53, 0.62",
        "and 0.62, 0.36 and 0.36, wrong mostly where the main claim was a side line or a customer's praise was",
        "quoted as the reader's problem (praise is no longer quoted). Since the twentieth pass a price said with",
        '"is", "are" or "pay" is never quoted as the claim, a title naming the document\'s kind is no headline,',
        "a sentence that counts its own cost in time is not asked what it costs, and readers without customers",
        'of their own are asked the cost "in time or money" with no period; on batches 58 to 61, written after',
        "those changes, the coaching was judged useful 0.33 to 0.61 by seven judges (an eighth called every",
        "question generic), wrong 0.31 on average against 0.37 before. Since the twenty-first pass a headline is",
        "asked about only when it says what changes for the reader, not when it only names the product",
        "(generic 165 times of 201 in rounds 96 to 102). A result",
        "with its old figure gets that figure's cost as a question. On all 1,032 drafts of the evaluation set the",
        "suggestions' targets are the editor's 0.97 of the time on test (30/31) and 1.00 on dev (38/38); every",
        "rewrite keeps the original's content words, parses as",
        "one or two well-formed sentences and asks one question. This model's",
        "sentence head scores each alternative with its placeholders filled by neutral stand-ins (`scores_after`);",
        "it does not choose or rank them. An independent check model (`models/rewrite-check-1.3.0/`, word n-grams,",
        "the frames' phrases masked out of its training) reports its own gain beside it. How they are made, every",
        "judged round and what they cannot do: `docs/suggestions.md`. Target choice is measured against the",
        "editor's evaluation set by `benchmarks/rewrites.py`, figures in `docs/benchmarks.md`; whether an editor",
        "would use an alternative is judged blind by independent editors (`benchmarks/judge_rewrites.py`); a gain",
        "from this model is a sanity check, not evidence of quality.",
    ]
