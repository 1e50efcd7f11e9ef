package dev.kith.cli;

import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.schema.Diagnostic;
import dev.kith.schema.SourcePosition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kith relationship create|touch|delete RESOURCE RELATION SUBJECT}: one relationship update, in zed's argument
 * order, with an optional caveat, expiration and preconditions; prints the token of the write. With {@code --stdin}
 * (or no arguments and standard input not a terminal) it reads one relationship a line in the compact form instead and
 * writes them in batches of {@code --batch-size}, each one WriteRelationships call; an error names the line.
 */
abstract class RelationshipUpdateCommand extends RemoteCommand {
    /** Where the lines read from standard input are said to be, in errors. */
    static final String STDIN = "<stdin>";

    /** The most updates one WriteRelationships call takes by default (SpiceDB's default limit). */
    static final int MAX_UPDATES = 1000;

    private static final Pattern UPDATE = Pattern.compile("\\bupdates\\[(\\d+)]\\.relationship\\b");

    @Parameters(index = "0", arity = "0..1", paramLabel = "RESOURCE", description = "type:id, e.g. document:readme")
    String resource;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RELATION", description = "e.g. viewer")
    String relation;

    @Parameters(
            index = "2",
            arity = "0..1",
            paramLabel = "SUBJECT",
            description = "type:id, type:* or type:id#relation")
    String subject;

