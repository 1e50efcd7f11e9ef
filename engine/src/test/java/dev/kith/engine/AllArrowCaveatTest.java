package dev.kith.engine;

import static dev.kith.engine.Fixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.runtime.Engines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tupleset.all(p)} over caveated links: each link is a term "link AND p", a false link is a NO term. */
class AllArrowCaveatTest {
    private static final String SCHEMA = """
            use expiration
            definition member {}
            caveat open(flag bool) { flag }
            definition team {
                relation direct: member
                permission crew = direct
            }
            definition doc {
                relation team: team with open | team with expiration
                permission view = team.all(crew)
            }
            """;

    private static Engine engine(String... relationships) {
        Engine e = Engines.inMemory(EngineOptions.defaults());
        e.writeSchema(SCHEMA);
        Fixture.touch(e, relationships);
        return e;
    }

    private static Results.Check view(Engine e, Map<String, Object> context) {
        return check(e, "doc:one#view", "member:ann", context, Consistency.FULLY_CONSISTENT);
    }

    @Test
    void aLinkWhoseCaveatIsFalseMakesTheArrowNo() {
        try (Engine e = engine(
                "doc:one#team@team:a[open:{\"flag\":false}]",
                "doc:one#team@team:b[open:{\"flag\":true}]",
                "team:b#direct@member:ann")) {
            assertThat(view(e, Map.of()).permissionship()).isEqualTo(Permissionship.NO_PERMISSION);
        }
    }

    @Test
    void anExpiredLinkDoesNotCount() {
        try (Engine e = engine(
                "doc:one#team@team:a[expiration:2001-01-01T00:00:00Z]",
                "doc:one#team@team:b[open:{\"flag\":true}]",
                "team:b#direct@member:ann")) {
            assertThat(view(e, Map.of()).permissionship()).isEqualTo(Permissionship.HAS_PERMISSION);
        }
    }

    @Test
    void anUndecidedLinkMakesItsTermConditional() {
        try (Engine e = engine("doc:one#team@team:a[open]", "team:a#direct@member:ann")) {
            Results.Check r = view(e, Map.of());
            assertThat(r.permissionship()).isEqualTo(Permissionship.CONDITIONAL_PERMISSION);
            assertThat(r.missingContext()).isEqualTo(List.of("flag"));
            assertThat(view(e, Map.of("flag", false)).permissionship()).isEqualTo(Permissionship.NO_PERMISSION);
        }
    }
}
