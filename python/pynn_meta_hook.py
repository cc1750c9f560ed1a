"""
Makes Meta's PyNN backend importable as ``pyNN.meta`` without copying it into Debian's pyNN package.

Importing this module adds a finder to ``sys.meta_path`` that loads ``pyNN.meta`` (and its submodules) from the
``pyNN_meta`` folder next to this file. ``install.py`` writes a ``.pth`` file that imports it at start-up, so
``import pyNN.meta as sim`` works in every script. Run ``python3 pynn_meta_hook.py SCRIPT [ARGS...]`` to run one script
with the finder installed and no installation.
"""

import importlib.abc
import importlib.util
import os
import sys

_PACKAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyNN_meta")


class MetaBackendFinder(importlib.abc.MetaPathFinder):
    """Finds ``pyNN.meta`` in this repository's ``python/pyNN_meta`` folder."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "pyNN.meta":
            return None
        return importlib.util.spec_from_file_location(
            "pyNN.meta", os.path.join(_PACKAGE_DIR, "__init__.py"),
            submodule_search_locations=[_PACKAGE_DIR])


def install():
    """Adds the finder once."""
    if not any(isinstance(f, MetaBackendFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, MetaBackendFinder())


install()

if __name__ == "__main__":
    import runpy
    if len(sys.argv) < 2:
        sys.exit("usage: python3 pynn_meta_hook.py SCRIPT [ARGS...]")
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
