import Fluent
import PortierWebAuthn
import Vapor

/// `POST /personal/logga-in/losennyckel/alternativ` and `POST /personal/logga-in/losennyckel`:
/// a staff member logs in with a passkey, from the button on the staff login page or the
/// browser's autofill. A staff passkey login counts as two factors (session strength `passkey`,
/// no code step). Only keys of staff members sign in here — a customer's key is refused as an
/// unknown one, as a staff key is at the customers' login — and never a disabled member.
/// Throttled per client address before the check, on keys apart from the customers'.
struct StaffPasskeyLoginController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(SitePath.staffPasskeyLoginOptions.pathComponents, use: options)
        routes.post(SitePath.staffPasskeyLogin.pathComponents, use: login)
    }

    static func throttleKey(_ request: Request, _ purpose: String) -> String {
        "staff-passkey-login:" + purpose + ":ip:" + request.clientThrottleKey
    }

    @Sendable
    func options(request: Request) async throws -> Response {
        try await PasskeySignInStart.options(request, throttleKey: Self.throttleKey(request, "options"))
    }

    @Sendable
    func login(request: Request) async throws -> Response {
        let start = try await PasskeySignInStart.begin(request, throttleKey: Self.throttleKey(request, "attempt"), policy: PasskeyLoginController.loginPolicy) {
            try await request.audit(.staffLoginThrottled, details: "passkey")
        }
        let attempt: PasskeySignInStart.Attempt
        switch start {
        case .answered(let response): return response
        case .attempt(let reserved): attempt = reserved
        }
        var refusedKey: PasskeyCredential?
        do {
            let signIn = try await request.passkeys.verifyAuthentication(attempt.credential, kind: .staff, on: request.db, refusedKey: &refusedKey)
            guard let member = try await StaffMember.find(signIn.subject.id, on: request.db) else { throw PasskeyError.unknownCredential }
            let staffID = try member.requireID()
            try await Throttle(database: request.db).reset(attempt.throttleKey)
            // A disabled member gets the neutral refusal a wrong signature gets.
            guard !member.isDisabled else {
                try await request.audit(.staffLoginFailed, staffID: staffID, email: member.email, details: "disabled (passkey)")
                return try request.passkeyRefusal(PasskeyError.verificationFailed(.badSignature).catalogKey, status: .unauthorized)
            }
            let response = try request.passkeyJSON(PasskeyAnswer(redirect: attempt.next ?? SitePath.staffArea.path))
            try await SessionManager(request: request).start(for: member, strength: .passkey, isSecondFactorPending: false, on: response)
            request.rememberDevice(for: staffID, on: response)
            try await request.audit(.staffPasskeyUsed, staffID: staffID, email: member.email, details: signIn.credential.name)
            try await request.audit(.staffLoginSucceeded, staffID: staffID, email: member.email, details: "passkey")
            return response
        } catch let error as PasskeyError {
            try await recordRefusal(request, error: error, key: refusedKey)
            request.logger.notice("staff passkey login refused", metadata: ["reason": .string(error.reason)])
            let catalogKey = error == .possiblyCloned || error == .counterWentBackwards ? "staff.passkeys.error.possibly_cloned" : error.catalogKey
            return try request.passkeyRefusal(catalogKey, status: error == .malformedRequest ? .badRequest : .unauthorized)
        }
    }

    /// The audit event of a refused sign-in, with the staff member when the key was theirs.
    private func recordRefusal(_ request: Request, error: PasskeyError, key: PasskeyCredential?) async throws {
        guard let key, key.subjectKind == .staff, let member = try await StaffMember.find(key.subjectID, on: request.db) else {
            try await request.audit(.staffPasskeyLoginFailed, details: error.reason)
            return
        }
        let kind: AuditEvent.Kind = error == .counterWentBackwards ? .staffPasskeyCounterRefused : .staffPasskeyRefused
        try await request.audit(kind, staffID: member.id, email: member.email, details: key.name + ": " + error.reason)
    }
}
