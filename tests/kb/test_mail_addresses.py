"""Addresses and mail domains the settings hold are checked when the settings
load (`kb.mail_addresses`): a clear error naming the setting, where it was set
and what is wrong, so a bad value never reaches an outgoing message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ConfigError
from kb.i18n.catalog import domain_catalog
from kb.mail_addresses import REASONS, address_problem, domain_list_problem, plain_address
from kb.settings import Settings


@pytest.mark.parametrize(
    "address",
    ["spoc-kb@localhost", "kb@example.org", "first.last+kb@mail.example.co.uk", "a_b%c@x-y.org"],
)
def test_a_plain_address_passes(address: str) -> None:
    assert address_problem(address) == "" and plain_address(address)


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("kb@example.org\r\nBcc: drop@attacker.example", "line break"),
        ("kb@example.org\nBcc: drop@attacker.example", "line break"),
        ("kb@example.org\rX-Priority: 1", "line break"),
        ("kb@example.org\u2028Bcc: x@y.org", "line break"),
        ("kb@exam\tple.org", "control character"),
        ("kb @example.org", "space"),
        ("kb.example.org", "has no @"),
        ("kb@", "no domain after the @"),
        ("a@b@example.org", "more than one @"),
        ("KB <kb@example.org>", "display name"),
        ("kb@example.org, drop@attacker.example", "more than one address"),
        ("kb@example.org?bcc=drop@attacker.example", "query"),
        ("k\u00e4@example.org", "local part"),
        ("kb@exa_mple.org", "no domain name"),
        ("kb@-example.org", "no domain name"),
    ],
)
def test_what_is_wrong_with_an_address_is_said(address: str, said: str) -> None:
    assert said in address_problem(address)
    assert not plain_address(address)


def test_a_list_of_domains_names_the_one_that_is_wrong() -> None:
    assert domain_list_problem("*.example.org, @example.com,, example.net") == ""
    assert "'exa mple.net'" in domain_list_problem("example.org, exa mple.net")


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("mail_from", "kb@example.org\\r\\nBcc: drop@attacker.example", "line break"),
        ("mail_from", "spoc-kb", "has no @"),
        ("mail_from", "", "has no @"),
        ("triage_email", "Triage <triage@example.org>", "display name"),
        ("triage_email", "triage @example.org", "space"),
        ("mail_domain", "example.org\\nBcc: x", "line break"),
        ("mail_domain", "example org", "no domain name"),
        ("queue_mail_domains", "example.org; hr.example.org", "no domain name"),
        ("site_url", "kb.example.org", "is not http"),
        ("site_url", "https://kb.example.org/?x=1", "has a query or a fragment"),
        ("site_url", "https://kb.example.org/\\nX: y", "line break"),
    ],
)
def test_an_address_setting_is_checked_where_it_is_set(
    tmp_path: Path, name: str, value: str, said: str
) -> None:
    """In the settings file (with the file named), the environment and on the
    command line; the message names the setting and says what is wrong."""
    file = tmp_path / "kb.toml"
    file.write_text(f'[kb]\n{name} = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        Settings.load(environ={}, file=file)
    assert raised.value.message.startswith(f"settings file {file}: setting {name}: ")
    assert said in raised.value.message
    typed = value.replace("\\r", "\r").replace("\\n", "\n")
    with pytest.raises(ConfigError, match=f"^environment variable KB_{name.upper()}: setting"):
        Settings.load(environ={f"KB_{name.upper()}": typed})
    with pytest.raises(ConfigError, match=rf"^--set {name}=\.\.\.: setting {name}: .*{said}"):
        Settings.load({name: typed}, environ={})


def test_empty_stands_for_none_where_the_setting_allows_it() -> None:
    settings = Settings.load(
        {"triage_email": "", "mail_domain": "", "queue_mail_domains": "", "site_url": ""},
        environ={},
    )
    assert Settings.load({"site_url": "https://kb.example.org/"}, environ={}).site_url
    assert (settings.triage_email, settings.mail_domain) == ("", "")
    assert Settings.load({"mail_domain": "@example.org"}, environ={}).mail_domain == "@example.org"


def test_every_reason_has_its_words_in_every_language() -> None:
    """The admins' pages say what is wrong with an address setting in their
    language (`error_setting_shape_<key>`), naming the same values."""
    catalog = domain_catalog()
    for key in REASONS:
        assert catalog.has("en", f"error_setting_shape_{key}"), key
        assert catalog.has("de", f"error_setting_shape_{key}"), key
    with pytest.raises(ConfigError) as refused:
        Settings().replace(mail_from="Help Desk <help@example.org>")
    assert refused.value.message_in("de") == (
        "Einstellung mail_from: 'Help Desk <help@example.org>' ist mehr als eine Adresse "
        "oder hat einen Anzeigenamen, einen Kommentar oder eine Abfrage: schreiben Sie die "
        "Adresse allein, als lokal@domain"
    )
    assert refused.value.message_in("en") == refused.value.message
    with pytest.raises(ConfigError) as refused:
        Settings().replace(queue_mail_domains="example.org, bad_domain")
    german = refused.value.message_in("de")
    assert (
        german.startswith("Einstellung queue_mail_domains: ")
        and "nennt 'bad_domain', das" in german
    )
