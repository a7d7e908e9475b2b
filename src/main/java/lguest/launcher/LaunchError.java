package lguest.launcher;

/** A reason the Launcher cannot go on, worth exactly one line to the user. */
final class LaunchError extends Exception {
    private static final long serialVersionUID = 1L;

    LaunchError(String message) {
        super(message, null, false, false);
    }
}
