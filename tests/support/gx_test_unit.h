/* gx_test_unit — assertions on text shared by the cmocka unit tests
 * (tests/test_*.c) that check what an operation, a run or a screen said.
 * Header-only; include after <cmocka.h>. Each failure says what was looked
 * for and shows the whole text it was looked for in. */
#ifndef GX_TEST_UNIT_H
#define GX_TEST_UNIT_H

#include <stddef.h>
#include <string.h>

/* Fails unless text holds part; a NULL text fails. */
static inline void gx_test_assert_has(const char *text, const char *part)
{
    if (!text || !strstr(text, part))
        fail_msg("expected to find\n  %s\nin\n%s", part, text ? text : "(no text)");
}

/* gx_test_assert_has of each of parts (NULL-terminated), in order: the first
 * one missing fails. */
static inline void gx_test_assert_has_each(const char *text, const char *const *parts)
{
    for (size_t i = 0; parts[i]; i++)
        gx_test_assert_has(text, parts[i]);
}

/* Fails if text holds part; a NULL text fails too. */
static inline void gx_test_assert_lacks(const char *text, const char *part)
{
    if (!text || strstr(text, part))
        fail_msg("did not expect to find\n  %s\nin\n%s", part, text ? text : "(no text)");
}

#endif
