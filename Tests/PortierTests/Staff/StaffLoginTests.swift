import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// `/personal/logga-in`: the password, then the mandatory second factor — the set-up at the first
/// login, a code (pyotp's, not Portier's own arithmetic) or a backup code afterwards.
@Suite("Staff: login with mandatory two-step verification")
struct StaffLoginTests {
    static let email = "anna@portier.example.se"

    @discardableResult
    static func member(_ app: Application, email: String = StaffLoginTests.email, role: StaffRole = .admin, password: String? = Fixtures.password) async throws -> StaffMember {
        let hash = try await password.asyncMap { try await app.passwordHasher.hash($0) }
        let member = StaffMember(email: email, name: "Anna Admin", role: role, passwordHash: hash)
        try await member.create(on: app.db)
        return member
    }

    /// A code for `secret` at `date` from pyotp.
    static func referenceCode(_ secret: [UInt8], at date: Date) throws -> String {
        try #require(try TOTPReference.codes(for: [.init(secret: Base32.encode(secret), time: Int64(date.timeIntervalSince1970))]).first)
    }

    static func logIn(_ browser: TestBrowser, email: String = StaffLoginTests.email, password: String = Fixtures.password, next: String? = nil) async throws -> TestingHTTPResponse {
        try await browser.get("/personal/logga-in")
        var fields = ["email": email, "password": password]
        if let next { fields["next"] = next }
        return try await browser.post("/personal/logga-in", fields)
    }

    /// Logs in for the first time and sets up the authenticator; returns the secret and the codes.
    static func enrol(_ context: TestContext, _ browser: TestBrowser, email: String = StaffLoginTests.email) async throws -> (secret: [UInt8], backupCodes: [String]) {
        let login = try await logIn(browser, email: email)
        #expect(login.headers.first(name: .location) == "/personal/logga-in/aktivera")
        let page = try await browser.get("/personal/logga-in/aktivera")
        let secret = try #require(TwoStepFixtures.secret(in: page.body.string))
        let confirmed = try await browser.post("/personal/logga-in/aktivera", ["code": try referenceCode(secret, at: context.clock.now())])
        #expect(confirmed.status == .ok)
        let codes = TwoStepFixtures.backupCodes(in: confirmed.body.string)
        context.clock.advance(by: 30)
        return (secret, codes)
    }

    private func kinds(_ app: Application, staffID: UUID) async throws -> [String] {
        try await AuditEvent.query(on: app.db).filter(\.$staffID == staffID).sort(\.$occurredAt).all().map(\.kind)
    }

