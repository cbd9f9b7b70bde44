"""The bench's diarization error rate, on cases worked out by hand."""

import pytest

from bench.der import der, read_rttm


def test_perfect_with_other_label_names():
    ref = [("A", 0, 10), ("B", 10, 20)]
    hyp = [("x", 0, 10), ("y", 10, 20)]
    assert der(ref, hyp, collar=0).rate == 0


def test_all_one_speaker_is_half_confusion():
    ref = [("A", 0, 10), ("B", 10, 20)]
    d = der(ref, [("x", 0, 20)], collar=0)
    assert d.confusion == pytest.approx(10, abs=0.02)
    assert d.rate == pytest.approx(0.5, abs=0.002)


def test_missed_and_false_alarm():
    ref = [("A", 0, 10)]
    d = der(ref, [("x", 2, 12)], collar=0)
    assert d.missed == pytest.approx(2, abs=0.02)
    assert d.false_alarm == pytest.approx(2, abs=0.02)
    assert d.rate == pytest.approx(0.4, abs=0.003)


def test_overlap_counts_each_speaker():
    ref = [("A", 0, 10), ("B", 5, 15)]
    d = der(ref, [("x", 0, 10), ("y", 10, 15)], collar=0)
    assert d.total == pytest.approx(20, abs=0.02)
    assert d.missed == pytest.approx(5, abs=0.02)  # B's first half, under A


def test_collar_forgives_boundaries():
    ref = [("A", 0, 10), ("B", 10, 20)]
    hyp = [("x", 0, 10.2), ("y", 10.2, 20)]
    assert der(ref, hyp, collar=0).rate > 0
    assert der(ref, hyp, collar=0.25).rate == 0


def test_nothing_found():
    assert der([("A", 0, 4)], [], collar=0).rate == 1


def test_rttm():
    text = "SPEAKER conv01 1 1.500 2.000 <NA> <NA> Luo_Run <NA> <NA>\n"
    assert read_rttm(text) == [("Luo_Run", 1.5, 3.5)]
