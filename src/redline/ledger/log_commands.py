"""The transparency-log commands: ``checkpoint``, ``proof``, ``witness``, ``roster``,
``verify-inclusion`` and ``verify-published``. Argument handling only.

Exit codes: 0 success; 1 an error (bad input, a proof or signature that does not
verify); 5 a rollback or fork (the log does not extend what was seen before).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from redline._io import atomic_write
from redline.ledger.cli_support import (
    JsonOpt,
    _guard,
    _ledger,
    _parse_witness,
    _print_json,
    err,
    out,
)


def _read(path: Path) -> bytes:
    from redline.ledger.errors import LedgerError

    try:
        return path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"{path}: {exc.strerror or exc}") from None


def _emit(text: str, out_file: Path | None) -> None:
    if out_file is None:
        sys.stdout.write(text)
    else:
        atomic_write(out_file, text)
        err.print(f"wrote {out_file}", markup=False)


# ---------------------------------------------------------------- checkpoint


@_guard
def checkpoint(
    key: Annotated[
        str | None, typer.Option("--key", help="Your registered key: the log's signing key.")
    ] = None,
    add: Annotated[
        Path | None,
        typer.Option("--add", help="Record the cosignatures of a checkpoint a witness returned."),
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write it here.")] = None,
) -> None:
    """Sign the log's current size and root hash as a C2SP checkpoint (signed note).

    With --add, record a witness-cosigned copy of a checkpoint instead.
    """
    from redline.ledger.errors import LedgerError
    from redline.ledger.keys import Keyring
    from redline.ledger.note import parse_checkpoint, parse_note
    from redline.ledger.transparency import (
        make_checkpoint,
        recorded_checkpoint,
        store_checkpoint,
    )

    with _ledger() as ledger:
        if add is not None:
            text = _read(add).decode("utf-8", "replace")
            store_checkpoint(ledger, text)
            size = parse_checkpoint(parse_note(text, str(add)).text, str(add)).size
            _emit(recorded_checkpoint(ledger, size) or text, out_file)
            return
        if key is None:
            raise LedgerError("--key is required: the registered key that signs checkpoints")
        text = make_checkpoint(ledger, Keyring().load(key))
    _emit(text, out_file)


# --------------------------------------------------------------------- proofs

proof_app = typer.Typer(
    name="proof", help="Merkle proofs (RFC 9162) from this ledger, as JSON.",
    no_args_is_help=True, rich_markup_mode=None,
)  # fmt: skip


def _seq_of(ledger: Any, ref: str) -> int:
    from redline.ledger.errors import LedgerError

    if ref.isdigit():
        return int(ref)
    found = ledger.by_hash_prefix(ref) if len(ref) >= 6 else []
    if len(found) != 1:
        raise LedgerError(f"{ref!r}: give an entry's sequence number or a unique hash prefix")
    return int(found[0].seq)


@proof_app.command("inclusion")
@_guard
def proof_inclusion(
    entry: Annotated[str, typer.Argument(help="Entry sequence number or hash (prefix).")],
    size: Annotated[
        int | None, typer.Option("--size", help="Tree size (default: the log now).")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write it here.")] = None,
) -> None:
    """The entry and its inclusion proof in the tree of the given size."""
    from redline.ledger.transparency import inclusion_bundle

    with _ledger() as ledger:
        bundle = inclusion_bundle(ledger, _seq_of(ledger, entry), size)
    _emit(json.dumps(bundle, indent=2) + "\n", out_file)


@proof_app.command("consistency")
@_guard
def proof_consistency(
    old: Annotated[int, typer.Argument(help="The earlier tree size.")],
    new: Annotated[int | None, typer.Argument(help="The later size (default: now).")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write it here.")] = None,
) -> None:
    """The proof that the tree of size NEW extends the tree of size OLD."""
    from redline.ledger.transparency import consistency_bundle

    with _ledger() as ledger:
        bundle = consistency_bundle(ledger, old, new)
    _emit(json.dumps(bundle, indent=2) + "\n", out_file)


# -------------------------------------------------------------------- witness

witness_app = typer.Typer(
    name="witness", help="Cosign checkpoints as a witness, after checking consistency.",
    no_args_is_help=True, rich_markup_mode=None,
)  # fmt: skip


@witness_app.command("cosign")
@_guard
def witness_cosign_cmd(
    checkpoint_file: Annotated[Path, typer.Argument(help="The log's signed checkpoint.")],
    key: Annotated[str, typer.Option("--key", help="Your (the witness's) key.")],
    log_key: Annotated[Path, typer.Option("--log-key", help="The log's public key (PEM).")],
    name: Annotated[
        str | None, typer.Option("--name", help="Your witness name (default: the key's name).")
    ] = None,
    proof: Annotated[
        Path | None,
        typer.Option("--proof", help="Consistency proof JSON from your last cosigned size."),
    ] = None,
    state: Annotated[
        Path | None, typer.Option("--state", help="Your witness state directory.")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write it here.")] = None,
) -> None:
    """Cosign a checkpoint (C2SP tlog-cosignature) if it extends the last one you
    cosigned for that log; refuse (exit 5) on a rollback or fork."""
    from redline.ledger.keys import Keyring, read_public_pem
    from redline.ledger.transparency import load_json, unb64
    from redline.ledger.witness import state_dir, witness_cosign

    hashes = None
    if proof is not None:
        doc = load_json(_read(proof), str(proof))
        items = doc.get("proof", []) if isinstance(doc, dict) else []
        hashes = [unb64(h, f"{proof}: a proof hash") for h in items]
    local = Keyring().load(key)
    text = witness_cosign(
        _read(checkpoint_file).decode("utf-8", "replace"),
        log_key=read_public_pem(log_key),
        key=local,
        name=name or local.name,
        directory=state or state_dir(),
        proof=hashes,
        timestamp=int(time.time()),
    )
    _emit(text, out_file)


# --------------------------------------------------------------------- roster

roster_app = typer.Typer(
    name="roster", help="Which keys may sign as which governance role.",
    no_args_is_help=True, rich_markup_mode=None,
)  # fmt: skip


@roster_app.command("set")
@_guard
def roster_set(
    bind: Annotated[list[str], typer.Option("--bind", help="ROLE=KEY_NAME (repeatable).")],
    authority: Annotated[
        list[str], typer.Option("--authority", help="A role that may change the roster.")
    ],
    key: Annotated[str, typer.Option("--key", help="Your key (an authority, or the admin).")],
    note: Annotated[str | None, typer.Option("--note", help="Why, for the record.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a new roster (the whole binding): rotation and revocation of roles."""
    from redline.ledger.keys import Keyring
    from redline.ledger.roster import parse_bindings, set_roster

    signer = Keyring().load(key)
    with _ledger() as ledger:
        entry = set_roster(ledger, parse_bindings(bind), authority, signer, note)
    if as_json:
        _print_json({"seq": entry.seq, "hash": entry.hash, "roster": entry.data()})
    else:
        out.print(f"roster recorded at entry {entry.seq}", markup=False)


