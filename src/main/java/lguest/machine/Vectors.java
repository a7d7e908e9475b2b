package lguest.machine;

/** The exception vectors of the i686, with the names the SDM gives them. */
public final class Vectors {
    private Vectors() { }
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7,
            DF = 8, TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17;
    private static final String[] NAMES = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
        "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "reserved", "#MF", "#AC", "#MC", "#XM"};

    public static String name(int vector) {
        return vector >= 0 && vector < NAMES.length ? NAMES[vector] : "INT " + vector;
    }
}
