#ifndef BILAG_CLIBXML2_SHIM_H
#define BILAG_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#endif
