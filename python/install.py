"""
Installs ``pyNN.meta`` for /usr/bin/python3 without downloading anything: writes ``meta-pynn.pth`` into the user's
site-packages (or the folder given with ``--target``), which puts this folder on ``sys.path`` and installs the
``pyNN.meta`` finder at start-up. ``--uninstall`` removes the file. The package runs ``meta serve`` from the build of
this repository (``Cli/bin/Release/net10.0/Meta.Cli.dll``) unless ``META_CLI`` names another.
"""

import argparse
import os
import site
import sys

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--target", help="the site-packages folder (default: %s)" % site.getusersitepackages())
parser.add_argument("--uninstall", action="store_true")
args = parser.parse_args()
target = args.target or site.getusersitepackages()
path = os.path.join(target, "meta-pynn.pth")
if args.uninstall:
    if os.path.exists(path):
        os.remove(path)
    print("removed %s" % path)
    sys.exit(0)
os.makedirs(target, exist_ok=True)
with open(path, "w") as f:
    f.write(here + "\n")
    f.write("import pynn_meta_hook\n")
print("wrote %s: 'import pyNN.meta' now loads %s" % (path, os.path.join(here, "pyNN_meta")))
