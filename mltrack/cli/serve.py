"""``mltrack serve``: the pathway as a map to click, in the browser, on the same database."""

import click

from mltrack.cli.context import App, Command, pass_app


@click.command(cls=Command)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; one off this machine needs --token.")  # fmt: skip
@click.option("--token", metavar="TEXT",
              help="The secret every request must carry (required off loopback).")  # fmt: skip
@click.option("--open", "open_browser", is_flag=True, help="Open the page in your browser.")
@pass_app
def serve(app: App, port: int, host: str, token: str | None, open_browser: bool) -> None:
    """Show the pathway as a map in your browser, and change it there.

    Serves a local page: each item is a box on a layered map of the pathway (steps as
    columns, prerequisites as arrows), showing its status, the time you logged against its
    estimate and a certification's goal. Click a box (or Tab to it and press Enter) to see
    the item and mark it started, done, skipped or planned, log time or undo: every change
    goes to the same journal as the commands. The progress, stats and report pages show the
    same figures as the commands. Changes made in the terminal show on reload.

    The server listens on 127.0.0.1 only, answers only to its own address, and accepts a
    change only with the token in its own page's forms. Ctrl+C stops it.

    \b
    Examples:
      mltrack serve --open
      mltrack serve --port 9000
      mltrack serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"
    """
    from mltrack.web.server import serve as run

    app.prepare()
    run(app.db_file, app.learner, host, port, token, click.echo, open_browser)
