"""The HTTP service: a thin FastAPI layer over `Analyzer`, the feedback store and model reload.

`app` builds the application (`create_app`, middleware order, the page); `errors` holds
`ApiError` and the one error shape every response uses; `guard` checks keys, rate limits and
body sizes before a body is read; `metrics` counts requests; `deps` gives routes the analyzer,
the settings and the store; `reload` swaps models in every worker; `routes/` holds one module
per group of endpoints. Routes import what lies below them, never `app`. `web/` is the
writer's page, served as static files.
"""
