package io.forewarm.history;

/** The database behind a history store failed; the message names the store and what was being done. */
public final class HistoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error with its cause. */
    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
