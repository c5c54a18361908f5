// `xmlFree` is a C global (a function pointer) that only `xmlMemSetup` changes, and nothing in bilag calls that, so
// reading it from any thread is safe. The Swift 6 mode cannot see that and refuses the reference; @preconcurrency on
// the import says so, and importing it this way in this file only keeps every other use of libxml2 checked.
@preconcurrency internal import CLibXML2

/// Frees memory libxml2 handed out (a dumped document, a property, a node's content).
func libxmlFree(_ pointer: UnsafeMutableRawPointer?) { xmlFree(pointer) }
