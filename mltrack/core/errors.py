"""The errors mltrack raises on purpose; the CLI turns each into one line and an exit code."""


class MltrackError(Exception):
    """An expected failure: reported as a message, never as a traceback (exit 1)."""

    exit_code = 1


class InputError(MltrackError):
    """The learner asked for something that cannot be (bad value, unknown name): exit 2."""

    exit_code = 2


class NotFoundError(InputError):
    """A name that matches nothing, or more than one thing; lists the closest matches."""

    def __init__(
        self,
        what: str,
        text: str,
        suggestions: list[str],
        ambiguous: bool = False,
        hint: str | None = None,
    ):
        self.suggestions = suggestions
        verb = "is ambiguous" if ambiguous else "not found"
        message = f"{what} {text!r} {verb}"
        if suggestions:
            label = "matches" if ambiguous else "did you mean"
            message += f"; {label}: {', '.join(suggestions)}"
        if hint:
            message += f"; {hint}"
        super().__init__(message)


class DatabaseError(MltrackError):
    """The database file cannot be used as it is (not mltrack's, newer, corrupt, unwritable)."""
