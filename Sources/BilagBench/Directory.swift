import BilagCore

/// The VAT categories the generator writes (UNCL 5305 in PEPPOL BIS 3; OIOUBL names them differently).
public enum VATCategory: String, Sendable, Codable, CaseIterable {
    /// 25 %, the Danish standard rate.
    case standard = "S"
    /// 0 %, zero rated (newspapers); EN 16931 forbids an exemption reason here (BR-Z-10).
    case zero = "Z"
    /// 0 %, exempt (health care, passenger transport, teaching); needs an exemption reason (BR-E-10).
    case exempt = "E"

    /// The rate in percent.
    public var percent: Int { self == .standard ? 25 : 0 }

    /// The OIOUBL 2.1 `TaxCategory/ID`.
    public var oioublID: String {
        switch self {
        case .standard: "StandardRated"
        case .zero: "ZeroRated"
        case .exempt: "ZeroRated"
        }
    }
}

/// Something a supplier sells: a name, a unit, a price interval (øre) and how it is taxed.
public struct CatalogItem: Sendable {
    public var name: String
    /// UN/ECE Recommendation 20 unit code.
    public var unit: String
    public var minPrice: Int64
    public var maxPrice: Int64
    public var maxQuantity: Int
    /// Quantities in halves (hours, kilometres).
    public var halves: Bool
    public var vat: VATCategory
    /// Why it is exempt (for `.exempt`).
    public var exemptionReason: String?

    init(_ name: String, _ unit: String, _ minKroner: Int64, _ maxKroner: Int64, qty: Int = 10, halves: Bool = false, vat: VATCategory = .standard, reason: String? = nil) {
        self.name = name; self.unit = unit; minPrice = minKroner * 100; maxPrice = maxKroner * 100
        maxQuantity = qty; self.halves = halves; self.vat = vat; exemptionReason = reason
    }
}

/// A line of business with the items its suppliers invoice.
public struct SupplierCategory: Sendable {
    public var noun: String
    public var items: [CatalogItem]
}

/// A supplier: Danish company with a valid CVR number (modulus 11) and a GLN endpoint (GS1 check digit).
public struct Supplier: Sendable, Hashable {
    public var name: String
    /// 8 digits, modulus 11 with weights 2,7,6,5,4,3,2,1.
    public var cvr: String
    /// 13-digit GLN (EAN location number) with a valid check digit.
    public var gln: String
    public var street: String
    public var postCode: String
    public var city: String
    /// Index into `InvoiceDirectory.categories`.
    public var category: Int
    /// Danish bank registration number (4 digits) and account (10 digits).
    public var bankRegistration: String
    public var bankAccount: String
    public var iban: String
    /// The prefix of its invoice numbers.
    public var numberPrefix: String
    public var contactName: String
    public var email: String
    public var phone: String

    public var vatNumber: String { "DK" + cvr }
}

/// A municipal receiver: one EAN (GLN) per institution, as Danish public buyers have.
public struct Buyer: Sendable, Hashable {
    public var ean: String
    public var name: String
    public var municipality: String
    public var cvr: String
    public var street: String
    public var postCode: String
    public var city: String
    public var contactName: String
}

/// The fixed cast of the generated invoices: ~50 suppliers in twelve lines of business and a handful of municipal
/// receivers. The same for every seed (the seed varies the invoices, not who sends them), so scenarios can name them.
public enum InvoiceDirectory {
    static let exemptHealth = "Momsfritaget sundhedsydelse, jf. momslovens § 13, stk. 1, nr. 1"
    static let exemptTransport = "Momsfritaget personbefordring, jf. momslovens § 13, stk. 1, nr. 15"
    static let exemptTeaching = "Momsfritaget undervisning, jf. momslovens § 13, stk. 1, nr. 3"

