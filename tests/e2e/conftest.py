"""Fixtures for end-to-end tests: a control plane per module, per backend."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.backends import BACKENDS
from tests.e2e.harness import ControlPlane


@pytest.fixture(scope="module", params=[b.name for b in BACKENDS])
def backend(request: pytest.FixtureRequest):
    return next(b for b in BACKENDS if b.name == request.param)


@pytest.fixture(scope="module")
def cp(backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    plane = ControlPlane(backend, tmp_path_factory.mktemp(f"cp-{backend.name}")).start()
    yield plane
    plane.kill()
