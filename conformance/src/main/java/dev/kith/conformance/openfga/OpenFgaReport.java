package dev.kith.conformance.openfga;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of running one OpenFGA test file.
 *
 * @param passed assertions where kith gives OpenFGA's answer
 * @param failed assertions where it does not (each has a line in {@code failures})
 * @param skipped derived matrix assertions that upstream skips too (a list-users answer holding a wildcard)
 * @param notSupported assertions needing a feature kith deliberately lacks, counted by the feature's name
 * @param differences assertions where kith's answer differs by a documented semantic difference, by its name
 * @param ignoredTuples tuples the scenario's model does not allow (ignored, as OpenFGA's staged tests expect)
 * @param failures one line per failed assertion: which, what OpenFGA expects, what kith answered
 */
public record OpenFgaReport(
        Path file,
        int passed,
        int failed,
        int skipped,
        Map<String, Integer> notSupported,
        Map<String, Integer> differences,
        int ignoredTuples,
        List<String> failures) {
    public OpenFgaReport {
        notSupported = Map.copyOf(notSupported);
        differences = Map.copyOf(differences);
        failures = List.copyOf(failures);
    }
}