    public static let categories: [SupplierCategory] = [
        SupplierCategory(noun: "Kontorforsyning", items: [
            CatalogItem("Kopipapir A4 80 g, karton à 5 × 500 ark", "H87", 180, 320, qty: 40),
            CatalogItem("Kuglepenne blå, æske à 50 stk.", "H87", 60, 140, qty: 12),
            CatalogItem("Tonerpatron sort, kapacitet 10.000 sider", "H87", 450, 1400, qty: 6),
            CatalogItem("Ringbind A4, 40 mm", "H87", 12, 35, qty: 60),
            CatalogItem("Whiteboardmarkører, sæt à 4", "H87", 35, 80, qty: 20),
            CatalogItem("Kontorstol, ergonomisk", "H87", 1800, 5200, qty: 4),
        ]),
        SupplierCategory(noun: "Rengøringsservice", items: [
            CatalogItem("Rengøring, timer", "HUR", 320, 460, qty: 160, halves: true),
            CatalogItem("Vinduespudsning, timer", "HUR", 380, 520, qty: 40, halves: true),
            CatalogItem("Gulvsæbe 5 l", "H87", 90, 180, qty: 20),
            CatalogItem("Håndsprit 1 l", "H87", 40, 95, qty: 50),
            CatalogItem("Affaldssække 120 l, rulle à 25 stk.", "H87", 45, 110, qty: 40),
        ]),
        SupplierCategory(noun: "IT-Service", items: [
            CatalogItem("Bærbar computer 14\", 16 GB RAM", "H87", 6500, 14000, qty: 10),
            CatalogItem("Licens kontorpakke, pr. bruger pr. måned", "H87", 90, 240, qty: 200),
            CatalogItem("Konsulentbistand, timer", "HUR", 850, 1450, qty: 80, halves: true),
            CatalogItem("Skærm 27\" USB-C", "H87", 1900, 4200, qty: 12),
            CatalogItem("Drift og support, måned", "MON", 4500, 28000, qty: 1),
        ]),
        SupplierCategory(noun: "Fødevarer", items: [
            CatalogItem("Letmælk 1 l", "LTR", 9, 14, qty: 300),
            CatalogItem("Rugbrød 1 kg", "H87", 18, 32, qty: 80),
            CatalogItem("Kaffe, formalet 500 g", "H87", 35, 75, qty: 60),
            CatalogItem("Frugt, kasse à 10 kg", "H87", 160, 320, qty: 20),
            CatalogItem("Kyllingebryst 2,5 kg", "H87", 140, 260, qty: 30),
        ]),
        SupplierCategory(noun: "Hjælpemidler", items: [
            CatalogItem("Rollator, letvægt", "H87", 900, 2600, qty: 6),
            CatalogItem("Badebænk med ryglæn", "H87", 450, 1300, qty: 6),
            CatalogItem("Inkontinensbind, pakke à 28 stk.", "H87", 80, 190, qty: 120),
            CatalogItem("Kørestol, manuel", "H87", 4500, 12000, qty: 3),
            CatalogItem("Reparation af hjælpemiddel, timer", "HUR", 450, 700, qty: 10, halves: true),
        ]),
        SupplierCategory(noun: "Fysioterapi", items: [
            CatalogItem("Fysioterapeutisk behandling", "H87", 350, 650, qty: 12, vat: .exempt, reason: exemptHealth),
            CatalogItem("Genoptræning, hold", "H87", 220, 480, qty: 20, vat: .exempt, reason: exemptHealth),
            CatalogItem("Træningselastik, sæt", "H87", 80, 180, qty: 10),
        ]),
        SupplierCategory(noun: "Mediehus", items: [
            CatalogItem("Abonnement dagblad, kvartal", "H87", 900, 1600, qty: 5, vat: .zero),
            CatalogItem("Abonnement ugeavis, år", "H87", 300, 800, qty: 3, vat: .zero),
            CatalogItem("Stillingsannonce, online", "H87", 2500, 9000, qty: 2),
        ]),
        SupplierCategory(noun: "Taxa", items: [
            CatalogItem("Siddende patientbefordring, km", "KMT", 12, 22, qty: 400, halves: true, vat: .exempt, reason: exemptTransport),
            CatalogItem("Skolekørsel, tur", "H87", 350, 900, qty: 40, vat: .exempt, reason: exemptTransport),
            CatalogItem("Ventetid, timer", "HUR", 300, 450, qty: 6, halves: true, vat: .exempt, reason: exemptTransport),
            CatalogItem("Parkering og brobizz", "H87", 40, 260, qty: 4),
        ]),
        SupplierCategory(noun: "Byg", items: [
            CatalogItem("Tømrerarbejde, timer", "HUR", 420, 620, qty: 120, halves: true),
            CatalogItem("Murerarbejde, timer", "HUR", 430, 640, qty: 80, halves: true),
            CatalogItem("Materialer iflg. bilag", "H87", 500, 40000, qty: 1),
            CatalogItem("Kørsel og værktøj", "H87", 250, 900, qty: 5),
        ]),
        SupplierCategory(noun: "Energi", items: [
            CatalogItem("Elforbrug, kWh", "KWH", 1, 3, qty: 9000),
            CatalogItem("Fjernvarme, fast afgift, måned", "MON", 800, 3500, qty: 1),
            CatalogItem("Netabonnement, måned", "MON", 150, 600, qty: 1),
        ]),
        SupplierCategory(noun: "Rådgivning", items: [
            CatalogItem("Juridisk rådgivning, timer", "HUR", 1400, 2600, qty: 30, halves: true),
            CatalogItem("Organisationskonsulent, timer", "HUR", 1100, 1900, qty: 60, halves: true),
            CatalogItem("Rapport og analyse, fast pris", "H87", 15000, 120000, qty: 1),
        ]),
        SupplierCategory(noun: "Kursuscenter", items: [
            CatalogItem("Kursus, deltagergebyr", "H87", 1200, 6500, qty: 25, vat: .exempt, reason: exemptTeaching),
            CatalogItem("Forplejning, pr. deltager pr. dag", "H87", 180, 420, qty: 60),
            CatalogItem("Lokaleleje, dag", "DAY", 2500, 9000, qty: 3),
        ]),
    ]