    @Option(
            names = "--stdin",
            description = "Read relationships from standard input, one a line in the compact form"
                    + " (document:readme#viewer@user:ann[caveat:{…}][expiration:TIME]); the default when no"
                    + " arguments are given and standard input is not a terminal.")
    boolean stdin;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "1000",
            description = "With --stdin: relationships per WriteRelationships call, each one transaction (default"
                    + " ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--caveat",
            paramLabel = "NAME[:JSON]",
            description = "A caveat and its context, e.g. 'on_weekday:{\"day\":\"monday\"}'.")
    String caveat;

    @Option(
            names = "--expiration-time",
            paramLabel = "TIME",
            description = "When the relationship expires (RFC 3339, e.g. 2030-01-01T00:00:00Z).")
    String expirationTime;

    @Mixin
    Preconditions preconditions;

    @Option(names = "--json", description = "Print the answer as JSON (WriteRelationshipsResponse).")
    boolean json;

    abstract RelationshipUpdate.Operation operation();

    @Override
    int run(Transport transport, Terminal t) {
        boolean none = resource == null && relation == null && subject == null;
        if (stdin || none && !Terminal.stdinIsTerminal()) {
            if (!none) {
                throw new KithException.InvalidArgument(
                        "--stdin", "give the relationships on standard input or as arguments, not both");
            }
            if (caveat != null || expirationTime != null) {
                throw new KithException.InvalidArgument(
                        caveat != null ? "--caveat" : "--expiration-time",
                        "with --stdin each line carries its own ([caveat:{…}], [expiration:TIME])");
            }
            return fromStdin(transport, t, System.in);
        }
        if (resource == null || relation == null || subject == null) {
            throw new KithException.InvalidArgument(
                    "RESOURCE RELATION SUBJECT", "give all three, or relationships on standard input with --stdin");
        }
        StringBuilder text = new StringBuilder(resource)
                .append('#')
                .append(relation)
                .append('@')
                .append(subject);
        if (caveat != null) text.append('[').append(caveat).append(']');
        if (expirationTime != null)
            text.append("[expiration:").append(expirationTime).append(']');
        Relationship r = RelationshipParser.parse(text.toString());
        WriteRelationshipsRequest request = WriteRelationshipsRequest.newBuilder()
                .addUpdates(RelationshipUpdate.newBuilder()
                        .setOperation(operation())
                        .setRelationship(Protos.relationship(r)))
                .addAllOptionalPreconditions(preconditions.all())
                .build();
        WriteRelationshipsResponse answer = transport.call(Rpc.WRITE_RELATIONSHIPS, request);
        t.out.println(json ? Protos.json(answer) : answer.getWrittenAt().getToken());
        return Main.OK;
    }

    /**
     * Writes the relationships of {@code in}, one a line (blank lines and {@code //} comments skipped), in batches;
     * prints the token of the last write. A line that does not parse stops it before its batch is sent; a batch the
     * server refuses stops it there, the batches before it written.
     */
    private int fromStdin(Transport transport, Terminal t, InputStream in) {
        if (batchSize < 1) throw new KithException.InvalidArgument("--batch-size", "must be at least 1");
        Diagnostics diagnostics = new Diagnostics(t.err);
        List<RelationshipUpdate> batch = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        WriteRelationshipsResponse last = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("//")) continue;
                Relationship r;
                try {
                    r = RelationshipParser.parse(l);
                } catch (KithException.InvalidArgument e) {
                    diagnostics.error(at(number, line, e.getMessage()));
                    return Main.INPUT_ERROR;
                }
                batch.add(RelationshipUpdate.newBuilder()
                        .setOperation(operation())
                        .setRelationship(Protos.relationship(r))
                        .build());
                lines.add(number);
                texts.add(line);
                if (batch.size() >= batchSize) {
                    last = write(transport, batch, lines, texts, diagnostics);
                    if (last == null) return Main.INPUT_ERROR;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
        }
        if (!batch.isEmpty()) {
            last = write(transport, batch, lines, texts, diagnostics);
            if (last == null) return Main.INPUT_ERROR;
        }
        if (last == null) {
            t.err.println("kith: no relationships on standard input; nothing was written");
            return Main.INPUT_ERROR;
        }
        t.out.println(json ? Protos.json(last) : last.getWrittenAt().getToken());
        return Main.OK;
    }

    /** Sends one batch and clears it; null (the error printed at its line) when the server refuses it. */
    private WriteRelationshipsResponse write(
            Transport transport,
            List<RelationshipUpdate> batch,
            List<Integer> lines,
            List<String> texts,
            Diagnostics diagnostics) {
        try {
            return transport.call(
                    Rpc.WRITE_RELATIONSHIPS,
                    WriteRelationshipsRequest.newBuilder()
                            .addAllUpdates(batch)
                            .addAllOptionalPreconditions(preconditions.all())
                            .build());
        } catch (RemoteException e) {
            if (e.unavailable()) throw e;
            String message = e.getMessage() == null ? "" : e.getMessage();
            Matcher m = UPDATE.matcher(message);
            int index = m.find() ? Integer.parseInt(m.group(1)) : -1;
            String text = RemoteCommand.describe(
                    new RemoteException(e.code(), m.replaceFirst("relationship"), e.reason(), e.metadata()));
            if (index < 0 || index >= lines.size()) {
                // Not about one relationship (a precondition, a duplicate in the batch): the batch's first line.
                diagnostics.error(at(lines.getFirst(), texts.getFirst(), text + " (in the batch from this line)"));
            } else {
                diagnostics.error(at(lines.get(index), texts.get(index), text));
            }
            return null;
        } finally {
            batch.clear();
            lines.clear();
            texts.clear();
        }
    }

    /** A problem at line {@code number} of standard input, the caret under its first character. */
    private static Diagnostic at(int number, String line, String message) {
        int column = 1;
        while (column <= line.length() && Character.isWhitespace(line.charAt(column - 1))) column++;
        return new Diagnostic(new SourcePosition(STDIN, number, column), message, line);
    }

    /** {@code create}: fails if the relationship exists. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a relationship (refused, ALREADY_EXISTS, if it exists), or those of standard input"
                    + " with --stdin; prints the write's token.",
            footer = {
                "%nExamples:",
                "  kith relationship create document:readme viewer user:ann",
                "  kith relationship create document:readme viewer group:eng#member",
                "  kith relationship create document:plan viewer user:ann --caveat 'on_weekday:{\"day\":\"monday\"}'",
                "  kith relationship create document:plan viewer user:ann --expiration-time 2030-01-01T00:00:00Z",
                "  kith relationship read document --consistency-full | kith relationship create --stdin --endpoint"
                        + " other:50051",
                "  printf 'document:a#viewer@user:ann\\ndocument:b#viewer@group:eng#member\\n' | kith relationship"
                        + " create --stdin"
            })
    static final class Create extends RelationshipUpdateCommand {
        @Override
        RelationshipUpdate.Operation operation() {
            return RelationshipUpdate.Operation.OPERATION_CREATE;
        }
    }

    /** {@code touch}: creates the relationship or replaces its caveat and expiration. */
    @Command(
            name = "touch",
            mixinStandardHelpOptions = true,
            description = "Create a relationship, or replace its caveat and expiration if it exists (or those of"
                    + " standard input with --stdin); prints the token.",
            footer = {
                "%nExample:",
                "  kith relationship touch document:readme viewer user:ann --precondition-must-match document:readme",
                "  kith relationship touch --stdin --batch-size 500 < relationships.txt"
            })
    static final class Touch extends RelationshipUpdateCommand {
        @Override
        RelationshipUpdate.Operation operation() {
            return RelationshipUpdate.Operation.OPERATION_TOUCH;
        }
    }

    /** {@code delete}: removes the relationship (nothing happens if it is not stored). */
    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete a relationship (no error if it is not stored), or those of standard input with"
                    + " --stdin; prints the write's token.",
            footer = {
                "%nExamples:",
                "  kith relationship delete document:readme viewer user:ann",
                "  kith relationship read document:readme | kith relationship delete --stdin"
            })
    static final class Delete extends RelationshipUpdateCommand {
        @Override
        RelationshipUpdate.Operation operation() {
            return RelationshipUpdate.Operation.OPERATION_DELETE;
        }
    }
}
