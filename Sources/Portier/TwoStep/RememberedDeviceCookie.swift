import Crypto
import Foundation
import Vapor

/// "Kom ihåg den här enheten i 30 dagar": a signed cookie that lets this browser skip the code
/// for one subject. It names the authenticator (turning two-step off and on again voids it) and
/// when it was issued (a later password change or reset voids it), and is signed with a key of
/// its own derived from `PORTIER_SECRET_KEY`. Value: `v1.<kind>.<subject>.<credential>.<issued>.<mac>`.
struct RememberedDeviceCookie: Equatable, Sendable {
    static let lifetime: TimeInterval = 30 * 24 * 60 * 60
    static let baseName = "portier_two_step_device"

    let subject: SecondFactorSubject
    let credentialID: UUID
    let issuedAt: Date
}

struct RememberedDeviceSigner: Sendable {
    /// The current key signs; it and any retired one verify.
    private let keys: [SymmetricKey]

    init(secret: ServerSecret) {
        keys = secret.keys(for: "two-step-remembered-device")
    }

    func makeValue(for cookie: RememberedDeviceCookie) -> String {
        let payload = [
            "v1", cookie.subject.kind.rawValue, cookie.subject.id.uuidString.lowercased(),
            cookie.credentialID.uuidString.lowercased(), String(Int64(cookie.issuedAt.timeIntervalSince1970)),
        ].joined(separator: ".")
        return payload + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: keys[0])))
    }

    func cookie(from value: String, now: Date) -> RememberedDeviceCookie? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "v1",
              let kind = SessionSubjectKind(rawValue: String(parts[1])),
              let subjectID = UUID(uuidString: String(parts[2])),
              let credentialID = UUID(uuidString: String(parts[3])),
              let issued = Int64(parts[4]),
              let mac = Base64URL.decode(String(parts[5])) else { return nil }
        let payload = parts[0...4].joined(separator: ".")
        guard keys.contains(where: { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(payload.utf8), using: $0) }) else { return nil }
        let issuedAt = Date(timeIntervalSince1970: TimeInterval(issued))
        guard now.timeIntervalSince(issuedAt) < RememberedDeviceCookie.lifetime, issuedAt <= now.addingTimeInterval(60) else { return nil }
        return RememberedDeviceCookie(subject: SecondFactorSubject(kind: kind, id: subjectID), credentialID: credentialID, issuedAt: issuedAt)
    }
}

extension Request {
    private var rememberedDeviceCookieName: String { CookieNames(self).rememberedDevice }

    /// Whether this browser was remembered for `subject`'s current authenticator after `notBefore`
    /// (the last password change).
    func isRememberedDevice(for subject: SecondFactorSubject, notBefore: Date?) async throws -> Bool {
        guard let value = cookie(rememberedDeviceCookieName),
              let remembered = RememberedDeviceSigner(secret: application.serverSecret).cookie(from: value, now: portier.clock.now()),
              remembered.subject == subject else { return false }
        if let notBefore, remembered.issuedAt < notBefore.addingTimeInterval(-1) { return false }
        guard let credential = try await TOTPCredential.find(for: subject, on: db), credential.isConfirmed else { return false }
        return credential.id == remembered.credentialID
    }

    /// Remembers this browser for `subject` for 30 days.
    func rememberDeviceForTwoStep(_ subject: SecondFactorSubject, on response: Response) async throws {
        guard let credential = try await TOTPCredential.find(for: subject, on: db), let credentialID = credential.id else { return }
        let cookie = RememberedDeviceCookie(subject: subject, credentialID: credentialID, issuedAt: portier.clock.now())
        response.cookies[rememberedDeviceCookieName] = CookieNames(self).makeCookie(
            value: RememberedDeviceSigner(secret: application.serverSecret).makeValue(for: cookie),
            maxAge: Int(RememberedDeviceCookie.lifetime)
        )
    }
}
