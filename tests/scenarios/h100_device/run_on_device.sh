#!/bin/bash
# Run bringup's host layers on a lent GPU machine and keep the run directory (probes/ holds every raw output).
# Usage on the device (repository root, wheels carried in build/devwheels): OUT=/dir bash <this file>
set -u
SITE=/tmp/bringup-site
python3 - "$SITE" build/devwheels <<'PY'
import sys, zipfile, pathlib
site, wheels = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
folder = wheels / f"cp{sys.version_info.major}{sys.version_info.minor}"  # pip download --python-version X.Y
if not folder.is_dir():
    sys.exit(f"no wheels for Python {sys.version.split()[0]} in {wheels}")
for whl in sorted(folder.glob("*.whl")):
    zipfile.ZipFile(whl).extractall(site)
print("python", sys.version.split()[0], "site", site)
PY
export PYTHONPATH="$SITE:$PWD"
python3 -m pytest suites/ --inventory tests/scenarios/h100_device/inventory --layers 1,2,6,11,12,13 \
  --reports-dir "$OUT/reports" --no-gate -p no:cacheprovider -q -rfEs 2>&1 | tail -60
tar -C "$OUT/reports" -czf "$OUT/run.tgz" . && rm -rf "$OUT/reports"
