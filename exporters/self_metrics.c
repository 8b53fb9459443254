/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* self_metrics.c: the agent's own per-scrape families, written with the metrics writer. */
#include "self_metrics.h"

static const xvPromFamily selfFamBuildInfo =
    XV_PROM_FAMILY("xvirt_build_info", XV_PROM_TYPE_INFO, NULL,
                   "Version of xvirt and of the virtualization library it calls, value 1.");

static const xvPromFamily selfFamSnapshotAge =
    XV_PROM_FAMILY("xvirt_snapshot_age_seconds", XV_PROM_TYPE_GAUGE, "seconds",
                   "Time since the snapshot served was taken, in seconds.");

static const xvPromFamily selfFamScrapes =
    XV_PROM_FAMILY("xvirt_scrapes_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Scrapes served since the agent started.");

static const xvPromFamily selfFamReloadSuccessful =
    XV_PROM_FAMILY("xvirt_config_last_reload_successful", XV_PROM_TYPE_GAUGE, NULL,
                   "1 if the last configuration load succeeded, 0 otherwise.");

static const xvPromFamily selfFamReloadSuccessTimestamp =
    XV_PROM_FAMILY("xvirt_config_last_reload_success_timestamp_seconds",
                   XV_PROM_TYPE_GAUGE, "seconds",
                   "Time of the last successful configuration load in seconds since the epoch.");

static const xvPromFamily selfFamReloads =
    XV_PROM_FAMILY("xvirt_config_reloads_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Configuration reloads since the agent started, by result.");

static const xvPromFamily selfFamEvents =
    XV_PROM_FAMILY("xvirt_events_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Domain lifecycle events received from the hypervisor, by type.");

static const xvPromFamily selfFamEventsListening =
    XV_PROM_FAMILY("xvirt_events_listening", XV_PROM_TYPE_GAUGE, NULL,
                   "1 while the agent is registered for the hypervisor's lifecycle events.");

static const xvPromFamily selfFamEventSamples =
    XV_PROM_FAMILY("xvirt_event_samples_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Samples taken early because of lifecycle events (coalesced).");

static const xvPromFamily selfFamEventLatency =
    XV_PROM_FAMILY("xvirt_event_action_latency_seconds", XV_PROM_TYPE_HISTOGRAM, "seconds",
                   "Time from a domain's lifecycle event to the end of the first policy "
                   "action on it.");

static void
selfWriteEvents(xvPromWriter *w, const xvPromSelf *self)
{
    size_t i;

    xvPromWriteSample(w, &selfFamEventsListening, XV_PROM_VALUE_U64, self->eventsListening);
    for (i = 0; i < self->eventTypes; i++)
        xvPromWriteSample1(w, &selfFamEvents, "type", self->eventNames[i], XV_PROM_VALUE_U64,
                           self->eventCounts[i]);
    xvPromWriteSample(w, &selfFamEventSamples, XV_PROM_VALUE_U64, self->eventSamples);
    xvPromWriteHistogram(w, &selfFamEventLatency, self->latencyBounds,
                         self->latencyCumulative, self->latencyBuckets, self->latencyCount,
                         self->latencySum);
}

void
xvPromWriteSelf(xvPromWriter *w, const xvPromSelf *self)
{
    xvPromSampleBegin(w, &selfFamBuildInfo);
    xvPromSampleLabel(w, "version", self->version);
    xvPromSampleLabel(w, "api", self->api);
    xvPromSampleEnd(w, XV_PROM_VALUE_U64, 1);
    if (self->haveSnapshot)
        xvPromWriteSample(w, &selfFamSnapshotAge, XV_PROM_VALUE_NS, self->snapshotAgeNs);
    xvPromWriteSample(w, &selfFamScrapes, XV_PROM_VALUE_U64, self->scrapes);
    xvPromWriteSample(w, &selfFamReloadSuccessful, XV_PROM_VALUE_U64, self->reloadOk);
    xvPromWriteSample(w, &selfFamReloadSuccessTimestamp, XV_PROM_VALUE_NS,
                      self->reloadSuccessNs);
    xvPromWriteSample1(w, &selfFamReloads, "result", "success", XV_PROM_VALUE_U64,
                       self->reloadsSucceeded);
    xvPromWriteSample1(w, &selfFamReloads, "result", "failure", XV_PROM_VALUE_U64,
                       self->reloadsFailed);
    if (self->haveEvents)
        selfWriteEvents(w, self);
}

void
xvPromRenderSelf(const xvPromSelf *self, xvPromFormat fmt, xvBuf *buf)
{
    xvPromWriter w;

    xvPromWriterInit(&w, buf, fmt);
    xvPromWriteSelf(&w, self);
}
