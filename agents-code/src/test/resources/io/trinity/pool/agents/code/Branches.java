package demo;

/**
 * Known complexity, counted by hand:
 * straight 1, classify 4, loops 7.
 */
public class Branches {

    // straight line: 1
    int straight(int a) {
        return a + 1;
    }

    /* if, else-if and one && : 1 + 2 + 1 = 4 */
    String classify(int n) {
        if (n < 0 && n > -10) {
            return "small negative // not a comment";
        } else if (n == 0) {
            return "zero";
        }
        return "other";
    }

    // for, ||, ?:, while, do, enhanced for: 1 + 6 = 7
    int loops(int[] xs) {
        int s = 0;
        for (int i = 0; i < xs.length; i++) {
            s += xs[i] > 0 || xs[i] < -5 ? xs[i] : 0;
        }
        while (s > 100) {
            s -= 10;
        }
        do {
            s++;
        } while (s < 0);
        for (int x : xs) {
            s += x;
        }
        return s;
    }
}
