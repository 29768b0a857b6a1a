import Foundation

/// What staff read for an audit event's kind (the customer's page in `/personal`, Granskningslogg
/// and its kind filter) instead of the stored code: the customer page's wording
/// (`staff.customers.event.*`), else the customer's own Säkerhetshändelser wording
/// (`security.event.*`), else the audit log's (`staff.audit.kind.*`, for kinds no customer sees).
/// Every `AuditEvent.Kind` has one in both catalogs (a test walks them all); a code no longer in
/// the list — an old row — is shown as it is.
enum AuditEventLabels {
    static func keys(for kind: String) -> [String] {
        ["staff.customers.event." + kind, "security.event." + kind, "staff.audit.kind." + kind]
    }

    /// The catalog key that names `kind` in `language`, if any.
    static func key(for kind: String, language: Language, catalogs: Catalogs) -> String? {
        keys(for: kind).first { catalogs.strings[language]?[$0] != nil }
    }

    static func label(for kind: String, language: Language, catalogs: Catalogs) -> String {
        key(for: kind, language: language, catalogs: catalogs).map { catalogs.string($0, language: language) } ?? kind
    }
}
