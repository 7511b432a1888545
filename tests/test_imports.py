"""Every module of the library imports on its own, whichever is imported first.

A library user may import ``ijw.xmlmap`` or ``ijw.store.context`` directly; a
circular import would only show in the order that user happens to choose.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import ijw

PROGRAM = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "ijw" or m.startswith("ijw.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def test_every_module_imports_first() -> None:
    names = sorted(m.name for m in pkgutil.walk_packages(ijw.__path__, "ijw.")
                   if not m.name.endswith("__main__"))  # that one runs the CLI
    assert "ijw.xmlmap" in names and "ijw.store.context" in names
    done = subprocess.run([sys.executable, "-c", PROGRAM, *names], capture_output=True,
                          text=True, timeout=300, check=True)
    assert done.stdout.strip() == ""
