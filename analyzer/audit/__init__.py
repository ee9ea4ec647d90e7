"""Batch audits: many documents from a content library, analyzed once each, into one folder.

`sources` reads a library lazily (folders, exports, WordPress, sitemaps over HTTP) into
`SourceDocument`s; `run` feeds them to worker processes and appends each result to
`results.jsonl` as it completes; `records` shapes a result line (`doctype` infers a missing
type, `identity` names a result to people) and `results` reads and writes the result files;
`summary`, `report` and `compare` turn the results into `summary.json`, `report.html`, a page
per document and `compare.json`, in one streaming pass; `outputs` keeps the output folder.
`check` holds drafts to a floor in CI, like a linter. This layer reads `analysis`, `model`,
`text` and the base modules, never the service or the feedback store.
"""
