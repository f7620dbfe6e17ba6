"""The ledger's commands: ``keys``, ``sign``, ``status``, ``verify``, ``attest``,
``verify-attestation`` and ``log``. Argument handling only; the work is in the library.

Every command prints an error as one line and exits 1; nothing is half-written
(files are written whole or not at all, entries are appended in one transaction).
"""

from __future__ import annotations

import json
import sys
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
from redline.ledger.log_commands import register as register_log

if TYPE_CHECKING:
    from redline.ledger.chain import Entry


# ----------------------------------------------------------------------- keys

keys_app = typer.Typer(
    name="keys",
    help="Signing keys: create, register, list, revoke, export.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@keys_app.command("create")
@_guard
def keys_create(
    name: Annotated[str, typer.Argument(help="Name of the key (also the signer's name).")],
    by: Annotated[
        str | None,
        typer.Option("--by", help="Your registered key that admits the new one to the ledger."),
    ] = None,
    encrypt: Annotated[
        bool | None,
        typer.Option(
            "--encrypt/--no-encrypt",
            help="Encrypt the key file with a passphrase ($REDLINE_KEY_PASSPHRASE, "
            "$REDLINE_KEY_PASSPHRASE_FD, or asked). Default: when one is set.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a private key (in your config directory, mode 0600) and register it.

    The first key of a ledger registers itself; later keys are admitted with --by.
    """
    from redline.ledger.keys import Keyring, create_key, not_registered_message

    kr = Keyring()
    with _ledger(create=True) as ledger:
        key, entry = create_key(ledger, name, by=by, keyring=kr, encrypt=encrypt)
        note = None if entry else not_registered_message(ledger, name)
    if as_json:
        _print_json(
            {
                "name": key.name,
                "key_id": key.key_id,
                "path": str(kr.path(name)),
                "registered_seq": entry.seq if entry else None,
            }
        )
        return
    out.print(f"created key {name} ({key.key_id[:12]}) at {kr.path(name)}", markup=False)
    if entry:
        how = "itself (bootstrap)" if entry.key_id == key.key_id else by
        out.print(f"registered in the ledger at entry {entry.seq}, signed by {how}", markup=False)
    else:
        err.print(f"note: {note}", markup=False)


@keys_app.command("register")
@_guard
def keys_register(
    name: Annotated[str, typer.Argument(help="Name to register the key under.")],
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help="PEM public key file; default: your local key NAME."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Your registered key that admits this one."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a public key in this ledger (someone else's, or your key in a new ledger)."""
    from redline.ledger.errors import LedgerError
    from redline.ledger.keys import Keyring, read_public_pem, register_key

    kr = Keyring()
    if public_key is not None and by is None:
        raise LedgerError(
            "--by is required with --public-key: a registered key of yours admits theirs "
            "(only the first key of a ledger registers itself)"
        )
    public = read_public_pem(public_key) if public_key else kr.load(name).public
    with _ledger(create=True) as ledger:
        signer = kr.load(by) if by else kr.load(name)
        entry = register_key(ledger, name, public, signer)
    if as_json:
        _print_json({"name": name, "key_id": entry.data()["key_id"], "registered_seq": entry.seq})
    else:
        out.print(f"registered {name} at entry {entry.seq}, signed by {signer.name}", markup=False)


@keys_app.command("list")
@_guard
def keys_list(as_json: JsonOpt = False) -> None:
    """Keys registered in this ledger (and your local keys that are not)."""
    from redline.ledger.errors import LedgerError
    from redline.ledger.keys import Keyring, list_keys

    try:
        with _ledger() as ledger:
            rows = list_keys(ledger)
    except LedgerError:
        kr = Keyring()
        rows = [
            {"name": n, "key_id": kr.load(n).key_id, "status": "not registered", "local": True}
            for n in kr.names()
        ]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        out.print("no keys; create one with: redline keys create NAME")
    for r in rows:
        where = f"entry {r['registered_seq']}" if r.get("registered_seq") else ""
        if r.get("revoked_seq"):
            where += f", revoked at entry {r['revoked_seq']}"
        local = "local" if r["local"] else ""
        out.print(
            f"{r['name']:<20} {r['key_id'][:12]}  {r['status']:<15} {local:<6} {where}",
            markup=False,
        )


@keys_app.command("revoke")
@_guard
def keys_revoke(
    name: Annotated[str, typer.Argument(help="The key to revoke.")],
    by: Annotated[
        str | None,
        typer.Option("--by", help="Your registered key that signs the revocation (default NAME)."),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for the record.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke a key: anything it signs after this entry is invalid."""
    from redline.ledger.keys import Keyring, revoke_key

    signer = Keyring().load(by or name)
    with _ledger() as ledger:
        entry = revoke_key(ledger, name, signer, reason)
    if as_json:
        _print_json({"name": name, "revoked_seq": entry.seq})
    else:
        out.print(f"revoked {name} at entry {entry.seq}", markup=False)


@keys_app.command("export")
@_guard
def keys_export(
    name: Annotated[str, typer.Argument(help="Your key.")],
    out_file: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """Print a key's public key (PEM), for verify-attestation and for admitting it."""
    from redline.ledger.keys import Keyring, public_pem

    pem = public_pem(Keyring().load(name).public)
    if out_file is None:
        sys.stdout.write(pem)
    else:
        atomic_write(out_file, pem)
        err.print(f"wrote {out_file}", markup=False)


# ------------------------------------------------------------------- sign-off


@_guard
def sign(
    decision_id: Annotated[str, typer.Argument(help="Decision id (or its first digits).")],
    role: Annotated[str, typer.Option("--role", help="The governance role you sign as.")],
    key: Annotated[str, typer.Option("--key", help="Your registered key.")],
    dissent: Annotated[
        str | None, typer.Option("--dissent", help="A written dissent, recorded with the sign-off.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Sign a recorded decision as one of the roles its governance requires."""
    from redline.ledger.keys import Keyring
    from redline.ledger.signoff import decision_status, sign_decision

    local = Keyring().load(key)
    with _ledger() as ledger:
        entry = sign_decision(ledger, decision_id, role, local, dissent)
        status = decision_status(ledger, entry.data()["decision"])
    if as_json:
        _print_json(
            {"seq": entry.seq, "hash": entry.hash, "status": status.model_dump(mode="json")}
        )
        return
    what = "with dissent " if dissent else ""
    waiting = (
        "final" if status.final else "not final: waiting for " + ", ".join(status.missing_roles)
    )
    out.print(
        f"signed decision {status.decision_id[:12]} as {role} {what}(entry {entry.seq}); {waiting}",
        markup=False,
    )


@_guard
def status(
    decision_id: Annotated[str, typer.Argument(help="Decision id (or its first digits).")],
    as_json: JsonOpt = False,
) -> None:
    """Sign-offs a decision requires, those present, any dissent, and whether it is final."""
    from redline.ledger.signoff import decision_status

    with _ledger() as ledger:
        st = decision_status(ledger, decision_id)
    if as_json:
        _print_json(st.model_dump(mode="json"))
        return
    fw = st.framework
    out.print(
        f"decision {st.decision_id[:12]} (entry {st.seq}, {st.time}) "
        f"{fw.get('organisation', '')} {fw.get('name', '')} {fw.get('version', '')}".rstrip(),
        markup=False,
    )
    for v in st.verdicts:
        out.print(f"  {v.action:<22} {v.verdict}", markup=False)
    if not st.required:
        out.print("required sign-offs: none", markup=False)
    else:
        out.print("required sign-offs:", markup=False)
    for r in st.required:
        mark = "[green]met    [/]" if r.met else "[red]missing[/]"
        roles = (" and " if r.rule == "all" else " or ").join(r.roles)
        out.print(f"  {mark} {roles}  ({', '.join(r.actions)}: {'; '.join(r.why)})")
    for s in st.sign_offs:
        out.print(f"  signed: {s.role} by {s.signer} at {s.time} (entry {s.seq})", markup=False)
        if s.dissent:
            out.print(f"    dissent: {s.dissent}", markup=False)
    if st.final:
        out.print("[green]final[/]")
    else:
        out.print(f"[yellow]not final[/]: waiting for {', '.join(st.missing_roles)}")


# --------------------------------------------------------------- verification


def _parse_anchor(value: str) -> tuple[int, str]:
    from redline.ledger.errors import LedgerError

    seq, sep, h = value.partition(":")
    if not sep or not seq.isdigit() or len(h) != 64:
        raise LedgerError(f"--anchor expects SEQ:HASH (64 hex digits), got {value!r}")
    return int(seq), h.lower()


EXIT_BROKEN = 1
EXIT_EVIDENCE_ALTERED = 3
EXIT_EVIDENCE_UNAVAILABLE = 4
EXIT_INCONSISTENT = 5
"""``redline verify``'s exit codes (docs/cli.md): 0 intact; 1 chain broken (or an
error); 3 evidence altered; 4 evidence unavailable on this machine, chain intact;
5 the ledger does not extend a checkpoint (rollback or fork)."""


@_guard
def verify(
    as_json: JsonOpt = False,
    anchor: Annotated[
        list[str] | None,
        typer.Option(
            "--anchor",
            help="SEQ:HASH of an entry published earlier; catches truncation and rewrites.",
        ),
    ] = None,
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoint",
            help="A checkpoint you kept (repeatable): the ledger must extend it (exit 5 if not).",
        ),
    ] = None,
    log_key: Annotated[
        Path | None,
        typer.Option(
            "--log-key", help="The log's public key (PEM): checkpoints must be signed by it."
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", help="NAME=PEM of a witness whose cosignature is required."),
    ] = None,
    skip_evidence: Annotated[
        bool, typer.Option("--skip-evidence", help="Do not check the evidence files.")
    ] = False,
) -> None:
    """Verify the whole ledger: hashes, links, sequence, signatures, keys and roster,
    the Merkle tree, evidence, and consistency with checkpoints you kept.

    Exit 0 intact; 1 chain broken; 3 evidence altered; 4 evidence not available on
    this machine (chain intact); 5 not consistent with a checkpoint (rollback, fork).
    """
    from redline.ledger.keys import read_public_pem
    from redline.ledger.transparency import Inconsistent, Trust, check_checkpoint
    from redline.ledger.verify import verify_ledger

    anchors = [_parse_anchor(a) for a in anchor or []]
    trust = Trust(
        log=read_public_pem(log_key) if log_key else None,
        witnesses=[_parse_witness(w) for w in witness or []],
    )
    checks: list[dict[str, Any]] = []
    inconsistent: str | None = None
    with _ledger() as ledger:
        report = verify_ledger(ledger, check_evidence=not skip_evidence, anchors=anchors)
        where = ledger.location
        evidence_root = ledger.evidence.root
        if report.problem is None:
            for cp_file in checkpoint or []:
                try:
                    data = cp_file.read_bytes()
                except OSError as exc:
                    from redline.ledger.errors import LedgerError

                    raise LedgerError(f"{cp_file}: {exc.strerror or exc}") from None
                try:
                    res = check_checkpoint(ledger, data, trust, str(cp_file))
                except Inconsistent as exc:
                    inconsistent = str(exc)
                    break
                checks.append({"file": str(cp_file), "size": res.checkpoint.size,
                               "current_size": res.current_size})  # fmt: skip
    status = "inconsistent" if inconsistent else report.status
    code = {
        "intact": 0,
        "broken": EXIT_BROKEN,
        "evidence_altered": EXIT_EVIDENCE_ALTERED,
        "evidence_unavailable": EXIT_EVIDENCE_UNAVAILABLE,
        "inconsistent": EXIT_INCONSISTENT,
    }[status]
    if as_json:
        _print_json({"ledger": where, **report.as_dict(), "status": status,
                     "checkpoints": checks, "inconsistent": inconsistent})  # fmt: skip
        raise typer.Exit(code)
    if report.problem is not None:
        what = "evidence ALTERED" if status == "evidence_altered" else "ledger BROKEN"
        err.print(f"{what} at entry {report.problem.seq}: {report.problem.message}",
                  markup=False)  # fmt: skip
        err.print(f"({report.entries} entries before it verify; ledger at {where})", markup=False)
        raise typer.Exit(code)
    head = f"head {report.head_seq} {report.head_hash}" if report.head_seq else "empty"
    out.print(
        f"ledger intact: {report.entries} entries, {head}; tree root {report.root_hash}; "
        f"{report.evidence_checked} evidence files checked ({where})",
        markup=False,
    )
    for c in checks:
        out.print(f"extends checkpoint {c['file']} (size {c['size']} -> {c['current_size']})",
                  markup=False)  # fmt: skip
    if inconsistent:
        err.print(f"NOT CONSISTENT with a checkpoint: {inconsistent}", markup=False)
    elif report.evidence_missing:
        seq, name, digest = report.evidence_missing[0]
        err.print(
            f"evidence UNAVAILABLE here: {len(report.evidence_missing)} evidence file(s) are "
            f"not in {evidence_root} (first: {name} {digest[:12]}, entry {seq}); the chain "
            "proves their digests, so this is not tampering: point REDLINE_EVIDENCE_DIR at "
            "the store they were recorded in, or run where it is",
            markup=False,
        )
    raise typer.Exit(code)


@_guard
def attest(
    decision_id: Annotated[str, typer.Argument(help="Decision id (or its first digits).")],
    key: Annotated[str, typer.Option("--key", help="Your registered key that signs it.")],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the envelope here instead of stdout.")
    ] = None,
) -> None:
    """Write an in-toto attestation (DSSE envelope) of a decision and its sign-offs."""
    from redline.ledger.attest import attest_decision
    from redline.ledger.keys import Keyring

    local = Keyring().load(key)
    with _ledger() as ledger:
        envelope = attest_decision(ledger, decision_id, local)
    text = json.dumps(envelope, indent=2) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        atomic_write(out_file, text)
        err.print(f"wrote {out_file}", markup=False)


@_guard
def verify_attestation(
    file: Annotated[Path, typer.Argument(help="Attestation (DSSE envelope JSON).")],
    key: Annotated[Path, typer.Option("--key", help="Signer's public key (PEM).")],
    artifact: Annotated[
        list[Path] | None,
        typer.Option("--artifact", help="A file that must be one of the subjects (repeatable)."),
    ] = None,
    log_key: Annotated[
        Path | None,
        typer.Option(
            "--log-key",
            help="The log's public key (PEM): also check that the "
            "decision is in the log, from the proof and checkpoint it carries.",
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", help="NAME=PEM of a witness whose cosignature is required."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Verify an attestation offline with the signer's public key. Exit 1 if invalid."""
    from redline.ledger.attest import verify_attestation as check
    from redline.ledger.errors import LedgerError
    from redline.ledger.keys import read_public_pem
    from redline.ledger.record import sha256_file

    public = read_public_pem(key)
    try:
        envelope = json.loads(file.read_bytes())
    except OSError as exc:
        raise LedgerError(f"{file}: {exc.strerror or exc}") from None
    except ValueError:
        raise LedgerError(f"{file}: not JSON") from None
    result = check(envelope, public)
    digests = {d for _, d in result.subjects}
    for a in artifact or []:
        if sha256_file(a) not in digests:
            raise LedgerError(f"{a} is not a subject of the attestation (digest not listed)")
    pred = result.statement["predicate"]
    in_log = None
    if log_key is not None:
        from redline.ledger.transparency import Trust, open_checkpoint, verify_inclusion_bundle

        t = pred.get("ledger", {}).get("transparency")
        if not isinstance(t, dict):
            raise LedgerError(
                f"{file}: carries no inclusion proof (attested before any checkpoint covered "
                "the decision); run redline checkpoint, then attest again"
            )
        trust = Trust(log=read_public_pem(log_key),
                      witnesses=[_parse_witness(w) for w in witness or []])  # fmt: skip
        cp = open_checkpoint(str(t.get("checkpoint", "")), trust, f"{file}: checkpoint")
        proven = verify_inclusion_bundle(t.get("inclusion", {}), cp)
        if proven.hash != pred.get("decision_id"):
            raise LedgerError(f"{file}: the inclusion proof is for another entry")
        in_log = {"origin": cp.origin, "tree_size": cp.size, "seq": proven.seq}
    if as_json:
        _print_json({"valid": True, "key_id": result.key_id, "statement": result.statement,
                     "in_log": in_log})  # fmt: skip
        return
    out.print(f"valid: signed by key {result.key_id[:12]}", markup=False)
    for name, digest in result.subjects:
        out.print(f"  subject {digest[:12]}  {name}", markup=False)
    for v in pred.get("decision", {}).get("verdicts", []):
        out.print(f"  {v.get('action', ''):<22} {v.get('verdict', '')}", markup=False)
    so = pred.get("sign_off", {})
    signers = ", ".join(f"{s['role']}={s['signer']}" for s in so.get("signatures", []))
    out.print(f"  sign-offs: {signers or 'none'}; final: {'yes' if so.get('final') else 'no'}",
              markup=False)  # fmt: skip
    for a in artifact or []:
        out.print(f"  artifact {a}: matches a subject", markup=False)
    if in_log is not None:
        out.print(f"  in the log {in_log['origin']} at size {in_log['tree_size']} "
                  f"(entry {in_log['seq']}): inclusion proof verifies", markup=False)  # fmt: skip


def _summary(e: Entry) -> str:
    d = e.data()
    if e.kind in ("key_registered", "key_revoked"):
        return f"{d.get('name')} {str(d.get('key_id'))[:12]}"
    if e.kind == "framework_adopted":
        f = d.get("framework", {})
        return f"{f.get('organisation')} {f.get('name')} {f.get('version')} ({d.get('file')})"
    if e.kind == "assessment_recorded":
        return f"{d.get('model', {}).get('name')} on {d.get('framework', {}).get('id')}"
    if e.kind == "decision_made":
        return (
            "decision "
            + e.hash[:12]
            + ": "
            + ", ".join(f"{v['action']}={v['verdict']}" for v in d.get("verdicts", []))
        )
    if e.kind == "sign_off":
        extra = " (dissent)" if d.get("dissent") else ""
        return f"{d.get('role')} on decision {str(d.get('decision'))[:12]}{extra}"
    if e.kind == "review_comment":
        return f"on {str(d.get('subject'))[:12]}: {str(d.get('text'))[:60]}"
    if e.kind == "incident_opened":
        return f"incident {e.hash[:12]}: {str(d.get('what'))[:60]}"
    if e.kind in ("incident_updated", "incident_closed"):
        text = d.get("reason") or d.get("note") or ", ".join(sorted(d.get("reported", {})))
        return f"incident {str(d.get('incident'))[:12]}: {str(text or '')[:60]}"
    if e.kind == "roster":
        roles = d.get("roles", {})
        bound = ", ".join(f"{r}: {len(k)} key(s)" for r, k in sorted(roles.items()))
        return f"{bound}; authority {', '.join(d.get('authority', []))}"
    if e.kind == "access_changed":
        return f"{d.get('change')} {d.get('account') or ''} {d.get('scope') or ''}".strip()
    return ""


@_guard
def log(
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only entries of this kind (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="The last N entries (0: all).")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List ledger entries (newest last): where to find decision ids."""
    from redline.ledger.chain import KINDS
    from redline.ledger.errors import LedgerError

    for k in kind or []:
        if k not in KINDS:
            raise LedgerError(f"unknown kind {k!r}; kinds: {', '.join(sorted(KINDS))}")
    with _ledger() as ledger:
        rows: deque[Entry] = deque(maxlen=limit if limit > 0 else None)
        rows.extend(ledger.entries(kinds=kind))
    if as_json:
        _print_json([e.as_dict() for e in rows])
        return
    for e in rows:
        out.print(
            f"{e.seq:>6} {e.time[:19]} {e.kind:<20} {e.actor:<16} {_summary(e)}", markup=False
        )


def register(app: typer.Typer) -> None:
    """Add the ledger's commands to the ``redline`` app."""
    app.add_typer(keys_app, name="keys")
    app.command("sign")(sign)
    app.command("status")(status)
    app.command("verify")(verify)
    app.command("attest")(attest)
    app.command("verify-attestation")(verify_attestation)
    app.command("log")(log)
    register_log(app)
