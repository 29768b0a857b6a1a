import PortierWebAuthn
import Vapor

/// `POST /logga-in/losennyckel`: the browser's `navigator.credentials.get()` result.
struct PasskeyLoginForm: Content {
    var credential: AuthenticationCredentialJSON?
    var next: String?
}

/// `POST …/losennycklar/alternativ`: the new key's name, and the password when the login is
/// older than ten minutes.
struct PasskeyOptionsForm: Content {
    var name: String?
    var current_password: String?
}

/// `POST …/losennycklar`: the name again and the browser's `navigator.credentials.create()` result.
struct PasskeyRegistrationForm: Content {
    var name: String?
    var credential: RegistrationCredentialJSON?
}

/// Renaming (`name`) or removing (`current_password`) a key on Säkerhet (plain forms).
struct PasskeyChangeForm: Content {
    var name: String?
    var current_password: String?
}

/// What the passkey endpoints answer the page's script: where to go next, or a localized
/// message (and whether the password field is needed).
struct PasskeyAnswer: Content {
    var redirect: String?
    var error: String?
    var needsPassword: Bool?
}

extension Request {
    /// `value` as JSON, never cached.
    func passkeyJSON(_ value: some Encodable, status: HTTPStatus = .ok) throws -> Response {
        let response = Response(status: status, body: .init(data: try JSONEncoder().encode(value)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// A refusal as JSON with its localized message.
    func passkeyRefusal(_ key: String, status: HTTPStatus, needsPassword: Bool? = nil) throws -> Response {
        try passkeyJSON(PasskeyAnswer(error: localized(key), needsPassword: needsPassword), status: status)
    }

    /// 429 with Retry-After and the login's "too many attempts" message.
    func passkeyThrottled(retryAfter: TimeInterval) throws -> Response {
        let minutes = String(max(1, Int((retryAfter / 60).rounded(.up))))
        let response = try passkeyJSON(PasskeyAnswer(error: localized("login.error.throttled", minutes)), status: .tooManyRequests)
        response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(retryAfter.rounded(.up))))
        return response
    }

    /// The JSON body as `T`; a body that is not (too large, not JSON, wrong shape) is ``PasskeyError/malformedRequest``.
    func passkeyForm<T: Content>(_ type: T.Type) throws -> T {
        do {
            return try content.decode(T.self)
        } catch {
            throw PasskeyError.malformedRequest
        }
    }
}
