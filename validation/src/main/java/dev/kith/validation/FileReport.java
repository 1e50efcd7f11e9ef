package dev.kith.validation;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of running one validation file. Each assertion and each expected-relations key is one test; a
 * file that cannot be loaded counts as one failed test. A failed test may report several {@link Failure}s (one
 * per mismatch).
 *
 * @param passed tests that passed
 * @param failed tests that failed
 * @param failures what went wrong, in file order
 */
public record FileReport(Path file, int passed, int failed, List<Failure> failures) {
    public FileReport {
        failures = List.copyOf(failures);
    }

    /**
     * One mismatch or error.
     *
     * @param line the line of the assertion or expected subject concerned (0 if none)
     * @param test the assertion or key as written, e.g. {@code assertTrue document:1#view@user:ann}
     * @param message what was expected and what was found
     */
    public record Failure(Path file, int line, String test, String message) {
        /** {@code file:line: test: message}. */
        public String render() {
            return file + (line > 0 ? ":" + line : "") + ": " + test + ": " + message;
        }
    }
}
