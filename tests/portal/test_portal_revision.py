"""A revised framework version opened for review shows its weakenings first."""

from __future__ import annotations

from pathlib import Path

from portal_support import EXAMPLE, login, seed

from redline.portal.service import Portal


def test_reviewer_sees_weakenings_of_a_revision_first(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from redline.portal.app import create_app

    s = seed(tmp_path / "ws")
    text = EXAMPLE.read_text(encoding="utf-8")
    revised = text.replace('  version: "1.2"\n', '  version: "1.3"\n', 1).replace(
        'supersedes: "1.1"', 'supersedes: "1.2"', 1
    )
    # the revision drops usage monitoring from what internal deployment needs at bio-high
    revised = revised.replace(
        "          internal_deployment: [weights-security-l2, usage-monitoring]\n",
        "          internal_deployment: [weights-security-l2]\n",
        1,
    )
    p = Portal(s.settings)
    try:
        author = p.user_by_name("author")
        reviewer = p.user_by_name("reviewer")
        assert author is not None and reviewer is not None
        vid, loaded = p.upload_version(author, revised)
        assert vid is not None, [x.format() for x in loaded.problems]
        rid = p.open_round(author, vid, [reviewer.id])
        v = p.version(vid)
        assert v is not None
        rev = p.revision(v)
        assert rev is not None and rev.counts["weakening"] >= 1
        assert rev.changes[0].direction.value == "weakening"
        assert p.revision(p.version(s.ids["version"]) or {}) is None
    finally:
        p.close()
    client = TestClient(create_app(s.settings), base_url="http://127.0.0.1")
    login(client, "reviewer")
    html = client.get(f"/reviews/{rid}").text
    assert "What this version changed in the commitments" in html
    section = html.split('id="revision"', 1)[1].split("</section>", 1)[0]
    first_row = section.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert 'class="pill bad">weakening' in first_row
    assert "no longer requires usage-monitoring" in section
