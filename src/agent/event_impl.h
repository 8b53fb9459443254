/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * event_impl.h: the library's event loop hooks (virEventRegisterImpl) on a
 * libevent base, so that the hypervisor's event sources (xenstore's watch
 * socket, the test driver's journal) and the event dispatch run in the
 * agent's own libevent loop instead of a second loop of the library's.
 *
 * Why the hooks and not a file descriptor to watch: the drivers need more
 * than one descriptor and timers of their own (the test driver's scripted
 * clock), and libvirt programs already know this interface; a libevent
 * program maps it onto event_new()/event_add() in a hundred lines.
 *
 * The hooks are thread safe (libevent with evthread_use_pthreads() called
 * before the base was made). A removal only stops the event; its free
 * callback runs later from the loop, as libvirt requires.
 */
#pragma once

struct event_base;

/* Makes @base the loop of the hooks, registering them with the library the
 * first time (process-wide, once: libvirt refuses a second registration);
 * the base must outlive every connection with events. */
void xvEventImplRegister(struct event_base *base);

/* Detaches the hooks from their base (they refuse new entries until the
 * next xvEventImplRegister) and frees the entries left, running their free
 * callbacks; call after the loop of the base stopped for good. */
void xvEventImplUnregister(void);
