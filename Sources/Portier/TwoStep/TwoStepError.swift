/// What can go wrong with a second factor.
public enum TwoStepError: Error, Equatable, Sendable {
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
}
