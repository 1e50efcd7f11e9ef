/** An example document-sharing REST service on Spring MVC and Spring Security, its access decided by kith. */
package dev.kith.examples.springdocs;
