"""What a browser loads: the writer's page (`/`), its favicon, and the API's docs (`/docs`).

The docs are Swagger UI served from the `swagger-ui-bundle-v2` package rather than a CDN, so
they work offline and under the same Content-Security-Policy as the page (no inline script,
no request to another host). Open, like the page: only /v1/* needs a key.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from swagger_ui_bundle import swagger_ui_path

#: The page's own files, served under /static/.
WEB_DIR = Path(__file__).parent.parent / "web"
#: The only files of the Swagger UI package that are served, and their media types.
DOCS_ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}
#: Every path these routes answer, for the metrics' route labels (a bounded set).
PAGE_PATHS = ("/", "/docs", "/favicon.ico", *(f"/docs/assets/{name}" for name in DOCS_ASSETS))

router = APIRouter(include_in_schema=False)


@router.get("/")
async def page() -> FileResponse:
    """The writer's page: write or paste a draft, see it marked and scored as you type."""
    return FileResponse(WEB_DIR / "index.html", media_type="text/html")


@router.get("/docs")
async def docs() -> FileResponse:
    """Swagger UI for /openapi.json."""
    return FileResponse(WEB_DIR / "docs.html", media_type="text/html")


@router.get("/docs/assets/{name}")
async def docs_asset(name: str) -> FileResponse:
    media_type = DOCS_ASSETS.get(name)
    if media_type is None:
        raise HTTPException(404, f"no docs asset named {name!r}.")
    path = Path(str(swagger_ui_path)) / name
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    return FileResponse(WEB_DIR / "favicon.svg", media_type="image/svg+xml")
