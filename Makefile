# SPDX-License-Identifier: Apache-2.0
# kconnect: a thin wrapper over cmake, ctest and pytest.
#
#   make / make build   build/ (-O2 -g, warnings are errors)
#   make check          everything CI runs: deps, build, unit tests, the same
#                       under ASan+UBSan, lint, fuzzing, then the e2e suite
#                       (with the fault suite) against a real Kafka broker and
#                       PostgreSQL, then the e2e suite again against the
#                       ASan+UBSan build of kconnect, then the differential
#                       suite against Apache Kafka Connect (make compat), then
#                       the Debian packages (make packaging; as root)
#   make soak           the long and high-volume e2e tests that make check
#                       leaves out (pytest marker soak), plain and under ASan,
#                       and the JVM/browser tests under ASan (asan_skip)
#   make quickstart     deps, build, then the quick start (scripts/quickstart)
#   make unit | asan | fuzz | e2e | e2e-asan | compat | lint | bench | format |
#        format-check | config-doc (regenerate docs/CONFIGURATION.md) |
#        config-doc-check
#   make install        build, then cmake --install build (PREFIX=/usr/local)
#   make deb            the Debian packages, into .. (dpkg-buildpackage -b)
#   make packaging      build, lint, install, run and remove the packages
#                       (tests/packaging/run; needs root, else skipped)
#   make clean          remove the build directories
#
# Knobs: JOBS=N, WERROR=ON|OFF, FUZZ_SECONDS=20, PYTEST_ARGS=..., CTEST_ARGS=...

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PREFIX       ?= /usr/local
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)
WERROR       ?= ON
FUZZ_SECONDS ?= 20
PYTEST_ARGS  ?=
CTEST_ARGS   ?=
CTEST        := ctest --output-on-failure --timeout 300 $(CTEST_ARGS)
CLANG_FORMAT ?= clang-format
FORMAT_DIRS  := src include tests/unit tests/fuzz tools

.PHONY: all build deps unit asan build-asan fuzz build-fuzz e2e e2e-asan e2e-asan-all soak e2e-known-failing compat check \
        quickstart bench lint format format-check config-doc config-doc-check \
        install deb packaging clean

all: build

deps:
	scripts/install-deps

build:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" -DKC_WERROR=$(WERROR) >/dev/null
	cmake --build build -j $(JOBS)

unit: build
	cd build && $(CTEST)

build-asan:
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
	    -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DKC_SANITIZE=ON -DKC_WERROR=$(WERROR) \
	    >/dev/null
	cmake --build build-asan -j $(JOBS)

asan: build-asan
	cd build-asan && \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(CTEST)

# libFuzzer needs clang. Warnings are enforced by the gcc builds; clang may
# warn differently, so -Werror is off here.
build-fuzz:
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug \
	    -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DKC_FUZZ=ON -DKC_BUILD_TESTS=OFF \
	    -DKC_WERROR=OFF >/dev/null
	cmake --build build-fuzz -j $(JOBS) --target kc_fuzz_all

# Each target runs FUZZ_SECONDS on a scratch corpus seeded from
# tests/fuzz/corpus/<name>/ (if any), with tests/fuzz/<name>.dict (if any).
fuzz: build-fuzz
	@targets=$$(ls tests/fuzz/fuzz_*.c 2>/dev/null || true); \
	if [ -z "$$targets" ]; then \
	    echo "fuzz: no tests/fuzz/fuzz_*.c targets yet; nothing to run"; \
	    exit 0; \
	fi; \
	ran=0; \
	for src in $$targets; do \
	    name=$$(basename $$src .c); \
	    bin=build-fuzz/fuzz/$$name; \
	    corpus=build-fuzz/corpus/$$name; \
	    mkdir -p $$corpus; \
	    args=(-max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	          -print_final_stats=1 -artifact_prefix=build-fuzz/$$name-); \
	    [ -f tests/fuzz/$$name.dict ] && args+=(-dict=tests/fuzz/$$name.dict); \
	    seeds=(); [ -d tests/fuzz/corpus/$$name ] && seeds+=(tests/fuzz/corpus/$$name); \
	    echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
	    if ! ASAN_OPTIONS=detect_leaks=1 $$bin "$${args[@]}" $$corpus "$${seeds[@]}" \
	        >build-fuzz/$$name.log 2>&1; then \
	        tail -n 60 build-fuzz/$$name.log; \
	        echo "fuzz: $$name FAILED (log: build-fuzz/$$name.log; crash input above)"; \
	        exit 1; \
	    fi; \
	    grep -E '^stat::number_of_executed_units' build-fuzz/$$name.log || true; \
	    ran=$$((ran + 1)); \
	done; \
	echo "fuzz: $$ran passed, 0 failed"

