/*
 * Java's text for floating-point numbers: Double.toString and
 * Float.toString (what Jackson writes for doubles and floats), with the
 * shortest digits that read back to the same value, as Java 19+ prints
 * them ("1.0E10", "0.1", "-0.0", "NaN", "Infinity").
 */
#ifndef KC_DATA_KC_JAVA_NUMBER_H
#define KC_DATA_KC_JAVA_NUMBER_H

#include <kconnect/common.h>

/* Longest text either function writes, with the NUL. */
#define KC_JAVA_NUMBER_MAX 32

/** @brief Write Double.toString(@p d) into @p out; returns the length. */
size_t kc_java_double_to_string(double d, char out[KC_JAVA_NUMBER_MAX]);

/** @brief Write Float.toString(@p f) into @p out; returns the length. */
size_t kc_java_float_to_string(float f, char out[KC_JAVA_NUMBER_MAX]);

#endif /* KC_DATA_KC_JAVA_NUMBER_H */
