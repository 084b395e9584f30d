"""Fixtures shared by every test: shipped schemes and a builder of applicants."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from yms.domain.scheme import Scheme
from yms.schemes import shipped

# Hypothesis runs the same examples on every run (a flaky test is a bug), and keeps
# no example database between runs.
settings.register_profile("yms", deadline=None, derandomize=True, database=None, max_examples=200)
settings.register_profile("thorough", deadline=None, database=None, max_examples=5000)
settings.load_profile(os.environ.get("YMS_HYPOTHESIS_PROFILE", "yms"))


@pytest.fixture(scope="session")
def uk_yms() -> Scheme:
    return shipped().latest("uk-yms")


@pytest.fixture(scope="session")
def eu_uk_2024() -> Scheme:
    return shipped().latest("eu-uk-2024")


@pytest.fixture(scope="session")
def eu_uk_yes() -> Scheme:
    return shipped().latest("eu-uk-yes")
