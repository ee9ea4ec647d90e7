"""The analysis of one document: everything a writer sees about a draft.

`analyzer.Analyzer.analyze()` puts the pieces together (label and scores, sentences,
sections, rubric, case-for-change score, explanations, suggested rewrites) and is what the
CLI, the HTTP API, the web page and the batch audit all call, so a score never differs
between them. `explain` reads explanations off the linear models' weights; `suggest`
proposes rewrites. This layer reads `model`, `text` and the base modules.
"""
