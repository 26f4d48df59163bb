# The developer's commands. `make help` lists them. `make demo` and `make test` set up
# everything they need from nothing: a .venv in the checkout, the pinned Python packages and
# a release build of the Rust extension.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-stamp
EXT := $(VENV)/.ext-stamp
RUST_SOURCES := $(shell find rust_src -name '*.rs') Cargo.toml setup.py
# `release` (fat LTO) for tests, demos, benchmarks and wheels; `make dev` uses `fast`.
PROFILE ?= release

.DEFAULT_GOAL := all
.PHONY: all help venv build dev demo wheel test test-rust test-python lint format docs docs-serve browser bench fuzz fuzz-smoke clean

all: format build lint test ## format, build, lint and test

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(DEPS): requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(DEPS) ## create .venv with the pinned build, test and lint packages

$(EXT): $(DEPS) $(RUST_SOURCES)
	SETUPTOOLS_RUST_CARGO_PROFILE=$(PROFILE) $(PY) -m pip install --quiet --no-build-isolation --no-deps -e .
	echo $(PROFILE) > $@

build: $(EXT) ## build the extension in place (release profile)

dev: ## rebuild the extension with the fast profile (no LTO) for the edit loop
	rm -f $(EXT)
	$(MAKE) build PROFILE=fast

demo: $(EXT) ## run the main job: stream the built-in sample through a few statistics
	$(PY) -m river.stats --every 500

# A release wheel (fat LTO) for Linux without Docker: cargo-zigbuild has zig link the extension
# against glibc 2.17 whatever this machine's glibc (tools/zigcargo), and auditwheel checks the
# symbols and tags the wheel manylinux2014. Another target, e.g. WHEEL_TARGET=aarch64-unknown-linux-gnu
# WHEEL_PLAT=manylinux2014_aarch64, or x86_64-unknown-linux-musl with musllinux_1_2_x86_64.
WHEEL_TARGET ?= x86_64-unknown-linux-gnu
WHEEL_PLAT ?= manylinux2014_x86_64
WHEEL_ARCH := $(firstword $(subst -, ,$(WHEEL_TARGET)))

