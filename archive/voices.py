"""Voices known across the archive: prints saved when a crew names a speaker, matched
to the speakers of other files and suggested for review, never applied silently.

Three tables, all personal data that stays in the archive (``export archive`` leaves
them out, no other export reads them):

- ``file_voices``: the voice print of each speaker label a transcription found
  (``S1``, ``CH2``...), with the embedder that made it;
- ``voices``: a named voice, saved from a file's print when the crew names that
  speaker (``speakers rename --media``, ``n`` in the TUI); tied to the person of that
  name when there is one, so it follows the person: a flagged person (minor,
  off-record, no-release) shows the flag on every suggestion, exports hide the name
  as they hide the person's, and a deleted person's voice is never matched;
- ``voice_matches``: a file's speaker that sounds like a named voice, with the score:
  ``suggested`` until accepted (the speaker is then named, like a rename) or rejected
  (never suggested again for that voice).

Only prints from an embedder that carries across files (``portable``: CAM++) are
matched; the spectral fallback tells voices apart within a file only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.library import now_iso
from tapelog.archive.voice_windows import MIN_SHARE, pack, window_votes
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive
    from tapelog.transcribe.diarize import Diarization
    from tapelog.transcribe.types import Segment

Q = Query()
TABLES = ("file_voices", "voices", "voice_matches")
# Cosine similarity of CAM++ prints above which a speaker is suggested as a known
# voice. bench/bench_diarize.py, prints from two files: one person 0.88-0.99, two
# people at most ~0.7 (BENCHMARKS.md); between the two, erring towards fewer suggestions.
MATCH_THRESHOLD = 0.85
# A print whose windows agree less than this (``transcribe.diarize.print_agreement``)
# is not matched: the speaker most likely holds two voices (the grouping joined two
# people) and its print sounds like one of them or neither. Chosen on bench/data/diar,
# checked on bench/data/diar_heldout (bench/bench_diarize_match.py, BENCHMARKS.md).
MIN_AGREEMENT = 0.79
# The best voice must beat the best other person's voice by this much: a print between
# two known voices is a guess, not a suggestion.
MIN_MARGIN = 0.05
PORTABLE = ("campp",)


@dataclass
class VoiceMatch:
    id: str
    media_id: str
    label: str
    voice_id: str
    name: str
    score: float
    status: str = "suggested"  # suggested / accepted / rejected
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("flags")
        return d


def file_print(diar: Diarization, label: str) -> dict[str, Any]:
    """What is kept of one speaker's voice: the print, its agreement and its windows
    (``voice_windows.pack``), as ``best_voice`` reads them."""
    return {"embedder": diar.embedder, "print": diar.prints[label],
            "agreement": diar.agreement.get(label),
            "windows": pack(diar.windows.get(label))}  # fmt: skip


def save_file_prints(
    archive: Archive, media_id: str, transcript_id: str, diar: Diarization, labels: set[str]
) -> None:
    """Keep the prints of the labels the transcript uses (replacing the file's old ones)."""
    table = archive.store.table("file_voices")
    keep = [label for label in diar.prints if label in labels]
    if not keep and not table.contains(Q.media_id == media_id):
        return  # nothing to keep or replace: leave the store untouched
    with archive.store.transaction():
        table.remove(Q.media_id == media_id)
        for label in keep:
            table.insert(
                {"media_id": media_id, "transcript_id": transcript_id, "label": label}
                | file_print(diar, label)
            )
        stale = (Q.media_id == media_id) & (Q.status == "suggested")
        if archive.store.table("voice_matches").contains(stale):
            archive.store.table("voice_matches").remove(stale)


def _person_for(archive: Archive, name: str) -> tuple[str | None, list[str]]:
    from tapelog.archive.models import SENSITIVE_FLAGS
    from tapelog.archive.records import list_people

    key = name.casefold().strip()
    for p in list_people(archive):
        names = [p.name, p.name_zh, *p.aliases]
        if any(n and n.casefold().strip() == key for n in names):
            return p.person_id, [f for f in p.flags if f in SENSITIVE_FLAGS]
    return None, []


def remember(archive: Archive, media_id: str, label: str, name: str) -> bool:
    """A named speaker's print becomes a known voice (when the file has one).
    Returns whether a voice was saved."""
    doc = archive.store.table("file_voices").get((Q.media_id == media_id) & (Q.label == label))
    if doc is None:
        return False
    person_id, _flags = _person_for(archive, name)
    table = archive.store.table("voices")
    with archive.store.transaction():
        table.remove((Q.media_id == media_id) & (Q.label == label))
        table.insert(
            {"id": archive.store.next_id("v"), "name": name, "person_id": person_id,
             "embedder": doc["embedder"], "print": doc["print"], "media_id": media_id,
             "label": label, "agreement": doc.get("agreement"), "created": now_iso()}
        )  # fmt: skip
    return True


def _live_voices(archive: Archive) -> list[dict[str, Any]]:
    """Known voices that can be matched: portable prints of people still in the archive."""
    from tapelog.archive.records import list_people

    people = {p.person_id for p in list_people(archive)}
    return [
        v
        for v in archive.store.table("voices").all()
        if v["embedder"] in PORTABLE and (not v.get("person_id") or v["person_id"] in people)
    ]


def _cos(a: list[float], b: list[float]) -> float:
    import numpy as np  # here, not at import: the TUI and CLI load this module at start

    x, y = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return float(x @ y / max(float(np.linalg.norm(x) * np.linalg.norm(y)), 1e-9))


def _agrees(doc: dict[str, Any]) -> bool:
    """Whether a print is clean enough to match (prints saved before agreement was
    measured have none: they are matched as they were)."""
    agreement = doc.get("agreement")
    return agreement is None or agreement >= MIN_AGREEMENT


def judge(
    speaker: dict[str, Any], voices: list[dict[str, Any]]
) -> tuple[float, dict[str, Any], str | None] | None:
    """The known voice a file's speaker (a ``file_voices`` row) sounds like most, the
    score, and why it is held back (None: suggest it); None when no voice scores
    ``MATCH_THRESHOLD``. Held back: a print of two voices (``MIN_AGREEMENT``), another
    person's voice within ``MIN_MARGIN``, or under ``MIN_SHARE`` of its windows sounding
    like that voice one by one (``voice_windows``). A known voice saved from a mixed
    print is not matched at all. The one rule the archive, the CLI, the TUI and the
    bench use."""
    if speaker.get("embedder") not in PORTABLE:
        return None
    scored = sorted(
        ((_cos(speaker["print"], v["print"]), v) for v in voices
         if v["embedder"] == speaker["embedder"] and _agrees(v)),
        key=lambda s: s[0], reverse=True,
    )  # fmt: skip
    if not scored or scored[0][0] < MATCH_THRESHOLD:
        return None
    score, best = scored[0]
    if not _agrees(speaker):
        return score, best, "two voices in one speaker"
    others = [(s, v) for s, v in scored[1:] if v["name"] != best["name"]]
    if others and score - others[0][0] < MIN_MARGIN:
        return score, best, f"as close to {others[0][1]['name']} ({others[0][0]:.2f})"
    votes = window_votes(speaker, best["name"], [v for _s, v in scored])
    if votes is not None and votes[0] < MIN_SHARE * votes[1] - 1e-9:  # 8 of 12: two thirds
        return score, best, f"{votes[0]} of {votes[1]} stretches sound like {best['name']}"
    return score, best, None


def best_voice(
    speaker: dict[str, Any], voices: list[dict[str, Any]]
) -> tuple[float, dict[str, Any]] | None:
    """The voice to suggest for a file's speaker, with the score, or None (``judge``)."""
    verdict = judge(speaker, voices)
    return None if verdict is None or verdict[2] else verdict[:2]


def window_share(speaker: dict[str, Any], name: str, voices: list[dict[str, Any]]) -> float | None:
    """The share of a speaker's kept windows that sound like ``name`` one by one
    (``voice_windows.window_votes``); None when its windows were not kept."""
    votes = window_votes(speaker, name, voices)
    return None if votes is None else votes[0] / votes[1]


def suggest(archive: Archive, media_id: str | None = None) -> list[VoiceMatch]:
    """Match unnamed speakers (of one file, or all) to known voices; new suggestions only.

    Each speaker is suggested as its single best voice (``best_voice``); a pair the
    crew rejected is not suggested again; speakers already named are left.
    """
    voices = _live_voices(archive)
    if not voices:
        return []
    names = archive.all_speaker_names()
    matches = archive.store.table("voice_matches")
    decided = {(m["media_id"], m["label"], m["voice_id"]) for m in matches.all()}
    pending = {(m["media_id"], m["label"]) for m in matches.search(Q.status == "suggested")}
    docs = archive.store.table("file_voices")
    found = docs.search(Q.media_id == media_id) if media_id else docs.all()
    new: list[VoiceMatch] = []
    with archive.store.transaction():
        for fv in found:
            key = (fv["media_id"], fv["label"])
            if key in names or key in pending or fv["embedder"] not in PORTABLE:
                continue
            own = [v for v in voices if v["media_id"] != fv["media_id"]]
            found_voice = best_voice(fv, own)
            if found_voice is None or (*key, found_voice[1]["id"]) in decided:
                continue
            score, best = found_voice
            m = VoiceMatch(
                archive.store.next_id("vm"), *key, best["id"], best["name"], round(score, 3)
            )
            matches.insert(m.to_dict())
            new.append(m)
    return new


def held_back(archive: Archive) -> list[dict[str, Any]]:
    """Unnamed speakers that sound like a known voice but are not suggested, and why
    (``judge``): for a crew to listen to and name by hand, if it is them."""
    voices = _live_voices(archive)
    names = archive.all_speaker_names()
    out = []
    for fv in archive.store.table("file_voices").all() if voices else []:
        key = (fv["media_id"], fv["label"])
        if key in names:
            continue
        verdict = judge(fv, [v for v in voices if v["media_id"] != fv["media_id"]])
        if verdict is not None and verdict[2]:
            score, best, why = verdict
            out.append({"media_id": key[0], "label": key[1], "name": best["name"],
                        "score": round(score, 3), "why": why})  # fmt: skip
    return sorted(out, key=lambda h: (h["media_id"], h["label"]))


def list_matches(archive: Archive, status: str | None = "suggested") -> list[VoiceMatch]:
    """Suggestions (by default the ones to review). A suggestion whose voice can no
    longer be matched (its person deleted) is not offered for review."""
    flags = {}
    out = []
    live = {v["id"] for v in _live_voices(archive)}
    for d in archive.store.table("voice_matches").all():
        if status and d["status"] != status:
            continue
        if d["status"] == "suggested" and d["voice_id"] not in live:
            continue
        if d["name"] not in flags:
            flags[d["name"]] = tuple(_person_for(archive, d["name"])[1])
        out.append(VoiceMatch(**d, flags=flags[d["name"]]))
    return sorted(out, key=lambda m: (m.media_id, m.label))


def decide(archive: Archive, match_id: str, accept: bool) -> VoiceMatch:
    """Accept (the file's speaker is named, as by a rename) or reject a suggestion."""
    table = archive.store.table("voice_matches")
    doc = table.get(Q.id == match_id)
    live = {v["id"] for v in _live_voices(archive)}
    if doc is not None and doc["status"] == "suggested" and doc["voice_id"] not in live:
        doc = None  # its person was deleted: nothing to accept
    if doc is None:
        raise NotFoundError(f"no voice suggestion {match_id} (see `tapelog speakers matches`)")
    if doc["status"] != "suggested":
        raise UsageError(f"voice suggestion {match_id} was already {doc['status']}")
    if accept:
        archive.rename_speaker(doc["label"], doc["name"], media_id=doc["media_id"], voice=False)
    with archive.store.transaction():
        table.update({"status": "accepted" if accept else "rejected"}, Q.id == match_id)
    doc["status"] = "accepted" if accept else "rejected"
    return VoiceMatch(**doc)


def list_voices(archive: Archive) -> list[dict[str, Any]]:
    """Every saved print; ``matchable`` is false for a spectral print, for a print of
    two voices (``MIN_AGREEMENT``: name the speaker in a cleaner file) and for the
    print of a person since deleted (kept until ``forget``, never matched); ``why``
    says which."""
    out = []
    live = {v["id"] for v in _live_voices(archive)}
    for v in archive.store.table("voices").all():
        _pid, flags = _person_for(archive, v["name"])
        ok = v["id"] in live and _agrees(v)
        why = (
            None
            if ok
            else "spectral print"
            if v["embedder"] not in PORTABLE
            else "two voices in one speaker"
            if not _agrees(v)
            else "person deleted"
        )
        out.append({k: v[k] for k in ("id", "name", "media_id", "label", "embedder", "created")}
                   | {"flags": flags, "matchable": ok, "why": why})  # fmt: skip
    return sorted(out, key=lambda v: (v["name"], v["media_id"]))


def forget(archive: Archive, name: str) -> int:
    """Delete every voice print of ``name`` and its pending suggestions; returns how
    many prints went. Names already given to speakers stay (they are text, not voice)."""
    voices = archive.store.table("voices")
    gone = voices.search(Q.name == name)
    if not gone:
        raise NotFoundError(f"no voice print of '{name}' (see `tapelog speakers voices`)")
    ids = {v["id"] for v in gone}
    with archive.store.transaction():
        voices.remove(Q.name == name)
        archive.store.table("voice_matches").remove(
            Q.voice_id.test(lambda v: v in ids) & (Q.status == "suggested")
        )
    return len(gone)


def first_lines(archive: Archive, media_id: str, label: str, n: int = 3) -> list[Segment]:
    """The first ``n`` lines a file's speaker says: what a reviewer hears and reads
    before accepting that the voice is the named person's."""
    return [s for s in archive.segments(media_id) if s.speaker == label][:n]


def voice_sources(archive: Archive) -> dict[str, tuple[str, str]]:
    """Each known voice's id -> (media id, label) it was named from."""
    return {v["id"]: (v["media_id"], v["label"]) for v in archive.store.table("voices").all()}
