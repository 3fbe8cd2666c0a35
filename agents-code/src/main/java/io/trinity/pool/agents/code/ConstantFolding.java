package io.trinity.pool.agents.code;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Bounds javac's constant folding before javac runs. javac folds every constant string
 * expression (JLS 15.29) into a string while it attributes the source and keeps each on the
 * syntax tree until the compilation ends, and no javac option limits that: 30 lines that double
 * a {@code static final String} make it build a string of a billion characters and run the
 * whole JVM out of memory. A class file cannot hold a constant string over 65,535 bytes anyway.
 *
 * <p>This walks the parse tree and estimates, from above, the length of every string javac
 * would fold: literals by their length, {@code a + b} of two constants by the sum, {@code ?:}
 * by the longer branch, a name by the longest {@code final} variable of that name (primitive,
 * {@code String} or {@code var}) with a constant initializer anywhere in the source, and a name
 * the source does not declare (a JDK constant) as at most {@value #UNDECLARED_NAME} characters.
 * It refuses a source with one folded string over {@value #MAX_CONSTANT_CHARS} characters or
 * more than {@value #MAX_FOLDED_CHARS} folded characters in all.
 */
final class ConstantFolding extends TreeScanner<Void, Void> {

    /** The longest one folded constant string may be. */
    static final long MAX_CONSTANT_CHARS = 1_000_000;
    /** The most characters all folded constant strings of one source may hold together. */
    static final long MAX_FOLDED_CHARS = 50_000_000;
    /** A numeric, char or boolean constant as text: {@code -1.2345678901234567E-300} is 24. */
    private static final long SCALAR = 25;
    /** The length assumed for a constant the source uses but does not declare (the JDK's). */
    static final long UNDECLARED_NAME = 256;
    private static final long NOT_CONSTANT = -1;

    private final CompilationUnitTree unit;
    private final SourcePositions positions;
    /** Final variables of a type that can be constant, with an initializer, by simple name. */
    private final Map<String, List<VariableTree>> constants = new HashMap<>();
    /** Every name the source declares as a variable, field, parameter or enum constant. */
    private final Set<String> declared = new HashSet<>();
    private final Map<Tree, Long> sizes = new IdentityHashMap<>();
    private final Set<VariableTree> resolving = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private long folded;

    private ConstantFolding(CompilationUnitTree unit, SourcePositions positions) {
        this.unit = unit;
        this.positions = positions;
    }

    /** Why javac must not compile {@code unit}, or null when its constant folding stays in bounds. */
    static String problem(CompilationUnitTree unit, SourcePositions positions) {
        ConstantFolding f = new ConstantFolding(unit, positions);
        new Declarations(f).scan(unit, null);
        try {
            f.scan(unit, null);
            return null;
        } catch (TooLarge e) {
            return e.getMessage();
        }
    }

    @Override
    public Void visitBinary(BinaryTree node, Void unused) {
        size(node);
        return super.visitBinary(node, unused);
    }

    private long size(ExpressionTree e) {
        Long known = sizes.get(e);
        if (known != null) {
            return known;
        }
        long size = switch (e) {
            case LiteralTree l -> l.getKind() == Tree.Kind.NULL_LITERAL ? NOT_CONSTANT
                    : l.getValue() instanceof String s ? s.length() : SCALAR;
            case ParenthesizedTree p -> size(p.getExpression());
            case TypeCastTree c -> size(c.getExpression());
            case UnaryTree u -> switch (u.getKind()) {
                case UNARY_PLUS, UNARY_MINUS, BITWISE_COMPLEMENT, LOGICAL_COMPLEMENT ->
                        size(u.getExpression()) < 0 ? NOT_CONSTANT : SCALAR;
                default -> NOT_CONSTANT;
            };
            case BinaryTree b -> binary(b);
            case ConditionalExpressionTree c -> size(c.getCondition()) < 0 ? NOT_CONSTANT
                    : both(size(c.getTrueExpression()), size(c.getFalseExpression()), Math::max);
            case IdentifierTree id -> name(id.getName().toString());
            case MemberSelectTree m -> name(m.getIdentifier().toString());
            default -> NOT_CONSTANT;
        };
        sizes.put(e, size);
        return size;
    }

    private long binary(BinaryTree b) {
        long left = size(b.getLeftOperand());
        long right = size(b.getRightOperand());
        if (left < 0 || right < 0) {
            return NOT_CONSTANT;
        }
        if (b.getKind() != Tree.Kind.PLUS) {
            return SCALAR;
        }
        long sum = saturatedSum(left, right);
        folded = saturatedSum(folded, sum);
        if (sum > MAX_CONSTANT_CHARS) {
            throw new TooLarge("the constant expression at " + where(b) + " would fold to a string of " + sum
                    + " characters, more than the limit of " + MAX_CONSTANT_CHARS + " (javac builds every constant"
                    + " string in memory while it compiles, and a class file holds at most 65535 bytes of one);"
                    + " build long strings at run time");
        }
        if (folded > MAX_FOLDED_CHARS) {
            throw new TooLarge("its constant string expressions would fold to more than " + MAX_FOLDED_CHARS
                    + " characters in all, the limit, by the one at " + where(b) + " (javac builds and keeps every"
                    + " constant string in memory while it compiles); build long strings at run time");
        }
        return sum;
    }

    private long name(String name) {
        List<VariableTree> candidates = constants.get(name);
        if (candidates == null) {
            return declared.contains(name) ? NOT_CONSTANT : UNDECLARED_NAME;
        }
        long longest = NOT_CONSTANT;
        for (VariableTree v : candidates) {
            if (resolving.add(v)) {
                try {
                    longest = Math.max(longest, size(v.getInitializer()));
                } finally {
                    resolving.remove(v);
                }
            }
        }
        return longest;
    }

    private static long both(long a, long b, java.util.function.LongBinaryOperator f) {
        return a < 0 || b < 0 ? NOT_CONSTANT : f.applyAsLong(a, b);
    }

    private static long saturatedSum(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    private String where(Tree t) {
        long pos = positions.getStartPosition(unit, t);
        return "line " + unit.getLineMap().getLineNumber(pos) + ", column " + unit.getLineMap().getColumnNumber(pos);
    }

    /** Collects the declared names and the variables that may be constants. */
    private static final class Declarations extends TreeScanner<Void, Void> {
        private final ConstantFolding f;
        private final Set<VariableTree> interfaceFields = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

        Declarations(ConstantFolding f) {
            this.f = f;
        }

        @Override
        public Void visitClass(ClassTree node, Void unused) {
            if (node.getKind() == Tree.Kind.INTERFACE || node.getKind() == Tree.Kind.ANNOTATION_TYPE) {
                for (Tree member : node.getMembers()) {
                    if (member instanceof VariableTree v) {
                        interfaceFields.add(v); // implicitly static final
                    }
                }
            }
            return super.visitClass(node, unused);
        }

        @Override
        public Void visitVariable(VariableTree node, Void unused) {
            String name = node.getName().toString();
            f.declared.add(name);
            boolean isFinal = node.getModifiers().getFlags().contains(Modifier.FINAL) || interfaceFields.contains(node);
            if (isFinal && node.getInitializer() != null && mayBeConstantType(node.getType())) {
                f.constants.computeIfAbsent(name, k -> new ArrayList<>()).add(node);
            }
            return super.visitVariable(node, unused);
        }

        /** A constant variable is of a primitive type or String (JLS 4.12.4); {@code var} may infer either. */
        private static boolean mayBeConstantType(Tree type) {
            return switch (type) {
                case null -> true;
                case PrimitiveTypeTree p -> true;
                case IdentifierTree id -> id.getName().contentEquals("String") || id.getName().contentEquals("var");
                case MemberSelectTree m -> m.getIdentifier().contentEquals("String");
                default -> false;
            };
        }
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }
}
