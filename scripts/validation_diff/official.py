"""The official validators, run with SaxonC-HE (PyPI `saxonche`).

- EN 16931: the compiled validation XSLT of CEN (`schematron/EN16931-{UBL,CII}-validation.xslt`, SVRL output);
- PEPPOL BIS 3: the Schematron sources (`schematron/PEPPOL-EN16931-{UBL,CII}.sch`), compiled here to XSLT 3 by a
  small ISO-Schematron compiler (the PEPPOL sources use only ns, let, xsl:function, pattern, rule, assert);
- OIOUBL 2.1: the official compiled XSLT 1.0 (`oioubl/schematron/OIOUBL_{Invoice,CreditNote}_Schematron.xsl`),
  whose output lists `<Error>` elements with a `[F-…]` (error) or `[W-…]` (warning) id in the description.

Each run gives a list of (rule id, 'fatal' | 'warning').
"""
import os
import re
import xml.etree.ElementTree as ET

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"


def _esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def compile_schematron(path):
    """ISO Schematron (the subset the PEPPOL sources use) → an XSLT 3 stylesheet writing `id flag` lines."""
    tree = ET.parse(path)
    root = tree.getroot()
    ns = {p.get("prefix"): p.get("uri") for p in root.findall(f"{{{SCH}}}ns")}
    ns["xsl"] = XSL
    ns.setdefault("xs", "http://www.w3.org/2001/XMLSchema")
    decl = " ".join(f'xmlns:{p}="{_esc(u)}"' for p, u in ns.items())
    out = [f'<xsl:stylesheet version="3.0" {decl} exclude-result-prefixes="#all">',
           '<xsl:output method="text"/>']
    for let in root.findall(f"{{{SCH}}}let") + root.findall(f"{{{SCH}}}pattern/{{{SCH}}}let"):
        out.append(f'<xsl:variable name="{let.get("name")}" select="{_esc(let.get("value"))}"/>')
    for fn in root.findall(f"{{{XSL}}}function"):
        out.append(_serialize_xsl(fn))
    patterns = root.findall(f"{{{SCH}}}pattern")
    out.append('<xsl:template match="/">')
    for i, _ in enumerate(patterns):
        out.append(f'<xsl:apply-templates select="/" mode="p{i}"/>')
    out.append('</xsl:template>')
    for i, pat in enumerate(patterns):
        for j, rule in enumerate(pat.findall(f"{{{SCH}}}rule")):
            out.append(f'<xsl:template match="{_esc(rule.get("context"))}" mode="p{i}" priority="{1000 - j}">')
            for let in rule.findall(f"{{{SCH}}}let"):
                out.append(f'<xsl:variable name="{let.get("name")}" select="{_esc(let.get("value"))}"/>')
            for a in rule.findall(f"{{{SCH}}}assert"):
                flag = a.get("flag") or "fatal"
                out.append(f'<xsl:if test="not({_esc(a.get("test"))})"><xsl:text>{_esc(a.get("id"))} {flag}&#10;</xsl:text></xsl:if>')
            out.append(f'<xsl:apply-templates select="@*|node()" mode="p{i}"/></xsl:template>')
        out.append(f'<xsl:template match="text()" mode="p{i}" priority="-1"/>')
        out.append(f'<xsl:template match="@*|node()" mode="p{i}" priority="-2"><xsl:apply-templates select="@*|node()" mode="p{i}"/></xsl:template>')
    out.append('</xsl:stylesheet>')
    return "\n".join(out)


def _serialize_xsl(el):
    """An xsl:function element from the Schematron, written back with the xsl: prefix."""
    def local(tag):
        return tag.split("}", 1)[1] if tag.startswith("{") else tag

    def write(e):
        tag = e.tag
        name = ("xsl:" + local(tag)) if tag.startswith("{" + XSL + "}") else local(tag)
        attrs = "".join(f' {k}="{_esc(v)}"' for k, v in e.attrib.items())
        inner = _esc(e.text or "") + "".join(write(c) + _esc(c.tail or "") for c in e)
        return f"<{name}{attrs}>{inner}</{name}>"
    return write(el)


DYNAMIC_ERROR = "SCHEMATRON-DYNAMIC-ERROR"
_OIO_ID = re.compile(r"<Description>\[([FW]-[A-Z]+[0-9]+)\]")


class Official:
    """Compiled official validators, one SaxonC processor."""

    def __init__(self, corpus):
        from saxonche import PySaxonProcessor
        self.proc = PySaxonProcessor(license=False)
        self.xslt = self.proc.new_xslt30_processor()
        self.corpus = corpus
        self._cache = {}

    def _exe(self, key):
        if key in self._cache:
            return self._cache[key]
        c = self.corpus
        if key == "cen-ubl":
            exe = self.xslt.compile_stylesheet(stylesheet_file=os.path.join(c, "schematron/EN16931-UBL-validation.xslt"))
        elif key == "cen-cii":
            exe = self.xslt.compile_stylesheet(stylesheet_file=os.path.join(c, "schematron/EN16931-CII-validation.xslt"))
        elif key == "peppol-ubl":
            exe = self.xslt.compile_stylesheet(stylesheet_text=compile_schematron(os.path.join(c, "schematron/PEPPOL-EN16931-UBL.sch")))
        elif key == "peppol-cii":
            exe = self.xslt.compile_stylesheet(stylesheet_text=compile_schematron(os.path.join(c, "schematron/PEPPOL-EN16931-CII.sch")))
        elif key == "oioubl-invoice":
            exe = self.xslt.compile_stylesheet(stylesheet_file=os.path.join(c, "oioubl/schematron/OIOUBL_Invoice_Schematron.xsl"))
        elif key == "oioubl-creditnote":
            exe = self.xslt.compile_stylesheet(stylesheet_file=os.path.join(c, "oioubl/schematron/OIOUBL_CreditNote_Schematron.xsl"))
        else:
            raise KeyError(key)
        if exe is None:
            raise RuntimeError(f"cannot compile {key}: {self.xslt.error_message}")
        self._cache[key] = exe
        return exe

    def run(self, key, path):
        """Failed rules of validator `key` on the file at `path`: [(id, 'fatal'|'warning')]; None if it could not run."""
        exe = self._exe(key)
        # SaxonC writes dynamic errors to file descriptor 2: keep them out of the report.
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        try:
            out = exe.transform_to_string(source_file=os.path.abspath(path))
        except Exception:  # noqa: BLE001 (a dynamic error in a rule, e.g. an empty amount cast to a number)
            out = None
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
        if out is None:
            # The official validator stops with an error on this document: it does not accept it. (Such values are
            # also invalid by the XML Schema, which the official validation runs first.)
            return [(DYNAMIC_ERROR, "fatal")]
        if key.startswith("cen-"):
            found = []
            for m in re.finditer(r"<svrl:failed-assert\b([^>]*)>", out):
                attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
                found.append((attrs.get("id", "?"), "warning" if attrs.get("flag") == "warning" else "fatal"))
            return found
        if key.startswith("peppol-"):
            return [(ln.split(" ")[0], ln.split(" ")[1]) for ln in out.splitlines() if ln.strip()]
        return [(i, "warning" if i.startswith("W-") else "fatal") for i in _OIO_ID.findall(out)]
