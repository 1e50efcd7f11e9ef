package dev.kith.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code jmh}: runs the JMH benchmarks packed into this jar ({@code dev.kith.bench.jmh}), handing every argument
 * to JMH's own command line unchanged ({@code jmh -l} lists them, {@code jmh -h} shows JMH's options, {@code jmh
 * CheckShapeBenchmark -f 1 -wi 3 -i 5} runs one). Forked benchmark JVMs use this jar as their class path.
 */
@Command(
        name = "jmh",
        description = "Run the JMH benchmarks in this jar; every argument goes to JMH (-l lists, -h shows its options)")
final class JmhCommand implements Callable<Integer> {
    @Unmatched
    private List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        org.openjdk.jmh.Main.main(arguments.toArray(new String[0]));
        return 0;
    }
}
