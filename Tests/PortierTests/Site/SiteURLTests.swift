import Foundation
import Testing
import Vapor
@testable import Portier

/// Paths are spelled once, in `Site/SiteURL.swift`: a route registers the same definition a link
/// is made from, and no controller spells a path of its own.
@Suite("Site URLs")
struct SiteURLTests {
    private let id = UUID(uuidString: "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")!

    @Test("A path with values and the route's pattern come from one definition")
    func valuesAndPattern() {
        let reply = SiteURL.ticket(.value(id), .reply)
        #expect(reply.path == "/kundavdelning/support/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/svara")
        #expect(SiteURL.ticket(.key, .reply).pathComponents.string == "kundavdelning/support/:id/svara")
        #expect(SiteURL.staffTicket(.value(42)).path == "/personal/arenden/42")
        #expect(SiteURL.staffGuideRestore(.key, version: .key).pathComponents.string == "personal/guider/:id/versioner/:number/aterstall")
        #expect(SiteURL.guideImage(language: .value("sv"), category: .value("e-post"), file: .value("bild.png")).path == "/hjalp/media/sv/e-post/images/bild.png")
        #expect(SiteURL.staffCustomer(.value(id), .impersonate).path.hasSuffix("/logga-in-som-kunden"))
    }

    @Test("A value cannot add path segments or a query: it is percent-encoded")
    func valuesAreEncoded() {
        #expect(SiteURL.helpCategory(.value("a b/c?d#e")).path == "/hjalp/a%20b%2Fc%3Fd%23e")
        #expect(SiteURL.resetPassword(token: .value("abc-_123")).path == "/aterstall-losenord/abc-_123")
    }

    @Test("Every path with values that a link is made from resolves to a registered route")
    func linksResolve() async throws {
        try await withPortierApp { context in
            let registered = Set(context.app.routes.all.map { route in
                route.path.map { component -> String in
                    if case .parameter = component { return ":" } else { return component.description }
                }.joined(separator: "/")
            })
            func pattern(_ path: String) -> String {
                // The values in the samples below are the only non-constant segments.
                path.dropFirst().split(separator: "/").map { segment in
                    [id.uuidString.lowercased(), "42", "7", "tok", "kat", "guide", "sv", "bild.png"].contains(String(segment)) ? ":" : String(segment)
                }.joined(separator: "/")
            }
            let links: [SiteURL] = [
                .resetPassword(token: .value("tok")), .confirmEmail(token: .value("tok")), .service(.value(id)),
                .invoice(.value(id)), .ticket(.value(id)), .ticket(.value(id), .reply), .ticket(.value(id), .close),
                .endSession(.value(id)), .passkey(.value(id), .rename), .passkey(.value(id), .remove),
                .staffPasskey(.value(id), .rename), .staffPasskey(.value(id), .remove),
                .helpCategory(.value("kat")), .guide(category: .value("kat"), guide: .value("guide")),
                .guideFeedback(category: .value("kat"), guide: .value("guide")),
                .guideImage(language: .value("sv"), category: .value("kat"), file: .value("bild.png")),
                .staffSetPassword(token: .value("tok")), .staffTicket(.value(42)), .staffGuide(.value(id)),
                .staffGuide(.value(id), .unpublish), .staffGuide(.value(id), .images),
                .staffGuideRestore(.value(id), version: .value(7)), .staffCustomer(.value(id)),
            ] + StaffTicketAction.allCases.map { .staffTicket(.value(42), $0) }
              + StaffMemberAction.allCases.map { .staffMember(.value(id), $0) }
              + StaffCustomerAction.allCases.map { .staffCustomer(.value(id), $0) }
            for link in links {
                #expect(registered.contains(pattern(link.path)), "\(link.path) has no route")
            }
            // Fixed paths that only start paths with values (`/aterstall-losenord/<token>`).
            let prefixes: Set<SitePath> = [.home, .resetPassword, .confirmEmail, .helpMedia, .staffSetPassword, .pastChats]
            for page in SitePath.allCases where !prefixes.contains(page) {
                #expect(registered.contains(page.rawValue), "\(page.path) has no route")
            }
        }
    }

    @Test("Templates get every fixed path by its name")
    func templateValues() {
        #expect(SitePath.templateValues.count == SitePath.allCases.count)
        #expect(SitePath.templateValues["staffTickets"] == "/personal/arenden")
        #expect(SitePath.templateValues["home"] == "/")
    }

    @Test("No controller registers a route with a path of its own")
    func noPathLiteralsOutsideSiteURL() throws {
        let sources = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Portier")
        let registration = try Regex(#"\.(get|post|put|patch|delete|grouped|webSocket)\("|\.on\(\.[A-Z]+, "|pathComponents \+ \[|":[a-z]+""#)
        var offenders: [String] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" && file.lastPathComponent != "SiteURL.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(registration) {
                offenders.append("\(file.lastPathComponent):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "path literals outside SiteURL.swift:\n\(offenders.joined(separator: "\n"))")
    }
}
