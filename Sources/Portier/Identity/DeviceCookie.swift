import Crypto
import Foundation
import Vapor

/// A browser that has logged in to an account before (OWASP "device cookies"): a long-lived cookie
/// naming the account and a random device id, signed with HMAC-SHA256 under a key derived from
/// `PORTIER_SECRET_KEY`. Failed logins that carry a valid one count against that device's own
/// allowance, so someone guessing passwords elsewhere can never lock the customer out.
struct DeviceCookie: Equatable, Sendable {
    /// The account the browser logged in to (a customer's or a staff member's id).
    let subjectID: UUID
    /// Random, per browser and account; names the device's own throttle.
    let deviceID: String
    let issuedAt: Date

    /// One year: a device is "known" until the customer clears their cookies.
    static let lifetime: TimeInterval = 365 * 24 * 60 * 60
    static let baseName = "portier_device"
}

/// Makes and checks device cookies' signed values (`v1.<subject>.<device>.<issued>.<mac>`).
struct DeviceCookieSigner: Sendable {
    /// The current key signs; it and any retired one verify.
    private let keys: [SymmetricKey]

    init(secret: ServerSecret) {
        keys = secret.keys(for: "device-cookie")
    }

    func makeValue(for cookie: DeviceCookie) -> String {
        let payload = Self.payload(cookie)
        return payload + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: keys[0])))
    }

    /// The cookie when `value` was signed by this server and has not outlived its lifetime.
    func cookie(from value: String, now: Date) -> DeviceCookie? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "v1",
              let subjectID = UUID(uuidString: String(parts[1])),
              let issued = Int64(parts[3]),
              let mac = Base64URL.decode(String(parts[4])) else { return nil }
        let payload = parts[0...3].joined(separator: ".")
        guard keys.contains(where: { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(payload.utf8), using: $0) }) else { return nil }
        let issuedAt = Date(timeIntervalSince1970: TimeInterval(issued))
        guard now.timeIntervalSince(issuedAt) < DeviceCookie.lifetime else { return nil }
        return DeviceCookie(subjectID: subjectID, deviceID: String(parts[2]), issuedAt: issuedAt)
    }

    private static func payload(_ cookie: DeviceCookie) -> String {
        ["v1", cookie.subjectID.uuidString.lowercased(), cookie.deviceID, String(Int64(cookie.issuedAt.timeIntervalSince1970))].joined(separator: ".")
    }
}

extension Request {
    /// This browser's device cookie, when it is valid and names `subjectID`.
    func deviceCookie(for subjectID: UUID) -> DeviceCookie? {
        guard let value = cookie(CookieNames(self).device) else { return nil }
        let cookie = DeviceCookieSigner(secret: application.serverSecret).cookie(from: value, now: portier.clock.now())
        return cookie?.subjectID == subjectID ? cookie : nil
    }

    /// Gives this browser a device cookie for `subjectID` (kept when it already has one).
    /// - Returns: whether the browser was new to this account.
    @discardableResult
    func rememberDevice(for subjectID: UUID, on response: Response) -> Bool {
        guard deviceCookie(for: subjectID) == nil else { return false }
        let cookie = DeviceCookie(subjectID: subjectID, deviceID: portier.random.makeToken(byteCount: 16), issuedAt: portier.clock.now())
        let names = CookieNames(self)
        response.cookies[names.device] = names.makeCookie(
            value: DeviceCookieSigner(secret: application.serverSecret).makeValue(for: cookie),
            maxAge: Int(DeviceCookie.lifetime)
        )
        return true
    }
}
