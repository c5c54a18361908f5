#ifndef BILAG_CLIBXML2_SHIM_H
#define BILAG_CLIBXML2_SHIM_H
/*
 * Debian's libxml2 is built with ICU, so <libxml/encoding.h> pulls in the
 * system <unicode/ucnv.h>. Foundation carries its own copy of ICU
 * (_FoundationICU) whose UErrorCode has more members, and clang refuses two
 * different definitions of one enum in a module that imports both. bilag
 * never touches libxml2's ICU converters (the fields sit at the end of
 * xmlCharEncodingHandler, which we only ever hold by pointer), so hide them.
 */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#endif
