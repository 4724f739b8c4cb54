"""The settings a benchmark records beside its figures."""

from __future__ import annotations

import dataclasses

from benchmarks.recorded import search_settings
from kb.fusion_settings import FusionSettings
from kb.language_settings import LanguageSettings
from kb.settings import Settings


def test_every_fusion_and_language_setting_is_recorded() -> None:
    """A lever added to the fusion settings (the proximity bonus was one) went
    unrecorded in the benchmarks' JSON until its name was listed by hand."""
    settings = Settings.load(environ={"KB_PROXIMITY_WEIGHT": "0"})
    recorded = search_settings(settings)
    for group in (FusionSettings, LanguageSettings):
        for field in dataclasses.fields(group):
            assert recorded[field.name] == getattr(settings, field.name)
    assert recorded["proximity_weight"] == 0
    assert recorded["answer_second_model"] is settings.answer_second_model


def test_no_secret_or_path_is_recorded() -> None:
    recorded = search_settings(Settings.load(environ={}))
    assert not {"database_url", "content_dir", "index_dir", "smtp_host"} & set(recorded)
