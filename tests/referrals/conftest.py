import pytest

from tests.referrals.builders import build_pipeline


@pytest.fixture
def pipeline(world):
    return build_pipeline(world)
