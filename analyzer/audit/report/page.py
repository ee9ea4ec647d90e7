"""What every page of a report shares: the head, its Content-Security-Policy, inline assets.

Each page is one self-contained file: styles inline, no request for anything (the policy's
`default-src 'none'`), and a script only where one is needed (the documents table), allowed by
its sha256 alone, so no markup that slipped through could ever run one.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files

from analyzer.audit.report.words import escape

#: The policy of a page without script; `policy()` adds a script's hash where one is inlined.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@cache
def asset(name: str) -> str:
    """A file shipped beside this module (a style sheet, the table script)."""
    return files("analyzer.audit.report").joinpath(name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(script: str | None = None) -> str:
    return CSP if script is None else f"{CSP}; script-src {script_hash(script)}"


def head(title: str, css: str, *, script: str | None = None) -> str:
    """The page up to `<body>`: charset, policy, no referrer, the title (escaped) and the styles."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{policy(script)}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>\n{css}</style>",
            "</head>",
            "<body>",
        ]
    )


def tail(script: str | None = None) -> str:
    """The end of a page, with its script last so the table it works on is already there."""
    return (f"<script>{script}</script>\n" if script else "") + "</body>\n</html>\n"
