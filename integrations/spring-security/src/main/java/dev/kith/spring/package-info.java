/** Spring Security authorization by kith: a request {@code AuthorizationManager} and a bean for method security. */
package dev.kith.spring;
