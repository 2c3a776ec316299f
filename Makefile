# The two set-up commands: `make demo` (the main job) and `make test`. Each builds its own
# virtual environment in .venv on first use and installs everything, Debian packages included.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: demo test lint bench system-deps clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q -e '.[test,plot,dev]'
	@# PyTorch 2.13.0 CPU (the build on these machines) for parity tests; they skip when it is absent
	$(PIP) install -q torch==2.13.0 || echo "torch==2.13.0 not installable here: PyTorch parity tests will be skipped"
	touch $@

system-deps:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
	      || echo "could not install graphviz: graph rendering tests will be skipped"; \
	  else echo "graphviz's 'dot' is missing: install it (Debian: apt-get install graphviz; macOS: brew install graphviz)"; fi; }

# The main job: train an MLP on the bundled digits with the whole pipeline (see README). BLAS gets one
# thread: the model's matrices are small, and a second BLAS thread only contends with the Python engine.
demo: $(VENV)/.installed system-deps
	OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} $(PY) -m nn.train_digits --require-accuracy 0.95 $(ARGS)

test: $(VENV)/.installed system-deps
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: $(VENV)/.installed
	$(PY) -m benchmarks.speed

clean:
	rm -rf $(VENV)
