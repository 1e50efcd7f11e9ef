package dev.kith.engine;

/** Every {@link ScenarioTest} with the closure index off: the walk alone gives the same answers. */
class ScenarioWithoutClosureTest extends ScenarioTest {
    @Override
    boolean closureIndex() {
        return false;
    }
}
