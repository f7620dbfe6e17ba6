"""Ledger throughput: signed appends on SQLite, and verification of a large ledger.

Measured side by side in one run, on a fresh SQLite ledger in a temporary directory:

* appends: one entry per transaction (``BEGIN IMMEDIATE``, head read, key check,
  RFC 8785 payload, SHA-256, Ed25519 signature, insert, commit), then the same entries
  in transactions of 100 (``append_many``, as ``record_assessment`` batches its three);
* verification of ``--entries`` entries (default 100,000): the whole chain, with
  signatures checked in worker processes (the default) and in one process.

Targets (docs/performance.md): at least 1,000 signed appends/s, and verification of
100,000 entries in under 10 s.

    python benchmarks/ledger.py [--appends 3000] [--entries 100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from redline.ledger.chain import EntryKind
from redline.ledger.keys import Keyring, create_key
from redline.ledger.store import Pending, open_ledger
from redline.ledger.verify import verify_ledger


def _cpu() -> float:
    self, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return self.ru_utime + self.ru_stime + children.ru_utime + children.ru_stime


def _payload(i: int) -> dict[str, Any]:
    # About the size of a sign-off or a review comment.
    return {"subject": f"{i:064x}", "text": f"review comment number {i}", "n": i}


def run(appends: int, entries: int) -> dict[str, Any]:
    out: dict[str, Any] = {"appends": appends, "entries": entries, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        keyring = Keyring(Path(tmp) / "keys")
        with open_ledger(workspace=ws, url=f"sqlite:///{ws / 'ledger.db'}") as lg:
            key, _ = create_key(lg, "bench", keyring=keyring)

            t0, c0 = time.perf_counter(), _cpu()
            for i in range(appends):
                lg.append(EntryKind.REVIEW_COMMENT, _payload(i), key)
            single = time.perf_counter() - t0
            out["append_single_per_s"] = appends / single
            out["append_single_per_cpu_s"] = appends / (_cpu() - c0)

            t0 = time.perf_counter()
            for start in range(0, appends, 100):
                lg.append_many(
                    [Pending(EntryKind.REVIEW_COMMENT, _payload(i))
                     for i in range(start, min(start + 100, appends))],
                    key,
                )  # fmt: skip
            batched = time.perf_counter() - t0
            out["append_batched_per_s"] = appends / batched

            t0 = time.perf_counter()
            remaining = entries - lg.count()
            while remaining > 0:
                n = min(1000, remaining)
                lg.append_many(
                    [Pending(EntryKind.REVIEW_COMMENT, _payload(i)) for i in range(n)], key
                )
                remaining -= n
            out["build_s"] = time.perf_counter() - t0
            out["ledger_entries"] = lg.count()

            for label, workers in (("verify_parallel", None), ("verify_one_process", 1)):
                t0, c0 = time.perf_counter(), _cpu()
                report = verify_ledger(lg, workers=workers)
                out[label + "_s"] = time.perf_counter() - t0
                # CPU seconds (this process and its workers): on a shared machine the
                # wall time depends on the neighbours, the CPU time much less.
                out[label + "_cpu_s"] = _cpu() - c0
                assert report.ok, report.problem
            out["db_bytes"] = (ws / "ledger.db").stat().st_size
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=3000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    print("$ python " + " ".join(shlex.quote(a) for a in sys.argv), flush=True)
    r = run(args.appends, args.entries)
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(
        f"appends, one per transaction: {r['append_single_per_s']:8.0f} entries/s "
        f"({r['append_single_per_cpu_s']:.0f} per CPU second; target >= 1,000/s)"
    )
    print(f"appends, 100 per transaction: {r['append_batched_per_s']:8.0f} entries/s")
    print(
        f"built a ledger of {r['ledger_entries']:,} entries in {r['build_s']:.1f} s "
        f"({r['db_bytes'] / 1e6:.0f} MB)"
    )
    for label, what in (("verify_parallel", f"{r['cpus']} worker processes"),
                        ("verify_one_process", "one process")):  # fmt: skip
        print(
            f"verify, {what + ':':<22} {r[label + '_s']:8.2f} s wall, "
            f"{r[label + '_cpu_s']:.2f} s CPU (target < 10 s)"
        )
    ratio = r["verify_one_process_s"] / r["verify_parallel_s"]
    print(f"  wall-time ratio one process / parallel: {ratio:.2f}")


if __name__ == "__main__":
    main()
