/// The official unit-test cases where bilag's verdict differs from the official one, by `file#test:rule`, with the
/// reason. Kept exact: `ValidationAgreementTests` fails on any disagreement not listed here and on any listed one
/// that has started to agree.
enum KnownDisagreements {
    static let all: [String: String] = [:]
}
