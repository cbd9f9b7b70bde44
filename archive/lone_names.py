"""The second look's lone names, looked at again by base (``archive.closer_look``).

The second look splices in any run of case names tiny.en wrote given the whole case
sheet. Once in a while that is another child's name over ordinary words: en07 from a
case sheet alone got "Zhao Mingxuan" over "enemies" (said: "yuan is") in an interview
about Huang Zihan, a wrong suggestion for another family. Such a name, naming a case
nothing else in the transcript names while another case is named twice or more, is
looked at again with base (given that name too); where base does not write it again,
the plain pass's words come back. Base wrote the true lone names of the volunteer's
interview again ("Zhang Haoran", "Peng Gaofeng", "Liu Jingjun").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tapelog.archive import names as N
from tapelog.archive.closer_look import PAD_S, Stretch, _mid, _utterances

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tapelog.archive.linking import Mention
    from tapelog.transcribe.types import Segment, Word


@dataclass
class Doubt:
    """A name the second look spliced in that names a case nothing else in the
    transcript names, while another case is named twice or more."""

    start: float
    end: float
    name: str
    words: list[Word]


def lone_splices(
    mentions: Sequence[Mention], segments: Sequence[Segment], plain: Sequence[Segment]
) -> list[Doubt]:
    """The second look's lone names: en07 from a case sheet alone got "Zhao Mingxuan"
    (another child) spliced over "enemies" in an interview about Huang Zihan; base,
    given that name too, heard "yuan is" there. A name base hears again stays."""
    plain_ids = {id(w) for seg in plain for w in seg.words}
    counts: dict[str, int] = {}
    for m in mentions:
        if m.target_type == "case":
            counts[m.target_id] = counts.get(m.target_id, 0) + 1
    if not counts or max(counts.values()) < 2:
        return []
    out: list[Doubt] = []
    for m in mentions:
        if m.target_type != "case" or counts[m.target_id] != 1:
            continue
        run = [
            w
            for w in segments[m.segment].words
            if id(w) not in plain_ids and m.match_start - 0.05 <= _mid(w) <= m.match_end + 0.05
        ]
        if run:
            name = " ".join(w.word.strip(" ,.?!") for w in run)
            out.append(Doubt(run[0].start, run[-1].end, name, run))
    return out


def judge(
    segments: list[Segment],
    plain: Sequence[Segment],
    doubts: list[Doubt],
    looked: Sequence[Segment],
    window: list[Stretch],
) -> tuple[list[Segment], int]:
    """Each doubted name inside ``window`` that base did not write again (none of its
    words near it in ``looked``) gives the plain pass's words back. No decode (base ran
    away): no evidence, the name stays."""
    undone = 0
    for d in doubts:
        inside = any(s.start - PAD_S <= d.start and d.end <= s.end + PAD_S for s in window)
        if not looked or not inside:
            continue
        near = [w for seg in looked for w in seg.words if d.start - 0.5 <= _mid(w) <= d.end + 0.5]
        if set(N.tokens(d.name)) & {t for w in near for t in N.tokens(w.word)}:
            continue
        run = {id(w) for w in d.words}
        back = [w for seg in plain for w in seg.words if d.start - 0.05 <= _mid(w) <= d.end + 0.05]
        out: list[Segment] = []
        for seg in segments:
            if any(id(w) in run for w in seg.words):
                words = sorted(
                    [w for w in seg.words if id(w) not in run] + back, key=lambda w: w.start
                )
                seg = replace(seg, words=words, text="".join(w.word for w in words).strip())
            out.append(seg)
        segments, undone = out, undone + 1
    return segments, undone


def doubted(segments: Sequence[Segment], doubts: list[Doubt], have: list[Stretch]) -> list[Stretch]:
    """The utterances holding a doubted name, unless already to be looked at."""
    out: list[Stretch] = []
    for unit in _utterances(segments):
        words = [w for seg in unit for w in seg.words]
        a, b = words[0].start, words[-1].end
        why = [d.name for d in doubts if a <= _mid(d.words[0]) <= b]
        if why and not any(s.start <= a and b <= s.end for s in [*have, *out]):
            out.append(Stretch(a, b, f"lone name {why[0]!r}"))
    return out
