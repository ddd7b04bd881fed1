# wokmanager: `make run` serves on 127.0.0.1:5000 with ./data/wokmanager.sqlite; `make test` runs every test.
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
CONFIG ?= debug
ARGS ?=

.PHONY: run build test test-swift test-e2e deps deps-test clean

run: deps
	$(SWIFT) build -c $(CONFIG) --product wokmanager
	./.build/$(CONFIG)/wokmanager serve $(ARGS)

build: deps
	$(SWIFT) build -c $(CONFIG)

test: deps-test test-swift test-e2e

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# End-to-end tests over real sockets against the built executable (run after test-swift has built it).
test-e2e:
	WOKMANAGER_BIN=$(CURDIR)/.build/debug/wokmanager python3 -m pytest -q Tests/EndToEnd

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

clean:
	rm -rf .build
