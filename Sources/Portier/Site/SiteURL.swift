import Vapor

// Every path of the site is spelled in this file and nowhere else: route registration, redirects,
// links, mails and templates all take it from here (SwiftPackageIndex-Server's `SiteURL` is the
// model). Swedish, readable URLs as customers see them.
//
// - `SitePath`: a page at a fixed path. Templates reach every one as `#(paths.<case>)`.
// - `SiteURL`: a page whose path carries values (an id, a number, a token, a slug). Routes register
//   it with `.key` parameters, links and redirects make it with `.value(…)` — one definition for both.

/// A page at a fixed path.
enum SitePath: String, CaseIterable, Sendable {
    case home = ""
    case login = "logga-in"
    case secondFactor = "logga-in/kod"
    case logout = "logga-ut"
    case language = "sprak"
    case forgotPassword = "glomt-losenord"
    case resetPassword = "aterstall-losenord"
    case customerArea = "kundavdelning"
    case services = "kundavdelning/tjanster"
    case support = "kundavdelning/support"
    case invoices = "kundavdelning/fakturor"
    case newTicket = "kundavdelning/support/nytt"
    /// A logged-in customer's past chats (listed on the Support page).
    case pastChats = "kundavdelning/support/chattar"
    case contactDetails = "kundavdelning/kontaktuppgifter"
    case changeEmail = "kundavdelning/kontaktuppgifter/e-post"
    case changePassword = "kundavdelning/kontaktuppgifter/losenord"
    case security = "kundavdelning/sakerhet"
    case twoStepStart = "kundavdelning/sakerhet/tvastegsverifiering"
    case twoStepConfirm = "kundavdelning/sakerhet/tvastegsverifiering/bekrafta"
    case twoStepDisable = "kundavdelning/sakerhet/tvastegsverifiering/stang-av"
    case backupCodes = "kundavdelning/sakerhet/reservkoder"
    case backupCodesDownload = "kundavdelning/sakerhet/reservkoder/ladda-ner"
    case endOtherSessions = "kundavdelning/sakerhet/enheter/logga-ut-andra"
    /// JSON: a new passkey's registration (the browser's answer to the options).
    case passkeys = "kundavdelning/sakerhet/losennycklar"
    /// JSON: options for `navigator.credentials.create()`.
    case passkeyOptions = "kundavdelning/sakerhet/losennycklar/alternativ"
    /// JSON: a sign-in with a passkey (the browser's answer to the options).
    case passkeyLogin = "logga-in/losennyckel"
    /// JSON: options for `navigator.credentials.get()`.
    case passkeyLoginOptions = "logga-in/losennyckel/alternativ"
    case confirmEmail = "bekrafta-e-post"
    case help = "hjalp"
    case helpSearch = "hjalp/sok"
    /// JSON: guide titles for what a visitor is typing in the search box (`?q=…&lang=sv`).
    case helpSuggestions = "hjalp/sok/forslag"
    case helpMedia = "hjalp/media"
    case contact = "kontakt"
    /// The chat: `GET` says whether it is open, `POST` starts one (JSON for the chat panel).
    case chat = "chatt"
    /// The chat's WebSocket, for clients and (`?roll=personal`) the support staff.
    case chatSocket = "chatt/ws"
    case health = "healthz"
    case readiness = "readyz"
    case metrics = "metrics"
    case staffArea = "personal"
    case staffLogin = "personal/logga-in"
    case staffSecondFactor = "personal/logga-in/kod"
    case staffLogout = "personal/logga-ut"
    case staffCustomers = "personal/kunder"
    case staffNewCustomer = "personal/kunder/ny"
    /// "Avsluta" in the banner of a staff member logged in as the customer.
    case endImpersonation = "kundavdelning/avsluta-personalinloggning"
    case staffTickets = "personal/arenden"
    case staffChat = "personal/chatt"
    /// The "Tillgänglig för chatt" switch (a form).
    case staffChatAvailability = "personal/chatt/tillganglighet"
    case staffGuides = "personal/guider"
    /// "Ny guide": title, address, language and category; then the editor.
    case staffNewGuide = "personal/guider/ny"
    case staffFeedback = "personal/feedback"
    /// The feedback page's CSV files (add `?fran=…&till=…`).
    case staffFeedbackGuidesCSV = "personal/feedback/guider.csv"
    case staffFeedbackSearchesCSV = "personal/feedback/sokningar.csv"
    case staffAuditLog = "personal/granskningslogg"
    case staffMembers = "personal/medarbetare"
    /// The staff member's own account: password, second factor, passkeys.
    case staffAccount = "personal/mitt-konto"
    /// Mitt konto's password form.
    case staffChangePassword = "personal/mitt-konto/losenord"
    /// JSON: a staff member's new passkey (the browser's answer to the options).
    case staffPasskeys = "personal/mitt-konto/losennycklar"
    /// JSON: options for a staff member's `navigator.credentials.create()`.
    case staffPasskeyOptions = "personal/mitt-konto/losennycklar/alternativ"
    /// JSON: a staff sign-in with a passkey (the browser's answer to the options).
    case staffPasskeyLogin = "personal/logga-in/losennyckel"
    /// JSON: options for the staff login's `navigator.credentials.get()`.
    case staffPasskeyLoginOptions = "personal/logga-in/losennyckel/alternativ"
    /// The first staff login's authenticator set-up.
    case staffEnrolment = "personal/logga-in/aktivera"
    /// A staff member's set-password link (`/personal/losenord/<token>`).
    case staffSetPassword = "personal/losenord"

