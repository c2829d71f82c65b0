def test_it_builds_the_world(world):
    assert world.alice.workspace == world.acme
    assert world.charlie.workspace == world.bravo
