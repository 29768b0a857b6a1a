import Vapor

/// Säkerhet (`/kundavdelning/sakerhet`): two-step verification, backup codes, passkeys,
/// logged-in devices and security events.
struct SecurityPageContext: PageContext {
    let layout: LayoutContext
    let section = "security"
    let notice: String?
    let twoStep: TwoStepSection
    let passkeys: PasskeySection
    let sessions: [SessionView]
    let hasOtherSessions: Bool
    let events: [EventView]
    let eventsPage: Pagination

    struct TwoStepSection: Encodable {
        let isEnabled: Bool
        /// The set-up in progress (QR code, secret, link); never once it is on.
        let enrolment: EnrolmentView?
        let remainingBackupCodes: Int
        /// A set of backup codes just made, shown this once.
        let newBackupCodes: [String]?
        var confirmError: String?
        var disableErrors = FormErrors()
        var backupCodesErrors = FormErrors()
    }

    struct FormErrors: Encodable {
        var currentPassword: String?
        var code: String?
        /// Answered with 429 (not encoded: the messages say how long to wait).
        var isThrottled = false
        var hasErrors: Bool { currentPassword != nil || code != nil }

        enum CodingKeys: String, CodingKey { case currentPassword, code, hasErrors }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(currentPassword, forKey: .currentPassword)
            try container.encodeIfPresent(code, forKey: .code)
            try container.encode(hasErrors, forKey: .hasErrors)
        }
    }

    typealias EnrolmentView = TwoStepEnrolmentView

    struct SessionView: Encodable {
        let id: String
        let device: String
        let address: String
        let started: DateTimeView
        let lastActivity: DateTimeView
        let isCurrent: Bool
        let endPath: String
    }

    struct EventView: Encodable {
        let label: String
        let device: String
        let address: String
        let occurred: DateTimeView
    }

    struct Pagination: Encodable {
        let page: Int
        let previousPath: String?
        let nextPath: String?
    }
}

struct SecurityCodeForm: Content {
    var code: String?
}

struct SecurityChangeForm: Content {
    var current_password: String?
    var code: String?
}

struct BackupCodesDownloadForm: Content {
    var codes: [String]?
}