    var path: String { "/" + rawValue }

    var pathComponents: [PathComponent] {
        rawValue.split(separator: "/").map { .constant(String($0)) }
    }

    /// This page with a notice to show after a redirect (`?notice=…`).
    func path<Notice: RawRepresentable>(notice: Notice) -> String where Notice.RawValue == String {
        path + "?notice=" + notice.rawValue
    }

    /// This page scrolled to one of its sections (`#fragment`).
    func path(section: PageSection) -> String { path + "#" + section.rawValue }

    /// This page with a notice, scrolled to one of its sections.
    func path<Notice: RawRepresentable>(notice: Notice, section: PageSection) -> String where Notice.RawValue == String {
        path(notice: notice) + "#" + section.rawValue
    }

    /// The login page that returns to `next` (a relative path of this site) afterwards.
    static func login(next: String?, notice: LoginNotice? = nil) -> String {
        withLoginQuery(SitePath.login.path, next: next, notice: notice)
    }

    /// The staff login page that returns to `next` afterwards.
    static func staffLogin(next: String?, notice: LoginNotice? = nil) -> String {
        withLoginQuery(SitePath.staffLogin.path, next: next, notice: notice)
    }

    private static func withLoginQuery(_ page: String, next: String?, notice: LoginNotice?) -> String {
        var query: [String] = []
        if let next = SafeRedirect.path(from: next) { query.append("next=" + next.urlQueryEncoded) }
        if let notice { query.append("notice=" + notice.rawValue) }
        return query.isEmpty ? page : page + "?" + query.joined(separator: "&")
    }

    /// `page` returning to `next` afterwards (the staff login's second step).
    static func withNext(_ page: String, next: String?) -> String {
        withLoginQuery(page, next: next, notice: nil)
    }

    /// The second-factor page that returns to `next` afterwards.
    static func secondFactor(next: String?) -> String {
        withLoginQuery(SitePath.secondFactor.path, next: next, notice: nil)
    }

    /// The audit log with `query` (already encoded, without `?`).
    static func staffAuditLog(query: String) -> String {
        query.isEmpty ? SitePath.staffAuditLog.path : SitePath.staffAuditLog.path + "?" + query
    }

    /// Säkerhet's list of security events, page `page` (from 1).
    static func securityEvents(page: Int) -> String {
        let query = page <= 1 ? "" : "?sida=\(page)"
        return SitePath.security.path + query + "#" + PageSection.securityEvents.rawValue
    }

    /// The staff ticket queue showing one of its lists (`TicketQueue.Filter`).
    static func staffTicketQueue(_ filter: String) -> String { SitePath.staffTickets.path + "?visa=" + filter }

    /// The staff search's results for `query`, starting after `cursor` (keyset paging).
    static func staffCustomerSearch(query: String, after cursor: String? = nil) -> String {
        var path = SitePath.staffCustomers.path + "?q=" + query.urlQueryEncoded
        if let cursor { path += "&efter=" + cursor.urlQueryEncoded }
        return path
    }

    /// The results page of a search.
    static func helpSearch(query: String) -> String {
        SitePath.helpSearch.path + "?q=" + query.urlQueryEncoded
    }

    /// Every fixed path by its case name, for templates: `#(paths.login)`.
    static let templateValues: [String: String] = Dictionary(
        uniqueKeysWithValues: allCases.map { (String(describing: $0), $0.path) }
    )
}

/// Sections of a page that a link or redirect scrolls to (`#id` of the section's heading).
enum PageSection: String, Sendable {
    case twoStep = "tvastegsverifiering"
    case devices = "enheter"
    case securityEvents = "handelser"
    case passkeys = "losennycklar"
}

