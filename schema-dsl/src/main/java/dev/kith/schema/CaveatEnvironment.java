package dev.kith.schema;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import java.util.Map;

/**
 * The CEL environment of caveat expressions: each parameter is a variable of its declared type, plus
 * SpiceDB's {@code ipaddress} type with its {@code in_cidr(string)} member function, and OpenFGA's
 * {@code ipaddress(string)} conversion (so that models translated from OpenFGA can write {@code
 * ip != ipaddress("192.0.0.1")}). The engine registers the runtime bindings of {@link
 * #IN_CIDR_OVERLOAD} and {@link #IPADDRESS_OVERLOAD}; this class only declares them.
 */
public final class CaveatEnvironment {

    /** The CEL name of the opaque IP address type. */
    public static final String IPADDRESS_TYPE_NAME = "ipaddress";

    /** The member function {@code ip.in_cidr("10.0.0.0/8")}. */
    public static final String IN_CIDR_FUNCTION = "in_cidr";

    /** The overload id of {@code ipaddress.in_cidr(string) -> bool}, to bind at runtime. */
    public static final String IN_CIDR_OVERLOAD = "ipaddress_in_cidr_string";

    /** The opaque CEL type of {@code ipaddress} parameters. */
    public static final OpaqueType IPADDRESS_TYPE = OpaqueType.create(IPADDRESS_TYPE_NAME);

    /** The overload id of the global function {@code ipaddress(string) -> ipaddress}, to bind at runtime. */
    public static final String IPADDRESS_OVERLOAD = "string_to_ipaddress";

    private static final CelFunctionDecl IPADDRESS = CelFunctionDecl.newFunctionDeclaration(
            IPADDRESS_TYPE_NAME,
            CelOverloadDecl.newGlobalOverload(IPADDRESS_OVERLOAD, IPADDRESS_TYPE, SimpleType.STRING));

    private static final CelFunctionDecl IN_CIDR = CelFunctionDecl.newFunctionDeclaration(
            IN_CIDR_FUNCTION,
            CelOverloadDecl.newMemberOverload(IN_CIDR_OVERLOAD, SimpleType.BOOL, IPADDRESS_TYPE, SimpleType.STRING));

    private CaveatEnvironment() {}

    /** The CEL type of a caveat parameter type; {@code any} is CEL's dynamic type. */
    public static CelType celType(CaveatType type) {
        return switch (type.kind()) {
            case ANY -> SimpleType.DYN;
            case INT -> SimpleType.INT;
            case UINT -> SimpleType.UINT;
            case DOUBLE -> SimpleType.DOUBLE;
            case BOOL -> SimpleType.BOOL;
            case STRING -> SimpleType.STRING;
            case BYTES -> SimpleType.BYTES;
            case DURATION -> SimpleType.DURATION;
            case TIMESTAMP -> SimpleType.TIMESTAMP;
            case LIST -> ListType.create(celType(type.arguments().getFirst()));
            case MAP ->
                MapType.create(SimpleType.STRING, celType(type.arguments().getFirst()));
            case IPADDRESS -> IPADDRESS_TYPE;
        };
    }

    /** A CEL compiler (parser and type checker) for expressions over these parameters. */
    public static CelCompiler compiler(Map<String, CaveatType> parameters) {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addFunctionDeclarations(IN_CIDR, IPADDRESS);
        parameters.forEach((name, type) -> builder.addVar(name, celType(type)));
        return builder.build();
    }

    /** A compiler for a caveat's parameters. */
    public static CelCompiler compiler(CaveatDef caveat) {
        return compiler(caveat.parameters());
    }
}
