package io.trinity.pool.agents.code;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.DefaultCaseLabelTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Walks a parsed (not attributed) compilation unit and measures its types and methods.
 *
 * <p>Cyclomatic complexity of a method is 1 plus one for each decision point in its body:
 * {@code if}, {@code for}, enhanced {@code for}, {@code while}, {@code do}, each {@code case}
 * that has statements or a rule body (a {@code default} does not count, nor does an empty
 * fall-through label), each {@code when} guard, each {@code catch}, each {@code &&} and
 * {@code ||}, and each {@code ?:}. Decisions inside a lambda count toward the method that holds
 * it; methods of a nested, local or anonymous class are measured on their own. Code outside any
 * method (field initialisers, initialiser blocks) is not measured. A method without a body
 * (abstract, interface, native) has complexity 1.
 */
final class MetricsScanner extends TreeScanner<Void, Void> {

    record MethodMetrics(String type, String name, boolean constructor, int line, int complexity) {
    }

    record TypeMetrics(String name, String kind, int line) {
    }

    /** Pushed for a class body, so decisions there never count toward an enclosing method. */
    private static final int[] BARRIER = new int[1];

    private final CompilationUnitTree unit;
    private final SourcePositions positions;
    private final List<TypeMetrics> types = new ArrayList<>();
    private final List<MethodMetrics> methods = new ArrayList<>();
    private final Deque<String> typeNames = new ArrayDeque<>();
    /** Decision counters of the methods being walked, innermost first; a nested class pushes a barrier. */
    private final Deque<int[]> counters = new ArrayDeque<>();
    private int anonymousClasses;

    private MetricsScanner(CompilationUnitTree unit, SourcePositions positions) {
        this.unit = unit;
        this.positions = positions;
    }

    static MetricsScanner of(CompilationUnitTree unit, SourcePositions positions) {
        MetricsScanner s = new MetricsScanner(unit, positions);
        s.scan(unit, null);
        return s;
    }

    List<TypeMetrics> types() {
        return types;
    }

    List<MethodMetrics> methods() {
        return methods;
    }

    int anonymousClasses() {
        return anonymousClasses;
    }

    @Override
    public Void visitClass(ClassTree node, Void unused) {
        String simple = node.getSimpleName().toString();
        String name;
        if (simple.isEmpty()) {
            anonymousClasses++;
            name = qualify("<anonymous #" + anonymousClasses + ">");
        } else {
            name = qualify(simple);
            types.add(new TypeMetrics(name, kind(node.getKind()), line(node)));
        }
        typeNames.push(name);
        counters.push(BARRIER);
        try {
            return super.visitClass(node, unused);
        } finally {
            counters.pop();
            typeNames.pop();
        }
    }

    @Override
    public Void visitMethod(MethodTree node, Void unused) {
        int[] counter = {1};
        counters.push(counter);
        try {
            super.visitMethod(node, unused);
        } finally {
            counters.pop();
        }
        boolean ctor = node.getName().contentEquals("<init>");
        String type = typeNames.isEmpty() ? "" : typeNames.peek();
        String name = ctor ? simpleName(type) : node.getName().toString();
        methods.add(new MethodMetrics(type, name, ctor, line(node), counter[0]));
        return null;
    }

    @Override
    public Void visitIf(IfTree node, Void unused) {
        decision();
        return super.visitIf(node, unused);
    }

    @Override
    public Void visitForLoop(ForLoopTree node, Void unused) {
        decision();
        return super.visitForLoop(node, unused);
    }

    @Override
    public Void visitEnhancedForLoop(EnhancedForLoopTree node, Void unused) {
        decision();
        return super.visitEnhancedForLoop(node, unused);
    }

    @Override
    public Void visitWhileLoop(WhileLoopTree node, Void unused) {
        decision();
        return super.visitWhileLoop(node, unused);
    }

    @Override
    public Void visitDoWhileLoop(DoWhileLoopTree node, Void unused) {
        decision();
        return super.visitDoWhileLoop(node, unused);
    }

    @Override
    public Void visitCase(CaseTree node, Void unused) {
        boolean isDefault = node.getLabels().stream().anyMatch(l -> l instanceof DefaultCaseLabelTree);
        boolean hasBody = node.getCaseKind() == CaseTree.CaseKind.RULE
                || (node.getStatements() != null && !node.getStatements().isEmpty());
        if (!isDefault && hasBody) {
            decision();
        }
        if (node.getGuard() != null) {
            decision();
        }
        return super.visitCase(node, unused);
    }

    @Override
    public Void visitCatch(CatchTree node, Void unused) {
        decision();
        return super.visitCatch(node, unused);
    }

    @Override
    public Void visitConditionalExpression(ConditionalExpressionTree node, Void unused) {
        decision();
        return super.visitConditionalExpression(node, unused);
    }

    @Override
    public Void visitBinary(BinaryTree node, Void unused) {
        if (node.getKind() == Tree.Kind.CONDITIONAL_AND || node.getKind() == Tree.Kind.CONDITIONAL_OR) {
            decision();
        }
        return super.visitBinary(node, unused);
    }

    private void decision() {
        int[] counter = counters.peek();
        if (counter != null && counter != BARRIER) {
            counter[0]++;
        }
    }

    private String qualify(String simple) {
        return typeNames.isEmpty() ? simple : typeNames.peek() + "." + simple;
    }

    private static String simpleName(String qualified) {
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

    private int line(Tree node) {
        long pos = positions.getStartPosition(unit, node);
        return pos < 0 ? 0 : (int) unit.getLineMap().getLineNumber(pos);
    }

    private static String kind(Tree.Kind kind) {
        return switch (kind) {
            case INTERFACE -> "interface";
            case ENUM -> "enum";
            case RECORD -> "record";
            case ANNOTATION_TYPE -> "annotation";
            default -> "class";
        };
    }
}
