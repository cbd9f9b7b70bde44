"""Cases, people, themes, tags and name links over an ``Archive``.

Every write happens in one ``store.transaction()``: an import of 10,000 case records,
a theme merge touching hundreds of tags, or accepting a link (link + tag) is written
whole or not at all. Records are the dataclasses of ``archive.models``.

Tags are anchored by time, never by segment index, so they survive transcript edits
and re-transcription. Link suggestions get an id derived from what they say (media,
time, target, mention), so running ``suggest`` again finds the same ids: a pending
suggestion is not duplicated and a rejected one is not resurrected. A rejection also
covers any later suggestion of the same target over the same passage, so a
re-transcription that shifts segment times by a few milliseconds does not bring it back.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive import names as N
from tapelog.archive.caseio import ImportProblem, read_records
from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.linking import MIN_SCORE, NameIndex, find_duplicate_cases, find_mentions
from tapelog.archive.models import SENSITIVE_FLAGS, Case, LinkSuggestion, Person, Tag
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

# A tag end this far past the media's end is float noise (a typed HH:MM:SS.mmm, a
# rounded duration) and is clamped, not refused. Link passages are clamped whole.
END_TOLERANCE_S = 0.001
ID_FIELD = {"cases": "case_id", "people": "person_id"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- cases and people ------------------------------------------------------------------


def list_cases(archive: Archive) -> list[Case]:
    recs = [Case.from_dict(d) for d in archive.store.table("cases").all()]
    return sorted(recs, key=lambda c: c.case_id)


def list_people(archive: Archive) -> list[Person]:
    recs = [Person.from_dict(d) for d in archive.store.table("people").all()]
    return sorted(recs, key=lambda p: p.person_id)


def get_case(archive: Archive, case_id: str) -> Case:
    doc = archive.store.table("cases").get(Query().case_id == case_id)
    if doc is None:
        raise NotFoundError(f"no case with id '{case_id}' (see `tapelog cases list`)")
    return Case.from_dict(doc)


def get_person(archive: Archive, person_id: str) -> Person:
    doc = archive.store.table("people").get(Query().person_id == person_id)
    if doc is None:
        raise NotFoundError(f"no person with id '{person_id}' (see `tapelog people list`)")
    return Person.from_dict(doc)


def upsert_case(archive: Archive, case: Case) -> Case:
    """Add or replace one case record (by ``case_id``)."""
    if not case.case_id.strip():
        raise UsageError("a case record needs a case_id")
    with archive.store.transaction():
        archive.store.table("cases").upsert(case.to_dict(), Query().case_id == case.case_id)
    return case


def upsert_person(archive: Archive, person: Person) -> Person:
    """Add or replace one person (by ``person_id``); flags must be known ones."""
    if not person.person_id.strip():
        raise UsageError("a person needs a person_id")
    bad = [f for f in person.flags if f not in SENSITIVE_FLAGS]
    if bad:
        raise UsageError(f"unknown flag '{bad[0]}' (use {', '.join(SENSITIVE_FLAGS)})")
    with archive.store.transaction():
        archive.store.table("people").upsert(
            person.to_dict(), Query().person_id == person.person_id
        )
    return person


@dataclass
class ImportReport:
    """What an import did: counts by outcome and the rows it could not take."""

    path: str
    kind: str  # cases / people
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported, but worth a look

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "problems": [p.to_dict() for p in self.problems],
            "warnings": list(self.warnings),
        }


def import_records(archive: Archive, path: str | Path, kind: str | None = None) -> ImportReport:
    """Import cases or people from CSV/JSON; re-importing updates by id, never duplicates.

    Bad rows are reported (``report.problems``) and skipped; the rest is written in one
    transaction. A file that cannot be read at all raises before anything is written.
    """
    present: dict[str, set[str]] = {}
    kind, records, problems = read_records(path, kind, present)
    idf = ID_FIELD[kind]
    report = ImportReport(str(path), kind, problems=problems)
    with archive.store.transaction():
        table = archive.store.table(kind)
        existing = {d.get(idf): d for d in table.all()}
        new_docs = []
        for rec in records:
            doc = rec.to_dict()
            rid = doc[idf]
            old = existing.get(rid)
            if old is None:
                new_docs.append(doc)
                report.added.append(rid)
                continue
            doc = _merge_columns(old, doc, present.get(rid, set(doc)))
            if {k: old.get(k) for k in doc} == doc:
                report.unchanged.append(rid)
            else:
                table.update(doc, doc_ids=[old.doc_id])
                report.updated.append(rid)
        if new_docs:
            table.insert_multiple(new_docs)
        if kind == "people":
            # Imported anyway (the cases may come next), but a typo in a case id would
            # silently keep this person's passages out of that case's dossier.
            known = {d.get("case_id") for d in archive.store.table("cases").all()}
            for rec in records:
                missing = [c for c in getattr(rec, "cases", []) if c not in known]
                if missing:
                    report.warnings.append(
                        f"{rec.person_id}: case {', '.join(missing)} is not in the archive "
                        "(import the case records, or correct the id)"
                    )
    return report


def _merge_columns(old: dict, new: dict, columns: set[str]) -> dict:
    """The stored record updated with only the columns the file has.

    A spreadsheet with just ``case_id,status`` updates statuses; it must not wipe the
    aliases, notes, or a person's ``minor`` flag that an export relies on. A column that
    is present with an empty cell does clear its field. Extra columns merge the same way.
    """
    doc = dict(old)
    for key, value in new.items():
        if key == "extra":
            continue
        if key in columns:
            doc[key] = value
    extra = dict(old.get("extra") or {})
    for key in columns:
        if key in new.get("extra", {}):
            extra[key] = new["extra"][key]
        elif key not in new:
            extra.pop(key, None)  # an extra column present but empty clears it
    doc["extra"] = extra
    return doc


def import_cases(archive: Archive, path: str | Path) -> ImportReport:
    return import_records(archive, path, "cases")


def import_people(archive: Archive, path: str | Path) -> ImportReport:
    return import_records(archive, path, "people")


def duplicate_cases(archive: Archive) -> list[tuple[str, str, float, str]]:
    """Likely duplicate case records: (case_id_a, case_id_b, score, reason)."""
    return find_duplicate_cases(list_cases(archive))


# -- themes ----------------------------------------------------------------------------


def normalize_theme(name: str) -> str:
    """``police response / inaction `` -> ``police response/inaction``."""
    parts = [" ".join(p.split()) for p in str(name).split("/")]
    if not name or any(not p for p in parts):
        raise UsageError(f"not a theme name: '{name}' (use words, and '/' between levels)")
    return "/".join(parts)


def _under(theme: str, root: str) -> bool:
    t, r = theme.casefold(), root.casefold()
    return t == r or t.startswith(r + "/")


def list_themes(archive: Archive) -> list[str]:
    """The vocabulary: stored themes, themes used on tags, and their parent levels."""
    names: dict[str, str] = {}
    stored = [d.get("name", "") for d in archive.store.table("themes").all()]
    used = [t for d in archive.store.table("tags").all() for t in d.get("themes") or []]
    for name in stored + used:
        if not name:
            continue
        parts = name.split("/")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            names.setdefault(prefix.casefold(), prefix)
    return sorted(names.values(), key=str.casefold)


def _resolve_theme(archive: Archive, name: str) -> str | None:
    key = normalize_theme(name).casefold()
    return next((t for t in list_themes(archive) if t.casefold() == key), None)


def add_theme(archive: Archive, name: str) -> str:
    """Add ``name`` to the vocabulary (no-op if present, in any letter case)."""
    name = normalize_theme(name)
    with archive.store.transaction():
        table = archive.store.table("themes")
        if not any(d.get("name", "").casefold() == name.casefold() for d in table.all()):
            table.insert({"name": name})
    return _resolve_theme(archive, name) or name


def delete_theme(archive: Archive, name: str) -> str:
    """Remove an unused theme (and its unused sub-themes) from the vocabulary.

    A theme still on tags is refused, not stripped from them: a deleted theme would take
    a crew's tagging with it. Merging it into another theme moves the tags instead.
    """
    theme = _resolve_theme(archive, name)
    if theme is None:
        raise NotFoundError(f"no theme '{name}' (see `tapelog themes list`)")
    with archive.store.transaction():
        used = [
            d.get("id")
            for d in archive.store.table("tags").all()
            if any(_under(t, theme) for t in d.get("themes") or [])
        ]
        if used:
            raise UsageError(
                f"{len(used)} tag(s) use theme '{theme}': `tapelog themes merge \"{theme}\" "
                "--into OTHER` moves them, then delete"
            )
        table = archive.store.table("themes")
        ids = [d.doc_id for d in table.all() if _under(d.get("name", ""), theme)]
        table.remove(doc_ids=ids)
    return theme


def read_theme_lines(text: str) -> list[str]:
    """Theme names from a text file: one per line, blank lines and ``#`` comments skipped."""
    return [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


def _retheme(archive: Archive, sources: Sequence[str], target: str) -> int:
    """Move every theme under each source (itself and its children) under ``target``
    in the vocabulary and on every tag. Returns how many tags changed."""

    def mapped(theme: str) -> str:
        for src in sources:
            if _under(theme, src):
                return target + theme[len(src) :]
        return theme

    changed = 0
    store = archive.store
    with store.transaction():
        themes = store.table("themes")
        wanted: dict[str, str] = {}
        for d in themes.all():
            new = mapped(d.get("name", ""))
            wanted.setdefault(new.casefold(), new)
        wanted.setdefault(target.casefold(), target)
        themes.truncate()
        themes.insert_multiple({"name": n} for n in sorted(wanted.values(), key=str.casefold))
        tags = store.table("tags")
        for d in tags.all():
            old = d.get("themes") or []
            new_list: list[str] = []
            for t in old:
                m = mapped(t)
                if m.casefold() not in {x.casefold() for x in new_list}:
                    new_list.append(m)
            if new_list != old:
                tags.update({"themes": new_list}, doc_ids=[d.doc_id])
                changed += 1
    return changed


def rename_theme(archive: Archive, old: str, new: str) -> int:
    """Rename a theme (and its sub-themes) everywhere; returns the number of tags changed."""
    src = _resolve_theme(archive, old)
    if src is None:
        raise NotFoundError(f"no theme '{old}' (see `tapelog themes list`)")
    new = normalize_theme(new)
    existing = _resolve_theme(archive, new)
    if existing is not None and existing.casefold() != src.casefold():
        raise UsageError(f"theme '{existing}' exists already: use `tapelog themes merge`")
    return _retheme(archive, [src], new)


def merge_themes(archive: Archive, sources: Iterable[str], into: str) -> int:
    """Merge themes into ``into`` (created if new); every tag carries along."""
    srcs = []
    for s in sources:
        found = _resolve_theme(archive, s)
        if found is None:
            raise NotFoundError(f"no theme '{s}' (see `tapelog themes list`)")
        srcs.append(found)
    into = normalize_theme(into)
    into = _resolve_theme(archive, into) or into
    srcs = [s for s in srcs if s.casefold() != into.casefold()]
    if not srcs:
        raise UsageError("name at least one theme other than the one to merge into")
    return _retheme(archive, srcs, into)


# -- tags ------------------------------------------------------------------------------


def _ids_known(archive: Archive, kind: str, ids: Iterable[str]) -> list[str]:
    idf = ID_FIELD[kind]
    wanted = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
    if not wanted:
        return []
    known = {d.get(idf) for d in archive.store.table(kind).all()}
    for i in wanted:
        if i not in known:
            what = "case" if kind == "cases" else "person"
            raise NotFoundError(f"no {what} with id '{i}' (see `tapelog {kind} list`)")
    return wanted


def _check_span(archive: Archive, media_id: str, start: float, end: float) -> tuple[float, float]:
    media = archive.get_media(media_id)
    start, end = float(start), float(end)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise UsageError(f"not a time span: {start}-{end}")
    if start < 0:
        raise UsageError(f"tag start {start:g} s is before the start of {media_id}")
    duration = float(media.info.duration or 0.0)
    if duration > 0:
        if start >= duration:
            raise UsageError(
                f"tag start {start:g} s is past the end of {media_id} ({duration:g} s)"
            )
        if end > duration + END_TOLERANCE_S:
            raise UsageError(f"tag end {end:g} s is past the end of {media_id} ({duration:g} s)")
        end = min(end, duration)
    start, end = round(start, 3), round(end, 3)
    if end <= start:
        raise UsageError(f"a tag must end after it starts (got {start:g}-{end:g} s)")
    return start, end


def _themes_for_tag(archive: Archive, themes: Iterable[str]) -> list[str]:
    """Themes as the vocabulary spells them; unknown ones are added to it."""
    out: list[str] = []
    vocab = {t.casefold(): t for t in list_themes(archive)}
    table = archive.store.table("themes")
    for t in themes:
        t = normalize_theme(t)
        spelled = vocab.get(t.casefold())
        if spelled is None:
            table.insert({"name": t})
            vocab[t.casefold()] = spelled = t
        if spelled not in out:
            out.append(spelled)
    return out


def add_tag(
    archive: Archive,
    media_id: str,
    start: float,
    end: float,
    *,
    themes: Iterable[str] = (),
    people: Iterable[str] = (),
    cases: Iterable[str] = (),
    note: str = "",
    source: str = "manual",
    link_id: str | None = None,
) -> Tag:
    """Tag a span of one media file. Unknown case/person ids raise ``NotFoundError``;
    a theme not yet in the vocabulary is added to it."""
    start, end = _check_span(archive, media_id, start, end)
    with archive.store.transaction() as store:
        tag = Tag(
            id=store.next_id("g"),
            media_id=media_id,
            start=start,
            end=end,
            themes=_themes_for_tag(archive, themes),
            people=_ids_known(archive, "people", people),
            cases=_ids_known(archive, "cases", cases),
            note=note or "",
            created=_now(),
            source=source,
            link_id=link_id,
        )
        store.table("tags").insert(tag.to_dict())
    return tag


def get_tag(archive: Archive, tag_id: str) -> Tag:
    doc = archive.store.table("tags").get(Query().id == tag_id)
    if doc is None:
        raise NotFoundError(f"no tag with id '{tag_id}' (see `tapelog tags list`)")
    return Tag.from_dict(doc)


def edit_tag(
    archive: Archive,
    tag_id: str,
    *,
    start: float | None = None,
    end: float | None = None,
    themes: Iterable[str] | None = None,
    people: Iterable[str] | None = None,
    cases: Iterable[str] | None = None,
    note: str | None = None,
) -> Tag:
    """Change what is given (lists are replaced whole); returns the edited tag."""
    with archive.store.transaction() as store:
        tag = get_tag(archive, tag_id)
        if start is not None or end is not None:
            tag.start, tag.end = _check_span(
                archive,
                tag.media_id,
                tag.start if start is None else start,
                tag.end if end is None else end,
            )
        if themes is not None:
            tag.themes = _themes_for_tag(archive, themes)
        if people is not None:
            tag.people = _ids_known(archive, "people", people)
        if cases is not None:
            tag.cases = _ids_known(archive, "cases", cases)
        if note is not None:
            tag.note = note
        store.table("tags").update(tag.to_dict(), Query().id == tag_id)
    return tag


def delete_tag(archive: Archive, tag_id: str) -> Tag:
    """Delete a tag and return it (for undo). A tag made by accepting a link turns that
    link into a rejected one, so the passage is not suggested again."""
    with archive.store.transaction() as store:
        tag = get_tag(archive, tag_id)
        store.table("tags").remove(Query().id == tag_id)
        if tag.link_id:
            store.table("links").update(
                {"status": "rejected", "tag_id": None}, Query().link_id == tag.link_id
            )
    return tag


def restore_tag(archive: Archive, tag: Tag) -> Tag:
    """Put back a deleted tag exactly as it was (undo); its link is accepted again."""
    with archive.store.transaction() as store:
        archive.get_media(tag.media_id)
        _ids_known(archive, "people", tag.people)
        _ids_known(archive, "cases", tag.cases)
        store.table("tags").upsert(tag.to_dict(), Query().id == tag.id)
        if tag.link_id:
            store.table("links").update(
                {"status": "accepted", "tag_id": tag.id}, Query().link_id == tag.link_id
            )
    return tag


def list_tags(
    archive: Archive,
    *,
    media_id: str | None = None,
    case: str | None = None,
    person: str | None = None,
    theme: str | None = None,
) -> list[Tag]:
    """Tags, filtered (all filters must hold); a theme also matches its sub-themes."""
    tags = [Tag.from_dict(d) for d in archive.store.table("tags").all()]
    if media_id is not None:
        tags = [t for t in tags if t.media_id == media_id]
    if case is not None:
        tags = [t for t in tags if case in t.cases]
    if person is not None:
        tags = [t for t in tags if person in t.people]
    if theme is not None:
        tags = [t for t in tags if any(_under(x, theme) for x in t.themes)]
    return sorted(tags, key=lambda t: (t.media_id, t.start, t.end, t.id))


# -- spans for search filters and sensitivity ------------------------------------------


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def tag_spans(
    archive: Archive,
    case: str | None = None,
    person: str | None = None,
    theme: str | None = None,
) -> dict[str, list[tuple[float, float]]]:
    """media_id -> merged (start, end) spans of tags matching every filter given.

    Unknown case/person ids and themes raise ``NotFoundError`` (a typo in a search
    filter should not look like "no results").
    """
    if case is not None:
        get_case(archive, case)
    if person is not None:
        get_person(archive, person)
    if theme is not None:
        found = _resolve_theme(archive, theme)
        if found is None:
            raise NotFoundError(f"no theme '{theme}' (see `tapelog themes list`)")
        theme = found
    out: dict[str, list[tuple[float, float]]] = {}
    for t in list_tags(archive, case=case, person=person, theme=theme):
        out.setdefault(t.media_id, []).append((t.start, t.end))
    return {mid: _merge(spans) for mid, spans in out.items()}


def sensitive_spans(archive: Archive) -> dict[str, list[tuple[float, float, list[str]]]]:
    """media_id -> (start, end, flags) of passages tagged with a flagged person
    (minor / off-record / no-release), for search results and exports."""
    flags = {
        p.person_id: [f for f in p.flags if f in SENSITIVE_FLAGS]
        for p in list_people(archive)
        if p.flags
    }
    out: dict[str, list[tuple[float, float, list[str]]]] = {}
    if not flags:
        return out
    for d in archive.store.table("tags").all():
        fl = sorted({f for pid in d.get("people") or [] for f in flags.get(pid, [])})
        if fl:
            out.setdefault(d["media_id"], []).append((d["start"], d["end"], fl))
    for spans in out.values():
        spans.sort()
    return out


# -- passages of a case ----------------------------------------------------------------


def case_passages(archive: Archive, case_id: str) -> list[dict[str, Any]]:
    """Every tagged passage naming the case, across the archive, with its text."""
    get_case(archive, case_id)
    out = []
    segs_cache: dict[str, list[Any]] = {}
    media = {m.id: m for m in archive.list_media()}
    for t in list_tags(archive, case=case_id):
        m = media.get(t.media_id)
        if m is None:
            continue
        segs = segs_cache.setdefault(t.media_id, archive.segments(t.media_id))
        text = " ".join(s.text.strip() for s in segs if s.start < t.end and s.end > t.start)
        out.append(
            {
                "tag_id": t.id,
                "media_id": t.media_id,
                "path": m.path,
                "start": t.start,
                "end": t.end,
                "source_timecode": archive.source_timecode(m, t.start),
                "text": text,
                "note": t.note,
                "themes": t.themes,
                "source": t.source,
                "link_id": t.link_id,
            }
        )
    return out


# -- links -----------------------------------------------------------------------------

_INDEX_CACHE: dict[tuple[str, Any], NameIndex] = {}


def name_index(archive: Archive) -> NameIndex:
    """The name index of this archive's cases and people, rebuilt when they change."""
    sig = archive.store.signature("cases", "people")
    key = (str(archive.root), sig)
    index = _INDEX_CACHE.get(key)
    if index is None:
        _INDEX_CACHE.clear()
        index = NameIndex(list_cases(archive), list_people(archive))
        _INDEX_CACHE[key] = index
    return index


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
    return sorted(recs, key=lambda r: (r.media_id, r.start, -r.score, r.target_id))


def get_link(archive: Archive, link_id: str) -> LinkSuggestion:
    doc = archive.store.table("links").get(Query().link_id == link_id)
    if doc is None:
        raise NotFoundError(f"no link suggestion '{link_id}' (see `tapelog links suggest`)")
    return LinkSuggestion.from_dict(doc)


def _media_context(archive: Archive, media_id: str) -> set[str]:
    ids: set[str] = set()
    for t in list_tags(archive, media_id=media_id):
        ids.update(t.cases)
        ids.update(t.people)
    for link in list_links(archive, status="accepted", media_id=media_id):
        ids.add(link.target_id)
    return ids


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
    found: dict[str, list[LinkSuggestion]] = {}
    for mid in targets:
        segs = archive.segments(mid)
        if not segs:
            found[mid] = []
            continue
        mentions = find_mentions(
            index, segs, context=_media_context(archive, mid), min_score=min_score
        )
        found[mid] = [
            LinkSuggestion(
                link_id=link_id_for(mid, m.start, m.target_type, m.target_id, m.mention),
                media_id=mid,
                start=m.start,
                end=m.end,
                mention=m.mention,
                target_type=m.target_type,
                target_id=m.target_id,
                score=m.score,
                matched=m.matched,
                context=m.context,
            )
            for m in mentions
        ]
    with archive.store.transaction():
        table = archive.store.table("links")
        existing = {d["link_id"]: d for d in table.all() if d.get("media_id") in found}
        settled = [d for d in existing.values() if d.get("status") in ("rejected", "accepted")]
        keep: set[str] = set()
        new_docs = []
        for mid, links in found.items():
            for link in links:
                old = existing.get(link.link_id)
                if old is not None:
                    keep.add(link.link_id)
                    if old.get("status") == "pending" and (
                        old.get("score") != link.score or old.get("context") != link.context
                    ):
                        table.update(
                            {"score": link.score, "context": link.context, "end": link.end},
                            doc_ids=[old.doc_id],
                        )
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
            if d.get("status") == "pending" and d["link_id"] not in keep
        ]
        if stale:
            table.remove(doc_ids=stale)
        if new_docs:
            table.insert_multiple(new_docs)
    pending = [
        link for mid in targets for link in list_links(archive, status="pending", media_id=mid)
    ]
    return pending


