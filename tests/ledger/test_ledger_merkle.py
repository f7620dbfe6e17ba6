"""RFC 9162 Merkle proofs and C2SP notes: published vectors, then properties.

Vectors:
* transparency-dev/merkle, ``proof/verify_test.go`` (commit 02194e9a): the eight
  leaves, the roots of sizes 1..8, inclusion proofs (1,8), (6,8), (3,3), (2,5) and
  consistency proofs (1,8), (6,8), (2,5), (6,7). They come from Certificate
  Transparency's C++ merkle_tree_test and are the vectors every RFC 6962/9162
  implementation is checked against. (Indices there are 1-based leaf numbers.)
* golang.org/x/mod/sumdb/note, ``note.go`` package example: the PeterNeumann key and
  signed note (Ed25519 is deterministic, so signing must reproduce it byte for byte).
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.ledger import merkle as M
from redline.ledger import note as N
from redline.ledger.rules import LocalKey

LEAVES = [bytes.fromhex(x) for x in
          ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
           "606162636465666768696a6b6c6d6e6f"]]  # fmt: skip
ROOTS = [bytes.fromhex(x) for x in [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]]  # fmt: skip
H = bytes.fromhex
INCLUSION = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
LH = [M.leaf_hash(d) for d in LEAVES]


def test_roots_match_the_published_vectors() -> None:
    assert M.root_of([]) == H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    for n in range(1, 9):
        assert M.root_of(LH[:n]) == ROOTS[n - 1]


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION)
def test_inclusion_vectors(leaf: int, size: int, proof: list[str]) -> None:
    want = [H(p) for p in proof]
    assert M.inclusion_proof(leaf - 1, size, M.memory_subtree(LH[:size])) == want
    M.verify_inclusion(leaf - 1, size, LH[leaf - 1], want, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_vectors(old: int, new: int, proof: list[str]) -> None:
    want = [H(p) for p in proof]
    assert M.consistency_proof(old, new, M.memory_subtree(LH[:new])) == want
    M.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], want)


def _flips(hs: list[bytes]) -> list[list[bytes]]:
    """Every single-bit change to every hash of ``hs``."""
    out = []
    for i, h in enumerate(hs):
        for bit in range(len(h) * 8):
            changed = bytearray(h)
            changed[bit // 8] ^= 1 << (bit % 8)
            out.append([*hs[:i], bytes(changed), *hs[i + 1 :]])
    return out


def _leaves(n: int) -> list[bytes]:
    return [M.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_every_inclusion_proof_verifies_and_every_bit_matters(case: tuple[int, int]) -> None:
    n, i = case
    leaves = _leaves(n)
    root = M.root_of(leaves)
    proof = M.inclusion_proof(i, n, M.memory_subtree(leaves))
    M.verify_inclusion(i, n, leaves[i], proof, root)
    assert len(proof) <= (n - 1).bit_length()
    for bad in _flips(proof):
        with pytest.raises(M.ProofError):
            M.verify_inclusion(i, n, leaves[i], bad, root)
    for [bad_root] in _flips([root]):
        with pytest.raises(M.ProofError):
            M.verify_inclusion(i, n, leaves[i], proof, bad_root)
    for [bad_leaf] in _flips([leaves[i]]):
        with pytest.raises(M.ProofError):
            M.verify_inclusion(i, n, bad_leaf, proof, root)
    if proof:
        with pytest.raises(M.ProofError):
            M.verify_inclusion(i, n, leaves[i], proof[:-1], root)
        with pytest.raises(M.ProofError):
            M.verify_inclusion(i, n, leaves[i], [*proof, root], root)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_every_consistency_proof_verifies_and_every_bit_matters(case: tuple[int, int]) -> None:
    m, n = case
    leaves = _leaves(n)
    old, new = M.root_of(leaves[:m]), M.root_of(leaves)
    proof = M.consistency_proof(m, n, M.memory_subtree(leaves))
    M.verify_consistency(m, n, old, new, proof)
    assert len(proof) <= 2 * (n - 1).bit_length()
    if m == n:
        return
    for bad in _flips(proof):
        with pytest.raises(M.ProofError):
            M.verify_consistency(m, n, old, new, bad)
    for [bad_old] in _flips([old]):
        with pytest.raises(M.ProofError):
            M.verify_consistency(m, n, bad_old, new, proof)
    for [bad_new] in _flips([new]):
        with pytest.raises(M.ProofError):
            M.verify_consistency(m, n, old, bad_new, proof)
    with pytest.raises(M.ProofError):
        M.verify_consistency(m, n, old, new, proof[:-1])


def test_a_log_that_shrinks_or_forks_is_refused() -> None:
    a, b = _leaves(10), _leaves(10)
    b[3] = M.leaf_hash(b"other")
    with pytest.raises(M.ProofError, match="backwards"):
        M.verify_consistency(10, 9, M.root_of(a), M.root_of(a[:9]), [])
    with pytest.raises(M.ProofError, match="fork"):
        M.verify_consistency(10, 10, M.root_of(a), M.root_of(b), [])
    proof = M.consistency_proof(10, 12, M.memory_subtree([*b, *_leaves(2)]))
    with pytest.raises(M.ProofError):
        M.verify_consistency(10, 12, M.root_of(a), M.root_of([*b, *_leaves(2)]), proof)


# ---------------------------------------------------------------- notes

GO_SEED = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"  # PRIVATE+KEY+PeterNeumann+c74f20a3+…
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIG = (
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
)
GO_NOTE = GO_TEXT + "\n\u2014 PeterNeumann " + GO_SIG + "\n"


def _go_key() -> LocalKey:
    raw = base64.b64decode(GO_SEED)
    assert raw[0] == N.ED25519
    return LocalKey("PeterNeumann", Ed25519PrivateKey.from_private_bytes(raw[1:]))


def test_signed_note_matches_go_sumdb_note_vector() -> None:
    key = _go_key()
    assert N.vkey("PeterNeumann", key.public) == GO_VKEY
    note = N.Note(GO_TEXT, (N.sign_note(GO_TEXT, "PeterNeumann", key),))
    assert note.encode() == GO_NOTE
    parsed = N.parse_note(GO_NOTE)
    N.verify_note_signature(parsed, "PeterNeumann", key.public)
    tampered = N.parse_note(GO_NOTE.replace("cryptography", "cryptographY"))
    with pytest.raises(N.NoteError):
        N.verify_note_signature(tampered, "PeterNeumann", key.public)


def test_checkpoint_round_trip_and_cosignature() -> None:
    log = LocalKey("log", Ed25519PrivateKey.generate())
    witness = LocalKey("w", Ed25519PrivateKey.generate())
    cp = N.Checkpoint("example.org/log", 20852163, ROOTS[7])
    note = N.Note(cp.text(), (N.sign_note(cp.text(), cp.origin, log),))
    cosigned = note.with_signature(N.cosign(note, "witness.example/w1", witness, 1679315147))
    again = N.parse_note(cosigned.encode())
    assert N.parse_checkpoint(again.text) == cp
    N.verify_note_signature(again, cp.origin, log.public)
    assert N.verify_cosignature(again, "witness.example/w1", witness.public) == 1679315147
    # The cosignature line is name, then base64 of key ID (4) + timestamp (8) + sig (64).
    line = cosigned.encode().splitlines()[-1]
    assert len(base64.b64decode(line.split(" ")[2])) == 76
    with pytest.raises(N.NoteError):
        N.verify_cosignature(again, "witness.example/w1", log.public)
    with pytest.raises(N.NoteError):
        N.parse_checkpoint("example.org/log\n007\n" + base64.b64encode(ROOTS[0]).decode() + "\n")


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 200), st.data())
def test_agrees_with_pymerkle_an_independent_implementation(n: int, data: st.DataObject) -> None:
    """pymerkle (PyPI, RFC 9162 hashing) builds the same roots and inclusion paths.

    Its proofs carry the leaf as the first path element and its own direction bits;
    the sibling hashes after it are RFC 9162's audit path.
    """
    import warnings

    from pymerkle import InmemoryTree

    entries = [i.to_bytes(4, "big") for i in range(n)]
    theirs = InmemoryTree(algorithm="sha256")
    for e in entries:
        theirs.append_entry(e)
    leaves = [M.leaf_hash(e) for e in entries]
    ours = M.memory_subtree(leaves)
    m = data.draw(st.integers(1, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert theirs.get_state(m) == M.root_of(leaves[:m]) == ours(0, m)
    i = data.draw(st.integers(0, n - 1))
    path = [bytes.fromhex(h) for h in theirs.prove_inclusion(i + 1, n).serialize()["path"]]
    assert path[0] == leaves[i] and path[1:] == M.inclusion_proof(i, n, ours)
