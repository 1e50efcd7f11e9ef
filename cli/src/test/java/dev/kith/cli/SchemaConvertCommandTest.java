package dev.kith.cli;

import static dev.kith.cli.KithCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kith schema convert --from openfga} and {@code --to openfga}, in-process. */
class SchemaConvertCommandTest {

    @TempDir
    Path dir;

    @Test
    void convertPrintsTheKithSchemaOfAnOpenFgaModel() throws IOException {
        Path model = KithCli.file(dir, "model.fga", """
                model
                  schema 1.1
                type user
                type document
                  relations
                    define owner: [user]
                    define viewer: [user, user:*] or owner
                """);
        KithCli.Run run = run("schema", "convert", "--from", "openfga", model.toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("""
                definition user {}

                definition document {
                    relation owner: user
                    relation viewer_direct: user | user:*
                    permission viewer = viewer_direct + owner
                }
                """);
    }

    @Test
    void convertReportsErrorsAtTheModelsLineAndColumn() throws IOException {
        Path model = KithCli.file(dir, "bad.fga", """
                model
                  schema 1.1
                type document
                  relations
                    define viewer: [person]
                """);
        KithCli.Run run = run("schema", "convert", "--from", "openfga", model.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .contains(model + ":5:21: error: `person` is not a valid type\n    define viewer: [person]\n"
                        + " ".repeat(20) + "^")
                .contains(model + ": not converted, 1 error")
                .doesNotContain("Exception");
    }

    @Test
    void convertNeedsAKnownLanguage() throws IOException {
        Path model = KithCli.file(dir, "model.fga", "model\n  schema 1.1\n");
        KithCli.Run run = run("schema", "convert", "--from", "cedar", model.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("--from").contains("openfga");
    }

    @Test
    void convertToOpenFgaPrintsAModelThatConvertsBack() throws IOException {
        Path schema = KithCli.file(dir, "schema.zed", """
                definition user {}

                definition document {
                    relation owner: user
                    relation viewer: user | user:*
                    permission view = viewer + owner
                }
                """);
        KithCli.Run run = run("schema", "convert", "--to", "openfga", schema.toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("""
                model
                  schema 1.1

                type user

                type document
                  relations
                    define owner: [user]
                    define viewer: [user, user:*]
                    define view: viewer or owner
                """);
        Path model = KithCli.file(dir, "back.fga", run.out());
        KithCli.Run back = run("schema", "convert", "--from", "openfga", model.toString());
        assertThat(back.status()).isZero();
        assertThat(back.out()).isEqualTo(java.nio.file.Files.readString(schema));
    }

    @Test
    void convertToOpenFgaRefusesWhatOpenFgaCannotSayAtItsLine() throws IOException {
        Path schema = KithCli.file(dir, "exp.zed", """
                use expiration

                definition user {}

                definition document {
                    relation viewer: user with expiration
                }
                """);
        KithCli.Run run = run("schema", "convert", "--to", "openfga", schema.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .contains(schema + ":6:5: error: relation document#viewer allows expiring subjects")
                .contains(schema + ": not converted, 1 error");
    }

    @Test
    void convertTakesExactlyOneDirection() throws IOException {
        Path schema = KithCli.file(dir, "s.zed", "definition user {}\n");
        KithCli.Run both = run("schema", "convert", "--from", "openfga", "--to", "openfga", schema.toString());
        assertThat(both.status()).isEqualTo(1);
        assertThat(both.err()).contains("mutually exclusive");
        KithCli.Run none = run("schema", "convert", schema.toString());
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("--from").contains("--to");
    }
}
