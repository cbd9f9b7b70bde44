"""Speaker labels (``CH1``) found by transcription, and the names a crew gives them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.models import SpeakerName
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

Q = Query()


def speaker_names(archive: Archive, media_id: str) -> dict[str, str]:
    docs = archive.store.table("speakers").search(Q.media_id == media_id)
    return {d["label"]: d["name"] for d in docs}


def all_speaker_names(archive: Archive) -> dict[tuple[str, str], str]:
    return {(d["media_id"], d["label"]): d["name"] for d in archive.store.table("speakers").all()}


def rename_speaker(
    archive: Archive, old: str, new: str, media_id: str | None = None, voice: bool = True
) -> int:
    """Name a speaker; returns how many (media, label) pairs now carry the new name.

    With ``media_id``, ``old`` is a label (``CH1``) or the current name in that file;
    with ``voice``, that speaker's voice print (when transcription made one) becomes a
    known voice, and other files' speakers that sound like it are suggested for review
    (``archive.voices``). Without ``media_id``, every speaker named ``old`` anywhere in
    the archive is renamed, so a name given once is kept consistent across interviews.
    """
    from tapelog.archive import voices

    new = new.strip()
    if not new:
        raise UsageError("a speaker name cannot be empty")
    table = archive.store.table("speakers")
    with archive.store.transaction():
        if media_id is not None:
            archive.get_media(media_id)
            names = archive.speaker_names(media_id)
            label = next((lb for lb, nm in names.items() if nm == old), None) or old
            labels = speaker_labels(archive, media_id)
            if label not in labels and label not in names:
                raise NotFoundError(
                    f"no speaker '{old}' in {media_id} (speakers: "
                    f"{', '.join(sorted(labels | set(names))) or 'none'})"
                )
            rec = SpeakerName(media_id, label, new)
            table.upsert(rec.to_dict(), (Q.media_id == media_id) & (Q.label == label))
            if voice and voices.remember(archive, media_id, label, new):
                voices.suggest(archive)
            return 1
        matches = table.search(Q.name == old)
        if not matches:
            raise NotFoundError(f"no speaker named '{old}' in this archive")
        table.update({"name": new}, Q.name == old)
        archive.store.table("voices").update({"name": new}, Q.name == old)
        return len(matches)


def speaker_labels(archive: Archive, media_id: str) -> set[str]:
    media = archive.get_media(media_id)
    if media.transcript_id:
        rec = archive.get_transcript(media.transcript_id)
        if rec.speakers:
            return set(rec.speakers)
    return {s.speaker for s in archive.raw_segments(media_id) if s.speaker}
