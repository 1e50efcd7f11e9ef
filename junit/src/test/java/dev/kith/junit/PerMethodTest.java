package dev.kith.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.client.Kith;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** With a kith per test, what one test writes the next one does not see. */
@KithSchema(value = "authz.yaml", lifecycle = KithSchema.Lifecycle.PER_METHOD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerMethodTest {
    private static Kith first;

    @Test
    @Order(1)
    void writes(Kith kith) {
        kith.touch("document:plan#viewer@user:dan");
        KithAssertions.assertThat(kith).allows("user:dan", "view", "document:plan");
        first = kith;
    }

    @Test
    @Order(2)
    void startsAgainFromTheFile(Kith kith) {
        assertThat(kith).isNotSameAs(first);
        KithAssertions.assertThat(kith)
                .denies("user:dan", "view", "document:plan")
                .allows("user:alice", "edit", "document:plan");
    }
}
