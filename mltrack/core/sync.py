"""What a ``push`` or ``pull`` did: the result the sync service returns and renderers show."""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class SyncResult:
    """What one push or pull did (or, with ``dry_run``, would do)."""

    direction: str  # "push" or "pull"
    learner: str
    other: str  # the other database, as given
    sent: int
    received: int
    superseded: int  # entries newly marked superseded on the receiving side
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
