"""Merge another archive's work into this one: several loggers, one archive.

Everything is matched by what it is, not by its id in the other archive (each laptop
counts ``m1, m2...`` on its own): media by content fingerprint, transcript versions by
media + model + start time, corrections, tags and link decisions by their content,
selections and themes by name, cases and people by their case/person id. So merging
the same archive twice finds everything already there and changes nothing.

All of it happens in one store transaction under the writer lock: the tables are
committed together through the store's journal, and the new transcript files, staged
as temp files first, are moved into place by that same journal. A merge interrupted
at any moment leaves the archive as it was (a leftover temp file at most) or fully
merged; ``dry_run`` runs the very same code and throws the transaction away.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tapelog.archive.errors import TapelogError
from tapelog.archive.merge_records import FieldDiff, checked, clash, combine
from tapelog.archive.merge_source import MergeSourceError, Source, read_source, safe_id
from tapelog.archive.models import (
    STATUS_DONE,
    STATUS_NO_AUDIO,
    STATUS_NONE,
    STATUS_PARTIAL,
    Case,
    Correction,
    MediaRecord,
    Person,
    Selection,
    SpeakerName,
    TranscriptRecord,
)
from tapelog.archive.progress import CancelToken, ProgressCallback, ProgressEvent, report
from tapelog.archive.transcripts import transcript_path
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive
    from tapelog.transcribe.types import Segment

Q = Query()
R = TypeVar("R", Case, Person)


class MergeConflictError(TapelogError):
    """The two archives disagree in a way a merge must not guess (same id, two children)."""


@dataclass
class MergeReport:
    """What a merge did (or, dry, would do): counts, lines for people, fields to review."""

    source: str
    dry_run: bool
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    diffs: list[FieldDiff] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.updated.values())

    def add(self, kind: str, line: str | None = None, n: int = 1) -> None:
        self.added[kind] = self.added.get(kind, 0) + n
        if line:
            self.lines.append(line)

    def update(self, kind: str, line: str | None = None) -> None:
        self.updated[kind] = self.updated.get(kind, 0) + 1
        if line:
            self.lines.append(line)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "changed": self.changed,
            "added": self.added,
            "updated": self.updated,
            "lines": self.lines,
            "review": self.review,
            "fields": [d.__dict__ for d in self.diffs],
        }


class _DryRun(Exception):
    """Raised inside the transaction so a dry run writes nothing."""


def merge_archive(
    archive: Archive,
    other: str | Path,
    *,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> MergeReport:
    """Bring the archive at ``other`` (folder or export file) into ``archive``."""
    source = read_source(other, archive.root)
    report_ = MergeReport(source.label, dry_run)
    merger = _Merger(archive, source, report_, dry_run, progress, cancel)
    try:
        with archive.store.transaction():
            merger.run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    finally:
        merger.discard_staged()
    if not dry_run and report_.changed:
        # Indexed now, with the merge's progress, rather than by the first search
        # afterwards (500 merged hours would make that search take minutes). Were this
        # interrupted, the next search still finds the store changed and catches up.
        archive.sync_index(progress=progress)
    return report_


class _Merger:
    def __init__(
        self,
        archive: Archive,
        source: Source,
        report_: MergeReport,
        dry_run: bool,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> None:
        self.a = archive
        self.store = archive.store
        self.src = source
        self.r = report_
        self.dry = dry_run
        self.progress = progress
        self.cancel = cancel
        self.media: dict[str, str] = {}  # their media id -> ours
        self.new_media: set[str] = set()  # our ids of media added by this merge
        self.transcripts: dict[str, str] = {}
        self.tags: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.staged: list[Path] = []

    def _step(self, what: str, n: int) -> None:
        if self.cancel is not None:
            self.cancel.check()
        report(self.progress, ProgressEvent("merge", n, 9, "steps", what))

    def run(self) -> None:
        self._cases_and_people()  # first: a clash stops the merge before anything else
        steps = (
            self._media, self._transcripts, self._current, self._corrections,
            self._speakers, self._themes, self._tags_and_links, self._selections,
        )  # fmt: skip
        for n, step in enumerate(steps):
            self._step(step.__name__.strip("_"), n)
            step()
        report(self.progress, ProgressEvent("merge", 9, 9, "steps"))

    def discard_staged(self) -> None:
        """Remove staged transcript files the commit did not move (dry run, error)."""
        for path in self.staged:
            with contextlib.suppress(OSError):
                path.unlink()

    # -- cases and people ----------------------------------------------------------

    def _cases_and_people(self) -> None:
        clashes: list[str] = []
        self._records("cases", Case, "case_id", "case", clashes)
        self._records("people", Person, "person_id", "person", clashes)
        if clashes:
            more = f" (and {len(clashes) - 1} more; see --dry-run)" if len(clashes) > 1 else ""
            self.r.review.extend(clashes)
            if not self.dry:
                raise MergeConflictError(f"{clashes[0]}{more}; nothing merged")

    def _records(self, table: str, cls: type[R], key: str, what: str, clashes: list[str]) -> None:
        """Their case or people records matched to ours by id (``key``)."""
        ours: dict[Any, dict[str, Any]] = {d.get(key): d for d in self.store.table(table).all()}
        for doc in self.src.tables[table]:
            theirs = checked(cls, doc, what)
            rid = getattr(theirs, key)
            if not isinstance(rid, str) or not rid.strip():
                raise MergeSourceError(f"the other archive has a {table} record with no id")
            if rid not in ours:
                self.store.table(table).insert(theirs.to_dict())
                self.r.add(table, f"new {what} {rid}")
                continue
            mine = cls.from_dict(ours[rid])
            why = clash(table, mine, theirs)
            if why:
                clashes.append(why)
                continue
            merged, diffs = combine(table, rid, mine, theirs)
            self.r.diffs.extend(diffs)
            for d in diffs:
                (self.r.review if d.action == "kept-ours" else self.r.lines).append(d.line())
            if merged != mine:
                self.store.table(table).update(merged.to_dict(), Q[key] == rid)
                self.r.update(table)

    # -- media and transcripts -----------------------------------------------------

    def _media(self) -> None:
        table = self.store.table("media")
        ours: dict[Any, dict[str, Any]] = {d.get("fingerprint"): d for d in table.all()}
        for doc in self.src.tables["media"]:
            theirs = checked(MediaRecord, doc, "media")
            safe_id(theirs.id, "media")
            if not theirs.fingerprint or not isinstance(theirs.info.duration, int | float):
                raise MergeSourceError(f"the other archive's media {theirs.id} is damaged")
            mine = ours.get(theirs.fingerprint)
            if mine is not None:
                self.media[theirs.id] = mine["id"]
                if mine.get("path") != theirs.path:
                    self.r.lines.append(
                        f"their {theirs.id} is our {mine['id']} (same content; their path "
                        f"{theirs.path!r} kept as ours {mine.get('path')!r})"
                    )
                continue
            new_id = self.store.next_id("m")
            theirs.id = new_id
            theirs.transcript_id = None
            has_audio = theirs.info.has_audio
            theirs.transcript_status = STATUS_NONE if has_audio else STATUS_NO_AUDIO
            theirs.error = None
            table.insert(theirs.to_dict())
            ours[theirs.fingerprint] = theirs.to_dict()
            self.media[doc["id"]] = new_id
            self.new_media.add(new_id)
            self.r.add("media", f"new media {new_id}: {theirs.path}")

    def _transcripts(self) -> None:
        table = self.store.table("transcripts")
        have: dict[tuple[Any, ...], dict[str, Any]] = {
            (d.get("media_id"), d.get("created"), d.get("model")): d for d in table.all()
        }
        for doc in self.src.tables["transcripts"]:
            theirs = checked(TranscriptRecord, doc, "transcript")
            safe_id(theirs.id, "transcript")
            mid = self.media.get(theirs.media_id)
            if mid is None:
                continue  # a record of media the other archive does not have
            mine = have.get((mid, theirs.created, theirs.model))
            if mine is not None:
                self.transcripts[theirs.id] = mine["id"]
                continue
            segs = self.src.segments(theirs.media_id, theirs.id)
            if segs is None:
                if theirs.status == STATUS_DONE:
                    self.r.review.append(
                        f"their transcript {theirs.id} has no segments file; not merged"
                    )
                continue
            new_id = self.store.next_id("tr")
            theirs.id, theirs.media_id = new_id, mid
            if theirs.status == STATUS_DONE:
                theirs.segment_count = len(segs)
            self._stage(mid, new_id, segs)
            table.insert(theirs.to_dict())
            have[(mid, theirs.created, theirs.model)] = theirs.to_dict()
            self.transcripts[doc["id"]] = new_id
            self.r.add("transcripts", f"new transcript version {new_id} of {mid} ({theirs.model})")

    def _stage(self, media_id: str, transcript_id: str, segs: list[Segment]) -> None:
        """Write a transcript as a temp file; the commit's journal moves it into place."""
        if self.dry:
            return
        import json

        from tapelog.archive.store import atomic_write_text

        final = transcript_path(self.a.root, media_id, transcript_id)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}-{len(self.staged)}")
        self.staged.append(tmp)
        text = "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in segs)
        atomic_write_text(tmp, text, sync_dir=False)
        self.store.move_on_commit(tmp, final)

    def _current(self) -> None:
        """Which transcript each media shows: ours stays; theirs where we have none done."""
        table = self.store.table("media")
        statuses = {d["id"]: d.get("status") for d in self.store.table("transcripts").all()}
        partial = {
            d["media_id"] for d in self.store.table("transcripts").all()
            if d.get("status") == STATUS_PARTIAL
        }  # fmt: skip
        for doc in self.src.tables["media"]:
            mid = self.media[doc["id"]]
            tid = self.transcripts.get(doc.get("transcript_id") or "")
            doc_ = table.get(Q.id == mid)
            if not isinstance(doc_, dict):  # pragma: no cover - _media put every one there
                raise MergeSourceError(f"media {mid} vanished during the merge")
            mine = MediaRecord.from_dict(doc_)
            before = mine.to_dict()
            if tid and statuses.get(tid) == STATUS_DONE:
                if mine.transcript_status != STATUS_DONE or not mine.transcript_id:
                    mine.transcript_id, mine.transcript_status = tid, STATUS_DONE
                    mine.language = (
                        doc.get("language") if isinstance(doc.get("language"), str) else None
                    )
                    mine.error = None
                elif mine.transcript_id != tid:
                    self.r.review.append(
                        f"{mid}: both archives finished a transcript; ours ({mine.transcript_id}) "
                        f"stays current, theirs is kept as version {tid}"
                    )
            if mine.transcript_status in (STATUS_NONE,) and mid in partial:
                mine.transcript_status = STATUS_PARTIAL
            if mine.to_dict() != before:
                table.update(mine.to_dict(), Q.id == mid)
                if mid not in self.new_media:
                    self.r.update("media", f"{mid} now shows transcript {mine.transcript_id}")

    def _corrections(self) -> None:
        table = self.store.table("corrections")
        ours = [Correction.from_dict(d) for d in table.all()]
        have = {(c.media_id, c.created, c.start, c.end, c.text) for c in ours}
        for doc in self.src.tables["corrections"]:
            theirs = checked(Correction, doc, "correction")
            mid = self.media.get(theirs.media_id)
            if mid is None:
                continue
            key = (mid, theirs.created, theirs.start, theirs.end, theirs.text)
            if key in have:
                continue
            clashing = next(
                (
                    c for c in ours
                    if c.media_id == mid and c.start < theirs.end and theirs.start < c.end
                    and c.text != theirs.text
                ),
                None,
            )  # fmt: skip
            if clashing is not None:
                self.r.review.append(
                    f"{mid} {theirs.start:.1f}-{theirs.end:.1f} s: corrected in both archives "
                    f"({clashing.text[:40]!r} / {theirs.text[:40]!r}); the newer shows, both "
                    "are kept in its history"
                )
            theirs.id = self.store.next_id("c")
            theirs.media_id = mid
            theirs.transcript_id = self.transcripts.get(theirs.transcript_id or "")
            table.insert(theirs.to_dict())
            have.add(key)
            self.r.add("corrections")

    def _speakers(self) -> None:
        table = self.store.table("speakers")
        ours = {(d.get("media_id"), d.get("label")): d.get("name") for d in table.all()}
        for doc in self.src.tables["speakers"]:
            theirs = checked(SpeakerName, doc, "speaker")
            mid = self.media.get(theirs.media_id)
            if mid is None:
                continue
            mine = ours.get((mid, theirs.label))
            if mine is None:
                table.insert(SpeakerName(mid, theirs.label, theirs.name).to_dict())
                ours[(mid, theirs.label)] = theirs.name
                self.r.add("speakers", f"{mid}: speaker {theirs.label} is {theirs.name!r}")
            elif mine != theirs.name:
                self.r.review.append(
                    f"{mid}: speaker {theirs.label} is {mine!r} here and {theirs.name!r} "
                    "there (kept ours)"
                )

    def _themes(self) -> None:
        table = self.store.table("themes")
        have = {str(d.get("name", "")).casefold() for d in table.all()}
        for doc in self.src.tables["themes"]:
            name = doc.get("name")
            if isinstance(name, str) and name.strip() and name.casefold() not in have:
                table.insert({"name": name})
                have.add(name.casefold())
                self.r.add("themes", f"new theme {name!r}")

    def _tags_and_links(self) -> None:
        from tapelog.archive.merge_tags import merge_tags_and_links

        merge_tags_and_links(self)

    def _selections(self) -> None:
        from tapelog.archive.merge_tags import merge_selections

        for doc in self.src.tables["selections"]:
            merge_selections(self, checked(Selection, doc, "selection"))
