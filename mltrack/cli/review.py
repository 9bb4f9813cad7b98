"""``mltrack review``: spaced review of finished topics and courses (FSRS)."""

from datetime import date

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import DateType, choice_of, format_option, wants_json, width
from mltrack.core.vocabulary import ReviewRating


@click.command(cls=Command)
@click.argument("item", metavar="[ITEM", required=False)
@click.argument("rating", metavar="again|hard|good|easy]", required=False,
                type=choice_of(ReviewRating))  # fmt: skip
@click.option("--enable", "enable", metavar="AREA|ITEM", help="Put a study area or item on review.")
@click.option("--disable", "disable", metavar="AREA|ITEM", help="Take it off review.")
@click.option(
    "--on",
    "on",
    type=DateType(),
    help="The date it happened: YYYY-MM-DD, today, yesterday or -Nd [default: today].",
)
@format_option("json")
@pass_app
def review(
    app: App,
    item: str | None,
    rating: str | None,
    enable: str | None,
    disable: str | None,
    on: date | None,
    output_format: str,
    as_json: bool,
) -> None:
    """List finished items due for review today, or record a review.

    Finished foundations fade. Put finished topics and courses on review, one by one or a
    whole study area at a time, and rate each review: again (forgotten), hard, good or easy.
    The next review is scheduled by FSRS (the Free Spaced Repetition Scheduler): the better
    you recall an item, the longer until it comes back. An item's own setting wins over its
    area's. Each review and each --enable/--disable is a journal entry (history, undo, amend).

    \b
    Examples:
      mltrack review --enable statistics        a whole study area
      mltrack review --enable python            one item
      mltrack review                            what is due today
      mltrack review python good                record a review
      mltrack review python hard --on yesterday
      mltrack review --disable python
    """
    chosen = [flag for flag, value in (("--enable", enable), ("--disable", disable)) if value]
    if len(chosen) > 1 or (chosen and item):
        raise click.UsageError("give either ITEM RATING, --enable or --disable, one at a time")
    if item is not None and rating is None:
        raise click.UsageError(f"say how the review went: mltrack review {item} "
                               "again|hard|good|easy")  # fmt: skip
    if on is not None and not (chosen or item):
        raise click.UsageError("--on dates a review or an --enable/--disable")
    if chosen:
        from mltrack.services.review import set_review

        with app.writer() as store:
            change = set_review(store, app.learner, enable or disable or "", bool(enable),
                                date.today(), on)  # fmt: skip
    elif item is not None and rating is not None:
        from mltrack.services.review import rate

        with app.writer() as store:
            change = rate(store, app.learner, item, ReviewRating(rating), date.today(), on)
    else:
        from mltrack.queries.review import review_list

        result = review_list(app.reader(), app.learner, app.learner_id(), date.today())
        if wants_json(output_format, as_json):
            from mltrack.render.review import review_json

            click.echo(review_json(result))
        else:
            from mltrack.render.review import review_text

            click.echo(review_text(result, width=width()))
        return
    from mltrack.render.review import review_change_text

    click.echo(review_change_text(change))
