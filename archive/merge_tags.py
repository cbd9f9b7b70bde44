"""Merging tags, link decisions and selections: united, never doubled, decisions kept.

A tag is matched by what it says (media, span, themes, people, cases, note), so two
loggers who tagged the same answer alike end with one tag. A link suggestion's id is
derived from its media, time, target and mention (``cases.link_id_for``), so it is
recomputed with our media id and matches the same suggestion here. A decision
(accepted/rejected) wins over a pending suggestion; two different decisions keep ours
and are listed for review, and the other side's link tag is then not brought in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tapelog.archive.cases import link_id_for
from tapelog.archive.merge_records import checked
from tapelog.archive.models import LinkSuggestion, Selection, SelectionItem, Tag
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.merge import _Merger

Q = Query()
DECIDED = ("accepted", "rejected")


def _tag_key(tag: Tag) -> tuple[Any, ...]:
    return (
        tag.media_id, round(tag.start, 3), round(tag.end, 3), tuple(tag.themes),
        tuple(sorted(tag.people)), tuple(sorted(tag.cases)), " ".join(tag.note.split()),
    )  # fmt: skip


def merge_tags_and_links(m: _Merger) -> None:
    links_t, tags_t = m.store.table("links"), m.store.table("tags")
    ours_links: dict[str, dict[str, Any]] = {str(d.get("link_id")): d for d in links_t.all()}
    theirs_links: list[LinkSuggestion] = []
    final: dict[str, str] = {}  # our link id -> the status it will have
    for doc in m.src.tables["links"]:
        link = checked(LinkSuggestion, doc, "link")
        mid = m.media.get(link.media_id)
        if mid is None:
            continue
        new_lid = link_id_for(mid, link.start, link.target_type, link.target_id, link.mention)
        m.links[link.link_id] = new_lid
        link.link_id, link.media_id = new_lid, mid
        theirs_links.append(link)
        mine = ours_links.get(new_lid)
        mine_status = mine.get("status") if mine else None
        if mine is None or (mine_status not in DECIDED and link.status in DECIDED):
            final[new_lid] = link.status
        else:
            final[new_lid] = str(mine_status)
            if link.status in DECIDED and mine_status in DECIDED and link.status != mine_status:
                m.r.review.append(
                    f"{mid} {link.start:.1f} s: {link.mention!r} -> {link.target_id} was "
                    f"{mine_status} here and {link.status} there (kept ours)"
                )
    _merge_tags(m, tags_t, ours_links, final)
    for link in theirs_links:
        mine = ours_links.get(link.link_id)
        link.tag_id = m.tags.get(link.tag_id or "") if link.status == "accepted" else None
        if mine is None:
            links_t.insert(link.to_dict())
            ours_links[link.link_id] = link.to_dict()
            m.r.add("links")
        elif final[link.link_id] != mine.get("status"):
            links_t.update(
                {"status": link.status, "tag_id": link.tag_id}, Q.link_id == link.link_id
            )
            m.r.update("links", f"link {link.link_id} ({link.mention!r}): {link.status} there")


def _merge_tags(m: _Merger, tags_t: Any, ours_links: dict[str, Any], final: dict[str, str]) -> None:
    have: dict[tuple[Any, ...], str] = {}
    for d in tags_t.all():
        have[_tag_key(Tag.from_dict(d))] = d["id"]
    for doc in m.src.tables["tags"]:
        tag = checked(Tag, doc, "tag")
        their_id = tag.id
        mid = m.media.get(tag.media_id)
        if mid is None:
            continue
        tag.media_id = mid
        if tag.link_id:
            tag.link_id = m.links.get(tag.link_id)
            mine = ours_links.get(tag.link_id or "")
            if tag.link_id is None or final.get(tag.link_id) != "accepted":
                continue  # the link it came from is not accepted here: no tag for it
            if mine is not None and mine.get("status") == "accepted" and mine.get("tag_id"):
                m.tags[their_id] = mine["tag_id"]  # one tag per accepted link
                continue
        key = _tag_key(tag)
        if key in have:
            m.tags[their_id] = have[key]
            continue
        tag.id = m.store.next_id("g")
        tags_t.insert(tag.to_dict())
        have[key] = tag.id
        m.tags[their_id] = tag.id
        m.r.add("tags")


def merge_selections(m: _Merger, theirs: Selection) -> None:
    """One selection of theirs: new by name, or its missing quotes added to ours."""
    table = m.store.table("selections")
    items = []
    for item in theirs.items:
        mid = m.media.get(item.media_id) if isinstance(item.media_id, str) else None
        if mid is None or not isinstance(item.start, int | float):
            continue
        items.append(
            SelectionItem(mid, float(item.start), float(item.end), str(item.text), str(item.note))
        )
    if not isinstance(theirs.name, str) or not " ".join(theirs.name.split()):
        return
    theirs.name = " ".join(theirs.name.split())
    doc = table.get(Q.name == theirs.name)
    if doc is None:
        table.insert(Selection(theirs.name, items, theirs.created).to_dict())
        m.r.add("selections", f"new selection {theirs.name!r} ({len(items)} quotes)")
        return
    mine = Selection.from_dict(doc)
    keys = {(i.media_id, round(i.start, 3), round(i.end, 3)) for i in mine.items}
    extra = [i for i in items if (i.media_id, round(i.start, 3), round(i.end, 3)) not in keys]
    if extra:
        mine.items.extend(extra)
        table.update(mine.to_dict(), Q.name == theirs.name)
        m.r.update("selections", f"selection {theirs.name!r} gains {len(extra)} quote(s)")
