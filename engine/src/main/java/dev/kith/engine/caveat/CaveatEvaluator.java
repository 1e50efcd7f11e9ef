package dev.kith.engine.caveat;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelErrorCode;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelAttributePattern;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.PartialVars;
import dev.kith.engine.CaveatLimits;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.schema.CaveatDef;
import dev.kith.schema.CaveatEnvironment;
import dev.kith.schema.CaveatType;
import dev.kith.schema.SourcePosition;
import dev.kith.schema.ValidatedSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the caveats of one schema (SEMANTICS.md "Caveats").
 *
 * <p>Every caveat's type-checked CEL expression is planned once, when the evaluator is built, into a CEL
 * program; {@link #evaluate} only converts the context values and runs that program. The context of an
 * evaluation is the relationship's stored context laid over the request's context: a parameter present in
 * both takes the stored value. When every parameter the expression refers to has a value, the expression must
 * evaluate to a bool. When some are missing, the program runs with those parameters marked unknown (CEL's
 * partial evaluation): if the known values decide it anyway ({@code a || b} with {@code a} true) that is the
 * answer, otherwise the outcome is conditional and lists, sorted, the missing parameters the undecided parts
 * depend on. A parameter the expression never mentions is never missing.
 *
 * <p>JSON context values are converted per parameter type (see {@link ValueConverter}); {@code ipaddress}
 * values support {@code in_cidr(string)} for IPv4 and IPv6 prefixes.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CaveatEvaluator {
    private static final CelAttributePattern[] NO_PATTERNS = new CelAttributePattern[0];

    /** The message CEL gives an evaluation error: {@code evaluation error at <location>:<offset>: <reason>}. */
    private static final Pattern CEL_ERROR = Pattern.compile("^evaluation error at [^:]*:(\\d+): ", Pattern.DOTALL);

    private final Map<String, Compiled> caveats;
    private final CaveatLimits limits;

    /** Plans every caveat of {@code schema}, with the default {@link CaveatLimits}. */
    public CaveatEvaluator(ValidatedSchema schema) {
        this(schema, CaveatLimits.defaults());
    }

    /** Plans every caveat of {@code schema}; every evaluation stays within {@code limits}. */
    public CaveatEvaluator(ValidatedSchema schema, CaveatLimits limits) {
        this(schema.caveats().values(), schema::caveatAst, limits);
    }

    /**
     * Plans every caveat.
     *
     * @param definitions the caveats of the schema
     * @param checkedAst the type-checked CEL AST of a caveat, by name
     */
    CaveatEvaluator(
            Collection<CaveatDef> definitions,
            Function<String, CelAbstractSyntaxTree> checkedAst,
            CaveatLimits limits) {
        this.limits = limits;
        CelRuntime runtime = runtime(limits);
        Map<String, Compiled> byName = HashMap.newHashMap(definitions.size());
        for (CaveatDef def : definitions) {
            byName.put(def.name(), Compiled.of(def, checkedAst.apply(def.name()), runtime));
        }
        this.caveats = Map.copyOf(byName);
    }

    /**
     * The runtime of one schema's caveats: standard functions plus {@code in_cidr} and {@code ipaddress(string)},
     * and CEL's own comprehension budget set to the cost limit (every loop step costs at least one unit, so a
     * comprehension never outlives the cost limit even if no node were counted).
     */
    private static CelRuntime runtime(CaveatLimits limits) {
        return CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(CelOptions.current()
                        .comprehensionMaxIterations((int) limits.maxCost())
                        .build())
                .addFunctionBindings(CelFunctionBinding.from(
                        CaveatEnvironment.IN_CIDR_OVERLOAD, IpAddress.class, String.class, CaveatEvaluator::inCidr))
                .addFunctionBindings(CelFunctionBinding.from(
                        CaveatEnvironment.IPADDRESS_OVERLOAD, String.class, CaveatEvaluator::ipAddress))
                .build();
    }

    /** The limits every evaluation stays within. */
    public CaveatLimits limits() {
        return limits;
    }

    /**
     * Evaluates caveat {@code caveatName} over {@code storedContext} laid over {@code requestContext}.
     *
     * <p>The evaluation is bounded: a context value beyond the {@link CaveatLimits} is refused before it runs,
     * every evaluated expression node costs one unit of {@link CaveatLimits#maxCost()}, and every {@link
     * Deadline.Ticker#EVERY} units the thread's {@link Deadline} is polled, so a cancelled or timed-out request
     * stops its CEL work too.
     *
     * @throws KithException.InvalidArgument if a context value does not fit its parameter's type or the limits
     * @throws KithException.CaveatEvaluation if the caveat is unknown, fails to evaluate or returns no bool
     * @throws KithException.CaveatCostExceeded if the evaluation spends its cost limit
     * @throws KithException.DeadlineExceeded if the thread's deadline passes during the evaluation
     */
    public CaveatOutcome evaluate(
            String caveatName, Map<String, Object> storedContext, Map<String, Object> requestContext) {
        Compiled c = caveats.get(caveatName);
        if (c == null) {
            throw new KithException.CaveatEvaluation(caveatName, "is not defined in the schema");
        }
        Map<String, Object> stored = storedContext == null ? Map.of() : storedContext;
        Map<String, Object> request = requestContext == null ? Map.of() : requestContext;
        Map<String, Object> vars = HashMap.newHashMap(c.names.length);
        List<CelAttributePattern> unknown = null;
        for (int i = 0; i < c.names.length; i++) {
            String name = c.names[i];
            Object raw;
            if (stored.containsKey(name)) {
                raw = stored.get(name);
            } else if (request.containsKey(name)) {
                raw = request.get(name);
            } else {
                if (c.referenced[i]) {
                    if (unknown == null) unknown = new ArrayList<>(c.names.length);
                    unknown.add(c.patterns[i]);
                }
                continue;
            }
            checkLimits(raw, caveatName, name);
            vars.put(name, c.converters[i].convert(raw, caveatName, name));
        }
        Object result;
        Budget budget = new Budget(caveatName, limits.maxCost());
        try {
            result = unknown == null
                    ? c.program.trace(vars, budget)
                    : c.program.trace(PartialVars.of(vars, unknown.toArray(NO_PATTERNS)), budget);
        } catch (CelEvaluationException e) {
            throw failure(c, e);
        } catch (KithException e) {
            throw e;
        } catch (RuntimeException e) {
            KithException ours = ours(e);
            if (ours != null) throw ours;
            throw new KithException.CaveatEvaluation(caveatName, "evaluation failed: " + e.getMessage());
        }
        return switch (result) {
            case Boolean b -> b ? CaveatOutcome.TRUE : CaveatOutcome.FALSE;
            case CelUnknownSet u -> CaveatOutcome.conditional(c.missingNames(u, unknown));
            case null -> throw new KithException.CaveatEvaluation(caveatName, "returned null instead of a bool");
            default ->
                throw new KithException.CaveatEvaluation(caveatName, "returned " + result + " instead of a bool");
        };
    }

    /**
     * Checks a relationship's stored context at write time: every key must be a parameter of the caveat and its
     * value must convert to the parameter's type.
     *
     * @throws KithException.InvalidArgument naming the caveat or the parameter that is wrong
     */
    public void validateContext(String caveatName, Map<String, Object> context) {
        Compiled c = caveats.get(caveatName);
        if (c == null) {
            throw new KithException.InvalidArgument("caveat", "caveat " + caveatName + " is not defined in the schema");
        }
        if (context == null) return;
        for (Map.Entry<String, Object> e : context.entrySet()) {
            Integer index = c.index.get(e.getKey());
            if (index == null) {
                throw new KithException.InvalidArgument(
                        "context",
                        "caveat " + caveatName + " has no parameter '" + e.getKey() + "' (its parameters: "
                                + String.join(", ", c.names) + ")");
            }
            checkLimits(e.getValue(), caveatName, e.getKey());
            c.converters[index].convert(e.getValue(), caveatName, e.getKey());
        }
    }

    private void checkLimits(Object value, String caveat, String parameter) {
        CaveatLimits.Violation v = limits.violation(value);
        if (v != null) {
            throw new KithException.InvalidArgument(
                    "context", "parameter '" + parameter + v.path() + "' of caveat " + caveat + " " + v.reason());
        }
    }

    /**
     * The error for a failed evaluation: our own (the cost limit, the deadline), which CEL wraps when a listener
     * throws; CEL's iteration budget as the cost limit; otherwise CEL's reason, at the place in the schema source
     * of the expression node that failed.
     */
    private KithException failure(Compiled c, CelEvaluationException e) {
        KithException ours = ours(e);
        if (ours != null) return ours;
        if (e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED) {
            return new KithException.CaveatCostExceeded(c.def.name(), limits.maxCost());
        }
        String message = String.valueOf(e.getMessage());
        Matcher m = CEL_ERROR.matcher(message);
        if (m.find()) {
            String reason = message.substring(m.end());
            Optional<CelSourceLocation> at =
                    parseOffset(m.group(1)).flatMap(offset -> c.ast.getSource().getOffsetLocation(offset));
            if (at.isPresent()) {
                // CEL columns are 0-based, schema columns 1-based.
                SourcePosition p =
                        c.def.expressionPosition(at.get().getLine(), at.get().getColumn() + 1);
                return new KithException.CaveatEvaluation(
                        c.def.name(),
                        "evaluation error at line " + p.line() + ", column " + p.column() + ": " + reason);
            }
            return new KithException.CaveatEvaluation(c.def.name(), "evaluation error: " + reason);
        }
        return new KithException.CaveatEvaluation(c.def.name(), message);
    }

    private static Optional<Integer> parseOffset(String digits) {
        try {
            return Optional.of(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The {@link KithException} among the causes of {@code e}, if any. */
    private static KithException ours(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KithException k) return k;
            if (t.getCause() == t) break;
        }
        return null;
    }

    /**
     * The cost meter of one evaluation: CEL calls it once per evaluated expression node. Each call costs one
     * unit; every {@link Deadline.Ticker#EVERY} units it polls the thread's deadline. Once the limit is spent or
     * the deadline has passed it throws at every later node, not only once: CEL absorbs an error inside {@code
     * ||} and {@code &&} (and so inside {@code exists} and {@code all} steps) and keeps looping, but the next node
     * to finish (the {@code ||} itself, the comprehension around it) throws again, until the error leaves the
     * whole expression.
     */
    private static final class Budget implements CelEvaluationListener {
        private final Deadline.Ticker ticker = new Deadline.Ticker("caveat evaluation");
        private final String caveat;
        private final long limit;
        private long left;
        private KithException stopped;

        Budget(String caveat, long limit) {
            this.caveat = caveat;
            this.limit = limit;
            this.left = limit;
        }

        @Override
        public void callback(CelExpr expr, Object result) {
            if (stopped != null) throw stopped;
            if (--left < 0) {
                stopped = new KithException.CaveatCostExceeded(caveat, limit);
                throw stopped;
            }
            try {
                ticker.tick();
            } catch (KithException.DeadlineExceeded e) {
                stopped = e;
                throw e;
            }
        }
    }

    private static Object ipAddress(String text) throws CelEvaluationException {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException("ipaddress: " + e.getMessage());
        }
    }

    private static Object inCidr(IpAddress address, String cidr) throws CelEvaluationException {
        try {
            return address.inCidr(cidr);
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException("in_cidr: " + e.getMessage());
        }
    }

    /** A planned caveat: its parameters in declaration order, their converters, and the program. */
    private static final class Compiled {
        final String[] names;
        final ValueConverter[] converters;
        final CelAttributePattern[] patterns;
        final boolean[] referenced;
        final Map<String, Integer> index;
        final CelRuntime.Program program;
        /** The parameter each identifier expression (by expression id) refers to. */
        final Map<Long, String> identParams;

        final CaveatDef def;
        final CelAbstractSyntaxTree ast;

        private Compiled(
                CaveatDef def,
                CelAbstractSyntaxTree ast,
                String[] names,
                ValueConverter[] converters,
                boolean[] referenced,
                Map<String, Integer> index,
                CelRuntime.Program program,
                Map<Long, String> identParams) {
            this.names = names;
            this.converters = converters;
            this.referenced = referenced;
            this.index = index;
            this.program = program;
            this.identParams = identParams;
            this.def = def;
            this.ast = ast;
            this.patterns = new CelAttributePattern[names.length];
            for (int i = 0; i < names.length; i++) patterns[i] = CelAttributePattern.create(names[i]);
        }

        static Compiled of(CaveatDef def, CelAbstractSyntaxTree ast, CelRuntime runtime) {
            if (ast == null || !ast.isChecked()) {
                throw new IllegalArgumentException("caveat " + def.name() + " has no type-checked expression");
            }
            int n = def.parameters().size();
            String[] names = new String[n];
            ValueConverter[] converters = new ValueConverter[n];
            Map<String, Integer> index = HashMap.newHashMap(n);
            int i = 0;
            for (Map.Entry<String, CaveatType> p : def.parameters().entrySet()) {
                names[i] = p.getKey();
                converters[i] = ValueConverter.forType(p.getValue());
                index.put(p.getKey(), i);
                i++;
            }
            Map<Long, String> identParams = new HashMap<>();
            collectIdents(ast.getExpr(), index.keySet(), new HashSet<>(), identParams);
            boolean[] referenced = new boolean[n];
            for (String name : identParams.values()) referenced[index.get(name)] = true;
            CelRuntime.Program program;
            try {
                program = runtime.createProgram(ast);
            } catch (CelEvaluationException e) {
                throw new IllegalArgumentException("caveat " + def.name() + " cannot be planned: " + e.getMessage(), e);
            }
            return new Compiled(
                    def, ast, names, converters, referenced, Map.copyOf(index), program, Map.copyOf(identParams));
        }

        /**
         * Records every identifier that names a parameter, skipping names shadowed by a comprehension's
         * variables ({@code list.all(x, …)} inside which {@code x} is not the parameter {@code x}).
         */
        private static void collectIdents(CelExpr e, Set<String> params, Set<String> shadowed, Map<Long, String> out) {
            switch (e.getKind()) {
                case IDENT -> {
                    String name = e.ident().name();
                    if (params.contains(name) && !shadowed.contains(name)) out.put(e.id(), name);
                }
                case SELECT -> collectIdents(e.select().operand(), params, shadowed, out);
                case CALL -> {
                    e.call().target().ifPresent(t -> collectIdents(t, params, shadowed, out));
                    for (CelExpr arg : e.call().args()) collectIdents(arg, params, shadowed, out);
                }
                case LIST -> {
                    for (CelExpr element : e.list().elements()) collectIdents(element, params, shadowed, out);
                }
                case MAP -> {
                    for (CelExpr.CelMap.Entry entry : e.map().entries()) {
                        collectIdents(entry.key(), params, shadowed, out);
                        collectIdents(entry.value(), params, shadowed, out);
                    }
                }
                case STRUCT -> {
                    for (CelExpr.CelStruct.Entry entry : e.struct().entries()) {
                        collectIdents(entry.value(), params, shadowed, out);
                    }
                }
                case COMPREHENSION -> {
                    CelExpr.CelComprehension c = e.comprehension();
                    collectIdents(c.iterRange(), params, shadowed, out);
                    collectIdents(c.accuInit(), params, shadowed, out);
                    Set<String> inner = union(shadowed, c.accuVar());
                    inner.add(c.iterVar());
                    if (!c.iterVar2().isEmpty()) inner.add(c.iterVar2());
                    collectIdents(c.loopCondition(), params, inner, out);
                    collectIdents(c.loopStep(), params, inner, out);
                    collectIdents(c.result(), params, union(shadowed, c.accuVar()), out);
                }
                case CONSTANT, NOT_SET -> {}
            }
        }

        private static Set<String> union(Set<String> set, String extra) {
            Set<String> s = new HashSet<>(set);
            s.add(extra);
            return s;
        }

        /** The parameters behind the unknown parts of a partial result, sorted. */
        List<String> missingNames(CelUnknownSet unknowns, List<CelAttributePattern> absent) {
            TreeSet<String> names = new TreeSet<>();
            for (Long id : unknowns.unknownExprIds()) {
                String name = identParams.get(id);
                if (name != null) names.add(name);
            }
            unknowns.attributes().forEach(a -> {
                if (!a.qualifiers().isEmpty())
                    names.add(a.qualifiers().getFirst().asString());
            });
            if (names.isEmpty() && absent != null) {
                absent.forEach(p -> names.add(p.qualifiers().getFirst().asString()));
            }
            return List.copyOf(names);
        }
    }
}
