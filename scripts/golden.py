#!/usr/bin/python3
"""Regenerates every golden fixture in tests/fixtures from real PyTorch.

Run with Debian's PyTorch (apt-get install -y python3-torch):  npm run golden
Each scripts/golden/<area>.py defines main() and writes tests/fixtures/<area>.json;
the fixtures are committed, so the tests never need Python.
"""
import importlib.util
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
# appended, not prepended: the scripts are named after areas (random, trace) that are also stdlib
# modules torch imports; each script only needs `from _common import ...` from here
sys.path.append(str(here / "golden"))
only = set(sys.argv[1:])
for path in sorted((here / "golden").glob("*.py")):
    if path.name.startswith("_") or (only and path.stem not in only):
        continue
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main()
    print(f"golden: {path.stem} written")
