import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Help center: importing guides")
struct GuideImportTests {
    @Test("Import adds, then reports unchanged, updated and removed guides")
    func importReport() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder.sample()

            let first = try await context.importGuides(folder)
            let second = try await context.importGuides(folder)
            try folder.guide("glomt-losenord", in: "inloggning-och-kontaktuppgifter", title: "Jag har glömt mitt lösenord", body: "Ny text.\n", order: 2)
            try FileManager.default.removeItem(atPath: folder.root + "sv/inloggning-och-kontaktuppgifter/byt-e-postadress.md")
            let third = try await context.importGuides(folder)

            #expect(first.added.count == 4)
            #expect(second == GuideImporter.Report(unchanged: 4))
            #expect(third.updated == ["sv/inloggning-och-kontaktuppgifter/glomt-losenord.md"])
            #expect(third.removed == ["sv/inloggning-och-kontaktuppgifter/byt-e-postadress.md"])
            #expect(try await Guide.query(on: context.app.db).count() == 3)
        }
    }

    @Test("Broken guides are rejected with file and line", arguments: [
        ("---\ntitle: X\norder: 1\nupdated: 2026-11-26\n", "the front matter is not closed"),
        ("---\ntitle: X\norder: first\nupdated: 2026-11-26\n---\nText\n", ":3: 'order' must be a whole number"),
        ("---\ntitle: X\norder: 1\nupdated: 26/11/2026\n---\nText\n", ":4: 'updated' must be a date"),
        ("---\norder: 1\nupdated: 2026-11-26\n---\nText\n", "'title:' is required"),
        ("---\ntitle: X\norder: 1\nupdated: 2026-11-26\nrelated: finns-inte\n---\nText\n", ":5: related guide 'finns-inte' does not exist"),
        ("---\ntitle: X\norder: 1\nupdated: 2026-11-26\n---\nText\n\n<script>alert(1)</script>\n", ":8: raw HTML is not allowed"),
        ("---\ntitle: X\norder: 1\nupdated: 2026-11-26\n---\n![](images/x.png)\n", "needs alt text"),
        ("---\ntitle: X\norder: 1\nupdated: 2026-11-26\n---\n![Bild](images/saknas.png)\n", "the image images/saknas.png does not exist"),
    ])
    func rejectsBrokenGuides(text: String, message: String) throws {
        let folder = try GuideFolder()
        try folder.category("kategori", title: "Kategori")
        try folder.write("sv/kategori/trasig.md", text)

        #expect {
            try GuideLibrary.load(from: folder.root)
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("sv/kategori/trasig.md:") && description.contains(message)
        }
    }

    @Test("The bundled guides import cleanly and include the seed article")
    func bundledGuides() async throws {
        try await withPortierApp { context in
            let report = try await importGuides(context.app)

            #expect(report.added.count >= 13)
            let seed = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "hur-loggar-jag-in-pa-kundavdelningen").with(\.$category).first())
            #expect(seed.title == "Hur loggar jag in på Kundavdelningen?")
            #expect(seed.category.title == "Inloggning & kontaktuppgifter")
            let categories = try await HelpCategory.query(on: context.app.db).filter(\.$language == "sv").count()
            #expect(categories >= 4)
            #expect(try await Guide.query(on: context.app.db).filter(\.$language == "en").count() >= 1)
        }
    }
}
