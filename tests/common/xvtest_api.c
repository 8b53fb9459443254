/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvtest_api.c: test helpers about the library's errors (linked only into
 * the tests that call them, so tests without libvirt need no libvirt). */
#include "xvtest.h"

#include <string.h>

#include <libvirt/libvirt.h>

void
xvTestQuietErrors(void *userData, virErrorPtr err)
{
    (void)userData;
    (void)err;
}

void
xvTestAssertError(int code, const char *substr)
{
    virErrorPtr err = virGetLastError();

    if (!err)
        fail_msg("expected error %d, got none", code);
    if (err->code != code)
        fail_msg("expected error code %d, got %d: %s", code, err->code,
                 err->message ? err->message : "(null)");
    if (!err->message || !strstr(err->message, substr))
        fail_msg("message '%s' lacks '%s'", err->message ? err->message : "(null)", substr);
}
