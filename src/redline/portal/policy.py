"""Who may use which route, per relation to a framework: the one statement of the
portal's authorisation model.

The routes enforce it on their own (``web.allow``, the scope checks of
:mod:`redline.portal.tenancy`); this table is what they are checked against. The
matrix test (tests/portal/test_portal_authz.py) requests every route as every
identity of two labs and an institute, on each framework, and compares the answers
with :data:`ROUTES`; the table in docs/security.md is rendered from the same data
(``python -m redline.portal.policy docs/security.md`` rewrites it, and a test fails
when it is stale).

A *relation* is an account's role together with how it stands to the framework the
request is about (the framework of the version, round or decision in the path).
Routes without such an object allow or refuse by role alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

# relation -> (column heading, words, account role or None)
RELATIONS: dict[str, tuple[str, str, str | None]] = {
    "anonymous": ("anon", "not signed in", None),
    "operator": ("op", "administrator of the portal (no organisation)", "admin"),
    "author": ("au", "author of F (holds F's author scope)", "author"),
    "lab-author": ("au·lab", "author in F's lab without F's author scope", "author"),
    "other-author": ("au·x", "author in another lab", "author"),
    "signatory": ("sig", "signatory of F (a signatory scope on F)", "signatory"),
    "other-signatory": ("sig·x", "signatory in another lab", "signatory"),
    "invited": ("rev", "reviewer invited to a round on F", "reviewer"),
    "body-invited": ("rev·body", "reviewer of a body invited to review F, not invited", "reviewer"),
    "not-invited": ("rev·x", "reviewer of a body not invited to review F", "reviewer"),
}

EVERYONE = frozenset(RELATIONS)
SIGNED_IN = EVERYONE - {"anonymous"}
AUTHORS = frozenset({"author", "lab-author", "other-author"})
REVIEWERS = frozenset({"invited", "body-invited", "not-invited"})
# Decisions on F: F's organisation, and the reviewing bodies invited to review F.
SEES_F_DECISIONS = frozenset({"author", "lab-author", "signatory", "invited", "body-invited"})

# (method, path) -> (what it is, the relations allowed). ``{..._id}`` of a version,
# round or decision makes the route framework-specific.
ROUTES: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("GET", "/"): ("home page", EVERYONE),
    ("GET", "/login"): ("sign-in form", EVERYONE),
    ("POST", "/login"): ("sign in", EVERYONE),
    ("POST", "/logout"): ("sign out", EVERYONE),
    # Between the two factors of a sign-in (only for the browser that passed the first).
    ("GET", "/login/second-factor"): ("second-factor form ‡", EVERYONE),
    ("POST", "/login/second-factor"): ("answer with a code ‡", EVERYONE),
    ("GET", "/login/enrol"): ("enrolment form at sign-in ‡", EVERYONE),
    ("POST", "/login/enrol"): ("enrol at sign-in ‡", EVERYONE),
    ("GET", "/login/oidc/{name}"): ("single sign-on: to the provider", EVERYONE),
    ("GET", "/login/oidc/{name}/callback"): ("single sign-on: back from it", EVERYONE),
    ("GET", "/account/second-factor"): ("my second factor", SIGNED_IN),
    ("GET", "/account/second-factor/enrol"): ("enrolment form", SIGNED_IN),
    ("POST", "/account/second-factor/enrol"): ("enrol a second factor", SIGNED_IN),
    ("POST", "/account/recovery-codes"): ("new recovery codes", SIGNED_IN),
    ("GET", "/admin/users"): ("accounts, organisations, scopes", frozenset({"operator"})),
    ("POST", "/admin/users"): ("add an account", frozenset({"operator"})),
    ("POST", "/admin/organisations"): ("add an organisation", frozenset({"operator"})),
    ("POST", "/admin/users/{user_id}/scopes"): ("grant a scope", frozenset({"operator"})),
    ("POST", "/admin/scopes/{scope_id}/revoke"): ("revoke a scope", frozenset({"operator"})),
    ("POST", "/admin/users/{user_id}/disable"): ("disable an account", frozenset({"operator"})),
    ("POST", "/admin/users/{user_id}/enable"): ("enable an account", frozenset({"operator"})),
    ("GET", "/frameworks"): ("my frameworks", AUTHORS),
    ("GET", "/frameworks/new"): ("upload form", AUTHORS),
    ("POST", "/frameworks"): ("record a new framework", AUTHORS),
    ("GET", "/frameworks/versions/{version_id}"): ("a version, its rounds and comments",
                                                   frozenset({"author"})),
    ("GET", "/frameworks/versions/{version_id}/edit"): ("revision form", frozenset({"author"})),
    ("POST", "/frameworks/versions/{version_id}/revise"): ("record a revision",
                                                          frozenset({"author"})),
    ("GET", "/frameworks/versions/{version_id}/diff"): ("diff against the reviewed version",
                                                       frozenset({"author"})),
    ("POST", "/frameworks/versions/{version_id}/rounds"): ("open a review round",
                                                          frozenset({"author"})),
    ("POST", "/rounds/{round_id}/invite"): ("invite reviewers", frozenset({"author"})),
    ("POST", "/frameworks/versions/{version_id}/publish"): ("publish", frozenset({"author"})),
    ("GET", "/reviews"): ("my review rounds", REVIEWERS),
    ("GET", "/reviews/{round_id}"): ("the round's trusted view and comments",
                                     frozenset({"invited"})),
    ("POST", "/reviews/{round_id}/comments"): ("comment", frozenset({"invited"})),
    ("POST", "/reviews/{round_id}/verdict"): ("verdict", frozenset({"invited"})),
    ("GET", "/decisions"): ("decisions list (only those visible)", SIGNED_IN),
    ("GET", "/decisions/{decision_id}"): ("a decision, sign-offs, dissent", SEES_F_DECISIONS),
    ("POST", "/decisions/{decision_id}/sign"): ("sign off", frozenset({"signatory"})),
    ("GET", "/incidents"): ("open incidents (only those visible)", SIGNED_IN),
    ("GET", "/public"): ("published versions", EVERYONE),
    ("GET", "/public/registry"): ("registry of signatories", EVERYONE),
    ("GET", "/site/{rel:path}"): ("public site", EVERYONE),
    ("GET", "/registry-site/{rel:path}"): ("registry site", EVERYONE),
    ("GET", "/static/{name}"): ("stylesheet", EVERYONE),
    ("GET", "/ledger/checkpoint"): ("latest checkpoint", SIGNED_IN),
    ("POST", "/ledger/cosignature"): ("hand back a cosignature", REVIEWERS),
    # The grader-labelling form (docs/graders.md): the operator assigns batches, each to one
    # reviewer, who alone sees and labels it (another reviewer's batch answers 404).
    ("GET", "/labelling"): ("labelling batches", frozenset({"operator"}) | REVIEWERS),
    ("POST", "/labelling"): ("assign a labelling batch", frozenset({"operator"})),
    ("GET", "/labelling/form"): ("label one's own batch", REVIEWERS),
    ("POST", "/labelling/form"): ("save labels", REVIEWERS),
    ("GET", "/labelling/download"): ("download labels", frozenset({"operator"}) | REVIEWERS),
}

FRAMEWORK_PARAMS = ("{version_id}", "{round_id}", "{decision_id}")
# Routes of a sign-in between its factors (marked ‡): open to everyone, they act only
# on the pending sign-in that the browser's cookie names; without one, a form sends
# to the sign-in and a post answers 401.
PENDING_SIGN_IN = frozenset(k for k, (what, _ok) in ROUTES.items() if what.endswith("‡"))


def is_framework_route(path: str) -> bool:
    return any(p in path for p in FRAMEWORK_PARAMS)


def allowed(method: str, path: str, relation: str) -> bool:
    return relation in ROUTES[(method, path)][1]


BEGIN = "<!-- policy table: generated from src/redline/portal/policy.py; do not edit -->"
END = "<!-- end of policy table -->"


def render() -> str:
    """The Markdown table of :data:`ROUTES` with its legend."""
    cols = list(RELATIONS)
    head = "| route | " + " | ".join(RELATIONS[c][0] for c in cols) + " |"
    rule = "|---|" + "|".join(":-:" for _ in cols) + "|"
    rows = []
    for (method, path), (what, ok) in ROUTES.items():
        mark = "F" if is_framework_route(path) else "✓"
        cells = " | ".join(mark if c in ok else "·" for c in cols)
        rows.append(f"| `{method} {path}` ({what}) | {cells} |")
    legend = [f"- **{RELATIONS[c][0]}**: {RELATIONS[c][1]}" for c in cols]
    notes = (
        "✓ allowed; F allowed on framework F's objects only (any other framework's "
        "version, round or decision answers 404, as one that does not exist); · refused "
        "(403, 404, or a redirect to the sign-in). ‡ a step of a sign-in between its "
        "two factors: it acts only on the pending sign-in named by the browser's cookie, "
        "which only the first factor (password or identity provider) sets; without one "
        "the form sends to the sign-in and a post answers 401."
    )
    return "\n".join([BEGIN, "", head, rule, *rows, "", notes, "", *legend, "", END])


def splice(document: str) -> str:
    """``document`` with its generated block replaced by :func:`render`."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + render() + document[end:]


def main(argv: list[str]) -> int:
    from redline._io import atomic_write

    if len(argv) != 1:
        print("usage: python -m redline.portal.policy docs/security.md", file=sys.stderr)
        return 1
    path = Path(argv[0])
    try:
        text = splice(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: {path}: {exc} (the file needs the policy table's markers)",
              file=sys.stderr)  # fmt: skip
        return 1
    atomic_write(path, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
