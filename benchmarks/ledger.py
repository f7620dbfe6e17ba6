"""Ledger throughput: signed appends on SQLite, and verification of a large ledger.

Measured side by side in one run, on a fresh SQLite ledger in a temporary directory:

* appends: one entry per transaction (``BEGIN IMMEDIATE``, head read, key check,
  RFC 8785 payload, SHA-256, Ed25519 signature, insert, commit), then the same entries
  in transactions of 100 (``append_many``, as ``record_assessment`` batches its three);
* verification of ``--entries`` entries (default 100,000): the whole chain, with
  signatures checked in worker processes (the default) and in one process.

* Merkle proofs (RFC 9162) at each of ``--proof-sizes`` tree sizes: the stored tree
  (``ledger_tree_nodes``, filled from synthetic leaves, since proofs read nothing
  else) in SQLite; inclusion and consistency proofs generated from it (database
  look-ups) and verified, with their size in hashes, which must grow as log2(n);
* checkpoint signing (C2SP signed note, from the real ledger: root look-up + Ed25519)
  and witness cosigning (log signature check, consistency proof check, cosignature,
  the witness's state file written and fsynced).

Targets (docs/performance.md): at least 1,000 signed appends/s, and verification of
100,000 entries in under 10 s.

    python benchmarks/ledger.py [--appends 3000] [--entries 100000]
        [--proof-sizes 1000,10000,100000,1000000] [--skip-chain] [--json]
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

from redline.ledger import merkle
from redline.ledger.chain import EntryKind
from redline.ledger.keys import Keyring, create_key
from redline.ledger.note import Checkpoint, Note, sign_note
from redline.ledger.store import Pending, make_engine, open_ledger
from redline.ledger.tree import TreeStore, computed_nodes, insert_nodes
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


def _per_call(fn: Any, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def proofs(sizes: list[int], samples: int = 200) -> list[dict[str, Any]]:
    """Proof size and time at each tree size, from a stored tree in SQLite."""
    import random

    from redline.ledger.tables import tree_nodes

    rows: list[dict[str, Any]] = []
    rng = random.Random(1)
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/tree.db")
            tree_nodes.create(engine)
            t0 = time.perf_counter()
            leaves = (merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(n))
            with engine.begin() as conn:
                batch: list[dict[str, object]] = []
                for level, idx, h in computed_nodes(leaves):
                    batch.append({"level": level, "idx": idx, "hash": h.hex()})
                    if len(batch) >= 50_000:
                        insert_nodes(conn, batch)
                        batch = []
                insert_nodes(conn, batch)
            build = time.perf_counter() - t0
            with engine.connect() as conn:
                tree = TreeStore(conn)
                root = tree.root(n)
                idx = [rng.randrange(n) for _ in range(samples)]
                olds = [rng.randrange(1, n) for _ in range(samples)]
                t0 = time.perf_counter()
                incl = [tree.inclusion(i, n) for i in idx]
                t_incl = (time.perf_counter() - t0) / samples
                t0 = time.perf_counter()
                cons = [(m, tree.consistency(m, n), tree.root(m)) for m in olds]
                t_cons = (time.perf_counter() - t0) / samples
            leaf_of = [merkle.leaf_hash(i.to_bytes(8, "big")) for i in idx]
            t0 = time.perf_counter()
            for i, leaf, p in zip(idx, leaf_of, incl, strict=True):
                merkle.verify_inclusion(i, n, leaf, p, root)
            v_incl = (time.perf_counter() - t0) / samples
            t0 = time.perf_counter()
            for m, p, r in cons:
                merkle.verify_consistency(m, n, r, root, p)
            v_cons = (time.perf_counter() - t0) / samples
            engine.dispose()
        rows.append({
            "size": n, "log2": (n - 1).bit_length(), "build_s": build,
            "inclusion_hashes_max": max(map(len, incl)),
            "inclusion_hashes_mean": sum(map(len, incl)) / samples,
            "consistency_hashes_max": max(len(p) for _, p, _ in cons),
            "consistency_hashes_mean": sum(len(p) for _, p, _ in cons) / samples,
            "inclusion_gen_ms": t_incl * 1e3, "inclusion_verify_ms": v_incl * 1e3,
            "consistency_gen_ms": t_cons * 1e3, "consistency_verify_ms": v_cons * 1e3,
        })  # fmt: skip
    return rows


def signing(n: int = 200) -> dict[str, Any]:
    """Checkpoints signed from a real ledger, and witness cosignatures, per second."""
    from redline.ledger.transparency import make_checkpoint
    from redline.ledger.witness import witness_cosign

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        keyring = Keyring(Path(tmp) / "keys")
        witness = keyring.create("witness", encrypt=False)
        with open_ledger(workspace=ws, url=f"sqlite:///{ws / 'ledger.db'}") as lg:
            key, _ = create_key(lg, "bench", keyring=keyring, encrypt=False)
            lg.append_many([Pending(EntryKind.REVIEW_COMMENT, _payload(i)) for i in range(999)],
                           key)  # fmt: skip
            t_cp = _per_call(lambda: make_checkpoint(lg, key), n)
        cp = Checkpoint("example.org/log", 1000, b"\x01" * 32)
        text = Note(cp.text(), (sign_note(cp.text(), cp.origin, key),)).encode()
        state = Path(tmp) / "state"
        t_w = _per_call(
            lambda: witness_cosign(text, log_key=key.public, key=witness, name="w",
                                   directory=state, proof=[], timestamp=int(time.time())),
            n,
        )  # fmt: skip
        t_sig = _per_call(lambda: sign_note(cp.text(), cp.origin, key), n * 10)
    return {
        "checkpoints_per_s": 1 / t_cp,
        "cosignatures_per_s": 1 / t_w,
        "note_signatures_per_s": 1 / t_sig,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=3000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--proof-sizes", default="1000,10000,100000")
    parser.add_argument("--skip-chain", action="store_true", help="Only proofs and signing.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    print("$ python " + " ".join(shlex.quote(a) for a in sys.argv), flush=True)
    sizes = [int(x) for x in args.proof_sizes.split(",") if x]
    prf = proofs(sizes)
    sig = signing()
    if args.json:
        r0 = {} if args.skip_chain else run(args.appends, args.entries)
        print(json.dumps({**r0, "proofs": prf, "signing": sig}, indent=2))
        return
    print("Merkle proofs from the stored tree (SQLite), mean of 200 random leaves / old sizes:")
    print(f"  {'size':>9} {'log2':>4}  {'incl hashes':>11} {'gen ms':>7} {'verify ms':>9}  "
          f"{'cons hashes':>11} {'gen ms':>7} {'verify ms':>9}  {'tree build s':>12}")  # fmt: skip
    for p in prf:
        print(
            f"  {p['size']:>9,} {p['log2']:>4}  {p['inclusion_hashes_max']:>5} max "
            f"{p['inclusion_hashes_mean']:>4.1f} {p['inclusion_gen_ms']:>7.3f} "
            f"{p['inclusion_verify_ms']:>9.3f}  {p['consistency_hashes_max']:>5} max "
            f"{p['consistency_hashes_mean']:>4.1f} {p['consistency_gen_ms']:>7.3f} "
            f"{p['consistency_verify_ms']:>9.3f}  {p['build_s']:>12.1f}"
        )
    print(
        f"checkpoints signed from the ledger: {sig['checkpoints_per_s']:.0f}/s; note "
        f"signatures alone: {sig['note_signatures_per_s']:.0f}/s; witness cosignatures "
        f"(checks + fsynced state): {sig['cosignatures_per_s']:.0f}/s"
    )
    if args.skip_chain:
        return
    r = run(args.appends, args.entries)
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
