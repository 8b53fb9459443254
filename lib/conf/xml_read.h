/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xml_read.h: the one way libxvirt reads an XML document from outside
 * (domain XML, test node files, the domain files they name). Used by
 * lib/conf/domain_conf.c and lib/test/test_node_xml.c.
 *
 * The documents we read never need a DTD, so none is accepted: a document
 * type declaration (<!DOCTYPE ...>), which is where entities are declared,
 * is refused as soon as the parser meets it, before its internal subset is
 * read. Without it no entity but the five predefined ones and character
 * references can appear, so nothing expands after parsing either (libxml2
 * leaves a declared entity's references in the tree, and reading the text
 * of an element expands them again each time, beyond the reach of its own
 * amplification guard). No network access, no external entity, no DTD
 * loading, libxml2's default size limits (no XML_PARSE_HUGE).
 */
#pragma once

#include <stddef.h>

#include <libxml/tree.h>

/*
 * Parses the @len bytes at @data (NUL bytes in them are an error) as one
 * XML document; @url names it in libxml2's own bookkeeping (may be NULL).
 * Prints nothing. Returns the document (xmlFreeDoc()), or NULL with a
 * malloc'ed description of the first problem in *@retError: "line N: what"
 * (a well-formedness or namespace error, a DOCTYPE, a document over
 * INT_MAX bytes). Reports no virterror: the caller says which document it
 * was. Thread-safe.
 */
xmlDocPtr xvXMLReadMemory(const char *data, size_t len, const char *url, char **retError);
