"""``mltrack seed``: reload the shipped pathway, or check seed files for errors."""

from pathlib import Path

import click

from mltrack.cli.context import App, Command, pass_app


@click.command(cls=Command)
@click.option(
    "--check",
    "check_dir",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[DIR]",
    help="Only validate the seed files (the shipped ones, or those in DIR); change nothing.",
)
@pass_app
def seed(app: App, check_dir: str | None) -> None:
    """Reload or check the pathway seed files.

    Reloading is safe: items are matched by slug, your progress is kept, and items that left
    the seed are marked retired, never deleted. mltrack reloads on its own when the shipped
    seed changes; this command forces it.

    \b
    Examples:
      mltrack seed --check            validate the shipped seed files
      mltrack seed --check ./seed     validate files you are editing
      mltrack seed                    reload the pathway into the database
    """
    from mltrack.formats.seed_format import load_seed

    if check_dir is not None:
        directory = Path(check_dir) if check_dir else None
        if directory is not None and not directory.is_dir():
            raise click.BadParameter(f"{check_dir} is not a directory", param_hint="--check")
        data = load_seed(directory)
        click.echo(f"seed ok: {len(data['step'])} steps, {len(data['area'])} areas, "
                   f"{len(data['item'])} items, {len(data['career'])} career facts")  # fmt: skip
        return
    from mltrack.services.migrate import reseed_database

    app.prepare()
    click.echo(f"seeded: {reseed_database(app.path)}")
