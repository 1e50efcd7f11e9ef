package dev.kith.cli;

import dev.kith.proto.v1.Precondition;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The preconditions of a write or delete: filters that must match, or must not match, a stored relationship. */
final class Preconditions {
    @Option(
            names = "--precondition-must-match",
            paramLabel = "FILTER",
            description = "Only if a relationship matches FILTER (type[:id][#relation][@subject_type[:id][#relation]]);"
                    + " repeatable.")
    List<String> mustMatch = new ArrayList<>();

    @Option(
            names = "--precondition-must-not-match",
            paramLabel = "FILTER",
            description = "Only if no relationship matches FILTER; repeatable.")
    List<String> mustNotMatch = new ArrayList<>();

    List<Precondition> all() {
        List<Precondition> all = new ArrayList<>();
        for (String f : mustMatch) {
            all.add(Precondition.newBuilder()
                    .setOperation(Precondition.Operation.OPERATION_MUST_MATCH)
                    .setFilter(Protos.filter(List.of(f), "--precondition-must-match"))
                    .build());
        }
        for (String f : mustNotMatch) {
            all.add(Precondition.newBuilder()
                    .setOperation(Precondition.Operation.OPERATION_MUST_NOT_MATCH)
                    .setFilter(Protos.filter(List.of(f), "--precondition-must-not-match"))
                    .build());
        }
        return all;
    }
}
