"""The articles a failed question's search showed, as the second signal of its
gap topic: profiles that agree by the articles two searches share, the first
ones most, and vectors that add that agreement to their similarity."""

from __future__ import annotations

import numpy as np
import pytest

from kb.insights.clustering import cluster_vectors, unit_rows
from kb.insights.result_articles import (
    DIMENSIONS,
    SHARE,
    result_profile,
    result_profiles,
    split_stored,
    with_results,
)


def test_a_profile_is_unit_length_and_empty_without_results() -> None:
    assert np.linalg.norm(result_profile(["it/vpn.md", "it/printer.md"])) == pytest.approx(1.0)
    assert not result_profile([]).any()
    assert result_profile(["it/vpn.md"]).shape == (DIMENSIONS,)


def test_searches_agree_by_the_articles_they_share_the_first_ones_most() -> None:
    vpn = result_profile(["it/vpn.md", "it/wifi.md", "it/printer.md"])
    same = result_profile(["it/vpn.md", "it/wifi.md", "it/printer.md"])
    first_shared = result_profile(["it/vpn.md", "hr/leave.md", "hr/pension.md"])
    last_shared = result_profile(["hr/leave.md", "hr/pension.md", "it/printer.md"])
    other = result_profile(["hr/leave.md", "hr/pension.md", "hr/payroll.md"])
    assert float(vpn @ same) == pytest.approx(1.0)
    assert float(vpn @ first_shared) > float(vpn @ last_shared) > float(vpn @ other)
    assert abs(float(vpn @ other)) < 0.05


def test_an_article_listed_twice_counts_once_and_only_the_first_five_count() -> None:
    listed = ["a", "b", "c", "d", "e"]
    assert np.allclose(result_profile(["a", "a", *listed[1:]]), result_profile(listed))
    assert np.allclose(result_profile([*listed, "f", "g"]), result_profile(listed))


def test_appended_profiles_add_their_agreement_to_the_similarity() -> None:
    vectors = unit_rows(np.array([[1.0, 0.2, 0.0], [0.9, 0.0, 0.4]], dtype=np.float32))
    profiles = result_profiles(["one", "two"], {"one": ["x", "y"], "two": ["x", "z"]})
    joined = with_results(vectors, profiles)
    expected = float(vectors[0] @ vectors[1]) + SHARE * float(profiles[0] @ profiles[1])
    assert float(joined[0] @ joined[1]) == pytest.approx(expected, abs=1e-5)
    back, kept = split_stored(np.hstack([vectors, profiles]))
    assert np.allclose(back, vectors) and np.allclose(kept, profiles)
    with pytest.raises(ValueError, match="2 vectors but 1 result profiles"):
        with_results(vectors, profiles[:1])


def test_a_text_without_results_compares_by_its_vector_alone() -> None:
    profiles = result_profiles(["asked"], {})
    assert not profiles.any()
    assert result_profiles([], {}).shape == (0, DIMENSIONS)


def test_the_same_frame_parts_by_what_the_searches_showed() -> None:
    """Two wordings (0.96 similar) each of two things (0.3 similar): at a bar
    of 1.0 the vectors alone part all four; the articles each pair's searches
    share join its wordings, and the two things stay apart."""
    a = np.array([1.0, 0.0, 0.0, 0.0])
    b = np.array([0.3, np.sqrt(1 - 0.09), 0.0, 0.0])
    wording = np.array([0.0, 0.0, 0.0, 1.0])
    rows = unit_rows(np.stack([a + 0.3 * wording, a, b + 0.3 * wording, b]).astype(np.float32))
    shown = {
        "reset password": ["it/password.md", "it/mfa.md"],
        "forgot password": ["it/password.md", "it/mfa.md"],
        "lost card": ["facilities/badge.md", "facilities/keys.md"],
        "lost badge": ["facilities/badge.md", "facilities/keys.md"],
    }
    texts = list(shown)
    alone = cluster_vectors(rows, threshold=1.0).tolist()
    assert len(set(alone)) == 4
    joined = cluster_vectors(with_results(rows, result_profiles(texts, shown)), threshold=1.0)
    assert joined[0] == joined[1] and joined[2] == joined[3] and joined[0] != joined[2]
