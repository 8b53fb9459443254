/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* web_module_foreign.c: the shared objects web_module_test.c puts where the
 * agent looks for its web module: one that says it comes from another
 * build, and (XV_TEST_NO_DESCRIPTOR) a library with no module entry. */

#ifndef XV_TEST_NO_DESCRIPTOR
/* The entry's layout as exporters/web_module.h has it; the version is not ours. */
__attribute__((visibility("default")))
const struct {
    const char *version;
    unsigned int layout[3];
    const void *init;
} xvWebModuleEntry = { "0.0.0-elsewhere", { 0 }, 0 };
#endif

__attribute__((visibility("default"))) int xvTestForeignWebModule(void);

int
xvTestForeignWebModule(void)
{
    return 42;
}
