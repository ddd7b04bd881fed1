# wokmanager: `make run` serves on 127.0.0.1:5000 with ./data/wokmanager.sqlite; `make test` runs every test.
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
CONFIG ?= debug
ARGS ?=

.PHONY: run build test test-swift test-e2e bench bench-smoke deps deps-test deps-bench clean

run: deps
	$(SWIFT) build -c $(CONFIG) --product wokmanager
	./.build/$(CONFIG)/wokmanager serve $(ARGS)

build: deps
	$(SWIFT) build -c $(CONFIG)

# PostgreSQL tests run against a throwaway cluster (scripts/postgres.sh) when PostgreSQL is installed;
# in CI a missing server is a failure, locally the SQLite tests still run and the missing part is named.
test: deps-test
	@url=$$(scripts/postgres.sh start) || { \
	  if [ -n "$$CI" ]; then echo "CI needs PostgreSQL for the store tests" >&2; exit 1; fi; \
	  echo "PostgreSQL tests skipped: install PostgreSQL (sudo apt-get install postgresql) to run them"; }; \
	if [ -n "$$url" ]; then export WOKMANAGER_TEST_POSTGRES_URL=$$url; fi; \
	$(MAKE) --no-print-directory test-swift test-e2e

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# End-to-end tests over real sockets against the built executable (run after test-swift has built it).
test-e2e:
	WOKMANAGER_BIN=$(CURDIR)/.build/debug/wokmanager python3 -m pytest -q Tests/EndToEnd

# The benchmark: a release build driven by wrk over loopback; writes bench/results/latest.json.
bench: deps-bench
	$(SWIFT) build -c release --product wokmanager
	python3 bench/run.py

# A few seconds per scenario against the debug build, so the scripts cannot rot (make test runs it too).
bench-smoke: deps-bench
	$(SWIFT) build --product wokmanager
	python3 bench/run.py --smoke --binary .build/debug/wokmanager --output /tmp/wokmanager-bench-smoke.json

deps:
	@scripts/deps.sh build

deps-bench:
	@scripts/deps.sh bench

deps-test:
	@scripts/deps.sh test

clean:
	rm -rf .build
