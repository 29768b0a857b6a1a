import PortierWebAuthn
import Vapor

/// The steps every passkey sign-in takes before it looks at the key, for customers and staff
/// alike: read the browser's answer, then reserve an attempt on the address's throttle (counted
/// before the check, so concurrent attempts cannot outrun it).
enum PasskeySignInStart {
    /// A reserved attempt: the credential to verify, where to go afterwards, and the throttle
    /// key to reset when the key is accepted.
    case attempt(Attempt)
    /// Answered already: a malformed request or a throttled address.
    case answered(Response)

    struct Attempt {
        let credential: AuthenticationCredentialJSON
        let next: String?
        let throttleKey: String
    }

    /// Reads the form and reserves one attempt on `throttleKey` under `policy`; `throttled` records
    /// a refused attempt (audit, metrics) before the 429 goes out.
    static func begin(
        _ request: Request, throttleKey: String, policy: ThrottlePolicy, throttled: () async throws -> Void
    ) async throws -> PasskeySignInStart {
        guard let form = try? request.passkeyForm(PasskeyLoginForm.self), let credential = form.credential else {
            return .answered(try request.passkeyRefusal(PasskeyError.malformedRequest.catalogKey, status: .badRequest))
        }
        if case .refused(let retryAfter) = try await Throttle(database: request.db).reserve(throttleKey, policy: policy, now: request.portier.clock.now()) {
            try await throttled()
            return .answered(try request.passkeyThrottled(retryAfter: retryAfter))
        }
        return .attempt(Attempt(credential: credential, next: SafeRedirect.path(from: form.next), throttleKey: throttleKey))
    }

    /// Options for `navigator.credentials.get()`, each a stored challenge, throttled on `throttleKey`.
    static func options(_ request: Request, throttleKey: String) async throws -> Response {
        if case .refused(let retryAfter) = try await Throttle(database: request.db).reserve(throttleKey, policy: PasskeyLoginController.optionsPolicy, now: request.portier.clock.now()) {
            return try request.passkeyThrottled(retryAfter: retryAfter)
        }
        return try request.passkeyJSON(try await request.passkeys.authenticationOptions(on: request.db))
    }
}
