import Fluent
import Foundation
import Vapor

/// A security-relevant event, one row each: login attempts, logouts, password resets.
/// The same rows will feed the customer's "security events" page and the staff audit log.
public final class AuditEvent: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    public enum Kind: String, Codable, Sendable, CaseIterable {
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
        // Staff accounts (`staff_id` names the staff member logging in, or the admin acting;
        // `email` the member the event is about).
        case staffLoginSucceeded = "staff.login.succeeded"
        case staffLoginFailed = "staff.login.failed"
        case staffLoginThrottled = "staff.login.throttled"
        case staffSecondFactorRequired = "staff.login.second_factor_required"
        case staffSecondFactorFailed = "staff.login.second_factor_failed"
        case staffSecondFactorThrottled = "staff.login.second_factor_throttled"
        case staffTwoStepEnabled = "staff.two_step.enabled"
        case staffBackupCodeUsed = "staff.backup_code.used"
        case staffLogout = "staff.logout"
        case staffCreated = "staff.created"
        case staffDisabled = "staff.disabled"
        case staffEnabled = "staff.enabled"
        case staffSecondFactorReset = "staff.two_step.reset"
        case staffPasswordLinkCreated = "staff.password_link.created"
        case staffPasswordSet = "staff.password.set"
        /// Changed on Mitt konto (with the current password).
        case staffPasswordChanged = "staff.password.changed"
        case staffCurrentPasswordRejected = "staff.current_password.rejected"
        case staffCurrentPasswordThrottled = "staff.current_password.throttled"
        case staffPasskeyAdded = "staff.passkey.added"
        case staffPasskeyRenamed = "staff.passkey.renamed"
        case staffPasskeyRemoved = "staff.passkey.removed"
        /// A staff login with a passkey (with `staff.login.succeeded`, details "passkey").
        case staffPasskeyUsed = "staff.passkey.used"
        /// A staff member's key refused at sign-in (marked possibly cloned, bad signature, …).
        case staffPasskeyRefused = "staff.passkey.refused"
        /// A staff member's key whose counter went backwards: marked possibly cloned.
        case staffPasskeyCounterRefused = "staff.passkey.counter_refused"
        /// A sign-in at the staff login with a key that is no staff member's (unknown, removed, a customer's).
        case staffPasskeyLoginFailed = "staff.login.passkey_failed"
        // Staff desk (`/personal/arenden`, `/personal/guider`): the acting staff member is `staff_id`.
        case ticketViewed = "ticket.viewed"
        case ticketReplied = "ticket.replied"
        case ticketNoteAdded = "ticket.note_added"
        case ticketAssigned = "ticket.assigned"
        case ticketClosed = "ticket.closed"
        case ticketReopened = "ticket.reopened"
        case guideDraftSaved = "guide.draft_saved"
        case guidePublished = "guide.published"
        case guideUnpublished = "guide.unpublished"
        case guideVersionRestored = "guide.version_restored"
        case guideImageUploaded = "guide.image_uploaded"
        /// "Ny guide" in the browser (details: the guide's id, language and slug).
        case guideCreated = "guide.created"
        /// An unpublished guide deleted in the browser, with its versions, votes and views.
        case guideDeleted = "guide.deleted"
        /// A staff member opened the customer's page in `/personal`.
        case staffCustomerViewed = "staff.customer_viewed"
        /// A staff member sent the customer a password-reset link.
        case staffPasswordResetSent = "staff.password_reset_sent"
        /// A staff member ended every session of the customer.
        case staffSessionsEnded = "staff.sessions_ended"
        case loginDisabled = "login.disabled"
        case loginEnabled = "login.enabled"
        /// The right password for a customer whose login is disabled.
        case loginRefusedDisabled = "login.refused_disabled"
        case passwordResetRefusedDisabled = "password_reset.refused_disabled"
        /// "Logga in som kunden": started (details: the reason), ended, a change refused meanwhile.
        case impersonationStarted = "impersonation.started"
        case impersonationEnded = "impersonation.ended"
        case impersonationChangeRefused = "impersonation.change_refused"
        case passkeyAdded = "passkey.added"
        case passkeyRenamed = "passkey.renamed"
        case passkeyRemoved = "passkey.removed"
        /// A login with a passkey (followed by `login.succeeded`).
        case passkeyUsed = "passkey.used"
        /// A sign-in with a known key failed a check (signature, origin, flags, …).
        case passkeyRefused = "passkey.refused"
        /// A sign-in whose signature counter did not advance: the key is marked possibly cloned.
        case passkeyCounterRefused = "passkey.counter_refused"
        /// A passkey sign-in that named no known key, or whose challenge was unknown or spent.
        case passkeyLoginFailed = "login.passkey_failed"
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
