"""The local-path check every redirect to an address a person gave goes through."""

from __future__ import annotations

import pytest

from webapp.security import local_path

# Addresses that lead off the site, or one step of normalising a path away from
# it: percent-encoded slashes and dots, backslashes, tabs, line breaks, other
# control characters, dot and empty segments, and schemes.
NOT_PLAIN = (
    "https://evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "//evil.example/",
    "/.%2F/evil.example",
    "/.%2f/evil.example",
    "/%2F/evil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%2E/%2Fevil.example",
    "/./evil.example",
    "/../evil.example",
    "/requests/../../evil.example",
    "/requests/%2E%2E/evil.example",
    "/requests/.",
    "/requests/..",
    "/requests//1",
    "/\\evil.example/",
    "/%5Cevil.example/",
    "/%5C%5Cevil.example/",
    "/\t/evil.example/",
    "/%09/evil.example/",
    "/\n/evil.example",
    "/%0A/evil.example",
    "/%00/",
    "/%C2%85/evil.example",
    "evil.example",
    "",
)

PLAIN = (
    "/",
    "/requests/",
    "/requests/12",
    "/articles/hr/sick-leave.md",
    "/articles/hr/sick-leave.md?q=a%2Fb#feedback",
    "/search/?q=../a//b&lang=de",
    "/?q=a\\b",
    "/articles/hr/%C3%BCbersicht.md",
    "/articles/hr/v1.2..md",
)


@pytest.mark.parametrize("target", NOT_PLAIN)
def test_a_path_with_dot_empty_or_encoded_parts_is_refused(target: str) -> None:
    assert local_path(target) == ""


@pytest.mark.parametrize("target", PLAIN)
def test_a_plain_path_of_this_site_is_kept_as_it_was(target: str) -> None:
    assert local_path(target) == target
