# The two commands of the README: `make demo` runs the offline demo on the
# local backend; `make test` runs the tests.
GO ?= go
TRACE_HOME ?= $(CURDIR)/.demo-home

.PHONY: demo test build bench

build:
	$(GO) build -o bin/trace ./examples/trace

demo: build
	./bin/trace --home "$(TRACE_HOME)" doctor || true
	./bin/trace --home "$(TRACE_HOME)" demo

test:
	$(GO) test -race -count=1 -timeout 40m ./...

bench:
	$(GO) run ./bench
