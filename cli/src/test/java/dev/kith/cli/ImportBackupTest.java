package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Requests;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.runtime.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kith import} and {@code kith backup create/restore} against real servers on random ports, each over gRPC
 * and over HTTP: a source server and an empty target, fresh for each test.
 */
class ImportBackupTest {
    static final String KEY = "import-backup-key";

    private static final String YAML = """
            schema: |-
              definition user {}
              caveat weekday(day string) {
                day != 'sunday'
              }
              definition group {
                relation member: user
              }
              definition doc {
                relation viewer: user | group#member | user with weekday
                permission view = viewer
              }
            relationships: |-
              doc:1#viewer@user:ann
              doc:1#viewer@group:eng#member
              group:eng#member@user:cat
              doc:2#viewer@user:dan[weekday:{"day":"monday"}]
              doc:3#viewer@user:eve[weekday]
            """;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private Engine sourceEngine;
    private Engine targetEngine;
    private KithServer source;
    private KithServer target;

    /** How the commands reach the servers. */
    enum Via {
        GRPC,
        HTTP
    }

    @BeforeEach
    void start() throws Exception {
        sourceEngine = Engines.inMemory(EngineOptions.defaults());
        targetEngine = Engines.inMemory(EngineOptions.defaults());
        source = serve(sourceEngine);
        target = serve(targetEngine);
    }