    public static let suppliers: [Supplier] = makeSuppliers()

    /// Roskilde Kommune's institutions (the EANs the demo and the robots' examples use), and two neighbours.
    public static let buyers: [Buyer] = {
        let roskilde = ("Roskilde Kommune", "29189870", "Rådhusbuen 1", "4000", "Roskilde")
        var list: [Buyer] = [
            Buyer(ean: "5798000000018", name: "Roskilde Kommune Jobcenter", municipality: roskilde.0, cvr: roskilde.1, street: roskilde.2, postCode: roskilde.3, city: roskilde.4, contactName: "Lone Mikkelsen"),
            Buyer(ean: "5798000000025", name: "Roskilde Kommune Børn og Familie", municipality: roskilde.0, cvr: roskilde.1, street: roskilde.2, postCode: roskilde.3, city: roskilde.4, contactName: "Peter Holm"),
            Buyer(ean: "5798000000100", name: "Roskilde Kommune Ydelsescenter", municipality: roskilde.0, cvr: roskilde.1, street: roskilde.2, postCode: roskilde.3, city: roskilde.4, contactName: "Mette Dahl"),
            Buyer(ean: "5798000000117", name: "Roskilde Rådhus", municipality: roskilde.0, cvr: roskilde.1, street: roskilde.2, postCode: roskilde.3, city: roskilde.4, contactName: "Anders Kjær"),
            Buyer(ean: "5798000000124", name: "Himmelev Skole", municipality: roskilde.0, cvr: roskilde.1, street: "Himmelev Bygade 60", postCode: "4000", city: "Roskilde", contactName: "Sofie Bach"),
            Buyer(ean: "5798000000209", name: "Plejecenter Møllehuset", municipality: roskilde.0, cvr: roskilde.1, street: "Møllehusvej 4", postCode: "4000", city: "Roskilde", contactName: "Karen Lund"),
        ]
        var rng = SplitMix64(seed: 0xB11A_6B0E)
        let koege = makeCVR(&rng), lejre = makeCVR(&rng)
        list.append(Buyer(ean: withGS1CheckDigit("579800000301"), name: "Køge Kommune Sundhed og Omsorg", municipality: "Køge Kommune", cvr: koege, street: "Torvet 1", postCode: "4600", city: "Køge", contactName: "Jens Friis"))
        list.append(Buyer(ean: withGS1CheckDigit("579800000302"), name: "Køge Kommune Skoler", municipality: "Køge Kommune", cvr: koege, street: "Torvet 1", postCode: "4600", city: "Køge", contactName: "Bente Krogh"))
        list.append(Buyer(ean: withGS1CheckDigit("579800000401"), name: "Lejre Kommune Teknik og Miljø", municipality: "Lejre Kommune", cvr: lejre, street: "Møllebjergvej 4", postCode: "4330", city: "Hvalsø", contactName: "Ole Brandt"))
        return list
    }()

