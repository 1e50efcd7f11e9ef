/** The {@code kith} command line: picocli commands, one class per subcommand. */
package dev.kith.cli;
