# personal_shopper: the usual entry points. Pass extra arguments with ARGS=...,
# e.g. `make run ARGS=--workers=2`, `make test ARGS="-m addon"`.
.PHONY: setup run test lint bench cluster backup

setup:
	scripts/setup

run:
	scripts/run $(ARGS)

test:
	scripts/test $(ARGS)

lint:
	.venv/bin/pre-commit run -a

# On the tests' throw-away PostgreSQL cluster (scripts/lib.sh), like the tests.
bench:
	@test -f bench/run.py || { echo "bench/run.py does not exist yet" >&2; exit 1; }
	bash -c 'source scripts/lib.sh && pg_test_start && exec .venv/bin/python bench/run.py "$$@"' bench $(ARGS)

cluster:
	scripts/cluster $(ARGS)

backup:
	scripts/backup $(ARGS)
