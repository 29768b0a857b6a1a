import Foundation
import Vapor
@testable import Portier

/// Writes a small guide library into a temporary folder for import tests.
struct GuideFolder {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("guides-\(UUID().uuidString)").path + "/"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func category(_ slug: String, title: String, order: Int = 1, language: String = "sv") throws {
        try write("\(language)/\(slug)/_category.md", "---\ntitle: \(title)\norder: \(order)\ndescription: Om \(title.lowercased())\n---\n")
    }

    func guide(_ slug: String, in category: String, title: String, body: String, order: Int = 1, related: String = "", keywords: String = "", language: String = "sv", translation: String? = nil) throws {
        var front = "---\ntitle: \(title)\nslug: \(slug)\norder: \(order)\nrelated: \(related)\nkeywords: \(keywords)\nupdated: 2026-11-26\n"
        if let translation { front += "translation: \(translation)\n" }
        try write("\(language)/\(category)/\(slug).md", front + "---\n" + body)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let path = root + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A realistic little library: login, password, invoices and domains.
    static func sample() throws -> GuideFolder {
        let folder = try GuideFolder()
        try folder.category("inloggning-och-kontaktuppgifter", title: "Inloggning & kontaktuppgifter")
        try folder.category("domaner", title: "Domäner", order: 3)
        try folder.guide("hur-loggar-jag-in-pa-kundavdelningen", in: "inloggning-och-kontaktuppgifter", title: "Hur loggar jag in på Kundavdelningen?",
                         body: "Via kundavdelningen kan du komma åt dina tjänster.\n\n1. Klicka på **Logga in** högst upp till höger.\n2. Välj **Kundavdelning**.\n3. Logga in med din e-postadress och ditt lösenord.\n",
                         related: "glomt-losenord", keywords: "logga in, inloggning, konto")
        try folder.guide("glomt-losenord", in: "inloggning-och-kontaktuppgifter", title: "Jag har glömt mitt lösenord", body: "Klicka på **Glömt ditt lösenord?** under knappen. Lösenordet återställs via mail.\n", order: 2, keywords: "lösenord, återställa")
        try folder.guide("byt-e-postadress", in: "inloggning-och-kontaktuppgifter", title: "Byt e-postadress", body: "Under Kontaktuppgifter byter du e-postadressen.\n", order: 3, keywords: "e-post, konto")
        try folder.guide("se-dina-domaner", in: "domaner", title: "Se dina domäner", body: "Alla domäner på ditt konto visas under Tjänster, med förnyelsedatum för varje domän.\n", keywords: "domän, förnyelse, konto")
        return folder
    }
}

extension TestContext {
    @discardableResult
    func importGuides(_ folder: GuideFolder) async throws -> GuideImporter.Report {
        try await Portier.importGuides(app, from: folder.root)
    }
}
