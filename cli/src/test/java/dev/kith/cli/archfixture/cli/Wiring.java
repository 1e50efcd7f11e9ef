package dev.kith.cli.archfixture.cli;

import dev.kith.cli.archfixture.engine.LeakyEngine;

/** Wires the fixture; with {@link LeakyEngine} calling back here, the two packages form a cycle. */
public final class Wiring {
    private Wiring() {}

    public static String wire() {
        return "wired";
    }

    public static Object engine() {
        return LeakyEngine.leak();
    }
}
