#!/bin/sh
# Check the built app folder: it starts the window offscreen and renders the example project.
set -eu
APP=${1:-dist/studio/studio}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export QT_QPA_PLATFORM=offscreen STUDIO_DATA_DIR="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
"$APP" gui --help >/dev/null
timeout 120 "$APP" gui --quit-after 2
cp -r assets/examples/demo.studio "$WORK/demo.studio"
timeout 900 "$APP" render "$WORK/demo.studio" -o "$WORK/demo.mp4" --preset draft-360p
test -s "$WORK/demo.mp4"
echo "package OK: $(du -sh "$(dirname "$APP")" | cut -f1) app folder; rendered $(du -h "$WORK/demo.mp4" | cut -f1) demo.mp4"
