/** Classes that break kith's architecture rules on purpose, so that each rule is shown to fail. */
package dev.kith.cli.archfixture;