def accept_link(archive: Archive, link_id: str) -> Tag:
    """Accept a suggestion: a tag with the case or person over the passage."""
    with archive.store.transaction() as store:
        link = get_link(archive, link_id)
        if link.status == "accepted" and link.tag_id:
            doc = store.table("tags").get(Query().id == link.tag_id)
            if doc is not None:
                return Tag.from_dict(doc)
        is_case = link.target_type == "case"
        duration = float(archive.get_media(link.media_id).info.duration or 0.0)
        end = min(link.end, duration) if duration > 0 else link.end
        tag = add_tag(
            archive,
            link.media_id,
            min(link.start, max(0.0, end - 0.01)),
            end,
            cases=[link.target_id] if is_case else [],
            people=[] if is_case else [link.target_id],
            note=f"name heard: {link.mention}",
            source="link",
            link_id=link.link_id,
        )
        store.table("links").update(
            {"status": "accepted", "tag_id": tag.id}, Query().link_id == link_id
        )
    return tag


def reject_link(archive: Archive, link_id: str) -> LinkSuggestion:
    """Reject a suggestion (remembered); if it was accepted, its tag is removed."""
    with archive.store.transaction() as store:
        link = get_link(archive, link_id)
        if link.tag_id:
            store.table("tags").remove(Query().id == link.tag_id)
        link.status, link.tag_id = "rejected", None
        store.table("links").update(
            {"status": "rejected", "tag_id": None}, Query().link_id == link_id
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
        )
        store.table("links").upsert(new.to_dict(), Query().link_id == new.link_id)
        return accept_link(archive, new.link_id)


