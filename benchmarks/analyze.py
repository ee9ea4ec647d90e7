"""Analysis throughput on ~500-word documents, with and without suggestions, and where the time goes.

    .venv/bin/python benchmarks/analyze.py [--docs 300] [--runs 3] [--suggestion-docs 40]

The stage shares come from running each stage of `Analyzer.analyze` on its own over the
same documents; they add up to the whole within measurement noise.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable
from typing import Any

from harness import documents, median_seconds

from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.model.rubric import blend, detect, evidence_scores, sentence_labels
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
            blended = blend(label_probs, probs, analyzer.settings.context_weight)
            sentence_labels(blended, [is_low_signal(s) for s in sents], "feature-pitch")
            detect(evidence_scores(rubric_probs, blended), analyzer.settings.thresholds)

    stages["labels and rubric"] = rubric
    stages["explanations"] = lambda: [
        analyzer.sentence_explainer.explain(m, ["feature-pitch"] * m.shape[0]) for m in matrices
    ]
    timings = {name: median_seconds(work, args.runs) for name, work in stages.items()}

    print(f"machine: {platform.machine()} python {platform.python_version()}; median of {args.runs} runs")
    print(f"analyze without suggestions: {len(texts) / without:7.1f} docs/s  ({len(texts)} docs of ~500 words)")
    print(f"analyze with suggestions:    {len(few) / with_suggestions:7.1f} docs/s  ({len(few)} docs)")
    print(
        f"suggestions cost {(with_suggestions - few_without) / len(few) * 1000:.1f} ms/doc; with/without on the same "
        f"{len(few)} docs: {few_without / with_suggestions:.2f} of the speed"
    )
    total = sum(timings.values())
    print("share of time without suggestions, by stage:")
    for name, seconds in timings.items():
        print(f"  {name:<20} {seconds / len(texts) * 1000:6.2f} ms/doc  {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
