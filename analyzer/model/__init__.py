"""The trained classifier: its features, its training and evaluation, and its files on disk.

`pipeline` is the document model (features, calibrated logistic regression, selection),
`sentences` the sentence model, `signals` and `features` the feature branches (lexicons in
`lexicons/`), `fastpath` their NumPy inference, `rubric` the rubric settings tuned with it.
`train`, `tune`, `evaluate` and `corpus` make a model from the labeled corpus; `artifacts`
writes, verifies and loads model directories; `paths` says which directory is in service;
`registry` keeps versions and promotes one past the gate. `artifacts` never imports `registry`.
This layer reads `text` and the base modules, never the analysis, the audit or the service.
"""