/// A path parameter: `.key` where a route is registered, `.value(…)` where a link is made.
enum Parameter<Value: PathValue>: Hashable, Sendable {
    case key
    case value(Value)
}

/// A value that can stand in a path segment.
protocol PathValue: Hashable, Sendable {
    var pathText: String { get }
}

extension UUID: PathValue {
    var pathText: String { uuidString.lowercased() }
}

extension Int: PathValue {
    var pathText: String { String(self) }
}

extension String: PathValue {
    var pathText: String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}

/// The names of path parameters, for registration (`:id`) and for reading them in a handler.
enum PathKey: String, Sendable {
    case id, number, token, category, guide, language, file
}

extension Parameters {
    /// The value of path parameter `key` as text.
    func get(_ key: PathKey) -> String? { get(key.rawValue) }

    /// The value of path parameter `key`; a route without it is a programming error (404).
    func require(_ key: PathKey) throws -> String { try require(key.rawValue) }

    /// The value of path parameter `key` as a UUID, or `nil` when it is not one.
    func uuid(_ key: PathKey) -> UUID? { get(key.rawValue).flatMap(UUID.init(uuidString:)) }

    /// The value of path parameter `key` as a whole number, or `nil` when it is not one.
    func int(_ key: PathKey) -> Int? { get(key.rawValue).flatMap { Int($0) } }
}

/// A page whose path carries values.
enum SiteURL: Hashable, Sendable {
    /// The reset page behind a password-reset link.
    case resetPassword(token: Parameter<String>)
    /// The page behind the link that confirms a new e-mail address.
    case confirmEmail(token: Parameter<String>)
    /// Kundavdelningen's page of one service, invoice or ticket (and the ticket's forms).
    case service(Parameter<UUID>)
    case invoice(Parameter<UUID>)
    case ticket(Parameter<UUID>, TicketAction? = nil)
    /// One of the customer's past chats under Support.
    case pastChat(Parameter<UUID>)
    /// Ends one session from "Inloggade enheter".
    case endSession(Parameter<UUID>)
    /// Renames or removes one passkey on Säkerhet.
    case passkey(Parameter<UUID>, PasskeyAction)
    /// Renames or removes one of a staff member's passkeys on Mitt konto.
    case staffPasskey(Parameter<UUID>, PasskeyAction)
    /// The help center's page of a category, of a guide, and the guide's feedback form.
    case helpCategory(Parameter<String>)
    case guide(category: Parameter<String>, guide: Parameter<String>)
    case guideFeedback(category: Parameter<String>, guide: Parameter<String>)
    /// An image of a guide, from the category's images folder.
    case guideImage(language: Parameter<String>, category: Parameter<String>, file: Parameter<String>)
    /// A staff member's set-password link.
    case staffSetPassword(token: Parameter<String>)
    /// An admin's action on one staff member in Medarbetare.
    case staffMember(Parameter<UUID>, StaffMemberAction)
    /// A customer's page in `/personal`, and the forms on it.
    case staffCustomer(Parameter<UUID>, StaffCustomerAction? = nil)
    /// The staff area's page of one ticket (by its number) and its forms.
    case staffTicket(Parameter<Int>, StaffTicketAction? = nil)
    /// The guide editor's page of one guide and its forms.
    case staffGuide(Parameter<UUID>, StaffGuideAction? = nil)
    /// Restores version `version` of a guide in the editor.
    case staffGuideRestore(Parameter<UUID>, version: Parameter<Int>)

    /// The path of a link or redirect (`/kundavdelning/support/<id>/svara`).
    var path: String {
        "/" + segments.map { segment in
            switch segment {
            case .constant(let text): text
            case .parameter(let key, let value): value ?? ":" + key.rawValue
            }
        }.joined(separator: "/")
    }

    /// The path with a notice to show after a redirect (`?notice=…`).
    func path<Notice: RawRepresentable>(notice: Notice) -> String where Notice.RawValue == String {
        path + "?notice=" + notice.rawValue
    }

    /// The route's path for registration, parameters as `:key`.
    var pathComponents: [PathComponent] {
        segments.map { segment in
            switch segment {
            case .constant(let text): .constant(text)
            case .parameter(let key, _): .parameter(key.rawValue)
            }
        }
    }

    private enum Segment {
        case constant(String)
        case parameter(PathKey, String?)
    }

