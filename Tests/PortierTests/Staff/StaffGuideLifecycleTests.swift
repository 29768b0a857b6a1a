import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Staff area: a new guide and deleting a guide in the browser (and the importer leaving it deleted)")
struct StaffGuideLifecycleTests {
    static let byteEmail = "/hjalp/inloggning-och-kontaktuppgifter/byt-e-postadress"

    private static func withEditor(_ body: (TestContext, StaffMember, TestBrowser) async throws -> Void) async throws {
        try await withGuideEditor { context, _, editor, browser in try await body(context, editor, browser) }
    }

    private static func newGuide(_ overrides: [String: String] = [:]) -> [String: String] {
        var fields = ["title": "Byt lösenord", "slug": "byt-losenord", "language": "sv", "category": "sv/inloggning-och-kontaktuppgifter"]
        for (key, value) in overrides { fields[key] = value }
        return fields
    }

    private func events(_ context: TestContext, _ kind: AuditEvent.Kind) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: context.app.db).filter(\.$kind == kind.rawValue).all()
    }

    @Test("Ny guide: created unpublished, opens in the editor, audited; publishing shows it on the public site")
    func createAndPublish() async throws {
        try await Self.withEditor { context, editor, browser in
            let list = try await browser.get(SitePath.staffGuides.path).body.string
            #expect(list.contains(#"href="\#(SitePath.staffNewGuide.path)""#))
            let page = try await browser.get(SitePath.staffNewGuide.path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains(#"<option value="sv/inloggning-och-kontaktuppgifter">"#))
            #expect(page.body.string.contains(#"<option value="en/login">"#))

            let created = try await browser.post(SitePath.staffNewGuide.path, Self.newGuide())
            #expect(created.status == .seeOther)
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "byt-losenord").first())
            let id = try guide.requireID()
            #expect(created.headers.first(name: .location) == SiteURL.staffGuide(.value(id)).path + "?notice=created")
            #expect(guide.isPublished == false)
            #expect(guide.language == "sv")
            #expect(guide.editedByStaffID == editor.id)
            #expect(guide.editedAt != nil)
            let audited = try #require(try await events(context, .guideCreated).first)
            #expect(audited.staffID == editor.id)
            #expect(audited.details?.contains("sv/byt-losenord") == true)

            let editorPage = try await browser.get(SiteURL.staffGuide(.value(id)).path + "?notice=created").body.string
            #expect(editorPage.contains("Guiden är skapad."))
            #expect(editorPage.contains(#"value="byt-losenord""#))
            #expect(editorPage.contains(SiteURL.staffGuide(.value(id), .delete).path))
            let publicPath = "/hjalp/inloggning-och-kontaktuppgifter/byt-losenord"
            #expect(try await TestBrowser(app: context.app).get(publicPath).status == .notFound)

            let published = try await browser.post(SiteURL.staffGuide(.value(id)).path, StaffGuideEditorTests.form([
                "action": "publish", "title": "Byt lösenord", "slug": "byt-losenord", "related": "", "translation": "",
                "markdown": "Gå till **Kontaktuppgifter** och välj *Byt lösenord*.\n",
            ]))
            #expect(published.status == .seeOther)
            let visitorPage = try await TestBrowser(app: context.app).get(publicPath)
            #expect(visitorPage.status == .ok)
            #expect(visitorPage.body.string.contains("välj <em>Byt lösenord</em>"))
        }
    }

    @Test("Ny guide refuses a bad or taken address, a category of the other language, and a missing title — each said")
    func createRefused() async throws {
        try await Self.withEditor { context, _, browser in
            let cases: [([String: String], String)] = [
                (["slug": "Byt Lösenord"], "Använd små bokstäver a–z, siffror och enkla bindestreck."),
                (["slug": "glomt-losenord"], "En annan guide på samma språk har redan den adressen."),
                (["category": "en/login"], "Välj en kategori på guidens språk."),
                (["category": "sv/finns-inte"], "Välj en kategori i listan."),
                (["title": "  "], "Skriv en rubrik."),
                (["language": "de"], "Välj svenska eller engelska."),
            ]
            for (overrides, message) in cases {
                try await browser.get(SitePath.staffNewGuide.path)
                let refused = try await browser.post(SitePath.staffNewGuide.path, Self.newGuide(overrides))
                #expect(refused.status == .unprocessableEntity, "\(overrides)")
                #expect(refused.body.string.contains(message), "\(overrides)")
                #expect(refused.body.string.contains("Guiden är inte skapad."))
            }
            // The same address in the other language is another guide.
            try await browser.get(SitePath.staffNewGuide.path)
            let english = try await browser.post(SitePath.staffNewGuide.path, Self.newGuide(["slug": "glomt-losenord", "language": "en", "category": "en/login", "title": "Forgotten"]))
            #expect(english.status == .seeOther)
            #expect(try await Guide.query(on: context.app.db).filter(\.$slug == "glomt-losenord").count() == 2)
            #expect(try await events(context, .guideCreated).count == 1)
        }
    }

    @Test("A published guide is not deleted: the page says to unpublish first")
    func publishedRefused() async throws {
        try await Self.withEditor { context, _, browser in
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "byt-e-postadress").first())
            let id = try guide.requireID()
            let confirm = try await browser.get(SiteURL.staffGuide(.value(id), .delete).path)
            #expect(confirm.status == .ok)
            #expect(confirm.body.string.contains("Guiden är publicerad och kan inte tas bort."))
            #expect(!confirm.body.string.contains(#"action="\#(SiteURL.staffGuide(.value(id), .delete).path)""#))
            let refused = try await browser.post(SiteURL.staffGuide(.value(id), .delete).path, [:])
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("Avpublicera den först"))
            #expect(try await Guide.find(id, on: context.app.db) != nil)
            #expect(try await TestBrowser(app: context.app).get(Self.byteEmail).status == .ok)
            #expect(try await events(context, .guideDeleted).isEmpty)
        }
    }

    @Test("Deleting an unpublished guide removes it with its versions and votes, audited; the importer leaves it deleted unless --force")
    func deleteAndImporter() async throws {
        try await Self.withEditor { context, editor, browser in
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "byt-e-postadress").first())
            let id = try guide.requireID()
            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            try await browser.post(SiteURL.staffGuide(.value(id)).path, StaffGuideEditorTests.form([
                "action": "draft", "title": "Byt e-postadress", "slug": "byt-e-postadress", "order": "3", "related": "", "translation": "",
                "markdown": "Ett utkast.\n",
            ]))
            try await GuideVote(guideID: id, voterHash: "x", isHelpful: false, votedAt: context.clock.now()).create(on: context.app.db)
            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            #expect(try await browser.post(SiteURL.staffGuide(.value(id), .unpublish).path, [:]).status == .seeOther)
            #expect(try await TestBrowser(app: context.app).get(Self.byteEmail).status == .notFound)

            let confirm = try await browser.get(SiteURL.staffGuide(.value(id), .delete).path)
            #expect(confirm.status == .ok)
            #expect(confirm.body.string.contains("med sina 1 sparade versioner"))
            #expect(confirm.body.string.contains(#"action="\#(SiteURL.staffGuide(.value(id), .delete).path)""#))
            let deleted = try await browser.post(SiteURL.staffGuide(.value(id), .delete).path, [:])
            #expect(deleted.status == .seeOther)
            #expect(deleted.headers.first(name: .location) == SitePath.staffGuides.path + "?notice=deleted")
            #expect(try await browser.get(SitePath.staffGuides.path + "?notice=deleted").body.string.contains("Guiden är borttagen."))
            #expect(try await Guide.find(id, on: context.app.db) == nil)
            #expect(try await GuideVersion.query(on: context.app.db).filter(\.$guide.$id == id).count() == 0)
            #expect(try await GuideVote.query(on: context.app.db).filter(\.$guide.$id == id).count() == 0)
            #expect(try await browser.get(SiteURL.staffGuide(.value(id)).path).status == .notFound)
            let audited = try #require(try await events(context, .guideDeleted).first)
            #expect(audited.staffID == editor.id)
            #expect(audited.details?.contains("sv/byt-e-postadress") == true)
            #expect(audited.details?.contains("1 versions, 1 votes") == true)
            let tombstone = try #require(try await DeletedGuide.query(on: context.app.db).first())
            #expect(tombstone.sourcePath == "sv/inloggning-och-kontaktuppgifter/byt-e-postadress.md")

            // The file is still there: an import leaves the guide deleted ...
            let report = try await importGuides(context.app)
            #expect(report.leftDeleted == ["sv/inloggning-och-kontaktuppgifter/byt-e-postadress.md"])
            #expect(report.added.isEmpty)
            #expect(report.description.contains("1 left deleted (deleted in the browser; --force imports them again)"))
            #expect(try await Guide.query(on: context.app.db).filter(\.$slug == "byt-e-postadress").count() == 0)
            #expect(try await TestBrowser(app: context.app).get(Self.byteEmail).status == .notFound)

            // ... and --force brings it back from its file, and forgets the deletion.
            let forced = try await importGuides(context.app, force: true)
            #expect(forced.added == ["sv/inloggning-och-kontaktuppgifter/byt-e-postadress.md"])
            #expect(try await DeletedGuide.query(on: context.app.db).count() == 0)
            #expect(try await TestBrowser(app: context.app).get(Self.byteEmail).status == .ok)
        }
    }

    @Test("Support and customers cannot create or delete guides")
    func roles() async throws {
        let resources = try StaffDeskResources()
        try await withPortierApp({ $0.resourcesDirectory = resources.resourcesDirectory }) { context in
            try await importGuides(context.app)
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "byt-e-postadress").first())
            guide.isPublished = false
            try await guide.update(on: context.app.db)
            let support = try await Fixtures.staffMember(context.app, role: .support)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(support, now: context.clock.now())
            #expect(try await browser.get(SitePath.staffNewGuide.path).status == .notFound)
            #expect(try await browser.post(SitePath.staffNewGuide.path, Self.newGuide()).status == .notFound)
            #expect(try await browser.post(SiteURL.staffGuide(.value(try guide.requireID()), .delete).path, [:]).status == .notFound)
            #expect(try await Guide.find(guide.id, on: context.app.db) != nil)
            #expect(try await Guide.query(on: context.app.db).filter(\.$slug == "byt-losenord").count() == 0)
        }
    }
}