    private KithServer serve(Engine engine) throws Exception {
        KithServer server = KithServer.start(
                        engine, ServerConfig.loopback(List.of(KEY)).withGrpcPort(0))
                .await(30, TimeUnit.SECONDS);
        open.add(server);
        open.add(engine);
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) c.close();
    }

    /** Runs {@code kith command… args} against {@code server}, over {@code via}. */
    private static KithCli.Run kith(Via via, KithServer server, List<String> command, String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(
                via == Via.GRPC
                        ? List.of("--endpoint", "127.0.0.1:" + server.grpcPort(), "--insecure", "--key", KEY)
                        : List.of("--endpoint", "http://127.0.0.1:" + server.port(), "--key", KEY));
        all.addAll(List.of(args));
        return KithCli.run(all.toArray(String[]::new));
    }

    /** The relationships of {@code server}, as {@code kith export} prints them (over HTTP: it knows no other way). */
    private static String export(KithServer server) {
        KithCli.Run run = kith(Via.HTTP, server, List.of("export"));
        assertThat(run.status()).as(run.err()).isZero();
        return run.out();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void importWritesTheYamlSchemaFirstThenItsRelationships(Via via) throws Exception {
        Path file = KithCli.file(tmp, "data.yaml", YAML);
        KithCli.Run run = kith(via, source, List.of("import"), file.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith(
                        "imported 5 relationships from " + file + " (schema written first)" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
        assertThat(check(sourceEngine, "doc", "1", "view", "cat")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(sourceEngine, "doc", "3", "view", "eve")).isEqualTo(Permissionship.CONDITIONAL_PERMISSION);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aRelationshipTheServerRefusesIsReportedAtItsFileLine(Via via) throws Exception {
        Path file = KithCli.file(tmp, "data.yaml", YAML);
        assertThat(kith(via, source, List.of("import"), file.toString()).status())
                .isZero();
        Path lines = KithCli.file(tmp, "more.txt", """
                // more viewers
                doc:4#viewer@user:ann

                doc:5#nope@user:ann
                """);
        KithCli.Run run = kith(via, source, List.of("import"), lines.toString(), "--batch-size", "1");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .startsWith(lines + ":4:1: error: UNKNOWN_NAME: relationship.relation: 'nope' is not a relation or"
                        + " permission of type 'doc'")
                .contains("\ndoc:5#nope@user:ann\n^\n");
        assertThat(check(sourceEngine, "doc", "4", "view", "ann"))
                .as("the batch before the refused one stays imported")
                .isEqualTo(Permissionship.HAS_PERMISSION);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aLineThatDoesNotParseIsReportedAtItsFileLineBeforeItsBatchIsSent(Via via) throws Exception {
        Path file = KithCli.file(tmp, "data.yaml", YAML);
        assertThat(kith(via, source, List.of("import"), file.toString()).status())
                .isZero();
        Path lines = KithCli.file(tmp, "bad.txt", "doc:6#viewer@user:ann\ndoc:7 viewer\n");
        KithCli.Run run = kith(via, source, List.of("import"), lines.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith(lines + ":2:1: error: relationship: has no '@'");
        assertThat(check(sourceEngine, "doc", "6", "view", "ann")).isEqualTo(Permissionship.NO_PERMISSION);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aSchemaErrorInTheYamlIsReportedAtItsLineAndNothingIsWritten(Via via) throws Exception {
        Path file = KithCli.file(tmp, "bad.yaml", YAML.replace("relation member: user", "relation member: usr"));
        KithCli.Run run = kith(via, target, List.of("import"), file.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith(file + ":7:22: error: unknown type `usr`");
        assertThat(export(target)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void backupThenRestoreIntoAnEmptyServerGivesTheSameExportAndAnswers(Via via) throws Exception {
        assertThat(kith(
                                via,
                                source,
                                List.of("import"),
                                KithCli.file(tmp, "data.yaml", YAML).toString())
                        .status())
                .isZero();
        Path backup = tmp.resolve("kith.backup");
        KithCli.Run create = kith(via, source, List.of("backup", "create"), backup.toString());
        assertThat(create.status()).as(create.err()).isZero();
        assertThat(create.out()).startsWith("backed up the schema and 5 relationships at ");
        List<String> lines = Files.readAllLines(backup);
        assertThat(lines.getFirst()).startsWith("{\"kithBackup\":1,\"readAt\":");
        assertThat(lines.getLast()).startsWith("{\"end\":{\"relationships\":5,\"sha256\":\"");
        Path other = tmp.resolve("other.backup");
        Via otherVia = via == Via.GRPC ? Via.HTTP : Via.GRPC;
        assertThat(kith(otherVia, source, List.of("backup", "create"), other.toString())
                        .status())
                .isZero();
        List<String> otherLines = Files.readAllLines(other);
        assertThat(otherLines.subList(1, otherLines.size() - 1))
                .as("the schema and relationship lines are the same whichever transport wrote them")
                .isEqualTo(lines.subList(1, lines.size() - 1));

        KithCli.Run restore = kith(via, target, List.of("backup", "restore"), backup.toString());
        assertThat(restore.status()).as(restore.err()).isZero();
        assertThat(restore.out()).startsWith("restored the schema and 5 relationships");

        String sourceExport = export(source);
        assertThat(sourceExport.lines()).hasSize(5);
        assertThat(export(target).lines().sorted().toList())
                .isEqualTo(sourceExport.lines().sorted().toList());
        for (String doc : List.of("1", "2", "3", "4")) {
            for (String user : List.of("ann", "cat", "dan", "eve", "zed")) {
                assertThat(check(targetEngine, "doc", doc, "view", user))
                        .as("doc:%s#view@user:%s", doc, user)
                        .isEqualTo(check(sourceEngine, "doc", doc, "view", user));
            }
        }
        assertThat(check(targetEngine, "doc", "2", "view", "dan")).isEqualTo(Permissionship.HAS_PERMISSION);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aTruncatedBackupIsRefusedAndNothingIsWritten(Via via) throws Exception {
        assertThat(kith(
                                via,
                                source,
                                List.of("import"),
                                KithCli.file(tmp, "data.yaml", YAML).toString())
                        .status())
                .isZero();
        Path backup = tmp.resolve("kith.backup");
        assertThat(kith(via, source, List.of("backup", "create"), backup.toString())
                        .status())
                .isZero();
        String whole = Files.readString(backup);
        Path truncated = KithCli.file(tmp, "truncated.backup", whole.substring(0, whole.lastIndexOf("{\"end\"")));
        KithCli.Run run = kith(via, target, List.of("backup", "restore"), truncated.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .startsWith(truncated + ": error: the file is truncated: it ends without its end line (after line 3);"
                        + " nothing was restored");
        assertNothingWritten();

        Path corrupted = KithCli.file(tmp, "corrupted.backup", whole.replace("\"ann\"", "\"amy\""));
        KithCli.Run corrupt = kith(via, target, List.of("backup", "restore"), corrupted.toString());
        assertThat(corrupt.status()).isEqualTo(1);
        assertThat(corrupt.err()).contains("error: the file is corrupted: its checksum does not match");
        assertNothingWritten();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void restoreIntoAServerThatIsNotEmptyIsRefused(Via via) throws Exception {
        assertThat(kith(
                                via,
                                source,
                                List.of("import"),
                                KithCli.file(tmp, "data.yaml", YAML).toString())
                        .status())
                .isZero();
        Path backup = tmp.resolve("kith.backup");
        assertThat(kith(via, source, List.of("backup", "create"), backup.toString())
                        .status())
                .isZero();
        KithCli.Run run = kith(via, source, List.of("backup", "restore"), backup.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("kith: the server is not empty (it has a schema): a backup is restored only into an empty"
                        + " kith; nothing was restored" + System.lineSeparator());
        assertThat(export(source).lines()).hasSize(5);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void createNeverWritesOverAFile(Via via) throws Exception {
        assertThat(kith(
                                via,
                                source,
                                List.of("import"),
                                KithCli.file(tmp, "data.yaml", YAML).toString())
                        .status())
                .isZero();
        Path existing = KithCli.file(tmp, "existing.backup", "keep me");
        KithCli.Run run = kith(via, source, List.of("backup", "create"), existing.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("already exists");
        assertThat(Files.readString(existing)).isEqualTo("keep me");
    }

    private void assertNothingWritten() {
        assertThat(export(target)).isEmpty();
        assertThat(tryCheck(targetEngine)).as("the target still has no schema").isFalse();
    }

    /** Whether a check on {@code engine} answers at all (it cannot before a schema is written). */
    private static boolean tryCheck(Engine engine) {
        try {
            check(engine, "doc", "1", "view", "ann");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Permissionship check(Engine engine, String type, String id, String permission, String user) {
        return engine.check(new Requests.Check(
                        new ObjectRef(type, id),
                        permission,
                        new SubjectRef("user", user, null),
                        Map.of(),
                        Consistency.FULLY_CONSISTENT,
                        false))
                .permissionship();
    }
}
