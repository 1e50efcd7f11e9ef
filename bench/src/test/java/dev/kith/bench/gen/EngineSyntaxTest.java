package dev.kith.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.data.DatasetReader;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every generated relationship line is one the engine's own parser accepts. */
class EngineSyntaxTest {
    @Test
    void theEngineParsesEveryGeneratedRelationship(@TempDir Path dir) throws IOException {
        for (Dataset dataset : Dataset.values()) {
            DatasetFiles files = new DatasetFiles(dir.resolve(dataset.cliName()));
            Datasets.generate(dataset, files, 0.01, 11);
            long[] caveated = new long[1];
            long count = DatasetReader.forEachRelationship(files.relationships(), (line, number) -> {
                Relationship relationship = RelationshipParser.parse(line);
                if (relationship.caveat() != null) {
                    caveated[0]++;
                }
            });
            assertThat(count).as(dataset.cliName()).isPositive();
            assertThat(caveated[0] > 0).as(dataset.cliName()).isEqualTo(dataset == Dataset.CAVEATS);
        }
    }
}
