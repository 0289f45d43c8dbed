"""Which records make a file visible: the owners of files register here (docs/architecture.md).

`files` sits below every domain app and cannot import them. Each app whose records hold files
registers, in its AppConfig.ready(), one owner:

    registry.register("tasks.assignment", visible=assignment_files, back_url=assignment_back_url)

`visible(user)` returns a subquery (a values() queryset) of the attachment ids that user may see
through that app's records — a file is visible exactly when a record it belongs to is.
`back_url(attachment)` (optional) names the page a file belongs to, for the way back from a
refused download; it returns None when the file is not that owner's.
`files.selectors.attachments_visible(user)` is the union of every owner's `visible`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Owner:
    name: str
    visible: Callable
    back_url: Callable | None = None


_OWNERS: dict[str, Owner] = {}


def register(name: str, *, visible: Callable, back_url: Callable | None = None) -> None:
    """Add (or replace: registering twice under one name is idempotent) an owner of files."""
    _OWNERS[name] = Owner(name, visible, back_url)


def owners() -> list[Owner]:
    """The registered owners, in the order they registered (the apps' order in INSTALLED_APPS)."""
    return list(_OWNERS.values())
