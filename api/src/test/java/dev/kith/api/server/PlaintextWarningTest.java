package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.api.server.ServerFixture.Answer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that takes preshared keys over plain HTTP on an address other machines can reach says so loudly at start;
 * on loopback it does not (a TLS-terminating proxy in front is the usual set-up).
 */
class PlaintextWarningTest {
    private final Logger log = Logger.getLogger(KithServer.class.getName());
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stop() {
        log.removeHandler(capture);
    }

    @Test
    void aKeyOverPlaintextOnAReachableAddressIsAWarningNamingTheAddress() {
        ServerConfig config = ServerConfig.builder()
                .host("0.0.0.0")
                .presharedKeys(List.of(ServerFixture.KEY))
                .build();
        try (ServerFixture f = new ServerFixture(config)) {
            Answer a = f.post("/v1/schema/read", "{}");
            assertThat(a.status).as("the key is taken as usual: %s", a.text).isNotEqualTo(401);
            assertThat(records)
                    .filteredOn(r -> r.getLevel() == Level.WARNING)
                    .extracting(LogRecord::getMessage)
                    .anySatisfy(m -> assertThat(m)
                            .contains("PLAINTEXT HTTP on 0.0.0.0:" + f.server.port())
                            .contains("--tls-cert"));
        }
    }

    @Test
    void onLoopbackThereIsNoWarning() {
        try (ServerFixture f = ServerFixture.withKey()) {
            assertThat(f.server.port()).isPositive();
            assertThat(records).extracting(LogRecord::getMessage).noneMatch(m -> m.contains("PLAINTEXT"));
        }
    }
}
