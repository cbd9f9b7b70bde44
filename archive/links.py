"""Name links: suggestions that a transcript names a case or person, and their review.

Link suggestions get an id derived from what they say (media, time, target, mention),
so running ``suggest`` again finds the same ids: a pending suggestion is not duplicated
and a rejected one is not resurrected. A rejection also covers any later suggestion of
the same target over the same passage, so a re-transcription that shifts segment times
by a few milliseconds does not bring it back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tapelog.archive import names as N
from tapelog.archive.errors import NotFoundError
from tapelog.archive.linking import MIN_SCORE, SOUND_KINDS, NameIndex, find_mentions
from tapelog.archive.links_cut import fill_cuts
from tapelog.archive.models import LinkSuggestion, Tag
from tapelog.archive.statuses import LinkStatus
from tapelog.archive.tags import add_tag, edit_tag, list_tags
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


def name_index(archive: Archive) -> NameIndex:
    """The name index of this archive's cases and people: saved in the archive and
    reused by the next process, built again when they change (``archive.name_index_disk``)."""
    from tapelog.archive.name_index_disk import name_index as saved_name_index

    return saved_name_index(archive)


def link_id_for(media_id: str, start: float, target_type: str, target_id: str, mention: str) -> str:
    """A stable id: the same passage, target and mention always give the same id."""
    raw = f"{media_id}|{start:.2f}|{target_type}|{target_id}|{N.compact(mention)}"
    return "k" + hashlib.blake2b(raw.encode("utf-8"), digest_size=5).hexdigest()


def _overlaps(a0: float, a1: float, b0: float, b1: float) -> bool:
    return a0 < b1 and b0 < a1


def list_links(
    archive: Archive, *, status: str | None = None, media_id: str | None = None
) -> list[LinkSuggestion]:
    recs = [LinkSuggestion.from_dict(d) for d in archive.store.table("links").all()]
    if status is not None:
        recs = [r for r in recs if r.status == status]
    if media_id is not None:
        recs = [r for r in recs if r.media_id == media_id]
    # Links stored before they carried word times cut on their line here (``cut``);
    # reading every such file's transcript for a list would cost a TUI's start.
    return sorted(recs, key=lambda r: (r.media_id, r.start, -r.score, r.target_id))


def get_link(archive: Archive, link_id: str) -> LinkSuggestion:
    doc = archive.store.table("links").get(Query().link_id == link_id)
    if doc is None:
        raise NotFoundError(f"no link suggestion '{link_id}' (see `tapelog links suggest`)")
    link = LinkSuggestion.from_dict(doc)
    fill_cuts([link], archive.segments)
    return link


def media_context(archive: Archive, media_id: str) -> set[str]:
    """The cases and people a media file is already tied to, for every rule that asks
    (linking, the names Whisper is given, the closer looks): its tags, its accepted
    links, and those named in its file name ("采访 罗润 父亲.wav", "LuoRun_father.mov"):
    a crew that names a file after the child has said what it is about."""
    ids: set[str] = set()
    for t in list_tags(archive, media_id=media_id):
        ids.update(t.cases)
        ids.update(t.people)
    for link in list_links(archive, status=LinkStatus.ACCEPTED, media_id=media_id):
        ids.add(link.target_id)
    return ids | named_in_file_name(archive, media_id)


# A name in a file name counts this sure or more: a name written out, not a word that
# only sounds like one ("interview_run_2.mov" names no child).
FILE_NAME_SCORE = 0.75


def named_in_file_name(archive: Archive, media_id: str) -> set[str]:
    """Cases and people named in a media file's name (its stem, "_" read as a space)."""
    from pathlib import Path

    from tapelog.transcribe.types import Segment

    try:
        media = archive.get_media(media_id)
    except NotFoundError:
        return set()
    stem = Path(str(media.path)).stem.replace("_", " ")
    found = find_mentions(name_index(archive), [Segment(0.0, 0.0, stem)], min_score=FILE_NAME_SCORE)
    return {t for m in found for t in (m.target_id, *m.people)}


