"""The rewrite moves, one module per rubric target; importing this package registers them all.

Registration order is the order the moves run in and break ties by (see `score.py`), so the
modules are imported in the order `ORDER` gives: the price of inaction, why change, the future
state. A new move goes in the module of its target, a new target in a module of its own here.
"""

import importlib

ORDER = ("price_of_inaction", "why_change", "future_state")

for _module in ORDER:
    importlib.import_module(f"{__name__}.{_module}")
