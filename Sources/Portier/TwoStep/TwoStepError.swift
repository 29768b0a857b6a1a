import Vapor

/// What can go wrong with a second factor.
public enum TwoStepError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The code is not the current TOTP code (±1 step), was used already, or is no unused backup code.
    case codeInvalid
    /// No code was typed.
    case codeMissing
    /// Enrolment was asked for while two-step verification is on.
    case alreadyEnabled
    /// A confirmation or a change arrived while two-step verification is off / not being set up.
    case notEnabled
    case noPendingEnrolment
    /// Too many wrong codes: the next attempt is allowed in `minutes`.
    case throttled(minutes: Int)
    /// A stored secret did not decrypt (wrong `PORTIER_SECRET_KEY`, or tampered with).
    case secretUnreadable

    /// For the log: the operator's cause and cure when a secret does not open.
    public var description: String {
        switch self {
        case .secretUnreadable:
            "a stored second-factor secret opens with neither PORTIER_SECRET_KEY nor any key in PORTIER_SECRET_KEY_PREVIOUS (was the key changed? put the old key into PORTIER_SECRET_KEY_PREVIOUS)"
        case .codeInvalid: "second-factor code invalid"
        case .codeMissing: "second-factor code missing"
        case .alreadyEnabled: "two-step verification already on"
        case .notEnabled: "two-step verification not on"
        case .noPendingEnrolment: "no two-step enrolment under way"
        case .throttled(let minutes): "second factor throttled for \(minutes) min"
        }
    }
}

/// Only `secretUnreadable` ever reaches the error page (controllers answer the others in their
/// forms): the customer reads whom to ask, the log the operator's cause.
extension TwoStepError: LocalizedFailure {
    var status: HTTPResponseStatus { self == .secretUnreadable ? .internalServerError : .badRequest }
    var catalogKey: String { self == .secretUnreadable ? "error.second_factor_unreadable" : "error.400" }
}
