package dev.kith.cli.archfixture.api;

import org.postgresql.PGProperty;
import picocli.CommandLine;

/** Breaks the rooms on purpose: a server class that parses a command line and talks to PostgreSQL. */
public final class LeakyServer {
    private LeakyServer() {}

    public static Object leak() {
        return new Object[] {new CommandLine(new Object()), PGProperty.USER};
    }
}