def suggest_links(
    archive: Archive,
    media_ids: Sequence[str] | None = None,
    *,
    min_score: float = MIN_SCORE,
) -> list[LinkSuggestion]:
    """Scan transcripts for names and store new suggestions; returns the pending ones.

    ``media_ids`` None: every transcribed media file. Pending suggestions that the
    current transcript no longer supports (a corrected name) are dropped; rejected
    and accepted ones are kept and never suggested again for the same passage.
    """
    if media_ids is None:
        targets = [m.id for m in archive.list_media() if m.transcript_id]
    else:
        targets = list(dict.fromkeys(media_ids))
        for mid in targets:
            archive.get_media(mid)
    index = name_index(archive)
    found = {mid: _found_in(archive, index, mid, min_score) for mid in targets}
    with archive.store.transaction():
        _store_found(archive, found)
    pending = [
        link
        for mid in targets
        for link in list_links(archive, status=LinkStatus.PENDING, media_id=mid)
    ]
    return pending


def _found_in(
    archive: Archive, index: NameIndex, mid: str, min_score: float
) -> list[LinkSuggestion]:
    """The names heard in one media file's current transcript, as suggestions."""
    segs = archive.segments(mid)
    if not segs:
        return []
    mentions = find_mentions(index, segs, context=media_context(archive, mid), min_score=min_score)
    return [
        LinkSuggestion(
            # A second mention further along one long line: its own passage, own id.
            link_id=link_id_for(
                mid, m.match_start if m.part else m.start, m.target_type, m.target_id, m.mention
            ),
            media_id=mid,
            start=m.start,
            end=m.end,
            mention=m.mention,
            target_type=m.target_type,
            target_id=m.target_id,
            score=m.score,
            matched=m.matched,
            context=m.context,
            people=list(m.people),
            match_start=m.match_start,
            match_end=m.match_end,
            by_sound=m.kind in SOUND_KINDS,
        )
        for m in mentions
    ]


def _store_found(archive: Archive, found: dict[str, list[LinkSuggestion]]) -> None:
    """Merge what was found into the stored suggestions of those files (in the caller's
    transaction): known ones updated while pending, settled passages never suggested
    again, pending ones no longer found dropped. Every known one gets the words' times
    found now (a link stored before links carried them: ``_retime``)."""
    table = archive.store.table("links")
    existing = {d["link_id"]: d for d in table.all() if d.get("media_id") in found}
    settled = [
        d
        for d in existing.values()
        if d.get("status") in (LinkStatus.REJECTED, LinkStatus.ACCEPTED)
    ]
    keep: set[str] = set()
    new_docs = []
    for mid, links in found.items():
        for link in links:
            old = existing.get(link.link_id)
            if old is not None:
                keep.add(link.link_id)
                _retime(archive, old, link)
                # What a reviewer reads follows the current code: a pending one stored
                # as "sounds like Luorun" reads "sounds like Luo Run" once found again.
                if old.get("status") == LinkStatus.PENDING and (
                    old.get("score") != link.score
                    or old.get("context") != link.context
                    or old.get("people", []) != link.people
                    or old.get("matched") != link.matched
                    or old.get("by_sound", False) != link.by_sound
                ):
                    table.update(
                        {"score": link.score, "context": link.context, "end": link.end,
                         "people": link.people, "matched": link.matched,
                         "by_sound": link.by_sound},
                        doc_ids=[old.doc_id],
                    )  # fmt: skip
                continue
            if any(
                d["media_id"] == mid
                and d.get("target_id") == link.target_id
                and d.get("target_type") == link.target_type
                and _overlaps(d["start"], d["end"], link.start, link.end)
                for d in settled
            ):
                continue
            keep.add(link.link_id)
            new_docs.append(link.to_dict())
    stale = [
        d.doc_id
        for d in existing.values()
        if d.get("status") == LinkStatus.PENDING and d["link_id"] not in keep
    ]
    if stale:
        table.remove(doc_ids=stale)
    if new_docs:
        table.insert_multiple(new_docs)


