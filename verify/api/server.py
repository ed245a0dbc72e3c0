"""``python -m verify serve``: a local HTTP API over one index.

Routes: ``POST /check``, ``POST /judge``, ``POST /export``, ``GET /sources``, ``GET /health``,
and the OpenAPI docs (``/docs``, ``/redoc``, ``/openapi.json``, served without a CDN). The
verifier is loaded on the first request that needs it and shared by all; one request at a
time uses the models (they are CPU-bound, and one copy bounds the memory). Errors are
answered as ``{"detail": "one line"}``: 422 for a request that does not validate, 413/411
for a body that is too large or has no length, 503 when the index or a model cannot be
used, 500 (logged here, never a traceback in the body) for anything else.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Receive, Scope, Send

from index.embed import Embedder
from index.errors import CrosscheckError
from verify.api.schemas import (
    MAX_BODY_BYTES,
    CheckRequest,
    ExportFormat,
    ExportRequest,
    Health,
    JudgeRequest,
    SourceInfo,
)
from verify.errors import InvalidClaimError
from verify.judge.backends import Judge
from verify.models import Judgement, Report
from verify.settings import Settings
from verify.verifier import Verifier, cached, judge_pairs, nli_judge
from verify.workbench.export import claim_review, reports_csv, reports_json, reports_markdown

__all__ = ["LOCAL_HOSTS", "create_app", "serve"]

LOG = logging.getLogger(__name__)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8",
          "claimreview": "application/ld+json"}
_SUFFIX = {"json": "json", "csv": "csv", "md": "md", "claimreview": "jsonld"}


class _SharedJudge:
    """The server's one NLI judge, made on first use, so ``/sources`` and ``/health`` work without the model."""

    def __init__(self, make: Callable[[], Judge]) -> None:
        self._make = make
        self._judge: Judge | None = None
        self._lock = threading.Lock()

    def predict(self, pairs: list[tuple[str, str]]):
        with self._lock:
            if self._judge is None:
                self._judge = self._make()
        return self._judge.predict(pairs)