@roster_app.command("show")
@_guard
def roster_show(as_json: JsonOpt = False) -> None:
    """The roster in force."""
    from redline.ledger.roster import current_roster

    with _ledger() as ledger:
        roster = current_roster(ledger)
        names = {k.key_id: k.name for k in ledger.key_registry().keys.values()}
    if as_json:
        _print_json(roster.as_dict() if roster else None)
        return
    if roster is None:
        out.print("no roster: any registered key may sign as any role", markup=False)
        return
    out.print(f"roster of entry {roster.seq}; authority: {', '.join(roster.authority)}",
              markup=False)  # fmt: skip
    for role, ids in sorted(roster.roles.items()):
        out.print(f"  {role}: {', '.join(names.get(i, i[:12]) for i in sorted(ids))}",
                  markup=False)  # fmt: skip


# ------------------------------------------------------------------- offline


def _offline_check(bundle_data: bytes, bundle_src: str, cp_data: bytes, cp_src: str,
                   log_key: Path, witness: list[str] | None) -> tuple[Any, Any]:  # fmt: skip
    from redline.ledger.errors import LedgerError
    from redline.ledger.keys import read_public_pem
    from redline.ledger.transparency import (
        Trust,
        load_json,
        open_checkpoint,
        verify_inclusion_bundle,
    )

    witnesses = [_parse_witness(w) for w in witness or []]
    cp = open_checkpoint(cp_data, Trust(log=read_public_pem(log_key), witnesses=witnesses),
                         cp_src)  # fmt: skip
    bundle = load_json(bundle_data, bundle_src)
    if not isinstance(bundle, dict):
        raise LedgerError(f"{bundle_src}: not an inclusion proof")
    return verify_inclusion_bundle(bundle, cp), cp