lint:
	scripts/lint

# docs/CONFIGURATION.md is generated from the config tables: regenerate it
# after changing a table, and check that the committed file is current.
config-doc: build
	build/kc_config_doc >docs/CONFIGURATION.md.tmp
	mv docs/CONFIGURATION.md.tmp docs/CONFIGURATION.md

config-doc-check: build
	@build/kc_config_doc | diff -u docs/CONFIGURATION.md - || \
	    { echo "config-doc-check: docs/CONFIGURATION.md is out of date; run make config-doc"; exit 1; }
	@echo "config-doc-check: docs/CONFIGURATION.md is current"

e2e: build
	scripts/e2e $(PYTEST_ARGS)

# The e2e suite against build-asan/kconnect: a sanitizer report (or a leak at
# exit) in any worker fails the test; reaches what the unit tests do not.
e2e-asan: build-asan
	scripts/e2e --asan $(PYTEST_ARGS)

# The whole e2e suite against the ASan build, the soak and asan_skip tests
# included (not part of make check).
e2e-asan-all: build-asan
	scripts/e2e --asan --all $(PYTEST_ARGS)

# What make check's e2e steps leave out, by pytest marker (pytest.ini): the
# soak tests (long runs, full volumes) against build/kconnect, then the soak
# and asan_skip tests (JVM, browser) against the ASan build. make check and
# make soak together run every e2e test plain and under ASan, except the
# known_failing ones.
soak: build build-asan
	scripts/e2e --soak $(PYTEST_ARGS)
	scripts/e2e --asan --soak $(PYTEST_ARGS)

# The e2e tests of capabilities whose issue is open and that fail on
# kconnect today (marker known_failing; docs/testing.md says why each).
e2e-known-failing: build
	scripts/e2e --known-failing $(PYTEST_ARGS)

# kconnect against Apache Kafka Connect on the same broker (docs/compat.md):
# every case of tests/compat/cases.py and a scripted REST session.
compat: build
	scripts/compat $(PYTEST_ARGS)

check: deps
	$(MAKE) --no-print-directory build
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory format-check
	$(MAKE) --no-print-directory config-doc-check
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory asan
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory e2e-asan
	$(MAKE) --no-print-directory compat
	$(if $(filter skip,$(KC_PACKAGING)),@echo "make check: packaging left out (KC_PACKAGING=skip)",KC_PACKAGING_STRICT=1 $(MAKE) --no-print-directory packaging)
	@echo "make check: all steps passed"

# PREFIX is read when build/ is configured: /etc files go to /etc only
# with PREFIX=/usr (GNUInstallDirs), so change it with a fresh build/.
install:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" -DKC_WERROR=$(WERROR) \
	    -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build build -j $(JOBS)
	cmake --install build

deb:
	dpkg-buildpackage -b -us -uc

packaging:
	tests/packaging/run

quickstart: deps
	$(MAKE) --no-print-directory build
	@if [ -x scripts/quickstart ]; then \
	    scripts/quickstart; \
	else \
	    echo "The quick start arrives with the standalone worker" \
	         "(scripts/quickstart is not there yet)."; \
	fi

bench: build
	bench/run

format:
	find $(FORMAT_DIRS) -name '*.[ch]' -print0 2>/dev/null | \
	    xargs -0 -r $(CLANG_FORMAT) -i --style=file

format-check:
	@find $(FORMAT_DIRS) -name '*.[ch]' -print0 2>/dev/null | \
	    xargs -0 -r $(CLANG_FORMAT) --dry-run --Werror --style=file || \
	    { echo "format-check: files above differ from clang-format; run make format"; exit 1; }
	@echo "format-check: clean"

clean:
	rm -rf build build-asan build-fuzz
