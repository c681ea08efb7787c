"""Shared fixtures: the shipped content, and copies of it to break on purpose."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from skillcheck.bank import Bank, load_bank
from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR

# Compiled catalogues go to a fresh folder: tests never read a cache from a past run.
os.environ["SKILLCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="skillcheck-cache-")
# The user data and state folders (fallback spool, spool status, log) likewise: a test
# never reads or leaves files in the home folder of whoever runs it.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="skillcheck-data-")
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="skillcheck-state-")


@pytest.fixture(autouse=True)
def state_folder(tmp_path_factory, monkeypatch) -> Path:
    """Each test its own state folder: no PIN lock-out leaks from one test to the next."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder


@pytest.fixture(scope="session")
def bank() -> Bank:
    """The shipped question bank."""
    return load_bank(QUESTIONS_DIR)


@pytest.fixture
def questions_copy(tmp_path: Path) -> Path:
    """A writable copy of questions/ for tests that break a file."""
    target = tmp_path / "questions"
    shutil.copytree(QUESTIONS_DIR, target)
    return target


@pytest.fixture
def locales_copy(tmp_path: Path) -> Path:
    """A writable copy of locales/."""
    target = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, target)
    return target
