#!/usr/bin/env bash
# The one command to run on a GPU machine: every neural engine at full size with random weights, < 8 minutes.
#
#   tests/bench/gpu/run.sh                # full size on CUDA; figures as JSON lines in $OUT/gpu.jsonl (or tests/bench/results)
#   tests/bench/gpu/run.sh --tiny         # the same script on the CPU with tiny configs (tests/pipelines run it)
#   tests/bench/gpu/run.sh --only ltx,sv3d
#   tests/bench/gpu/run.sh --fetch        # on a machine with PyPI: download the wheels of wheels.txt into .whl/
#
# The GPU machine is bare (Python 3.12, torch, transformers; no diffusers, no torchsde, no trimesh, no network):
# the wheels listed in wheels.txt travel in .whl/ (git-ignored) and are installed with
# `pip install --no-index --no-deps --target .gpu-site`, each only if its module does not import already.
# Fetch them first, here:  tests/bench/gpu/run.sh --fetch   (pip download --no-deps --only-binary=:all:
# --python-version 3.12 --platform manylinux_2_28_x86_64 ...), then run with carry: [".whl"].
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
PY=${PYTHON:-python3}
WHEELS=$ROOT/.whl
SITE=$ROOT/.gpu-site
LIST=tests/bench/gpu/wheels.txt

if [[ "${1:-}" == "--fetch" ]]; then
    mkdir -p "$WHEELS"
    grep -v '^#' "$LIST" | awk 'NF {print $2}' | xargs "$PY" -m pip download --no-deps --only-binary=:all: \
        --python-version 3.12 --implementation cp --platform manylinux_2_28_x86_64 \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d "$WHEELS"
    du -sh "$WHEELS"
    exit 0
fi

# Install what is missing from the carried wheels (never from the network)
missing=()
while read -r module requirement; do
    [[ -z "$module" || "$module" == \#* ]] && continue
    if ! PYTHONPATH="$SITE:$ROOT" "$PY" -c "import $module" 2>/dev/null; then
        name=${requirement%%==*}
        wheel=$(ls "$WHEELS"/"${name}"-*.whl "$WHEELS"/"${name^}"-*.whl 2>/dev/null | head -1 || true)
        if [[ -z "$wheel" ]]; then
            echo "missing $requirement and no wheel for it in $WHEELS (run tests/bench/gpu/run.sh --fetch where PyPI is reachable)" >&2
            exit 2
        fi
        missing+=("$wheel")
    fi
done < "$LIST"
if (( ${#missing[@]} )); then
    echo "installing into $SITE: ${missing[*]##*/}"
    "$PY" -m pip install --quiet --no-index --no-deps --target "$SITE" "${missing[@]}"
fi

export PYTHONPATH="$SITE:$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1
args=("$@")
if [[ " $* " == *" --tiny "* ]]; then
    exec timeout 1200 "$PY" -m tests.bench.gpu.bench_gpu "${args[@]}"  # a hang guard: about 1.5 min on 2 cores
fi
exec timeout 510 "$PY" -m tests.bench.gpu.bench_gpu "${args[@]}"
