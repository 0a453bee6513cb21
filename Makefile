# hookd: `make run` serves the repository's hookd.yaml; `make test` runs the whole test suite.
# Both install what they need first (Debian packages, with sudo when not root).

SWIFT ?= swift
CONFIG ?= debug

.PHONY: all deps test-deps build run test bench bench-lua bench-runs bench-rules bench-receipt bench-dispatch bench-reload screenshot clean

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	$(SWIFT) build -c $(CONFIG) --product hookd

# Serves the repository's hookd.yaml with the development secrets of examples/dev.env; in a second
# terminal: `.build/debug/hookd send examples/passage/data_available.json --source passage`.
run: build
	@set -a; . examples/dev.env; set +a; exec $$($(SWIFT) build -c $(CONFIG) --show-bin-path)/hookd serve --config hookd.yaml

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product hookd
	$(SWIFT) test --skip-build
	python3 Tests/Browser/status_page_smoke.py --hookd $$($(SWIFT) build --show-bin-path)/hookd

# Regenerates docs/status-page.png (the README's screenshot) with the browser smoke test.
screenshot: test-deps
	$(SWIFT) build --product hookd
	python3 Tests/Browser/status_page_smoke.py --hookd $$($(SWIFT) build --show-bin-path)/hookd --screenshot docs/status-page.png

# Benchmarks (release build); figures in README.md.
bench: bench-lua bench-runs bench-rules bench-receipt bench-dispatch bench-reload

bench-lua: deps
	$(SWIFT) run -c release hookd-bench

bench-runs: deps
	$(SWIFT) run -c release hookd-runpath-bench

# dry-run on the Passage example and check on 1,000 generated rules, whole process.
bench-rules: deps
	bench/rules-bench.sh

clean:
	rm -rf .build

# hookd serve under wrk (64 connections), against nginx + Lua in memory.
bench-receipt:
	bench/receipt-bench.sh

# The same load with a rule that returns at once matching every event: rule runs/s, queue drain time,
# acceptance-to-completion latency.
bench-dispatch:
	MODE=dispatch bench/receipt-bench.sh

# The same load with 1,000 generated rules and a SIGHUP every second: time to swap, failed requests,
# events/s during reloads against a quiet run.
bench-reload:
	MODE=reload bench/receipt-bench.sh
