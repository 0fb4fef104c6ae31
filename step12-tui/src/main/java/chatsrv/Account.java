package chatsrv;

/**
 * One user's account as the server keeps it: the name, and what PBKDF2 made of the password
 * (the salt it was hashed with, how many iterations, the hash). The password itself is never
 * kept. Immutable: made by a hasher, written by the user file's writer, read by any thread.
 */
record Account(String name, int iterations, byte[] salt, byte[] hash) {
}
