package dev.kith.cli;

import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kith relationship create|touch|delete RESOURCE RELATION SUBJECT}: one relationship update, in zed's argument
 * order, with an optional caveat, expiration and preconditions; prints the token of the write.
 */
abstract class RelationshipUpdateCommand extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "RESOURCE", description = "type:id, e.g. document:readme")
    String resource;

    @Parameters(index = "1", paramLabel = "RELATION", description = "e.g. viewer")
    String relation;

    @Parameters(index = "2", paramLabel = "SUBJECT", description = "type:id, type:* or type:id#relation")
    String subject;

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

    /** {@code create}: fails if the relationship exists. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a relationship (refused, ALREADY_EXISTS, if it exists); prints the write's token.",
            footer = {
                "%nExamples:",
                "  kith relationship create document:readme viewer user:ann",
                "  kith relationship create document:readme viewer group:eng#member",
                "  kith relationship create document:plan viewer user:ann --caveat 'on_weekday:{\"day\":\"monday\"}'",
                "  kith relationship create document:plan viewer user:ann --expiration-time 2030-01-01T00:00:00Z"
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
            description = "Create a relationship, or replace its caveat and expiration if it exists; prints the token.",
            footer = {
                "%nExample:",
                "  kith relationship touch document:readme viewer user:ann --precondition-must-match document:readme"
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
            description = "Delete a relationship (no error if it is not stored); prints the write's token.",
            footer = {"%nExample:", "  kith relationship delete document:readme viewer user:ann"})
    static final class Delete extends RelationshipUpdateCommand {
        @Override
        RelationshipUpdate.Operation operation() {
            return RelationshipUpdate.Operation.OPERATION_DELETE;
        }
    }
}
