/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvloopref.h: what an event loop's callbacks share with the object they
 * work for, when that object may go while the loop still holds them.
 *
 * A loop's registration (a watched descriptor, a timer) lives until its
 * free callback runs, which can be after its owner is gone. So the
 * callbacks do not hold the owner: they hold an xvLoopRef, reference
 * counted (one reference for the owner, one per registration: pass
 * xvLoopRefRelease as the free callback) and locked, which points to the
 * owner until xvLoopRefClear(). A callback locks it, works on the target
 * if it is still there, and unlocks: once Clear returned, no callback
 * touches the target. Take the ref's lock before any lock of the target.
 */
#pragma once

typedef struct _xvLoopRef xvLoopRef;

/* A ref to @target with the owner's reference; @dispose(@arg), if given,
 * runs when the last reference goes (e.g. closing a descriptor the
 * registrations watch). Never NULL. */
xvLoopRef *xvLoopRefNew(void *target, void (*dispose)(void *arg), void *arg);
/* One more reference (for a registration); returns @ref. */
xvLoopRef *xvLoopRefAcquire(xvLoopRef *ref);
/* Drops a reference (@ref is an xvLoopRef *: a virFreeCallback). */
void xvLoopRefRelease(void *ref);
/* Locks @ref: the target, or NULL once cleared. Unlock in any case. */
void *xvLoopRefLock(xvLoopRef *ref);
void xvLoopRefUnlock(xvLoopRef *ref);
/* The target is going: waits for a callback working on it, then no
 * callback reaches it any more. */
void xvLoopRefClear(xvLoopRef *ref);
