"""A package's public names imported on first use (PEP 562), shared by ``index`` and ``verify``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

__all__ = ["lazy_names"]


def lazy_names(package: str, homes: dict[str, list[str]],
               namespace: dict[str, object]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose public names load with their modules.

    Args:
        package: The package's name, for the error message.
        homes: Module -> the public names it defines.
        namespace: The package's ``globals()``: each name is kept there once imported.

    Returns:
        ``(__getattr__, __dir__)`` for the package to bind at module level.
    """
    home = {name: module for module, names in homes.items() for name in names}

    def getattr_(name: str) -> object:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home[name]), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted(set(namespace) | set(home))

    return getattr_, dir_
