"""What the Interview screen shows, read from the archive without touching a widget, so
a read can run in a thread while the screen answers keys (another terminal's write)."""

from __future__ import annotations

from dataclasses import dataclass

from tapelog.archive.models import MediaRecord, Tag
from tapelog.transcribe.types import Segment
from tapelog.tui import casework


@dataclass
class View:
    """One read of what the interview screen shows."""

    media: MediaRecord
    segments: list[Segment]
    names: dict[str, str]
    tags: list[Tag]
    labels: dict[str, str]  # case/person key -> what the crew reads
    given: list[str]


def labels_by_key(archive) -> dict[str, str]:
    """Case and person keys -> labels, read again only when cases or people change
    (a real archive has thousands; every outside write would re-read them all)."""
    from tapelog.archive.caches import cached

    def build() -> dict[str, str]:
        vocab = casework.vocabulary(archive)  # its lists are cached too
        return {c.key: c.label for c in [*vocab.cases, *vocab.people]}

    return cached(archive, "tui-labels", ("cases", "people"), build)


def names_given(archive, media: MediaRecord) -> list[str]:
    """The names Whisper was given for the current transcript, in order."""
    from tapelog.archive.second_look import names_given as given_in
    from tapelog.transcribe.guard import vocabulary_items

    if not media.transcript_id:
        return []
    given = given_in(archive.get_transcript(media.transcript_id))
    own = vocabulary_items(given["hotwords"]) + vocabulary_items(given["prompt"])
    looks = [*given["second_look"], *given["closer_look"], *given["own_look"]]
    return list(dict.fromkeys(own + looks))
