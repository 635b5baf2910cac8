"""The demo's story is data a person edits (infra/demo/*.toml): the files shipped agree with one
another, and a mistake in them stops `ithaca demo` at once, naming the file and the field."""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from infra.demo import DEMO_SIGN_INS
from infra.demo.data import StoryFileError, load_story, read_story


def test_the_shipped_story_names_its_sign_ins_and_its_people() -> None:
    story = load_story()
    assert len(story.mentors) == 21
    assert len(story.entrepreneurs) == 25
    assert story.closing_staff.email == DEMO_SIGN_INS[0][1]
    assert [who for who, _ in DEMO_SIGN_INS] == [
        "tenant and programme admin", "programme admin", "auditor", "mentor", "entrepreneur"]


@pytest.fixture
def story_files(tmp_path: Path) -> Path:
    with as_file(files("infra.demo")) as shipped:
        for toml in Path(shipped).glob("*.toml"):
            shutil.copy(toml, tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_wrong_value_names_the_file_and_the_field(story_files: Path) -> None:
    _edit(story_files / "mentors.toml", "capacity = 2", 'capacity = "two"')
    with pytest.raises(StoryFileError, match=r"mentors\.toml: Expected `int`, got `str` - at "
                                             r"`\$\.mentors\[1\]\.capacity`"):
        read_story(story_files)


def test_a_misspelt_field_is_refused(story_files: Path) -> None:
    _edit(story_files / "entrepreneurs.toml", "business = ", "busines = ")
    with pytest.raises(StoryFileError,
                       match=r"unknown field `busines` - at `\$\.entrepreneurs\[0\]"):
        read_story(story_files)


def test_a_revenue_is_an_amount_in_a_currency_or_a_band(story_files: Path) -> None:
    _edit(story_files / "entrepreneurs.toml", 'currency = "KES"', 'band = "<1k"')
    with pytest.raises(StoryFileError, match=r"amount with its currency, or a band - at "
                                             r"`\$\.entrepreneurs\[0\]\.revenue`"):
        read_story(story_files)


def test_a_pairing_names_people_who_exist_and_have_joined(story_files: Path) -> None:
    _edit(story_files / "relationships.toml", 'mentee = "valentina"', 'mentee = "valentin"')
    _edit(story_files / "relationships.toml", "requested = 100", "requested = 50")
    with pytest.raises(StoryFileError) as refused:
        read_story(story_files)
    assert "pairings[1]: no mentee 'valentin'" in str(refused.value)
    assert "pairings[0]: requested on day 50, before 'grace' joins (day 85)" in str(refused.value)
