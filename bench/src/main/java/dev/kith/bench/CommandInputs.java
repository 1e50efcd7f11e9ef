package dev.kith.bench;

import dev.kith.bench.data.DataFormatException;
import dev.kith.bench.data.DatasetReader;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import dev.kith.bench.inprocess.DatasetLoader;
import dev.kith.bench.inprocess.LoadedDataset;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads the commands' input files, turning a missing file or a malformed line into a {@link BenchMain.UsageException}. */
final class CommandInputs {
    private CommandInputs() {}

    static List<Query> queries(Path file) throws IOException {
        try {
            return DatasetReader.readQueries(file);
        } catch (NoSuchFileException e) {
            throw new BenchMain.UsageException("no such queries file: " + file);
        } catch (DataFormatException e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
    }

    static List<Lookup> lookups(Path file) throws IOException {
        try {
            return DatasetReader.readLookups(file);
        } catch (NoSuchFileException e) {
            throw new BenchMain.UsageException("no such lookups file: " + file);
        } catch (DataFormatException e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
    }

    /** A new in-memory engine with {@code options} and the schema and relationships of the two files. */
    static LoadedDataset load(Path schema, Path relationships, EngineOptions options) throws IOException {
        String text;
        try {
            text = DatasetReader.readSchema(schema);
        } catch (NoSuchFileException e) {
            throw new BenchMain.UsageException("no such schema file: " + schema);
        }
        try {
            return DatasetLoader.load(text, relationships, options);
        } catch (NoSuchFileException e) {
            throw new BenchMain.UsageException("no such relationships file: " + relationships);
        } catch (DataFormatException e) {
            throw new BenchMain.UsageException(e.getMessage());
        } catch (KithException.InvalidSchema e) {
            throw new BenchMain.UsageException(schema + ": " + e.getMessage());
        }
    }

    /** {@code value} rounded to {@code digits} decimals, for the JSON line. */
    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
