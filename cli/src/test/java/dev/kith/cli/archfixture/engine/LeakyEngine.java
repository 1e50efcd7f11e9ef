package dev.kith.cli.archfixture.engine;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kith.cli.archfixture.cli.Wiring;
import java.net.http.HttpClient;

/** Breaks the rooms on purpose: an engine class that calls the command line, reads YAML and speaks HTTP. */
public final class LeakyEngine {
    private LeakyEngine() {}

    public static Object leak() {
        return new Object[] {Wiring.wire(), new YAMLMapper(), HttpClient.newHttpClient()};
    }
}