    private var segments: [Segment] {
        switch self {
        case .resetPassword(let token):
            Self.fixed(.resetPassword) + [Self.value(.token, token)]
        case .confirmEmail(let token):
            Self.fixed(.confirmEmail) + [Self.value(.token, token)]
        case .service(let id):
            Self.fixed(.services) + [Self.value(.id, id)]
        case .invoice(let id):
            Self.fixed(.invoices) + [Self.value(.id, id)]
        case .ticket(let id, let action):
            Self.fixed(.support) + [Self.value(.id, id)] + Self.action(action)
        case .pastChat(let id):
            Self.fixed(.pastChats) + [Self.value(.id, id)]
        case .endSession(let id):
            Self.fixed(.security) + [.constant("enheter"), Self.value(.id, id), .constant("logga-ut")]
        case .passkey(let id, let action):
            Self.fixed(.passkeys) + [Self.value(.id, id)] + Self.action(action)
        case .staffPasskey(let id, let action):
            Self.fixed(.staffPasskeys) + [Self.value(.id, id)] + Self.action(action)
        case .helpCategory(let category):
            Self.fixed(.help) + [Self.value(.category, category)]
        case .guide(let category, let guide):
            Self.fixed(.help) + [Self.value(.category, category), Self.value(.guide, guide)]
        case .guideFeedback(let category, let guide):
            Self.fixed(.help) + [Self.value(.category, category), Self.value(.guide, guide), .constant("feedback")]
        case .guideImage(let language, let category, let file):
            Self.fixed(.helpMedia) + [Self.value(.language, language), Self.value(.category, category), .constant(GuideLibrary.imagesFolder), Self.value(.file, file)]
        case .staffSetPassword(let token):
            Self.fixed(.staffSetPassword) + [Self.value(.token, token)]
        case .staffMember(let id, let action):
            Self.fixed(.staffMembers) + [Self.value(.id, id)] + Self.action(action)
        case .staffCustomer(let id, let action):
            Self.fixed(.staffCustomers) + [Self.value(.id, id)] + Self.action(action)
        case .staffTicket(let number, let action):
            Self.fixed(.staffTickets) + [Self.value(.number, number)] + Self.action(action)
        case .staffGuide(let id, let action):
            Self.fixed(.staffGuides) + [Self.value(.id, id)] + Self.action(action)
        case .staffGuideRestore(let id, let version):
            Self.fixed(.staffGuides) + [Self.value(.id, id), .constant("versioner"), Self.value(.number, version), .constant("aterstall")]
        }
    }

    private static func fixed(_ page: SitePath) -> [Segment] {
        page.rawValue.split(separator: "/").map { .constant(String($0)) }
    }

    private static func value<Value>(_ key: PathKey, _ parameter: Parameter<Value>) -> Segment {
        switch parameter {
        case .key: .parameter(key, nil)
        case .value(let value): .parameter(key, value.pathText)
        }
    }

    private static func action<Action: RawRepresentable>(_ action: Action?) -> [Segment] where Action.RawValue == String {
        action.map { [.constant($0.rawValue)] } ?? []
    }
}

/// The forms on a ticket's page in Kundavdelningen.
enum TicketAction: String, Sendable {
    case reply = "svara"
    case close = "stang"
}

/// What can be done to one passkey on Säkerhet.
enum PasskeyAction: String, Sendable {
    case rename = "byt-namn"
    case remove = "ta-bort"
}

/// The forms on a ticket's page in `/personal`.
enum StaffTicketAction: String, CaseIterable, Sendable {
    case reply = "svara"
    case note = "anteckning"
    case assign = "tilldela"
    case close = "stang"
    case reopen = "oppna"
}

/// The forms on a guide's page in the guide editor.
enum StaffGuideAction: String, Sendable {
    case unpublish = "avpublicera"
    case images = "bilder"
    /// The confirmation page (GET) and its form (POST).
    case delete = "ta-bort"
}

/// What an admin can do to one staff member (the last part of its path).
enum StaffMemberAction: String, CaseIterable, Sendable {
    case disable = "inaktivera"
    case enable = "aktivera"
    case resetSecondFactor = "nollstall-tvastegsverifiering"
    case sendPasswordLink = "skicka-losenordslank"
}

/// The forms on a customer's page in `/personal`.
enum StaffCustomerAction: String, CaseIterable, Sendable {
    case contactDetails = "kontaktuppgifter"
    case sendPasswordReset = "skicka-losenordslank"
    case endSessions = "logga-ut-overallt"
    case disableLogin = "stang-av-inloggning"
    case enableLogin = "sla-pa-inloggning"
    case disableTwoStep = "stang-av-tvastegsverifiering"
    case impersonate = "logga-in-som-kunden"
}

extension String {
    var urlQueryEncoded: String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
