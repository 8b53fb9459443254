/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* driver_module_foreign.c: the shared objects driver_module_test.c puts
 * where libxvirt.so looks for its Xen driver module: one that says it comes
 * from another libxvirt build, and (XV_TEST_NO_DESCRIPTOR) a library with no
 * module descriptor at all. */

#ifndef XV_TEST_NO_DESCRIPTOR
/* The descriptor's layout as lib/driver.h has it; the version is not ours. */
__attribute__((visibility("default")))
const struct {
    const char *version;
    unsigned int layout[5];
    const void *driver;
} xvDriverModuleXen = { "0.0.0-elsewhere", { 0 }, 0 };
#endif

__attribute__((visibility("default"))) int xvTestForeignModule(void);

int
xvTestForeignModule(void)
{
    return 42;
}
