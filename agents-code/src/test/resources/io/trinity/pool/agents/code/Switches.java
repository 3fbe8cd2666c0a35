import java.util.function.IntPredicate;

public class Switches {

    // case 1 and 2 share their statements and count once, case 3 counts, default does not: 1 + 2 = 3
    static int legacy(int k) {
        int r;
        switch (k) {
            case 1:
            case 2:
                r = 10;
                break;
            case 3:
                r = 30;
                break;
            default:
                r = 0;
        }
        return r;
    }

    // three rule cases and one guard, default not counted: 1 + 3 + 1 = 5
    static String rules(Object o) {
        return switch (o) {
            case Integer i when i > 10 -> "big";
            case Integer i -> "int";
            case String s -> "string";
            default -> "other";
        };
    }

    // the if inside the lambda, one ?: and two catches: 1 + 1 + 1 + 2 = 5
    static int parse(String s) {
        IntPredicate positive = v -> {
            if (v > 0) {
                return true;
            }
            return false;
        };
        try {
            int v = Integer.parseInt(s);
            return positive.test(v) ? v : 0;
        } catch (NumberFormatException e) {
            return -1;
        } catch (RuntimeException e) {
            return -2;
        }
    }

    // the anonymous class's run() is measured on its own (1 + if = 2); runner() stays 1
    static Runnable runner() {
        return new Runnable() {
            @Override
            public void run() {
                if (System.nanoTime() > 0) {
                    System.out.println("tick");
                }
            }
        };
    }

    record Point(int x, int y) {
        Point {
            if (x < 0 || y < 0) {
                throw new IllegalArgumentException("negative");
            }
        }
    }

    interface Shape {
        double area();
    }
}
