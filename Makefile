# personal_shopper: the usual entry points. Pass extra arguments with ARGS=...,
# e.g. `make run ARGS=--workers=2`, `make test ARGS="-m addon"`.
.PHONY: setup run test lint bench

setup:
	scripts/setup

run:
	scripts/run $(ARGS)

test:
	scripts/test $(ARGS)

lint:
	.venv/bin/pre-commit run -a

bench:
	@test -f bench/run.py || { echo "bench/run.py does not exist yet" >&2; exit 1; }
	.venv/bin/python bench/run.py $(ARGS)
