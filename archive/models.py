"""The records tapelog keeps, as dataclasses that convert to and from JSON dicts.

The store (TinyDB) holds only these small records. Transcript segments, which are
bulky, live in per-transcript JSONL files (``archive.transcripts``) so that a small
edit never rewrites hours of transcript.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

from tapelog.archive.errors import StoreCorruptError
from tapelog.archive.statuses import CaseStatus, LinkStatus, TranscriptStatus
from tapelog.media.info import MediaInfo

T = TypeVar("T")


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build ``cls`` from a stored dict, ignoring keys a newer version may have added."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    try:
        return cls(**{k: v for k, v in data.items() if k in names})
    except TypeError as exc:  # a required field is missing: a damaged or hand-edited store
        raise damaged(cls.__name__, data, exc) from None


def damaged(kind: str, data: Any, exc: Exception) -> StoreCorruptError:
    """The error for a stored record that cannot be read back."""
    rid = None
    if isinstance(data, dict):
        rid = data.get("id") or data.get("case_id") or data.get("person_id")
    reason = f"no '{exc.args[0]}' field" if isinstance(exc, KeyError) else str(exc)
    return StoreCorruptError(
        f"a stored {kind} record{f' ({rid})' if rid else ''} is damaged ({reason}); "
        "`tapelog check` lists problems, `tapelog restore` brings back the newest backup"
    )


# Transcript status of a media file, as ``tapelog list`` shows it (archive.statuses).
STATUS_NONE = TranscriptStatus.NONE
STATUS_PARTIAL = TranscriptStatus.PARTIAL
STATUS_DONE = TranscriptStatus.DONE
STATUS_FAILED = TranscriptStatus.FAILED
STATUS_NO_AUDIO = TranscriptStatus.NO_AUDIO


@dataclass
class MediaRecord:
    id: str
    path: str
    fingerprint: str
    info: MediaInfo
    imported_at: str
    transcript_id: str | None = None  # the current transcript, in the language spoken
    transcript_status: str = STATUS_NONE
    language: str | None = None
    error: str | None = None
    # The current English translation, kept beside the original (never in its place).
    translation_id: str | None = None

    @property
    def name(self) -> str:
        import os

        return os.path.basename(self.path)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["info"] = self.info.to_dict()
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaRecord:
        data = dict(data)
        try:
            data["info"] = MediaInfo.from_dict(data["info"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise damaged("media", data, exc) from None
        return _from_dict(cls, data)


@dataclass
class TranscriptRecord:
    """One run of a speech engine over one media file (a version of its transcript)."""

    id: str
    media_id: str
    model: str
    options: dict[str, Any]
    created: str
    status: str = STATUS_PARTIAL
    language: str | None = None
    language_probability: float | None = None
    finished: str | None = None
    segment_count: int = 0
    duration: float = 0.0
    speakers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranscriptRecord:
        return _from_dict(cls, data)


@dataclass
class Correction:
    """A human correction of a transcript line, anchored by time, never by segment index.

    Anchoring by time lets a correction survive re-transcription with another model:
    it is applied to whichever new segment covers the same span. Every correction is
    kept; the newest one for a span is the text shown (earlier ones are its history).
    """

    id: str
    media_id: str
    start: float
    end: float
    text: str
    original: str
    created: str
    transcript_id: str | None = None
    # The corrected words aligned to the audio ({start, end, word, probability}, seconds
    # in the file); None: not aligned (older corrections, or no audio to align to).
    words: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Correction:
        return _from_dict(cls, data)


@dataclass
class SpeakerName:
    """The name given to a speaker label (``CH1``...) in one media file."""

    media_id: str
    label: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpeakerName:
        return _from_dict(cls, data)


@dataclass
class Case:
    """A case record of a missing child."""

    case_id: str
    child_name: str = ""
    child_name_zh: str = ""
    aliases: list[str] = field(default_factory=list)
    sex: str = ""
    birth_date: str = ""
    missing_date: str = ""
    missing_place: str = ""
    status: str = CaseStatus.UNKNOWN
    parents: list[str] = field(default_factory=list)
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Case:
        return _from_dict(cls, data)


@dataclass
class Person:
    person_id: str
    name: str = ""
    name_zh: str = ""
    aliases: list[str] = field(default_factory=list)
    role: str = ""
    cases: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # minor / off-record / no-release
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Person:
        return _from_dict(cls, data)


SENSITIVE_FLAGS = ("minor", "off-record", "no-release")


@dataclass
class Tag:
    """Themes, people and cases on a time span of one media file, plus a note.

    Anchored by time (seconds from the start of the file) so tags survive transcript
    edits and re-transcription.
    """

    id: str
    media_id: str
    start: float
    end: float
    themes: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    note: str = ""
    created: str = ""
    source: str = "manual"  # manual / link
    link_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tag:
        return _from_dict(cls, data)


@dataclass
class LinkSuggestion:
    """A name heard in a transcript, matched to a case or person, awaiting review."""

    link_id: str
    media_id: str
    start: float
    end: float
    mention: str
    target_type: str  # case / person
    target_id: str
    score: float
    matched: str = ""  # the name or alias it matched
    context: str = ""
    status: str = LinkStatus.PENDING
    tag_id: str | None = None
    # Person records folded into a case suggestion (the child's own, a parent's): one
    # item to review per mention; accepting it tags the case and these people.
    people: list[str] = field(default_factory=list)
    # The words the name was heard in (word timestamps; the line's bounds when the
    # transcript has none): what selects, clips, markers and the TUI cut on. None in
    # links stored before they carried them (``links_cut.fill_cuts``).
    match_start: float | None = None
    match_end: float | None = None
    # Matched by how the words sound, not their letters ("Zio, you" for Xiaoyu,
    # ``archive.name_heard``): the reviewer is told so ("sounds like").
    by_sound: bool = False

    @property
    def cut(self) -> tuple[float, float]:
        """Where to cut: the matched words, or the line when their times are unknown.

        Times that are not numbers inside the line (a damaged or hostile archive) are
        not trusted: the line is cut instead.
        """
        ms, me = self.match_start, self.match_end
        if type(ms) not in (int, float) or type(me) not in (int, float):
            return self.start, self.end
        if not self.start - 1.0 <= ms <= me <= self.end + 1.0:  # type: ignore[operator]
            return self.start, self.end
        return float(ms), float(me)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkSuggestion:
        return _from_dict(cls, data)


@dataclass
class SelectionItem:
    media_id: str
    start: float
    end: float
    text: str = ""
    note: str = ""


@dataclass
class Selection:
    """A named list of quotes an editor saved from search, for export as selects."""

    name: str
    items: list[SelectionItem] = field(default_factory=list)
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Selection:
        data = dict(data)
        data["items"] = [SelectionItem(**i) for i in data.get("items", [])]
        return _from_dict(cls, data)