    static func makeSuppliers() -> [Supplier] {
        var rng = SplitMix64(seed: 0x5EED_B11A_6000_0001)
        let regions = ["Nordisk", "Dansk", "Jysk", "Sjællands", "Fyns", "Østjysk", "Vestkyst", "Midtsjællands", "Bornholms", "Roskilde", "Køge Bugt", "Limfjords", "Sydsjællands", "Hedelands", "Øresunds"]
        let forms = ["A/S", "ApS", "ApS", "A/S", "I/S", "K/S"]
        let streets = ["Industrivej", "Hovedgaden", "Erhvervsvej", "Stationsvej", "Vestergade", "Østergade", "Nørregade", "Søndergade", "Havnegade", "Fabriksvej", "Håndværkervej", "Energivej"]
        let towns: [(String, String)] = [("2630", "Taastrup"), ("4000", "Roskilde"), ("5000", "Odense C"), ("8000", "Aarhus C"), ("9000", "Aalborg"), ("6700", "Esbjerg"), ("7100", "Vejle"), ("2860", "Søborg"), ("3400", "Hillerød"), ("4600", "Køge"), ("8700", "Horsens"), ("7400", "Herning"), ("4700", "Næstved"), ("2605", "Brøndby")]
        let first = ["Anne", "Lars", "Mette", "Søren", "Hanne", "Mads", "Camilla", "Thomas", "Louise", "Rasmus", "Pia", "Niels"]
        let last = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Poulsen"]
        let banks = ["1551", "3001", "5301", "9570", "7040", "2211", "6171", "0400"]
        var out: [Supplier] = []
        var usedCVR = Set<String>()
        for i in 0..<52 {
            let category = i % categories.count
            let region = regions[(i / categories.count * 7 + i) % regions.count]
            let form = forms[i % forms.count]
            let name = "\(region) \(categories[category].noun) \(form)"
            var cvr = makeCVR(&rng)
            while usedCVR.contains(cvr) { cvr = makeCVR(&rng) }
            usedCVR.insert(cvr)
            let gln = withGS1CheckDigit("57900" + String(1_000_000 + i * 7919 % 1_000_000).suffix(7).description)
            let town = rng.pick(towns)
            let reg = rng.pick(banks)
            var account = ""
            for _ in 0..<10 { account += String(rng.int(0...9)) }
            let contactFirst = rng.pick(first), contactLast = rng.pick(last)
            let domain = name.lowercased().filter { $0.isLetter && $0.isASCII }.prefix(18)
            var prefix = ""
            for w in name.split(separator: " ") where prefix.count < 3 { if let c = w.first, c.isLetter { prefix.append(Character(c.uppercased())) } }
            out.append(Supplier(
                name: name, cvr: cvr, gln: gln,
                street: "\(rng.pick(streets)) \(rng.int(1...120))", postCode: town.0, city: town.1,
                category: category, bankRegistration: reg, bankAccount: account, iban: danishIBAN(registration: reg, account: account),
                numberPrefix: prefix + String(i + 10), contactName: "\(contactFirst) \(contactLast)",
                email: "faktura@\(domain).dk", phone: String(rng.int(20_000_000...99_999_999))))
        }
        return out
    }

    // MARK: identifiers with valid check digits

    /// A random CVR number that passes modulus 11 (weights 2,7,6,5,4,3,2,1).
    public static func makeCVR(_ rng: inout SplitMix64) -> String {
        let w = [2, 7, 6, 5, 4, 3, 2]
        while true {
            var d = [rng.int(1...4)]
            for _ in 0..<6 { d.append(rng.int(0...9)) }
            let s = zip(d, w).map(*).reduce(0, +)
            let check = (11 - s % 11) % 11
            if check == 10 { continue }
            return d.map(String.init).joined() + String(check)
        }
    }

    /// Appends the GS1 mod-10 check digit (weights 3,1 from the right) to 7, 11, 12 or 13 digits.
    public static func withGS1CheckDigit(_ body: String) -> String {
        var sum = 0
        for (i, ch) in body.utf8.reversed().enumerated() { sum += Int(ch - 48) * (i % 2 == 0 ? 3 : 1) }
        return body + String((10 - sum % 10) % 10)
    }

    /// `DKkk RRRR AAAAAAAAAA` without spaces: ISO 13616 check digits (mod 97) computed digit by digit, no big integers.
    public static func danishIBAN(registration: String, account: String) -> String {
        let bban = registration + account
        // Move "DK00" to the end, letters as numbers (D=13, K=20).
        let digits = bban + "1320" + "00"
        var r = 0
        for ch in digits.utf8 { r = (r * 10 + Int(ch - 48)) % 97 }
        let check = 98 - r
        return "DK" + (check < 10 ? "0" : "") + String(check) + bban
    }
}
