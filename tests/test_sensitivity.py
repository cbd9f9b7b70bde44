"""The sensitivity policy (README "Sensitive passages"), one test per rule.

``tapelog.archive.sensitivity`` is the only place that decides; every export and the
search results ask it. Rules are numbered as in that module's docstring.
"""

from __future__ import annotations

import pytest
from tapelog.archive.exports import export_dossier, export_markers, write_selects
from tapelog.archive.exports.common import Passage
from tapelog.archive.exports.timeline import read_back
from tapelog.archive.models import LinkSuggestion, Person, Tag
from tapelog.archive.sensitivity import (
    SensitiveMap,
    Sensitivity,
    accept_warning,
    flags_for,
    overlaps,
    person_flags,
    sensitive_spans,
)

from tests.conftest import run_cli
from tests.test_exports_sensitive import arch  # noqa: F401  (fixture)

MINOR = Person("P5", name="Liu Jingjun", role="child", cases=["C1"], flags=["minor"])


# -- rule 1: who ---------------------------------------------------------------------------


def test_rule1_only_known_flags_make_a_person_sensitive() -> None:
    assert person_flags(MINOR) == ["minor"]
    assert person_flags(Person("P1", flags=["vip", "off-record"])) == ["off-record"]
    assert person_flags(Person("P2", flags=["vip"])) == []


# -- rule 2: where ---------------------------------------------------------------------------


def test_rule2_tags_and_accepted_person_links_make_spans() -> None:
    tags = [
        Tag("t1", "m1", 14.0, 18.0, people=["P5"]),
        Tag("t2", "m1", 2.0, 3.0, cases=["C1"]),  # a case alone: not sensitive
        Tag("t3", "m1", 30.0, 32.0, people=["P1"], link_id="L9"),
    ]
    links = [
        LinkSuggestion("L1", "m2", 5.0, 6.0, "Jingjun", "person", "P5", 90, status="accepted"),
        LinkSuggestion("L2", "m2", 8.0, 9.0, "Jingjun", "person", "P5", 90),  # pending
        LinkSuggestion("L3", "m2", 10.0, 11.0, "Liu", "case", "C1", 90, status="accepted"),
    ]
    found = SensitiveMap.build([MINOR, Person("P1")], tags, links)
    assert found.as_dict() == {"m1": [(14.0, 18.0, ["minor"])], "m2": [(5.0, 6.0, ["minor"])]}
    assert found.people("m1", 14.0, 18.0) == ["P5"]


# -- rule 3: which passages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "sensitive"),
    [
        (13.8, 20.0, True),  # covers the 4 s span
        (17.8, 25.0, False),  # shares 0.2 s: less than min(1 s, half of 4 s)
        (10.0, 14.2, False),  # a reunion tag brushing the span by 0.2 s
        (10.0, 15.0, True),  # shares a whole second
        (0.0, 60.0, True),  # a long passage holding the whole span
        (16.0, 16.0, True),  # a marker point inside
        (18.0, 18.0, False),  # a point at its (exclusive) end
        (18.0, 22.0, False),  # touching
        (14.5, 14.8, True),  # a short passage inside
    ],
)
def test_rule3_a_passage_must_really_share_the_span(start, end, sensitive) -> None:
    spans = [(14.0, 18.0, ["minor"])]
    assert bool(flags_for(spans, start, end)) is sensitive
    assert overlaps(start, end, 14.0, 18.0) is sensitive


def test_rule3_short_spans_need_half_their_length() -> None:
    # A 0.4 s tag on a minor: 0.2 s shared is half of it.
    assert overlaps(10.0, 30.0, 12.0, 12.4)
    assert not overlaps(12.25, 30.0, 12.0, 12.4)


def test_rule3_the_reunion_marker_stays_beside_a_minor(arch, tmp_path) -> None:  # noqa: F811
    """Issue 10: one 4 s tag on a minor removed a reunion tag overlapping it by 0.2 s."""
    with arch.store.transaction():
        arch.store.table("tags").insert(Tag("t9", "m1", 10.0, 14.2, themes=["reunion"]).to_dict())
    out = tmp_path / "m1.fcp7"
    result = export_markers(arch, ["m1"], out, "fcp7")
    assert result.omitted == 2  # the no-release parent's and the minor's own tags
    names = {m.name for c in read_back(out, "fcp7").find_clips() for m in c.markers}
    assert "theme: reunion" in names


