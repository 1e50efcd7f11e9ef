/** The HTTP gateway's answers checked against SpiceDB's published API description (Swagger 2.0). */
package dev.kith.conformance.gateway;
