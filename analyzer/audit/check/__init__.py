"""`analyzer check`: drafts held to a floor in CI, like a prose linter, with findings on lines.

`config.py` reads the policy (`--min-score`, `--allow`) from `.analyzer.toml` or
`pyproject.toml`, the way linters do; `findings.py` turns a document's analysis into a verdict
and findings (its weakest sentences, where each missing question of a case for change belongs),
the plain records of which live in `verdict.py`;
`places.py` finds each sentence's line and column in the file as written, so an annotation
lands on the sentence and not on the file.
"""
