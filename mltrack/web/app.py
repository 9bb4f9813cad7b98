"""The web application of ``mltrack serve``: Starlette routes over the same queries, services,
journal and renderers as the CLI. Handlers parse the request and call one query or service,
as Click commands do; what a page shows is rendered by ``mltrack.render.pathmap``.

Safety of a server on the learner's own machine, each checked before any route runs:
- the ``Host`` header must name this server (a page elsewhere cannot reach it through DNS
  rebinding, a name that first resolves to the attacker and then to 127.0.0.1);
- every change is a POST carrying this process's token (CSRF); GET never changes anything;
- every response forbids loading anything from elsewhere (Content-Security-Policy);
- on a non-loopback address every request must carry the token (``?token=`` once, then a
  cookie): anyone on the network could otherwise read the page, and the token in its forms.
"""

import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from html import escape
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mltrack.core.errors import MltrackError
from mltrack.queries.reader import Reader, SqlAlchemyWriter, SqliteWriter
from mltrack.render import pathmap as pages
from mltrack.services.engines import open_reader, open_writer

TOKEN_FIELD = "token"
TOKEN_COOKIE = "mltrack_token"
FLASHES = 64  # messages kept for the page a change redirects to
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'"  # the report file's own policy
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with
    # our own forms, which _same_origin could not tell from another site's.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Settings:
    """What one server process knows: its database, learner, token and names."""

    def __init__(self, db_file: str, learner: str, token: str, hosts: set[str] | None,
                 require_token: bool = False) -> None:  # fmt: skip
        self.db_file = db_file
        self.learner = learner
        self.token = token
        # Accepted Host header values, lower case, with and without port (None: any, on a
        # wildcard address, where every request carries the token).
        self.hosts = hosts
        self.require_token = require_token  # every request, not only changes (non-loopback)
        self.flashes: OrderedDict[str, tuple[str, bool]] = OrderedDict()
        self.layouts: dict[Any, Any] = {}  # the map's layout by the pathway's shape

    def flash(self, text: str, refused: bool = False) -> str:
        key = secrets.token_hex(6)
        self.flashes[key] = (text, refused)
        while len(self.flashes) > FLASHES:
            self.flashes.popitem(last=False)
        return key


def host_allowed(host: str | None, hosts: set[str] | None) -> bool:
    """Whether a request's Host header names this server (DNS rebinding defence)."""
    return host is not None and (hosts is None or host.lower() in hosts)


