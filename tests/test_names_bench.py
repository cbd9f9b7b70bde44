"""The names benchmark (bench/bench_names.py): its scoring, and a slice of it end to end.

The full set (18 interviews) runs in ``make bench``; here the scorer is checked on
transcripts made from the labels (so a scoring bug cannot hide behind Whisper), and
one interview goes through Whisper at the defaults, as ``tapelog transcribe --all``
with no flag would, against the figures the project promises for names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.names_score import labels, score_setting, summarise


def _interview(name: str) -> dict:
    return next(iv for iv in labels()["interviews"] if iv["name"] == name)


def _save(folder: Path, name: str, texts: list[tuple[float, float, str]]) -> None:
    """A transcript as bench_names saves it, one segment per (start, end, text)."""
    folder.mkdir(parents=True, exist_ok=True)
    segs = [{"start": a, "end": b, "text": t, "words": []} for a, b, t in texts]
    got = {"interview": name, "wall_s": 2.0, "cpu_s": 3.0, "duration": 50.0, "load": [1.0, 2.0],
           "options": {"second_look": {"seconds": 1.0, "redone": [[0, 1, "x"]]}},
           "segments": segs}  # fmt: skip
    (folder / f"{name}.json").write_text(json.dumps(got), encoding="utf-8")


def test_the_scorer_counts_what_was_heard(tmp_path: Path) -> None:
    iv = _interview("en02_luo_father")
    said = [(s["start"], s["end"], s["text"]) for s in iv["sentences"]]
    _save(tmp_path / "perfect", iv["name"], said)
    perfect = summarise(score_setting(tmp_path / "perfect"))
    assert perfect["mentions"] == 4 and perfect["recall"] == 1.0
    assert perfect["precision"] == 1.0 and perfect["decoy_links"] == 0
    assert perfect["nonname_error"] == 0.0 and perfect["loops"] == 0
    assert perfect["cpu_rtf"] == pytest.approx(3.0 / iv["duration"])
    assert perfect["redone"] == 1 and perfect["load"] == [1.0, 2.0]

    # Names heard as other words: nothing found, and those words are the names' errors.
    names = {n["spoken"] for s in iv["sentences"] for n in s["names"]}

    def unnamed(text: str) -> str:
        for n in names:
            text = text.replace(n, "somebody")
        return text

    _save(tmp_path / "deaf", iv["name"], [(a, b, unnamed(t)) for a, b, t in said])
    deaf = summarise(score_setting(tmp_path / "deaf"))
    assert deaf["recall"] == 0.0 and deaf["nonname_error"] == 0.0

    # A decoy child's name (one syllable from Luo Run) and a lost sentence both count.
    wrong = [*said[:2], (said[2][0], said[2][1], "Luo Ren came too."), *said[4:]]
    _save(tmp_path / "wrong", iv["name"], wrong)
    bad = summarise(score_setting(tmp_path / "wrong"))
    assert bad["decoy_links"] == 1 and bad["precision"] < 1.0
    assert bad["nonname_error"] > 0.05  # two sentences of 13 lost
    # Only the language asked for is scored.
    assert score_setting(tmp_path / "perfect", "zh")["files"] == 0


@pytest.mark.slow
def test_a_slice_of_the_names_bench_at_the_defaults(tmp_path: Path) -> None:
    """en05 (51 s, a mother naming Wang Xiaoyu, Kunming and herself) through Whisper at
    the defaults and plain: the defaults must find what plain tiny.en misses (5 of 5
    vs 0 of 5 measured on two CPUs), link no decoy, and keep the other words as plain hears them."""
    from bench import bench_names

    out = tmp_path / "figures.json"
    bench_names.main(["bench", "--only", "en05_wang_mother", "--out", str(tmp_path),
                      "--json", str(out), "--threads", "2"])  # fmt: skip
    figures = json.loads(out.read_text())["figures"]
    default, plain = figures["default/en"], figures["tiny.en/en"]
    assert default["files"] == plain["files"] == 1
    # Plain tiny.en's own recall depends on the CPU (0 of 5 on two, 4 of 5 on an AMD
    # EPYC without AVX-512): the defaults find at least as many, and 4 of 5 or more.
    assert default["recall"] >= max(0.8, plain["recall"]), (default, plain)
    assert default["precision"] >= 0.95 and default["decoy_links"] == 0
    assert default["nonname_error"] <= plain["nonname_error"] + 0.01
    assert default["loops"] == 0


def test_a_name_counts_on_its_own_sentence_not_every_one_its_line_spans(tmp_path: Path) -> None:
    """en08 at the defaults: one line held "Deng Yuxuan" (sentence 1) and "parking chain"
    for Chengdu (sentence 2); by the line's bounds both counted as found."""
    text = "The case of Deng Yuxuan began on the 15th of July. He was free in a parking chain."
    t, words = 0.2, []
    for w in text.split():
        words.append({"start": t, "end": t + 0.3, "word": " " + w})
        t += 0.35
    seg = {"start": 0.2, "end": 6.8, "text": text, "words": words}
    folder = tmp_path / "line"
    folder.mkdir()
    got = {"interview": "en08_deng", "wall_s": 1.0, "cpu_s": 1.0, "duration": 60.0,
           "load": [1.0, 1.0], "options": {}, "segments": [seg]}  # fmt: skip
    (folder / "en08_deng.json").write_text(json.dumps(got), encoding="utf-8")
    assert words[3]["start"] < 3.81  # "Deng Yuxuan" lies in sentence 1 (0.6-3.81 s)
    strict = summarise(score_setting(folder))
    assert (strict["found"], strict["precision"]) == (1, 1.0)
    import bench.names_score as NS

    try:
        NS.STRICT = False
        assert summarise(score_setting(folder))["found"] == 2  # the count before
    finally:
        NS.STRICT = True


@pytest.mark.slow
def test_natural_mandarin_at_the_defaults(tmp_path: Path) -> None:
    """zh05 (57 s, the natural voice: a mother naming herself, 王晓雨, 昆明 and 晓雨; base
    joins her first sentences with commas into one line) through Whisper at the
    defaults: a name in the next clause of that line is its own mention (4 of 4
    measured; 3 when the names of one line within 8 s folded into one), no decoy, no
    loop."""
    from bench import bench_names

    bench_names.main(["run", "--setting", "default", "--only", "zh05_wang_n",
                      "--out", str(tmp_path), "--threads", "2"])  # fmt: skip
    got = summarise(score_setting(tmp_path / "default", "zh"))
    assert got["files"] == 1 and got["mentions"] == 4
    assert got["recall"] == 1.0, got
    assert got["precision"] >= 0.95 and got["decoy_links"] == 0 and got["loops"] == 0