def _tag_span(archive: Archive, media_id: str, start: float, end: float) -> tuple[float, float]:
    """A link's tag: its words, kept inside the media file and never empty."""
    duration = float(archive.get_media(media_id).info.duration or 0.0)
    end = min(end, duration) if duration > 0 else end
    return min(start, max(0.0, end - 0.01)), end


def _retime(archive: Archive, old: dict[str, Any], link: LinkSuggestion) -> None:
    """Store the words' times of a known link; an accepted link's tag that still spans
    what accepting made (the line, before links carried word times) is cut to them.

    A tag the editor moved is theirs and stays. Only the times change: the link's id,
    status and decision are kept.
    """
    new = (link.match_start, link.match_end)
    if (old.get("match_start"), old.get("match_end")) == new or None in new:
        return
    table = archive.store.table("links")
    table.update({"match_start": new[0], "match_end": new[1]}, Query().link_id == link.link_id)
    tag_id = old.get("tag_id")
    if old.get("status") != LinkStatus.ACCEPTED or not tag_id:
        return
    tag = archive.store.table("tags").get(Query().id == tag_id)
    if tag is None:
        return
    made = _tag_span(archive, link.media_id, *LinkSuggestion.from_dict(dict(old)).cut)
    if (round(tag["start"], 3), round(tag["end"], 3)) != (round(made[0], 3), round(made[1], 3)):
        return
    start, end = _tag_span(archive, link.media_id, *link.cut)
    edit_tag(archive, tag_id, start=start, end=end)


def accept_link(archive: Archive, link_id: str) -> Tag:
    """Accept a suggestion: a tag with the case or person over the passage."""
    with archive.store.transaction() as store:
        link = get_link(archive, link_id)
        if link.status == LinkStatus.ACCEPTED and link.tag_id:
            doc = store.table("tags").get(Query().id == link.tag_id)
            if doc is not None:
                return Tag.from_dict(doc)
        is_case = link.target_type == "case"
        start, end = _tag_span(archive, link.media_id, *link.cut)
        tag = add_tag(
            archive,
            link.media_id,
            start,
            end,
            cases=[link.target_id] if is_case else [],
            people=list(link.people) if is_case else [link.target_id],
            note=f"name heard: {link.mention}",
            source="link",
            link_id=link.link_id,
        )
        store.table("links").update(
            {"status": LinkStatus.ACCEPTED, "tag_id": tag.id}, Query().link_id == link_id
        )
    return tag


def reject_link(archive: Archive, link_id: str) -> LinkSuggestion:
    """Reject a suggestion (remembered); if it was accepted, its tag is removed."""
    with archive.store.transaction() as store:
        link = get_link(archive, link_id)
        if link.tag_id:
            store.table("tags").remove(Query().id == link.tag_id)
        link.status, link.tag_id = LinkStatus.REJECTED, None
        store.table("links").update(
            {"status": LinkStatus.REJECTED, "tag_id": None}, Query().link_id == link_id
        )
    return link


def reassign_link(archive: Archive, link_id: str, target_id: str) -> Tag:
    """The name heard is someone else: reject the suggestion, link ``target_id`` instead."""
    with archive.store.transaction() as store:
        link = get_link(archive, link_id)
        if store.table("cases").contains(Query().case_id == target_id):
            kind = "case"
        elif store.table("people").contains(Query().person_id == target_id):
            kind = "person"
        else:
            raise NotFoundError(f"no case or person with id '{target_id}'")
        reject_link(archive, link_id)
        new = LinkSuggestion(
            link_id=link_id_for(link.media_id, link.start, kind, target_id, link.mention),
            media_id=link.media_id,
            start=link.start,
            end=link.end,
            mention=link.mention,
            target_type=kind,
            target_id=target_id,
            score=1.0,
            matched="(chosen by hand)",
            context=link.context,
            match_start=link.match_start,
            match_end=link.match_end,
        )
        store.table("links").upsert(new.to_dict(), Query().link_id == new.link_id)
        return accept_link(archive, new.link_id)