class Guard:
    """ASGI middleware: the Host check, the token on every POST (and on every request off
    loopback), and the security headers on every response."""

    def __init__(self, app: Callable, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = None
        if not host_allowed(headers.get("host"), self.settings.hosts):
            refusal = (421, "refused: this server answers only to its own address")
        elif self.settings.require_token and not self._carries_token(scope, headers):
            refusal = (401, "refused: open the address with ?token=... as printed by mltrack serve")
        elif scope["method"] not in ("GET", "HEAD", "POST"):
            refusal = (405, "refused: method not allowed")
        elif scope["method"] == "POST" and not self._same_origin(headers):
            refusal = (403, "refused: the request came from another site")
        if refusal is not None:
            await _with_headers(PlainTextResponse(refusal[1], refusal[0]))(scope, receive, send)
            return

        async def send_secured(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()
                         if k.lower().encode() not in names]  # fmt: skip
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", pages.CSP.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_secured)

    def _carries_token(self, scope: Scope, headers: dict[str, str]) -> bool:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get(TOKEN_FIELD, [""])[0]
        cookies = dict(
            part.strip().split("=", 1) for part in headers.get("cookie", "").split(";")
            if "=" in part
        )  # fmt: skip
        return any(
            secrets.compare_digest(value.encode(), self.settings.token.encode())
            for value in (given, cookies.get(TOKEN_COOKIE, ""))
            if value
        )

    def _same_origin(self, headers: dict[str, str]) -> bool:
        """A browser names the page a POST comes from: it must be one of ours (or unnamed,
        as from a client that is not a browser; the token still has to match)."""
        origin = headers.get("origin")
        if origin is None or origin == "null":
            return origin is None
        bare = origin.split("://", 1)[-1].lower()
        return host_allowed(bare, self.settings.hosts) and bare == headers.get("host", "").lower()


def _with_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers[name] = value
    response.headers["Content-Security-Policy"] = pages.CSP
    return response


@contextmanager
def _reader(settings: Settings) -> Iterator[Reader]:
    """A reader on the database, a SQLite file or a server (``--db`` URL), as the CLI's."""
    reader = open_reader(settings.db_file)
    try:
        yield reader
    finally:
        reader.connection.close()  # type: ignore[attr-defined]


@contextmanager
def _writer(settings: Settings) -> Iterator[SqliteWriter | SqlAlchemyWriter]:
    """One write transaction, as a CLI write has (``App.writer``)."""
    with open_writer(settings.db_file) as store:
        yield store


def _learner_id(reader: Reader, settings: Settings) -> int:
    from mltrack.queries.lookup import learner_id

    return learner_id(reader, settings.learner)


async def _form(request: Request, settings: Settings) -> dict[str, str] | None:
    """The posted form's fields, or None when its token is missing or wrong (CSRF)."""
    body = (await request.body()).decode("utf-8", "replace")
    fields = {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}
    given = fields.get(TOKEN_FIELD, "")
    if not given or not secrets.compare_digest(given.encode(), settings.token.encode()):
        return None
    return fields


def _refused_token() -> Response:
    return _with_headers(PlainTextResponse("refused: missing or wrong token", 403))


def _back(settings: Settings, slug: str | None, text: str, refused: bool = False) -> Response:
    key = settings.flash(text, refused)
    where = f"/?item={quote(slug)}&msg={key}" if slug else f"/?msg={key}"
    return RedirectResponse(where, status_code=303)


def map_page(settings: Settings, selected: str | None, flash: tuple[str, bool] | None) -> str:
    """The map page (with ``selected``'s panel): shared by the route and the benchmark."""
    from mltrack.queries.pathmap import path_map
    from mltrack.queries.pathway import item_detail

    with _reader(settings) as reader, reader.snapshot():
        learner = _learner_id(reader, settings)
        data = path_map(reader, settings.learner, learner)
        detail = item_detail(reader, learner, selected) if selected else None
        notes = _notes(reader, learner, detail.slug) if detail else []
    shape = (tuple((e.item.slug, e.item.step_slug) for e in data.items), tuple(data.edges))
    layout = settings.layouts.get(shape)
    if layout is None:  # the layout depends on the pathway's shape only, not on statuses
        settings.layouts.clear()
        layout = settings.layouts[shape] = pages.map_layout(data)
    message, refused = flash if flash else (None, False)
    if detail is None:
        panel = pages.empty_panel()
        if message:
            panel += f'<p class="message" role="status">{escape(message)}</p>'
        chosen = None
    else:
        entry = next((e for e in data.items if e.item.slug == detail.slug), None)
        panel = pages.item_panel(detail, entry, settings.token, message, refused, notes)
        chosen = detail.slug
    body = pages.map_body(data, layout, chosen, panel)
    return pages.page("Map", body, settings.token, pages.completion_line(data),
                      focus_panel=flash is not None or detail is not None)  # fmt: skip


def _notes(reader: Reader, learner: int, slug: str) -> list:
    """The item's notes and links (``mltrack note``), oldest first."""
    from mltrack.queries.lookup import item_by_slug
    from mltrack.queries.notes import item_notes

    found = item_by_slug(reader, learner, slug)
    return [] if found is None else item_notes(reader, learner, found.id)


def _change(
    settings: Settings,
    slug: str | None,
    write: Callable[[Any], Any],
    said: Callable[[Any], tuple[str | None, str]],
) -> Response:
    """One change through the services, in a transaction of its own; back to the map with
    ``said(result)`` (the item to show, the line to print), or with the one-line refusal."""
    try:
        with _writer(settings) as store:
            result = write(store)
    except MltrackError as error:
        return _back(settings, slug, str(error), refused=True)
    return _back(settings, *said(result))


def build_app(settings: Settings) -> Callable:
    """The ASGI application: routes behind the Guard."""

    async def home(request: Request) -> Response:
        selected = request.query_params.get("item") or None
        flash = settings.flashes.get(request.query_params.get("msg", ""))
        try:
            html = map_page(settings, selected, flash)
        except MltrackError as error:
            return PlainTextResponse(f"Error: {error}", 400 if error.exit_code == 2 else 500)
        response = HTMLResponse(html)
        if settings.require_token and request.query_params.get(TOKEN_FIELD):
            response.set_cookie(TOKEN_COOKIE, settings.token, httponly=True, samesite="strict")
        return response

    async def change_status(request: Request) -> Response:
        fields = await _form(request, settings)
        if fields is None:
            return _refused_token()
        from mltrack.core.vocabulary import EventAction
        from mltrack.render.changes import change_text
        from mltrack.services.progress import change_status

        slug = request.path_params["slug"]
        action = fields.get("action", "")
        if action not in {a.value for a in EventAction}:
            return _back(settings, slug, f"no such change: {action!r}", refused=True)
        note = fields.get("note", "").strip() or None
        return _change(
            settings, slug,
            lambda store: change_status(store, settings.learner, slug, EventAction(action),
                                        date.today(), None, note, None),
            lambda change: (change.slug, change_text(change)),
        )  # fmt: skip

    async def log_time(request: Request) -> Response:
        fields = await _form(request, settings)
        if fields is None:
            return _refused_token()
        from mltrack.core.dates import parse_duration
        from mltrack.render.changes import logged_session_text
        from mltrack.services.study import log_session

        slug = request.path_params["slug"]
        try:
            minutes = parse_duration(fields.get("duration", ""))
        except ValueError as error:
            return _back(settings, slug, str(error), refused=True)
        return _change(
            settings, slug,
            lambda store: log_session(store, settings.learner, minutes, date.today(), slug),
            lambda logged: (slug, logged_session_text(logged)),
        )  # fmt: skip

    async def add_note(request: Request) -> Response:
        fields = await _form(request, settings)
        if fields is None:
            return _refused_token()
        from mltrack.render.changes import annotated_text
        from mltrack.services.notes import add_note

        slug = request.path_params["slug"]
        text = fields.get("text", "")
        return _change(
            settings, slug,
            lambda store: add_note(store, settings.learner, slug, text, date.today()),
            lambda added: (slug, annotated_text(added)),
        )  # fmt: skip

    async def undo(request: Request) -> Response:
        fields = await _form(request, settings)
        if fields is None:
            return _refused_token()
        from mltrack.render.changes import change_text
        from mltrack.services.undo import undo_last

        def said(changes: list[Any]) -> tuple[str | None, str]:
            slug = next((c.slug for c in changes if getattr(c, "slug", None)), None)
            return slug, "undone: " + "; ".join(change_text(c) for c in changes)

        return _change(
            settings, None, lambda store: undo_last(store, settings.learner, date.today()), said
        )

    async def progress(request: Request) -> Response:
        from mltrack.queries.progress import DEFAULT_GROUPINGS, progress_report
        from mltrack.render.terminal import progress_text

        with _reader(settings) as reader:
            report = progress_report(reader, settings.learner, _learner_id(reader, settings),
                                     DEFAULT_GROUPINGS)  # fmt: skip
        text = progress_text(report, False, False, width=100)
        return _text_page(settings, "Progress", text)

    async def stats(request: Request) -> Response:
        from mltrack.queries.stats import stats_report
        from mltrack.render.terminal import stats_text

        with _reader(settings) as reader:
            report = stats_report(reader, settings.learner, _learner_id(reader, settings),
                                  date.today())  # fmt: skip
        return _text_page(settings, "Stats", stats_text(report, False, width=100))

    async def report(request: Request) -> Response:
        from mltrack.queries.report import report_data
        from mltrack.render.html import report_html

        with _reader(settings) as reader:
            data = report_data(reader, settings.learner, _learner_id(reader, settings))
        response = HTMLResponse(report_html(data))
        response.headers["Content-Security-Policy"] = REPORT_CSP
        return response

    async def style(request: Request) -> Response:
        return Response(pages.STYLE, media_type="text/css")

    async def script(request: Request) -> Response:
        return Response(pages.SCRIPT, media_type="text/javascript")

    routes = [
        Route("/", home),
        Route("/progress", progress),
        Route("/stats", stats),
        Route("/report", report),
        Route("/static/serve.css", style),
        Route("/static/serve.js", script),
        Route("/item/{slug}/status", change_status, methods=["POST"]),
        Route("/item/{slug}/log", log_time, methods=["POST"]),
        Route("/item/{slug}/note", add_note, methods=["POST"]),
        Route("/undo", undo, methods=["POST"]),
    ]
    return Guard(Starlette(routes=routes), settings)


def _text_page(settings: Settings, title: str, text: str) -> Response:
    body = pages.text_page_body(title, text)
    return HTMLResponse(pages.page(title, body, settings.token))


def new_token() -> str:
    """A per-process token for the forms (CSRF)."""
    return secrets.token_urlsafe(24)
