import pytest

from tests.targeting.builders import build_targeting


@pytest.fixture
def targeting(world):
    return build_targeting(world)