# -- vocabulary for transcription ------------------------------------------------------


def _prompt_cost(text: str) -> int:
    """Rough prompt budget: a Chinese character costs about two Latin characters."""
    return sum(2 if N.is_han(c) else 1 for c in text)


def vocab_for_media(
    archive: Archive, media_id: str, max_chars: int = 600, language: str | None = None
) -> str:
    """Names and places to bias Whisper for one media file, within its prompt limit.

    Most relevant first: cases and people tagged or linked on this media, then those
    named in its file name (``采访 罗润 父亲.wav``), their related cases/people, then the
    rest. ``max_chars`` keeps the prompt under Whisper's ~224 tokens. For Chinese
    (``zh``, ``yue``) only names written in characters are used: a prompt in Latin
    letters pulled a Mandarin transcript into pinyin.
    """
    han_only = (language or "").lower() in ("zh", "yue")
    media = archive.get_media(media_id)
    cases = {c.case_id: c for c in list_cases(archive)}
    people = {p.person_id: p for p in list_people(archive)}
    if not cases and not people:
        return ""
    first: list[str] = sorted(_media_context(archive, media_id), key=lambda t: (t not in cases, t))
    first += [link.target_id for link in list_links(archive, media_id=media_id)]
    seg = [_file_segment(media.path)]
    first += [m.target_id for m in find_mentions(name_index(archive), seg, min_score=0.75)]
    related: list[str] = []
    for tid in first:
        if tid in cases:
            related += [p.person_id for p in people.values() if tid in p.cases]
        elif tid in people:
            related += people[tid].cases
    first += [cid for tid in first if tid in people for cid in people[tid].cases]
    first.sort(key=lambda t: t not in cases)  # children's names before adults'
    order = list(dict.fromkeys(first + related + list(cases) + list(people)))
    words: list[str] = []
    seen: set[str] = set()
    used = 0
    for tid in order:
        if tid in cases:
            c = cases[tid]
            place = c.missing_place.split(",")[0].strip() if c.missing_place else ""
            place = place if place[:1].isupper() or N.has_han(place) else ""
            items = [c.child_name, c.child_name_zh, *c.aliases, place, *c.parents]
        elif tid in people:
            p = people[tid]
            items = [p.name, p.name_zh, *p.aliases]
        else:
            continue
        for item in items:
            item = (item or "").strip()
            if han_only and not N.has_han(item):
                continue
            key = N.compact(item)
            if len(key) < 2 or key in seen or (len(N.tokens(item)) == 1 and len(key) < 4):
                continue
            cost = _prompt_cost(item) + 2
            if used + cost > max_chars:
                return _vocab_text(words, han_only)
            seen.add(key)
            words.append(item)
            used += cost
    return _vocab_text(words, han_only)


def _vocab_text(words: list[str], chinese: bool) -> str:
    if not words:
        return ""
    return "、".join(words) + "。" if chinese else ", ".join(words) + "."


def _file_segment(path: str) -> Any:
    from tapelog.transcribe.types import Segment

    return Segment(0.0, 0.0, Path(path).stem.replace("_", " "))
