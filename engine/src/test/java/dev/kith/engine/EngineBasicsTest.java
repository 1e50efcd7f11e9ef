package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.runtime.Engines;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EngineBasicsTest {
    static final String SCHEMA = """
            definition user {}
            definition team {
                relation member: user | team#member
            }
            definition org {
                relation admin: user
                relation member: user | team#member
                permission view_all = admin
            }
            definition repo {
                relation org: org
                relation reader: user | team#member | user:*
                relation writer: user | team#member
                relation banned: user
                permission write = writer + org->view_all
                permission read = (reader + write) - banned
            }
            """;

    static Engine engine(String... rels) {
        Engine e = Engines.inMemory(EngineOptions.defaults());
        e.writeSchema(SCHEMA);
        if (rels.length > 0) {
            e.write(new Requests.Write(
                    Stream.of(rels)
                            .map(Relationship::parse)
                            .map(RelationshipUpdate::touch)
                            .toList(),
                    List.of()));
        }
        return e;
    }

    static Permissionship check(Engine e, String resource, String perm, String subject) {
        ObjectRef r = RelationshipParser.parseObject(resource, "resource", false, resource);
        String[] parts = subject.split("#");
        ObjectRef s = RelationshipParser.parseObject(parts[0], "subject", true, subject);
        SubjectRef sr = new SubjectRef(s.type(), s.id(), parts.length > 1 ? parts[1] : null);
        return e.check(Requests.Check.of(r, perm, sr)).permissionship();
    }

    @Test
    void directTeamAndArrowGrants() {
        Engine e = engine(
                "repo:r1#reader@user:ann",
                "team:t1#member@user:bob",
                "repo:r1#writer@team:t1#member",
                "repo:r1#org@org:o1",
                "org:o1#admin@user:cid",
                "repo:r1#banned@user:dan",
                "repo:r1#reader@user:dan");
        assertThat(check(e, "repo:r1", "read", "user:ann")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(e, "repo:r1", "read", "user:bob")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(e, "repo:r1", "read", "user:cid")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(e, "repo:r1", "read", "user:dan")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(check(e, "repo:r1", "write", "user:ann")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(check(e, "repo:r1", "read", "user:nobody")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(check(e, "repo:r1", "read", "team:t1#member")).isEqualTo(Permissionship.HAS_PERMISSION);
    }

    @Test
    void writeValidationNamesThePart() {
        Engine e = engine();
        assertThatThrownBy(() -> e.write(new Requests.Write(
                        List.of(RelationshipUpdate.create(Relationship.parse("repo:r1#read@user:ann"))), List.of())))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("permission");
        assertThatThrownBy(() -> e.write(new Requests.Write(
                        List.of(RelationshipUpdate.create(Relationship.parse("repo:r1#writer@user:*"))), List.of())))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("not allowed");
    }
}