    @Test("The first login sets up the authenticator: QR code and secret, a code confirms it, ten backup codes once, then logged in")
    func firstLoginEnrols() async throws {
        try await withPortierApp { context in
            let member = try await Self.member(context.app)
            let staffID = try member.requireID()
            let browser = TestBrowser(app: context.app)

            let login = try await Self.logIn(browser)
            #expect(login.status == .seeOther)
            #expect(login.headers.first(name: .location) == "/personal/logga-in/aktivera")
            #expect(browser.cookies["portier_staff_session"] != nil)
            #expect(browser.cookies["portier_session"] == nil)
            // Still pending: the code page sends it back to the set-up, nothing else opens.
            #expect(try await browser.get("/personal/logga-in/kod").headers.first(name: .location) == "/personal/logga-in/aktivera")

            let page = try await browser.get("/personal/logga-in/aktivera")
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(body.contains("<svg"))
            let secret = try #require(TwoStepFixtures.secret(in: body))
            #expect(secret.count == TwoStepService.secretByteCount)
            #expect(body.contains("otpauth://totp/"))
            // A reload keeps the same secret (the app may have scanned it already).
            #expect(TwoStepFixtures.secret(in: try await browser.get("/personal/logga-in/aktivera").body.string) == secret)

            let wrong = try await browser.post("/personal/logga-in/aktivera", ["code": TwoStepFixtures.wrongCode(secret: secret, at: context.clock.now())])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("Koden stämmer inte"))
            #expect(try await TOTPCredential.find(for: .staff(staffID), on: context.app.db)?.isConfirmed == false)

            let confirmed = try await browser.post("/personal/logga-in/aktivera", ["code": try Self.referenceCode(secret, at: context.clock.now())])
            #expect(confirmed.status == .ok)
            let codes = TwoStepFixtures.backupCodes(in: confirmed.body.string)
            #expect(codes.count == 10)
            #expect(Set(codes).count == 10)
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$staffID == staffID).filter(\.$secondFactorDueAt == nil).count() == 1)
            let session = try #require(try await AuthSession.query(on: context.app.db).filter(\.$staffID == staffID).first())
            #expect(session.strength == .secondFactor)
            #expect(session.subjectKind == .staff)

            #expect(try await kinds(context.app, staffID: staffID) == [
                "staff.login.second_factor_required", "staff.login.second_factor_failed", "staff.two_step.enabled", "staff.login.succeeded",
            ])
            // Logged in: the login page sends on to /personal.
            #expect(try await browser.get("/personal/logga-in").headers.first(name: .location) == "/personal")
        }
    }

    @Test("Later logins ask for a code: pyotp's code passes once, a used step is refused, a wrong one is audited")
    func laterLoginsNeedCode() async throws {
        try await withPortierApp { context in
            let member = try await Self.member(context.app)
            let staffID = try member.requireID()
            let first = TestBrowser(app: context.app)
            let (secret, _) = try await Self.enrol(context, first)

            let browser = TestBrowser(app: context.app)
            let login = try await Self.logIn(browser, next: "/personal/medarbetare")
            #expect(login.headers.first(name: .location) == "/personal/logga-in/kod?next=/personal/medarbetare")
            // The set-up page is not offered again.
            #expect(try await browser.get("/personal/logga-in/aktivera").headers.first(name: .location) == "/personal/logga-in/kod")
            try await browser.get("/personal/logga-in/kod")

            let wrong = try await browser.post("/personal/logga-in/kod", ["code": TwoStepFixtures.wrongCode(secret: secret, at: context.clock.now()), "next": "/personal/medarbetare"])
            #expect(wrong.status == .unauthorized)
            let code = try Self.referenceCode(secret, at: context.clock.now())
            let right = try await browser.post("/personal/logga-in/kod", ["code": code, "next": "/personal/medarbetare"])
            #expect(right.status == .seeOther)
            #expect(right.headers.first(name: .location) == "/personal/medarbetare")

            // The same code again, in another browser within the same step: refused.
            let replay = TestBrowser(app: context.app)
            try await Self.logIn(replay)
            try await replay.get("/personal/logga-in/kod")
            #expect(try await replay.post("/personal/logga-in/kod", ["code": code]).status == .unauthorized)

            let events = try await AuditEvent.query(on: context.app.db).filter(\.$staffID == staffID).filter(\.$kind == "staff.login.succeeded").all()
            #expect(events.map(\.details) == ["authenticator app (set up)", "authenticator app"])
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$staffID == staffID).filter(\.$kind == "staff.login.second_factor_failed").count() == 2)
        }
    }

    @Test("A backup code logs in once; the same code a second time does not")
    func backupCodeOnce() async throws {
        try await withPortierApp { context in
            let member = try await Self.member(context.app)
            let (_, codes) = try await Self.enrol(context, TestBrowser(app: context.app))
            let code = try #require(codes.first)

            let browser = TestBrowser(app: context.app)
            try await Self.logIn(browser)
            try await browser.get("/personal/logga-in/kod")
            let used = try await browser.post("/personal/logga-in/kod", ["code": code])
            #expect(used.status == .seeOther)
            #expect(used.headers.first(name: .location) == "/personal")

            let again = TestBrowser(app: context.app)
            try await Self.logIn(again)
            try await again.get("/personal/logga-in/kod")
            #expect(try await again.post("/personal/logga-in/kod", ["code": code]).status == .unauthorized)
            #expect(try await BackupCode.remaining(for: .staff(try member.requireID()), on: context.app.db) == 9)
            let event = try #require(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "staff.backup_code.used").first())
            #expect(event.staffID == member.id)
            #expect(event.details == "remaining 9")
        }
    }

    @Test("A wrong password, an unknown address, a disabled member and a member without a password get the same answer")
    func neutralFailure() async throws {
        try await withPortierApp { context in
            let member = try await Self.member(context.app)
            let disabled = try await Self.member(context.app, email: "borta@portier.example.se")
            disabled.isDisabled = true
            try await disabled.update(on: context.app.db)
            try await Self.member(context.app, email: "ny@portier.example.se", password: nil)

            var bodies: [String] = []
            for (email, password) in [
                (Self.email, "fel lösenord helt enkelt"),
                ("okand@portier.example.se", Fixtures.password),
                ("borta@portier.example.se", Fixtures.password),
                ("ny@portier.example.se", Fixtures.password),
            ] {
                let browser = TestBrowser(app: context.app)
                let response = try await Self.logIn(browser, email: email, password: password)
                #expect(response.status == .unauthorized, "\(email)")
                #expect(browser.cookies["portier_staff_session"] == nil)
                bodies.append(response.body.string.replacingOccurrences(of: email, with: "E").replacingOccurrences(of: #"name="csrf_token" value="[^"]*""#, with: "", options: .regularExpression))
            }
            #expect(Set(bodies).count == 1)
            #expect(bodies[0].contains("E-postadressen eller lösenordet stämmer inte."))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$staffID == member.id).filter(\.$kind == "staff.login.failed").count() == 1)
            let refused = try #require(try await AuditEvent.query(on: context.app.db).filter(\.$staffID == disabled.id).first())
            #expect(refused.kind == "staff.login.failed")
            #expect(refused.details == "disabled")
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$email == "okand@portier.example.se").filter(\.$staffID == nil).count() == 1)
            // Nothing here reached the customers' accounts.
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.failed").count() == 0)
        }
    }

    @Test("Wrong passwords are throttled per account, counted before hashing; a browser that logged in before keeps its own allowance")
    func throttled() async throws {
        try await withPortierApp { context in
            try await Self.member(context.app)
            let known = TestBrowser(app: context.app)
            let (secret, _) = try await Self.enrol(context, known)
            try await known.post("/personal/logga-ut", [:])

            let stranger = TestBrowser(app: context.app)
            for _ in 0..<ThrottlePolicy.loginPerAccount.freeFailures {
                #expect(try await Self.logIn(stranger, password: "en gissning till").status == .unauthorized)
            }
            let blocked = try await Self.logIn(TestBrowser(app: context.app))
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers.first(name: .retryAfter) != nil)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "staff.login.throttled").count() == 1)

            // The member's own browser (device cookie) still gets in.
            let own = try await Self.logIn(known)
            #expect(own.headers.first(name: .location) == "/personal/logga-in/kod")
            try await known.get("/personal/logga-in/kod")
            #expect(try await known.post("/personal/logga-in/kod", ["code": try Self.referenceCode(secret, at: context.clock.now())]).status == .seeOther)
            // Customer login counters are another matter: no customer key was touched.
            #expect(try await ThrottleCounter.query(on: context.app.db).all().allSatisfy { !($0.id ?? "").hasPrefix("login:") })
        }
    }

    @Test("Wrong codes are throttled too")
    func codesThrottled() async throws {
        try await withPortierApp { context in
            try await Self.member(context.app)
            let (secret, _) = try await Self.enrol(context, TestBrowser(app: context.app))
            let browser = TestBrowser(app: context.app)
            try await Self.logIn(browser)
            try await browser.get("/personal/logga-in/kod")
            for _ in 0..<StaffSecondFactorController.policy.freeFailures {
                #expect(try await browser.post("/personal/logga-in/kod", ["code": TwoStepFixtures.wrongCode(secret: secret, at: context.clock.now())]).status == .unauthorized)
            }
            let refused = try await browser.post("/personal/logga-in/kod", ["code": try Self.referenceCode(secret, at: context.clock.now())])
            #expect(refused.status == .tooManyRequests)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "staff.login.second_factor_throttled").count() == 1)
        }
    }

    @Test("The second step must come within five minutes; logout ends the staff session and leaves a customer session alone")
    func pendingWindowAndLogout() async throws {
        try await withPortierApp { context in
            let member = try await Self.member(context.app)
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(browser.cookies["portier_session"] != nil)

            try await Self.logIn(browser)
            context.clock.advance(by: AuthSession.secondFactorWindow)
            let late = try await browser.get("/personal/logga-in/aktivera")
            #expect(late.headers.first(name: .location) == "/personal/logga-in?notice=session-expired")

            let (_, _) = try await Self.enrol(context, browser)
            #expect(try await browser.get("/kundavdelning").status == .ok)
            let logout = try await browser.post("/personal/logga-ut", [:])
            #expect(logout.headers.first(name: .location) == "/personal/logga-in?notice=logged-out")
            #expect(browser.cookies["portier_staff_session"] == nil)
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$staffID == member.id).count() == 0)
            #expect(try await browser.get("/kundavdelning").status == .ok)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$staffID == member.id).filter(\.$kind == "staff.logout").count() == 1)
        }
    }

    @Test("Staff pages in English")
    func english() async throws {
        try await withPortierApp { context in
            try await Self.member(context.app)
            let browser = TestBrowser(app: context.app)
            browser.setCookie("portier_lang", "en")
            let page = try await browser.get("/personal/logga-in")
            #expect(page.body.string.contains("Staff login"))
            try await browser.post("/personal/logga-in", ["email": Self.email, "password": Fixtures.password])
            #expect(try await browser.get("/personal/logga-in/aktivera").body.string.contains("Turn on two-step verification"))
        }
    }
}