wheel: $(DEPS) ## release wheel in dist/: manylinux2014 x86_64, abi3 cp310 (WHEEL_TARGET, WHEEL_PLAT)
	rustup target list --installed | grep -qx $(WHEEL_TARGET) || rustup target add $(WHEEL_TARGET)
	rm -rf build dist/raw dist/river-*-$(WHEEL_PLAT)*.whl && mkdir -p dist
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" CARGO="$(CURDIR)/tools/zigcargo" CARGO_BUILD_TARGET=$(WHEEL_TARGET) \
		CARGO_TARGET_DIR="$(CURDIR)/target/wheel" CARGO_ZIGBUILD_PYTHON_PATH="$(CURDIR)/$(PY)" \
		SETUPTOOLS_RUST_CARGO_PROFILE=release _PYTHON_HOST_PLATFORM=linux-$(WHEEL_ARCH) \
		$(PY) -m build --wheel --no-isolation --outdir dist/raw >dist/build-$(WHEEL_ARCH).log 2>&1 \
		|| { tail -n 40 dist/build-$(WHEEL_ARCH).log; exit 1; }
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m auditwheel repair --plat auto -w dist dist/raw/*.whl
	rm -rf build dist/raw
	@# auditwheel tags the wheel with the oldest platform its symbols allow; it must be WHEEL_PLAT.
	ls dist/river-*-$(WHEEL_PLAT)*.whl

test-rust: ## cargo test of the pure-Rust core, overflow checks and debug assertions on
	+cargo test --profile checked

# pytest's workers (pytest-xdist), one test file at a time each, so that a file's module-scoped
# build (the wheel, the documentation site, the LocalCluster) happens once.
PYTEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

test-python: $(EXT) browser ## pytest: unit, property, doctest, packaging and documentation site tests
	$(PY) -m pytest -n $(PYTEST_JOBS) --dist loadfile

# After the set-up, the four checks are independent: they run side by side so that the cores
# stay busy (cargo's single-threaded link steps, the fuzzer's one process), each one's output
# printed as a block when it ends. A failure in any fails `make test`.
test: $(EXT) ## everything, from nothing
	$(MAKE) --no-print-directory -j4 --output-sync=target lint test-rust test-python fuzz-smoke

lint: $(DEPS) $(EXT) ## rustfmt, clippy, ruff, stubtest and the typed usage under mypy and pyright
	cargo fmt --check
	+cargo clippy --profile fast --all-targets --features python -- -D warnings
	$(PY) -m ruff check river tests benchmarks typecheck docs
	$(PY) -m ruff format --check river tests benchmarks typecheck docs
	$(PY) -m mypy.stubtest river.stats._rust_stats
	$(PY) -m mypy --strict typecheck/usage.py
	PYRIGHT_PYTHON_IGNORE_WARNINGS=1 $(VENV)/bin/pyright --pythonpath $(PY)
	$(PY) typecheck/usage.py

# The documentation site (mkdocs.yml, docs/): the API pages are generated from the packages'
# __all__ at build time (docs/hooks.py). tests/test_docs_site.py builds it too and opens it in
# headless Chromium.
export NO_MKDOCS_2_WARNING := 1

docs: $(EXT) ## build the documentation site into site/ (mkdocs --strict: no broken link)
	$(PY) -m mkdocs build --strict --site-dir site

docs-serve: $(EXT) ## serve the documentation site with live reload at http://127.0.0.1:8000
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

# Debian's Chromium and its matching driver, for tests/test_docs_site.py. Installed with
# apt-get when missing and we are root (CI, a fresh machine); otherwise the test skips, except
# under CI=true, where it fails. CHROMIUM and CHROMEDRIVER may name other binaries.
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROMIUM CHROMEDRIVER
browser: ## headless Chromium and chromedriver from Debian's packages, if missing
	@if [ -x "$(CHROMIUM)" ] && [ -x "$(CHROMEDRIVER)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else echo "note: no $(CHROMIUM) or $(CHROMEDRIVER) and not root: the docs site browser test will skip"; fi

format: $(DEPS) ## apply rustfmt and ruff format
	cargo fmt
	$(PY) -m ruff format river tests benchmarks typecheck docs
	$(PY) -m ruff check --fix river tests benchmarks typecheck docs

bench: $(EXT) ## the benchmark suite against River, pandas, bottleneck and polars (ARGS=--full)
	$(PY) benchmarks/run.py $(ARGS)

FUZZ_SECONDS ?= 600
fuzz: $(EXT) ## fuzz the pickled-state decoders with cargo-fuzz (FUZZ_SECONDS=600)
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	$(PY) fuzz/seed_corpus.py
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O state_decoder -- \
		-max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 -malloc_limit_mb=256 -print_final_stats=1

# `make test`'s short fuzz run. The target is built with plain cargo and the flags cargo-fuzz
# would pass (coverage instrumentation, AddressSanitizer through RUSTC_BOOTSTRAP=1), because
# installing cargo-fuzz compiles it from source, minutes on a fresh machine. fuzz/Cargo.toml
# keeps overflow checks and debug assertions on. New inputs go to a scratch corpus under
# fuzz/target; the kept corpus (fuzz/corpus) is only read. It runs a set number of inputs
# (SMOKE_RUNS, about 45 s on an idle core) so that the work does not shrink when `make test`'s
# other parts share the cores, with SMOKE_SECONDS as a ceiling.
FUZZ_HOST = $(shell rustc -vV | sed -n 's/^host: //p')
FUZZ_RUSTFLAGS := -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
	-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
	-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Zsanitizer=address
SMOKE_RUNS ?= 450000
SMOKE_SECONDS ?= 240
fuzz-smoke: ## a short fuzz run of the state decoders (SMOKE_RUNS=450000), no cargo-fuzz needed
	+cd fuzz && RUSTC_BOOTSTRAP=1 RUSTFLAGS="$(FUZZ_RUSTFLAGS)" \
		cargo build --release --target $(FUZZ_HOST) --bin state_decoder
	mkdir -p fuzz/target/smoke-corpus fuzz/artifacts
	fuzz/target/$(FUZZ_HOST)/release/state_decoder fuzz/target/smoke-corpus fuzz/corpus/state_decoder \
		-runs=$(SMOKE_RUNS) -max_total_time=$(SMOKE_SECONDS) -rss_limit_mb=1024 -malloc_limit_mb=256 \
		-artifact_prefix=fuzz/artifacts/ -print_final_stats=1

clean: ## remove builds and the virtual environment
	rm -rf target build dist site $(VENV) river/stats/*.so
