import Fluent
import Foundation
import Vapor

/// A security-relevant event, one row each: login attempts, logouts, password resets.
/// The same rows will feed the customer's "security events" page and the staff audit log.
public final class AuditEvent: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    public enum Kind: String, Codable, Sendable {
        case loginSucceeded = "login.succeeded"
        case loginFailed = "login.failed"
        case loginThrottled = "login.throttled"
        case logout = "logout"
        case passwordResetRequested = "password_reset.requested"
        case passwordResetUnknownEmail = "password_reset.unknown_email"
        case passwordResetThrottled = "password_reset.throttled"
        case passwordResetCompleted = "password_reset.completed"
        case passwordSetLinkCreated = "password_set_link.created"
        case customerCreated = "customer.created"
        case contactDetailsUpdated = "contact_details.updated"
        case emailChangeRequested = "email_change.requested"
        case emailChangeCompleted = "email_change.completed"
        case passwordChanged = "password.changed"
        /// A wrong current password when changing the e-mail address or the password.
        case currentPasswordRejected = "current_password.rejected"
        case currentPasswordThrottled = "current_password.throttled"
        /// The password was right and a second factor is due (`/logga-in/kod`).
        case secondFactorRequired = "login.second_factor_required"
        case secondFactorFailed = "login.second_factor_failed"
        case secondFactorThrottled = "login.second_factor_throttled"
        case twoStepEnabled = "two_step.enabled"
        case twoStepDisabled = "two_step.disabled"
        case backupCodesReplaced = "backup_codes.replaced"
        case backupCodeUsed = "backup_code.used"
        /// A session ended from "Inloggade enheter" (one, or every other one).
        case sessionEnded = "session.ended"
        case otherSessionsEnded = "session.others_ended"
        case chatStarted = "chat.started"
        case chatAccepted = "chat.accepted"
        case chatEnded = "chat.ended"
        /// Left as a ticket (a customer's) or as a message answered by mail (a visitor's).
        case chatLeftAsTicket = "chat.left_as_ticket"
        case chatAnsweredByMail = "chat.answered_by_mail"
        case chatTranscriptMailed = "chat.transcript_mailed"
        case chatAvailabilityOn = "chat.availability_on"
        case chatAvailabilityOff = "chat.availability_off"
        /// A WebSocket upgrade refused: wrong Origin, no chat, or too many sockets.
        case chatSocketRefused = "chat.socket_refused"
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "occurred_at") public var occurredAt: Date
    @Field(key: "kind") public var kind: String
    @OptionalField(key: "customer_id") public var customerID: UUID?
    /// The staff member who acted: in `/personal`, or logged in as the customer.
    @OptionalField(key: "staff_id") public var staffID: UUID?
    /// The identifier typed by the visitor (e-mail), kept for failed attempts on unknown accounts.
    @OptionalField(key: "email") public var email: String?
    @OptionalField(key: "ip_address") public var ipAddress: String?
    @OptionalField(key: "user_agent") public var userAgent: String?
    @OptionalField(key: "details") public var details: String?

    public init() {}

    public init(kind: Kind, occurredAt: Date, customerID: UUID?, staffID: UUID? = nil, email: String?, ipAddress: String?, userAgent: String?, details: String? = nil) {
        self.kind = kind.rawValue
        self.occurredAt = occurredAt
        self.customerID = customerID
        self.staffID = staffID
        self.email = email.map { String($0.prefix(320)) }
        self.ipAddress = ipAddress
        self.userAgent = userAgent.map { String($0.prefix(512)) }
        self.details = details
    }
}

extension Request {
    /// Records an audit event for this request's client. The acting staff member — the one logged
    /// in to `/personal`, or the one logged in as the customer — is recorded unless `staffID` names one.
    func audit(_ kind: AuditEvent.Kind, customerID: UUID? = nil, staffID: UUID? = nil, email: String? = nil, details: String? = nil, on database: (any Database)? = nil) async throws {
        try await AuditEvent(
            kind: kind,
            occurredAt: portier.clock.now(),
            customerID: customerID,
            staffID: staffID ?? actingStaffID,
            email: email,
            ipAddress: clientIP,
            userAgent: headers.first(name: .userAgent),
            details: details
        ).create(on: database ?? db)
    }

    /// The staff member behind this request: logged in to `/personal`, or acting as the customer.
    var actingStaffID: UUID? {
        auth.get(AuthenticatedStaff.self)?.staff.id ?? auth.get(AuthenticatedCustomer.self)?.impersonatorStaffID
    }
}
