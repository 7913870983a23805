#!/usr/bin/env bash
# The main job: set up, build, then initialise (if absent), validate and export a
# demo workspace in demo/, and list what was written.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh build
tool=build/glyphoxa-deploy
file "$tool"
if [ ! -f demo/values.yaml ]; then
    "$tool" -C demo init --topology shared --with-postgresql
fi
"$tool" -C demo validate
"$tool" -C demo export
echo "demo workspace: $(pwd)/demo"
