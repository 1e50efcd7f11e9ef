package dev.kith.bench.gen;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The benchmark datasets {@link Datasets#generate} can produce. */
public enum Dataset {
    /** Users, nested teams, organizations and repositories with direct grants (about 1M relationships). */
    GITHUB("github"),
    /** A folder tree with documents, nested groups, public links and a ban list (about 1M relationships). */
    DRIVE("drive"),
    /** Delegation chains of subject sets 10, 25, 45 and 60 levels deep, and cycles of groups. */
    DEEP("deep"),
    /** The github shape with a tenth of the grants under an IP-range or a time-window caveat. */
    CAVEATS("caveats"),
    /** An enterprise directory: 50k users in groups nested up to 20 deep, documents shared with groups and users. */
    GROUPS("groups"),
    /** Drive's schema over 300k folders in trees 10 to 30 deep (about 1.1M relationships). */
    DRIVE_DEEP("drive-deep"),
    /** A few resources with 100k direct viewers each, public resources ({@code user:*}) and ban lists. */
    WIDE("wide"),
    /** Drive's schema, object-heavy: 1M documents with an owner and a folder, 20k folders with viewers. */
    DOCS("docs");

    private final String cliName;

    Dataset(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in reports. */
    public String cliName() {
        return cliName;
    }

    /** The dataset called {@code name}, or an {@link IllegalArgumentException} listing the valid names. */
    public static Dataset named(String name) {
        for (Dataset dataset : values()) {
            if (dataset.cliName.equals(name)) {
                return dataset;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Dataset::cliName).collect(Collectors.joining(", ")));
    }
}
