# Shorthands for the scripts; the scripts are what the README and CI use.
.PHONY: demo test bench lint
demo: ; scripts/demo
test: ; scripts/test
bench: ; scripts/bench
lint: ; scripts/test --collect-only -q >/dev/null
