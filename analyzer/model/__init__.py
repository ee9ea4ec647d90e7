"""The trained classifier: its features, its training and evaluation, and its files on disk.

`pipeline` is the document model (features, a linear head, selection, length-balanced
weights), `calibration` its temperature, `abstain` when a document is shown as mixed,
`sentences` the sentence model, `signals` and `features` the feature branches (lexicons in
`lexicons/`), `fastpath` their NumPy inference, `rubric` how a sentence reads in context and
the rubric settings tuned with it. `train`, `tune`, `evaluate` and `corpus` make a model from
the labeled corpus; `artifacts` writes, verifies and loads model directories, `readme` and
`reliability` the README and the reliability diagram beside them; `paths` says which directory
is in service; `registry` keeps versions and promotes one past the gate. `artifacts` never
imports `registry`. This layer reads `text` and the base modules, never the analysis, the
audit or the service.
"""
