"""The rewrite frames, one module per rubric element; importing this package registers them all.

Each module holds, for each kind of target sentence (a feature, a result figure, a price, an
announcement), several frames that argue its element in different words: a document gets each
frame at most once, so three features in one piece read as three different arguments.
"""

import importlib

ORDER = ("why_change", "price_of_inaction", "future_state")

for _module in ORDER:
    importlib.import_module(f"{__name__}.{_module}")
