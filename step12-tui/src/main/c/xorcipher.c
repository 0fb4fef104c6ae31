/*
 * The native half of chatsrv.NativeXorCipher: data[i] ^= key[i % 32], in place.
 *
 * Built by the step's Maven build (exec-maven-plugin, in the compile phase):
 *   gcc -shared -fPIC -O2 -Wall -I$JAVA_HOME/include -I$JAVA_HOME/include/linux \
 *       -o target/native/libxorcipher.so src/main/c/xorcipher.c
 * and loaded by NativeXorCipher with System.load. The JVM finds the function by its name:
 * Java_, the class's binary name with '.' as '_', then the method's name.
 */
#include <jni.h>

#define KEY_BYTES 32

JNIEXPORT void JNICALL
Java_chatsrv_NativeXorCipher_xorNative(JNIEnv *env, jclass cls, jbyteArray data, jbyteArray key)
{
    jbyte k[KEY_BYTES];
    jsize n = (*env)->GetArrayLength(env, data);
    jsize i;
    jbyte *d;

    (void) cls;
    /* The Java side checks the key's length; this only refuses to read past the array. */
    if ((*env)->GetArrayLength(env, key) != KEY_BYTES) {
        (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/IllegalArgumentException"),
                         "native-xor: the key must be 32 bytes");
        return;
    }
    /* 32 bytes: copying them out is cheaper than pinning a second array. */
    (*env)->GetByteArrayRegion(env, key, 0, KEY_BYTES, k);

    /*
     * The data may be a megabyte. GetByteArrayRegion would copy it into a C buffer and
     * SetByteArrayRegion copy it back: twice the memory traffic of the XOR itself.
     * GetPrimitiveArrayCritical usually hands us the Java array's own bytes instead, at a
     * price: until the Release, the garbage collector may be held off (or the array pinned),
     * and we must not call the JVM, block or take long. A loop over the bytes is exactly that.
     */
    d = (*env)->GetPrimitiveArrayCritical(env, data, NULL);
    if (d == NULL) {
        return; /* an OutOfMemoryError is pending; Java sees it when we return */
    }
    for (i = 0; i < n; i++) {
        d[i] ^= k[i % KEY_BYTES];
    }
    /* 0: copy back if the JVM gave us a copy after all, and free it. */
    (*env)->ReleasePrimitiveArrayCritical(env, data, d, 0);
}
