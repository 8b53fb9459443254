/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xml_read.c: reads outside XML without DTDs, entities or network (xml_read.h). */
#include "config.h"

#include "conf/xml_read.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "internal.h"

/* libxml2 2.12 made the structured error handler take a const error. */
#if LIBXML_VERSION >= 21200
# define XML_READ_ERROR_CONST const
#else
# define XML_READ_ERROR_CONST
#endif

/* The first problem of one parse, as "line N: what"; NULL while none. */
typedef struct {
    char *first;
} xmlReadState;

static void
xmlReadKeepFirst(xmlReadState *state, int line, const char *what, size_t len)
{
    if (!state->first)
        state->first = xvAsprintf("line %d: %.*s", line, (int)len, what);
}

/* libxml2's structured error handler: keeps the first error instead of
 * printing it. @data is the parser context (libxml2 passes its userData). */
static void
xmlReadErrorHandler(void *data, XML_READ_ERROR_CONST xmlError *err)
{
    xmlParserCtxtPtr ctxt = data;
    xmlReadState *state = ctxt ? ctxt->_private : NULL;
    const char *msg;
    size_t n;

    if (!state || !err || err->level < XML_ERR_ERROR)
        return;
    msg = err->message ? err->message : "unknown error";
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    xmlReadKeepFirst(state, err->line, msg, n);
}

/* The SAX event of "<!DOCTYPE name ...": comes before the internal subset
 * (where entities are declared) is read, so the parse stops there, having
 * allocated nothing for what follows. */
static void
xmlReadRefuseDoctype(void *data, const xmlChar *name, const xmlChar *externalID,
                     const xmlChar *systemID)
{
    static const char what[] = "a document type declaration (<!DOCTYPE>) is not accepted: "
                               "no DTD, entity declaration or external subset is allowed";
    xmlParserCtxtPtr ctxt = data;

    (void)name;
    (void)externalID;
    (void)systemID;
    xmlReadKeepFirst(ctxt->_private, xmlSAX2GetLineNumber(ctxt), what, strlen(what));
    xmlStopParser(ctxt);
}

/* The line of the first NUL byte of @data. */
static size_t
xmlReadNulLine(const char *data, size_t len)
{
    size_t line = 1, i;

    for (i = 0; i < len && data[i] != '\0'; i++)
        line += data[i] == '\n';
    return line;
}

static void
xmlReadInit(void)
{
    xmlInitParser();
}

xmlDocPtr
xvXMLReadMemory(const char *data, size_t len, const char *url, char **retError)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    xmlReadState state = { NULL };
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    *retError = NULL;
    pthread_once(&once, xmlReadInit);
    if (len > INT_MAX) {
        *retError = xvAsprintf("line 1: a document of %zu bytes is too large", len);
        return NULL;
    }
    if (memchr(data, '\0', len)) {
        *retError = xvAsprintf("line %zu: a NUL byte is not XML", xmlReadNulLine(data, len));
        return NULL;
    }
    if (!(ctxt = xmlNewParserCtxt())) {
        *retError = xvStrdup("line 1: cannot create an XML parser");
        return NULL;
    }
    ctxt->_private = &state;
    ctxt->sax->serror = xmlReadErrorHandler;
    ctxt->sax->internalSubset = xmlReadRefuseDoctype;
    /* No XML_PARSE_NOENT (entities stay unsubstituted), no DTDLOAD/DTDATTR
     * (nothing is fetched), no HUGE (libxml2's size limits hold). */
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, url, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || state.first || !ctxt->wellFormed || !ctxt->nsWellFormed) {
        *retError = state.first ? state.first : xvStrdup("line 1: not well-formed XML");
        state.first = NULL;
        xmlFreeDoc(doc);
        doc = NULL;
    }
    free(state.first);
    xmlFreeParserCtxt(ctxt);
    return doc;
}
