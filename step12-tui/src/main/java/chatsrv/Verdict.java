package chatsrv;

/**
 * What came of a REGISTER or a LOGIN once its password had been through PBKDF2 (and, for a
 * REGISTER, the new account through the user file): made on a hasher or on the user file's
 * writer, handed by the event loop to the client's worker, at once or after the delay of a
 * denied login (EventLoop.later).
 */
record Verdict(Verb verb, String name, boolean ok) {
}
