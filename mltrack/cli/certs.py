"""``mltrack cert ...``: certification goals, their life-cycle, costs, due dates and calendar."""

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from mltrack.cli.context import App, Group, pass_app
from mltrack.cli.params import (
    AmountType,
    CurrencyType,
    DateType,
    DaysType,
    complete_item,
    format_option,
    output_option,
    styled,
    wants_json,
    width,
    write_output,
)

if TYPE_CHECKING:
    from pathlib import Path


cert_argument = click.argument("cert", metavar="CERT", shell_complete=complete_item)
on_option = click.option(
    "--on", type=DateType(), help="The date it happened: YYYY-MM-DD, today, yesterday or -Nd."
)


def cost_options(command: Any) -> Any:
    """``--cost`` and ``--currency``: what this step cost, summed in ``cert list``."""
    command = click.option(
        "--currency", type=CurrencyType(), help="ISO currency code of the cost, e.g. USD."
    )(command)
    return click.option("--cost", type=AmountType(), help="What it cost, e.g. 49 or 49.99.")(
        command
    )


@click.group(cls=Group)
def cert() -> None:
    """Track certification goals: target, enrolment, pass or fail, costs.

    CERT is a certification's slug, a unique slug prefix, or words from its title or
    provider. A goal goes planned -> enrolled -> passed (expired once its expiry date is
    past) or failed -> enrolled again; "cert drop" gives it up.

    \b
    Examples:
      mltrack cert goal stanford --by 2027-03-01
      mltrack cert enroll stanford --cost 49 --currency USD
      mltrack cert pass stanford --credential-id ABC123 --expires 2030-03-01
      mltrack cert due --within 60d
    """


@cert.command("list")
@format_option("json")
@pass_app
def list_(app: App, output_format: str, as_json: bool) -> None:
    """List certifications with your goals, their dates and costs.

    \b
    Examples:
      mltrack cert list
      mltrack cert list --json
    """
    from mltrack.queries.certs import cert_overview

    overview = cert_overview(app.reader(), app.learner_id())
    if wants_json(output_format, as_json):
        from mltrack.render.json import cert_overview_json

        click.echo(cert_overview_json(overview))
    else:
        from mltrack.render.terminal import certs_text

        click.echo(certs_text(overview, styled(), width=width()))


@cert.command()
@cert_argument
@click.option("--by", "by", type=DateType(), required=True, help="The date to pass it by.")
@pass_app
def goal(app: App, cert: str, by: date) -> None:
    """Aim to pass CERT by a date (revives a dropped or expired goal).

    \b
    Example:
      mltrack cert goal stanford-ml --by 2027-03-01
    """
    from mltrack.render.changes import cert_change_text
    from mltrack.services.certs import set_goal

    with app.writer() as store:
        change = set_goal(store, app.learner, cert, by, date.today())
    click.echo(cert_change_text(change))


@cert.command()
@cert_argument
@on_option
@cost_options
@pass_app
def enroll(app: App, cert: str, on: date | None, cost: int | None, currency: str | None) -> None:
    """Record enrolling in CERT's course or exam.

    \b
    Example:
      mltrack cert enroll ibm --on 2026-10-01 --cost 39 --currency USD
    """
    from mltrack.render.changes import cert_change_text
    from mltrack.services.certs import enroll as enroll_in
    from mltrack.services.certs import make_cost

    with app.writer() as store:
        change = enroll_in(store, app.learner, cert, on, make_cost(cost, currency), date.today())
    click.echo(cert_change_text(change))


@cert.command("pass")
@cert_argument
@on_option
@click.option("--credential-id", metavar="ID", help="The credential's identifier.")
@click.option("--url", metavar="URL", help="Where the credential can be checked.")
@click.option("--expires", type=DateType(), help="The date the credential expires.")
@cost_options
@pass_app
def pass_(
    app: App,
    cert: str,
    on: date | None,
    credential_id: str | None,
    url: str | None,
    expires: date | None,
    cost: int | None,
    currency: str | None,
) -> None:
    """Record passing CERT and mark its pathway item done.

    One change that "mltrack undo" reverts, goal and item together. Passing without a
    recorded enrolment records the enrolment on the same date.

    \b
    Example:
      mltrack cert pass stanford-ml --credential-id ABC123 --expires 2029-11-01
    """
    from mltrack.render.changes import cert_change_text
    from mltrack.services.certs import make_cost, pass_cert

    with app.writer() as store:
        change = pass_cert(
            store, app.learner, cert, date.today(), on, credential_id, url, expires,
            make_cost(cost, currency),
        )  # fmt: skip
    click.echo(cert_change_text(change))


@cert.command()
@cert_argument
@on_option
@cost_options
@pass_app
def fail(app: App, cert: str, on: date | None, cost: int | None, currency: str | None) -> None:
    """Record a failed attempt at CERT; enroll again for another.

    \b
    Example:
      mltrack cert fail jhu-data-science --on yesterday
    """
    from mltrack.render.changes import cert_change_text
    from mltrack.services.certs import fail as record_fail
    from mltrack.services.certs import make_cost

    with app.writer() as store:
        change = record_fail(store, app.learner, cert, on, make_cost(cost, currency), date.today())
    click.echo(cert_change_text(change))


@cert.command()
@cert_argument
@pass_app
def drop(app: App, cert: str) -> None:
    """Give up the goal for CERT.

    \b
    Example:
      mltrack cert drop udemy-ml-a-z
    """
    from mltrack.render.changes import cert_change_text
    from mltrack.services.certs import drop as drop_goal

    with app.writer() as store:
        change = drop_goal(store, app.learner, cert, date.today())
    click.echo(cert_change_text(change))


@cert.command()
@click.option(
    "--within",
    type=DaysType(),
    default=30,
    show_default="30d",
    help="How far ahead to look: 30d, 30 or 4w.",
)
@format_option("json")
@pass_app
def due(app: App, within: int, output_format: str, as_json: bool) -> None:
    """List goal targets and expiry dates that are near or past.

    \b
    Examples:
      mltrack cert due
      mltrack cert due --within 8w --json
    """
    from mltrack.queries.certs import cert_warnings

    warnings = cert_warnings(app.reader(), app.learner_id(), within)
    if wants_json(output_format, as_json):
        from mltrack.render.json import cert_due_json

        click.echo(cert_due_json(warnings, app.learner, within))
    else:
        from mltrack.render.terminal import cert_warnings_text

        click.echo(cert_warnings_text(warnings, width()) or f"Nothing due within {within} days.")


@cert.command()
@output_option
@pass_app
def ics(app: App, output: "Path | None") -> None:
    """Export target and expiry dates as an iCalendar file.

    \b
    Example:
      mltrack cert ics -o certifications.ics
    """
    from datetime import UTC, datetime

    from mltrack.queries.certs import cert_calendar
    from mltrack.render.ics import cert_calendar_ics

    dates = cert_calendar(app.reader(), app.learner_id())
    data = cert_calendar_ics(dates, app.learner, datetime.now(UTC))
    write_output(output, [data.decode("utf-8")])
    if output is not None:
        from mltrack.render.wording import items_text

        click.echo(f"wrote {items_text(len(dates), 'event')} to {output}", err=True)