class _Service:
    """The verifier of ``settings.index_dir``, loaded once on first use (a failed load is retried next time)."""

    def __init__(self, settings: Settings, embedder: Embedder | None, judge: Judge | None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.judge = _SharedJudge((lambda: judge) if judge is not None
                                  else (lambda: cached(nli_judge(settings), settings)))
        self.busy = threading.Lock()
        """Held while a request uses the models."""
        self._verifier: Verifier | None = None
        self._lock = threading.Lock()

    def verifier(self) -> Verifier:
        with self._lock:
            if self._verifier is None:
                LOG.info("loading the index %s", self.settings.index_dir)
                self._verifier = Verifier.from_index(self.settings.index_dir, self.settings, embedder=self.embedder,
                                                     judge=self.judge)
            return self._verifier


class _BodyLimit:
    """Refuses a request body over ``limit`` bytes (413), or one of unknown length (411), before it is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = dict(scope["headers"])
            length = headers.get(b"content-length")
            problem = None
            if length is None and headers.get(b"transfer-encoding"):
                problem = 411, "send the body with a Content-Length header"
            elif length is not None and (not length.isdigit() or int(length) > self.limit):
                problem = 413, f"the request body is over {self.limit // 2**20} MiB; send fewer statements at once"
            if problem:
                await JSONResponse({"detail": problem[1]}, status_code=problem[0])(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _one_line(exc: RequestValidationError) -> str:
    """The first validation error as ``where: what``, e.g. ``claims: List should have at most 100 items``."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
    return " ".join((f"{where}: {message}" if where else message).split())


def create_app(settings: Settings | None = None, embedder: Embedder | None = None,
               judge: Judge | None = None) -> FastAPI:
    """The API over ``settings.index_dir``.

    Args:
        settings: Index, models and knobs. Defaults to ``Settings.from_env()``.
        embedder: Query embedder. Defaults to the one the index was built with.
        judge: NLI judge. Defaults to the model at ``settings.verifier_path`` (loaded on first use).

    Returns:
        The FastAPI application (serve it with uvicorn, or test it with ``fastapi.testclient.TestClient``).
    """
    service = _Service(settings or Settings.from_env(), embedder, judge)
    app = FastAPIOffline(title="Crosscheck", version="0.1.0",
                         description="Check statements against the documents of a local index, per source.")
    app.add_middleware(_BodyLimit, limit=MAX_BODY_BYTES)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _one_line(exc)}, status_code=422)

    @app.exception_handler(CrosscheckError)
    async def _refused(request: Request, exc: CrosscheckError) -> JSONResponse:
        status = 400 if isinstance(exc, InvalidClaimError) else 503  # else: the index or a model cannot be used
        return JSONResponse({"detail": " ".join(str(exc).split())}, status_code=status)

    @app.exception_handler(Exception)
    async def _failed(request: Request, exc: Exception) -> JSONResponse:
        LOG.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": f"internal error ({type(exc).__name__}); see the server's log"},
                            status_code=500)

    @app.post("/check", response_model=list[Report], summary="Check statements against every source (or some)")
    def check(request: CheckRequest) -> list[Report] | JSONResponse:
        """One report per claim, in order: the JSON ``verify check --format json`` prints.

        ``sources`` limits the check to those source ids (each listed when at most ``list_chosen``, 36,
        are chosen; else those with a relevant passage, the others counted); ``all_sources`` lists
        every source checked, not only those with a relevant passage.
        """
        verifier = service.verifier()
        if request.sources is not None:
            known = verifier.index.rows.source_ids
            if unknown := [s for s in dict.fromkeys(request.sources) if s not in known]:
                more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
                return JSONResponse({"detail": f"unknown source id {', '.join(map(repr, unknown[:3]))}{more}; "
                                               "GET /sources lists the index's sources"}, status_code=422)
        with service.busy:
            return verifier.check_many(request.all_claims, sources=request.sources, all_sources=request.all_sources)

    @app.post("/judge", response_model=list[Judgement], summary="Judge a claim against given passages")
    def judge_passages(request: JudgeRequest) -> list[Judgement]:
        """The verifier's reading (NLI and detectors) of the claim against each passage, in order."""
        with service.busy:
            return judge_pairs(service.judge, [(request.claim, p) for p in request.passages])

    @app.get("/sources", response_model=list[SourceInfo], summary="The sources of the index")
    def sources() -> list[SourceInfo]:
        index = service.verifier().index
        return [SourceInfo(**s.model_dump(include={"source_id", "title", "publisher", "date", "sentences", "url"}))
                for s in index.source_summaries()]

    @app.get("/health", response_model=Health, summary="What is served")
    def health() -> Health:
        verifier = service.verifier()
        manifest = verifier.index.manifest
        return Health(index=str(service.settings.index_dir), built_at=manifest.built_at, sources=manifest.sources,
                      sentences=manifest.sentences, embedding_model=manifest.embedding_model,
                      verifier_model=str(service.settings.verifier_path),
                      verifier_found=service.settings.verifier_path.exists())

    @app.post("/export", summary="Export checked statements",
              responses={200: {"content": {m.split(";")[0]: {} for m in _MEDIA.values()}}})
    def export(request: ExportRequest,
               format: Annotated[ExportFormat, Query(description="json, csv, md or claimreview")] = "json",
               ) -> Response:
        """The statements as JSON (with their reviews), CSV, a Markdown memo or ClaimReview JSON-LD.

        Each statement is a report as ``POST /check`` returns it, optionally with ``review``,
        ``sentence`` (as the draft writes it) and ``position`` (its number in the draft).
        """
        statements = request.statements
        text = {
            "json": lambda: reports_json(statements),
            "csv": lambda: reports_csv(statements),
            "md": lambda: reports_markdown(statements, title=request.title),
            "claimreview": lambda: claim_review(statements, author=request.author, appearance=request.appearance,
                                                url=request.url),
        }[format]()
        return Response(text, media_type=_MEDIA[format], headers={
            "Content-Disposition": f'attachment; filename="crosscheck.{_SUFFIX[format]}"'})

    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the API until interrupted.

    Args:
        settings: Index, models and knobs.
        host: Address to listen on. Defaults to 127.0.0.1 (this machine only).
        port: Port to listen on. Defaults to 8000.

    Returns:
        The exit code: 0 after a clean shutdown, 1 when the server could not start.

    Raises:
        CrosscheckError: The port is not a port number.
    """
    import uvicorn

    if not 0 < port < 65536:
        raise CrosscheckError(f"--port {port} is not a port number (1 to 65535)")
    if host not in LOCAL_HOSTS:
        LOG.warning("listening on %s: anyone who can reach it can use the API (there is no authentication)", host)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host=host, port=port, log_level="info"))
    server.run()
    return 0 if server.started else 1
