# wokmanager: `make run` serves on 127.0.0.1:5000 with ./data/wokmanager.sqlite; `make test` runs every test.
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
CONFIG ?= debug
ARGS ?=
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: run build install uninstall test test-swift test-e2e screenshots crash-test soak fuzz test-fuzz bench bench-smoke docs deps deps-test deps-bench clean

run: deps
	$(SWIFT) build -c $(CONFIG) --product wokmanager
	./.build/$(CONFIG)/wokmanager serve $(ARGS)

build: deps
	$(SWIFT) build -c $(CONFIG)

# A release build installed by scripts/install.sh: PREFIX/bin/wokmanager (on PATH) starts the executable in
# PREFIX/lib/wokmanager, beside its page templates, with the static files of PREFIX/share/wokmanager/Public.
# DESTDIR is put in front of every path written, for packaging.
install: deps
	$(SWIFT) build -c release --product wokmanager
	scripts/install.sh .build/release "$(PREFIX)" "$(DESTDIR)"

uninstall:
	rm -rf "$(DESTDIR)$(PREFIX)/lib/wokmanager" "$(DESTDIR)$(PREFIX)/share/wokmanager"
	rm -f "$(DESTDIR)$(PREFIX)/bin/wokmanager"

# PostgreSQL tests run against a throwaway cluster (scripts/postgres.sh) when PostgreSQL is installed;
# in CI a missing server is a failure, locally the SQLite tests still run and the missing part is named.
# A cluster this run started is stopped, and its folder deleted, however the run ends (passed, failed or
# interrupted); one that was already running is left running.
test: deps-test
	@scripts/postgres.sh status 2>/dev/null && running=yes; \
	url=$$(scripts/postgres.sh start) || { \
	  if [ -n "$$CI" ]; then echo "CI needs PostgreSQL for the store tests" >&2; exit 1; fi; \
	  echo "PostgreSQL tests skipped: install PostgreSQL (sudo apt-get install postgresql) to run them"; }; \
	if [ -n "$$url" ]; then export WOKMANAGER_TEST_POSTGRES_URL=$$url; fi; \
	if [ -n "$$url" ] && [ -z "$$running" ]; then \
	  trap 'scripts/postgres.sh stop' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP; fi; \
	$(MAKE) --no-print-directory test-swift test-e2e test-fuzz

# Every Swift suite uses Swift Testing: --disable-xctest spares the empty XCTest run ("Executed 0 tests").
test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

# End-to-end tests over real sockets against the built executable (run after test-swift has built it).
test-e2e:
	WOKMANAGER_BIN=$(CURDIR)/.build/debug/wokmanager python3 -m pytest -q Tests/EndToEnd

# The README's picture of the status page, taken by the browser test in headless Chromium and written to docs/
# (`make test` writes it to a temporary folder, so the tree stays clean).
screenshots: deps-test
	$(SWIFT) build --product wokmanager
	WOKMANAGER_SCREENSHOT_DIR=$(CURDIR)/docs WOKMANAGER_BIN=$(CURDIR)/.build/debug/wokmanager \
	  python3 -m pytest -q Tests/EndToEnd/test_browser.py -k screenshot

# The crash test: SIGKILL at 20 random moments under load, then every acknowledged event stored in order
# and PRAGMA integrity_check ok (make test runs 5 kills). SEED=n replays the kill moments of a run.
crash-test: deps-test
	$(SWIFT) build --product wokmanager
	WOKMANAGER_BIN=$(CURDIR)/.build/debug/wokmanager python3 Tests/EndToEnd/crash_harness.py --kills 20 $(if $(SEED),--seed $(SEED))

# The long soak: 10,000 workers joining, heartbeating and leaving at a steady 400 events/s for SOAK_SECONDS
# (default 1800), then exact counts, zero errors and flat RSS (make test runs 60 s). It (re)builds and uses
# the release build when one exists, else the debug build (SOAK_CONFIG=debug|release chooses); SOAK_ARGS
# passes flags to scripts/soak.py.
SOAK_SECONDS ?= 1800
SOAK_CONFIG ?= $(if $(wildcard .build/release/wokmanager),release,debug)
SOAK_ARGS ?=
soak: deps
	$(SWIFT) build -c $(SOAK_CONFIG) --product wokmanager
	python3 scripts/soak.py --binary .build/$(SOAK_CONFIG)/wokmanager --seconds $(SOAK_SECONDS) $(SOAK_ARGS)

# Fuzzing with libFuzzer (scripts/fuzz.sh): the event decoder and the `at` parser, every answer checked against
# docs/api.md. `make fuzz` runs each target FUZZ_SECONDS (default 300); `make test-fuzz` is the bounded run for
# `make test` (150,000 inputs each from a fixed seed, as many on a fast machine as on a slow one; about a minute
# with the build). Inputs found go to .build-fuzz/corpus, not the repository;
# FUZZ_ARGS=--merge adds those with new coverage to Tests/Fuzz/corpus, FUZZ_ARGS=decoder runs one target.
FUZZ_SECONDS ?= 300
FUZZ_ARGS ?=
fuzz:
	scripts/fuzz.sh --seconds $(FUZZ_SECONDS) $(FUZZ_ARGS)

test-fuzz:
	FUZZ_SEED=20261129 scripts/fuzz.sh --seconds 180 --runs 150000

# The benchmark: a release build driven by wrk over loopback; writes bench/results/latest.json.
bench: deps-bench
	$(SWIFT) build -c release --product wokmanager
	python3 bench/run.py

# A few seconds per scenario against the debug build, so the scripts cannot rot (make test runs it too).
bench-smoke: deps-bench
	$(SWIFT) build --product wokmanager
	python3 bench/run.py --smoke --binary .build/debug/wokmanager --output /tmp/wokmanager-bench-smoke.json

# Rewrites the settings reference in docs/configuration.md (between its settings markers) from the table
# in Sources/wokmanager/Settings (`wokmanager serve --help-markdown`); a test fails when it is out of date.
docs: deps
	$(SWIFT) build --product wokmanager
	./.build/debug/wokmanager serve --help-markdown > .build/settings-reference.md
	awk -v table=.build/settings-reference.md \
	  '/<!-- settings:end/ { while ((getline line < table) > 0) print line } !skip { print } /<!-- settings:begin/ { skip = 1 } /<!-- settings:end/ { skip = 0; print }' \
	  docs/configuration.md > .build/configuration.md && mv .build/configuration.md docs/configuration.md

deps:
	@scripts/deps.sh build

deps-bench:
	@scripts/deps.sh bench

deps-test:
	@scripts/deps.sh test

clean:
	rm -rf .build .build-fuzz