@_guard
def verify_inclusion(
    bundle: Annotated[Path, typer.Argument(help="Inclusion proof JSON (redline proof inclusion).")],
    checkpoint_file: Annotated[Path, typer.Option("--checkpoint", help="Signed checkpoint.")],
    log_key: Annotated[Path, typer.Option("--log-key", help="The log's public key (PEM).")],
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", help="NAME=PEM of a witness whose cosignature is required."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Offline: the entry is in the log the (cosigned) checkpoint commits to."""
    entry, cp = _offline_check(_read(bundle), str(bundle), _read(checkpoint_file),
                               str(checkpoint_file), log_key, witness)  # fmt: skip
    _report(entry, cp, witness, as_json)


def _report(entry: Any, cp: Any, witness: list[str] | None, as_json: bool) -> None:
    names = [w.partition("=")[0] for w in witness or []]
    if as_json:
        _print_json({"valid": True, "entry": entry.as_dict(), "origin": cp.origin,
                     "tree_size": cp.size, "witnesses": names})  # fmt: skip
        return
    out.print(
        f"valid: entry {entry.seq} ({entry.kind}, {entry.hash[:12]}) is in {cp.origin} at "
        f"size {cp.size}; log signature ok; cosigned by: {', '.join(names) or 'nobody checked'}",
        markup=False,
    )


@_guard
def verify_published(
    site: Annotated[Path, typer.Argument(help="The published site's directory.")],
    decision_id: Annotated[str, typer.Argument(help="Decision id (full hash or prefix).")],
    log_key: Annotated[Path, typer.Option("--log-key", help="The log's public key (PEM).")],
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", help="NAME=PEM of a witness whose cosignature is required."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Offline: a decision published on the static site is in the log, per the site's
    cosigned checkpoint (``ledger/checkpoint.txt``) and its inclusion proof."""
    from redline.ledger.errors import LedgerError

    proofs = site / "ledger" / "proofs"
    ref = decision_id.lower()
    if len(ref) < 6 or any(c not in "0123456789abcdef" for c in ref):
        raise LedgerError(f"{decision_id!r} is not a decision id (6 or more hex digits)")
    matches = sorted(proofs.glob(f"{ref}*.json"))
    if len(matches) != 1:
        raise LedgerError(f"{site}: no single published decision {decision_id} in {proofs}")
    cp_file = site / "ledger" / "checkpoint.txt"
    entry, cp = _offline_check(_read(matches[0]), str(matches[0]), _read(cp_file),
                               str(cp_file), log_key, witness)  # fmt: skip
    if entry.kind != "decision_made":
        raise LedgerError(f"{matches[0]}: the proven entry is a {entry.kind}, not a decision")
    _report(entry, cp, witness, as_json)


def register(app: typer.Typer) -> None:
    app.command("checkpoint")(checkpoint)
    app.add_typer(proof_app, name="proof")
    app.add_typer(witness_app, name="witness")
    app.add_typer(roster_app, name="roster")
    app.command("verify-inclusion")(verify_inclusion)
    app.command("verify-published")(verify_published)
