"""The resident worker: a background process that keeps a model loaded for `analyzer classify`,
`analyze` and `check`, the way `dmypy` or a language server keeps its state.

Importing scikit-learn and spaCy and unpickling the model take about 3 s; a worker pays that
once, and each later command hands it the texts it has already read over a Unix socket, prints
what the worker sends back and exits in a fraction of a second.

`place.py`: the private folder, its safety checks, and the key that names one worker per model
directory, manifest and code; `wire.py`: the size-bounded frames on the socket and the peer's
uid; `client.py`: finding or starting the worker (one at a time, under a lock) and falling
back to this process; `worker.py`: the detached process and its loop; `command.py`:
`analyzer resident status|stop`.
"""
