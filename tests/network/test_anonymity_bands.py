"""Figures as bands by rank (pseudonymised mode): every band holds at least k people."""

from collections import Counter

from community.network.anonymity import K_ANONYMITY, bands, capacity_band, generalise


def test_bands_hold_at_least_k_people_and_keep_the_order():
    for count in (1, 4, 9, 10, 14, 15, 16, 37, 100):
        values = {pid: float(pid % 7) + pid / 1000 for pid in range(count)}
        banded = bands(values)
        sizes = Counter(banded.values())
        assert set(banded) == set(values)
        assert max(sizes) <= 3
        if count >= K_ANONYMITY:
            assert min(sizes.values()) >= K_ANONYMITY, (count, sizes)
        ordered = sorted(values, key=values.get)
        assert [banded[pid] for pid in ordered] == sorted(banded[pid] for pid in ordered)


def test_under_two_k_people_share_one_band_that_says_nothing():
    assert set(bands({1: 0.9, 2: 0.1, 3: 0.5}).values()) == {1}


def test_capacity_bands():
    assert [capacity_band(c) for c in (None, 0, 1, 2, 3, 4, 5, 9)] == ["0", "0", "1–2", "1–2", "3–4", "3–4", "5+", "5+"]


def test_a_rare_figure_band_goes_before_roles_do():
    band = {**dict.fromkeys(range(5), 1), **dict.fromkeys(range(5, 9), 2), 9: 3}
    records = {pid: {"roles": {"mentor"}, "pagerank_band": band[pid]} for pid in range(10)}
    kept = generalise(records)
    assert all(kept[pid] == {"roles": {"mentor"}, "pagerank_band": 1} for pid in range(5))
    assert all(kept[pid] == {"roles": {"mentor"}} for pid in range(5, 10))
