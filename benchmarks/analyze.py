"""Analysis throughput on ~500-word documents, with and without suggestions, and where the time goes.

    .venv/bin/python benchmarks/analyze.py [--docs 300] [--runs 3] [--suggestion-docs 40]

Wall-time docs/s swing with whatever else the machine runs; the CPU time of this process is
printed beside them (docs per CPU-second: one core of its own). The stage shares come from
running each stage of `Analyzer.analyze` on its own over the same documents; they add up to the
whole within measurement noise. The last stage, the main claim and the coaching's reading of the
draft (sentence kinds and the claim ranker, no parser), runs without suggestions too: the coaching
and `main_claim` are part of every analysis.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable
from time import process_time
from typing import Any

from harness import documents, median_seconds

from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.analysis.suggest.kinds import Line
from analyzer.analysis.suggest.score import unparsed_advice
from analyzer.model.rubric import detect, evidence_scores, in_context, sentence_labels
from analyzer.text.nlp import parse
from analyzer.text.sentences import is_low_signal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--suggestion-docs", type=int, default=40)
    args = parser.parse_args()

    texts = documents(args.docs)
    analyzer = Analyzer.load()
    plain = AnalyzeOptions(suggestions=False)
    full = AnalyzeOptions()
    analyzer.analyze(texts[0], options=full)  # load the parser, warm caches

    without = median_seconds(lambda: [analyzer.analyze(t, options=plain) for t in texts], args.runs)
    few = texts[: args.suggestion_docs]
    with_suggestions = median_seconds(lambda: [analyzer.analyze(t, options=full) for t in few], args.runs)
    # The same documents both ways in one run: the ratio holds on a busy machine where docs/s do not.
    few_without = median_seconds(lambda: [analyzer.analyze(t, options=plain) for t in few], args.runs)
    # CPU time of this process: one core's throughput, which other processes on a shared machine
    # do not inflate; a second BLAS thread can only add to it, so the figure errs low.
    cpu_without = median_seconds(lambda: [analyzer.analyze(t, options=plain) for t in texts], args.runs, process_time)
    cpu_with = median_seconds(lambda: [analyzer.analyze(t, options=full) for t in few], args.runs, process_time)

    parsed = list(parse(texts))
    sentences = [[p.sentence(i) for i in range(len(p.sentences))] for p in parsed]
    stages: dict[str, Callable[[], Any]] = {
        "parse": lambda: [next(parse([t])) for t in texts],
        "document model": lambda: [analyzer.model.probabilities_of_parsed([p]) for p in parsed],
        "sentence features": lambda: [analyzer.sentence_model.featurize(s) for s in sentences],
    }
    matrices = [analyzer.sentence_model.featurize(s) for s in sentences]
    stages["sentence heads"] = lambda: [analyzer.sentence_model.predict_features(m) for m in matrices]
    predicted = [analyzer.sentence_model.predict_features(m) for m in matrices]
    doc_probs = [analyzer.model.probabilities_of_parsed([p])[0][0] for p in parsed]

    def rubric() -> None:
        for (label_probs, rubric_probs), probs, sents in zip(predicted, doc_probs, sentences, strict=True):
            low = [is_low_signal(s) for s in sents]
            blended = in_context(label_probs, probs, low, analyzer.settings)
            sentence_labels(blended, low, "feature-pitch")
            change = label_probs if analyzer.settings.own_evidence else blended
            detect(evidence_scores(rubric_probs, change), analyzer.settings.thresholds)

    stages["labels and rubric"] = rubric
    stages["explanations"] = lambda: [
        analyzer.sentence_explainer.explain(m, ["feature-pitch"] * m.shape[0]) for m in matrices
    ]
    analyses = [analyzer.analyze(t, options=plain) for t in texts]
    drafts = [([Line(s.text, s.start, s.end, s.label) for s in a.sentences], a.text, a.label) for a in analyses]
    stages["main claim and coaching"] = lambda: [
        unparsed_advice(lines, text=text, document_label=label, ranker=analyzer.claim_ranker)
        for lines, text, label in drafts
    ]
    timings = {name: median_seconds(work, args.runs) for name, work in stages.items()}

    print(f"machine: {platform.machine()} python {platform.python_version()}; median of {args.runs} runs")
    print(f"analyze without suggestions: {len(texts) / without:7.1f} docs/s  ({len(texts)} docs of ~500 words)")
    print(f"analyze with suggestions:    {len(few) / with_suggestions:7.1f} docs/s  ({len(few)} docs)")
    print(
        f"suggestions cost {(with_suggestions - few_without) / len(few) * 1000:.1f} ms/doc; with/without on the same "
        f"{len(few)} docs: {few_without / with_suggestions:.2f} of the speed"
    )
    print(
        f"per CPU-second of this process (one core of its own): {len(texts) / cpu_without:.1f} docs/s without "
        f"suggestions, {len(few) / cpu_with:.1f} docs/s with"
    )
    total = sum(timings.values())
    print("share of time without suggestions, by stage:")
    for name, seconds in timings.items():
        print(f"  {name:<24} {seconds / len(texts) * 1000:6.2f} ms/doc  {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
