"""A process that appends to a ledger, for the crash and concurrency tests.

    python ledger_writer.py crash KEY            append forever (until killed)
    python ledger_writer.py burst KEY N          wait for "go" on stdin, append N entries
    python ledger_writer.py open                 wait for "go", open (create, migrate)

The ledger is the one of $REDLINE_HOME / $REDLINE_DATABASE_URL; keys come from
$XDG_CONFIG_HOME. After each commit it prints "committed SEQ..." so the test knows
what must survive a kill.
"""

from __future__ import annotations

import itertools
import os
import sys

from redline.ledger.chain import EntryKind
from redline.ledger.keys import Keyring, signing_key
from redline.ledger.store import Pending, open_ledger


def _say(*words: object) -> None:
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def crash(key_name: str) -> None:
    ledger = open_ledger()
    key = signing_key(ledger, key_name)
    _say("ready")
    pid = os.getpid()
    for n in itertools.count():
        if n % 3 == 0:
            e = ledger.append(EntryKind.REVIEW_COMMENT, {"pid": pid, "n": n}, key)
            _say("committed", e.seq)
        elif n % 3 == 1:
            batch = f"{pid}-{n}"
            made = ledger.append_many(
                [
                    Pending(EntryKind.REVIEW_COMMENT, {"batch": batch, "i": i, "of": 3})
                    for i in range(3)
                ],
                key,
            )
            _say("committed", *(e.seq for e in made))
        else:
            digest = ledger.evidence.put_bytes(f"evidence {pid} {n} ".encode() * 2000)
            e = ledger.append(
                EntryKind.REVIEW_COMMENT,
                {"pid": pid, "n": n, "evidence": [{"name": f"e{n}", "sha256": digest}]},
                key,
            )
            _say("committed", e.seq)


def burst(key_name: str, count: int) -> None:
    ledger = open_ledger()
    key = Keyring().load(key_name)
    ledger.key_registry()  # warm up: connect and migrate before the start signal
    _say("ready")
    sys.stdin.readline()
    for i in range(count):
        ledger.append(EntryKind.REVIEW_COMMENT, {"writer": key_name, "i": i}, key)
    ledger.close()
    _say("done")


def open_only() -> None:
    _say("ready")
    sys.stdin.readline()
    with open_ledger() as ledger:
        _say("opened", ledger.count())


if __name__ == "__main__":
    if sys.argv[1] == "open":
        open_only()
    elif sys.argv[1] == "crash":
        crash(sys.argv[2])
    else:
        burst(sys.argv[2], int(sys.argv[3]))
