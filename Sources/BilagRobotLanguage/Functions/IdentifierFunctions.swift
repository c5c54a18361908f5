import BilagCore

/// Checks of Danish and Norwegian identifiers: `is_cvr`, `is_cpr`, `is_gln`, `is_orgnr`, `cpr_birth_date`.
enum IdentifierFunctions {
    /// The functions of this group.
    static let all: [BuiltinFunction] = [
        check("is_cvr", "Whether s is a valid Danish CVR number (8 digits, modulus 11; a DK prefix and spaces are allowed).") { Identifiers.isValidCVR($0) },
        check("is_cpr", "Whether s is a Danish CPR number (DDMMYY-SSSS or 10 digits) whose first six digits are a real date.") { Identifiers.isValidCPR($0) },
        check("is_gln", "Whether s is a valid GLN/EAN (GS1 check digit), as the receiving EANs are.") { Identifiers.isValidGLN($0) },
        check("is_gsrn", "Whether s is a valid GSRN: 18 digits with a GS1 check digit, as metering points (målepunkter) are.") { Identifiers.isValidGS1($0, length: 18) },
        check("is_gs1", "Whether s is any GS1 key of 8 to 18 digits with a valid check digit (GTIN, GLN, SSCC, GSRN).") { Identifiers.isValidGS1($0) },
        check("is_orgnr", "Whether s is a valid Norwegian organisation number (9 digits, modulus 11; NO prefix and MVA suffix allowed).") {
            Identifiers.isValidNorwegianOrgNumber($0)
        },
        BuiltinFunction(
            "cpr_birth_date", "cpr_birth_date(s: string) -> date", "The birth date a CPR number encodes; null when s is no CPR number.",
            params: [.string], returns: .optional(.date)
        ) { args in Identifiers.cprBirthDate(try args.string(0)).map(Value.date) ?? .null },
    ]

    private static func check(_ name: String, _ summary: String, _ f: @escaping @Sendable (String) -> Bool) -> BuiltinFunction {
        BuiltinFunction(name, "\(name)(s: string) -> bool", summary, params: [.string], returns: .bool) { .bool(f(try $0.string(0))) }
    }
}