def test_search_flags_follow_the_same_rule(arch) -> None:  # noqa: F811
    assert sensitive_spans(arch) == {"m1": [(1.0, 6.0, ["no-release"]), (14.0, 20.0, ["minor"])]}


# -- rule 4: what each mode does -----------------------------------------------------------


def _passage(arch, flags, people=("Liu Jingjun",)) -> Passage:  # noqa: F811
    p = Passage(arch.get_media("m1"), 14.0, 20.0, text="words", people=list(people))
    p.flags = list(flags)
    return p


@pytest.mark.parametrize(
    ("mode", "kept", "counts"),
    [("omit", 0, (1, 0, 0)), ("redact", 1, (0, 1, 0)), ("include", 1, (0, 0, 1))],
)
def test_rule4_modes_on_a_list(arch, tmp_path, mode, kept, counts) -> None:  # noqa: F811
    result = write_selects(
        "x", [_passage(arch, ["minor"]), _passage(arch, [], ["Liu Father"])],
        tmp_path / "x.csv", "csv", sensitivity=Sensitivity(mode),
    )  # fmt: skip
    assert result.items == kept + 1
    assert (result.omitted, result.redacted, result.included) == counts


def test_rule4_footage_cannot_be_redacted(arch, tmp_path) -> None:  # noqa: F811
    sens = Sensitivity("redact")
    assert sens.apply([_passage(arch, ["minor"])], footage=True) == []
    assert (sens.omitted, sens.withheld) == (1, 1)


@pytest.mark.parametrize("mode", ["omit", "redact", "include"])
def test_rule4_dossier_people_follow_the_mode(arch, tmp_path, mode) -> None:  # noqa: F811
    out = tmp_path / "c1.md"
    export_dossier(
        arch, "C1", out, "md", include_sensitive=mode == "include", redact=mode == "redact"
    )
    md = out.read_text(encoding="utf-8")
    people = md.split("## People", 1)[1].split("## Passages", 1)[0]
    record = md.split("## Passages", 1)[0]
    assert "Liu Father" in people
    if mode == "include":
        assert "Liu Jingjun" in people and "Liu Jingjun" in record
        return
    assert "Jingjun" not in record  # title, child's name, aliases: the child is flagged
    if mode == "omit":
        assert "1 person flagged minor/off-record/no-release not listed" in people
    else:
        assert "\\[redacted\\] (P5; child, minor)" in people


# -- rule 5: saying so -----------------------------------------------------------------


def test_rule5_accepting_a_link_to_a_flagged_person_says_what_it_does() -> None:
    msg = accept_warning(MINOR)
    assert msg is not None and "Liu Jingjun is flagged minor" in msg
    assert "--include-sensitive" in msg
    assert accept_warning(Person("P1", name="Liu Father")) is None


def test_rule5_every_mode_says_what_it_did() -> None:
    assert Sensitivity("omit").note is None
    s = Sensitivity("omit")
    s.keep(["minor"])
    assert s.note is not None and s.note.startswith("1 sensitive passage left out")


def test_rule5_links_accept_says_the_passage_will_be_held_back(arch, tmp_path) -> None:  # noqa: F811
    """Issue 10: accepting a link to a child flagged minor silently removed the passage."""
    link = LinkSuggestion("L1", "m1", 9.0, 10.0, "Jingjun", "person", "P5", 95.0)
    with arch.store.transaction():
        arch.store.table("links").insert(link.to_dict())
    r = run_cli("links", "accept", "L1", archive=arch.root)
    assert r.returncode == 0, r.stderr
    assert "L1: Liu Jingjun is flagged minor: exports leave this passage out" in r.stderr


def test_search_hits_carry_flags_by_the_same_rule(arch) -> None:  # noqa: F811
    """A hit brushing a minor's tag by 0.2 s is not flagged; one sharing 2 s is."""
    with arch.store.transaction():
        arch.store.table("tags").insert(Tag("t8", "m1", 8.8, 9.0, people=["P5"]).to_dict())
    (hit,) = arch.search("did not help")  # 6.2 .. 9.0 s: shares 0.2 s, all of a 0.2 s tag
    assert hit.flags == ["minor"]
    with arch.store.transaction():
        arch.store.table("tags").remove(doc_ids=[arch.store.table("tags").all()[-1].doc_id])
        arch.store.table("tags").insert(Tag("t8", "m1", 8.8, 12.0, people=["P5"]).to_dict())
    (hit,) = arch.search("did not help")  # shares 0.2 s of a 3.2 s tag: brushing it
    assert hit.flags == []
