"""Batch audits: many documents from a content library, analyzed once each, into one folder.

`sources` reads a library lazily (folders, exports, WordPress, sitemaps over HTTP) into
`SourceDocument`s; `run` feeds them to worker processes and appends each result to
`results.jsonl` as it completes; `records` shapes a result line and `results.csv`;
`summary` and `report` turn the results into `summary.json` and `report.html`. This layer
reads `analysis`, `model`, `text` and the base modules, never the service or the feedback store.
"""
