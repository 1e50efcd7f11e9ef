package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosticTest {

    @Test
    void rendersPositionMessageSourceLineAndCaret() {
        Diagnostic d = new Diagnostic(new SourcePosition("a.zed", 3, 5), "bad thing", "abc defg");
        assertThat(d.render()).isEqualTo("a.zed:3:5: bad thing\nabc defg\n    ^");
    }

    @Test
    void keepsTabsSoTheCaretLinesUp() {
        Diagnostic d = new Diagnostic(new SourcePosition("", 1, 3), "here", "\t\tx");
        assertThat(d.render()).isEqualTo("1:3: here\n\t\tx\n\t\t^");
    }

    @Test
    void exceptionMessageIsEveryDiagnosticRendered() {
        Diagnostic one = new Diagnostic(new SourcePosition("f", 1, 1), "one", "x");
        Diagnostic two = new Diagnostic(new SourcePosition("f", 2, 2), "two", "yy");
        SchemaException e = new SchemaException(List.of(one, two));
        assertThat(e.getMessage()).isEqualTo(one.render() + "\n" + two.render());
        assertThat(e.diagnostics()).containsExactly(one, two);
        assertThat(e.getStackTrace()).isEmpty();
        assertThatThrownBy(() -> new SchemaException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tabsInSchemaTextKeepColumnsInCharacters() {
        assertThatThrownBy(() -> Schemas.compile("t.zed", "definition user {\n\trelation viewer: nobody\n}"))
                .hasMessage("t.zed:2:19: unknown type `nobody`: no definition has that name\n"
                        + "\trelation viewer: nobody\n"
                        + "\t                 ^");
    }

    @Test
    void anErrorAtTheEndOfTheFilePointsPastTheLastLine() {
        assertThatThrownBy(() -> Schemas.compile("t.zed", "definition user { relation viewer:"))
                .isInstanceOfSatisfying(
                        SchemaException.class,
                        e -> assertThat(e.diagnostics()).anySatisfy(d -> {
                            assertThat(d.message()).contains("found the end of the file");
                            assertThat(d.position()).isEqualTo(new SourcePosition("t.zed", 1, 35));
                        }));
    }
}
