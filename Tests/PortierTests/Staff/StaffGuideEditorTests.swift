import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Staff area: the guide editor (preview, draft, publish, unpublish, versions, images, the importer)")
struct StaffGuideEditorTests {
    static let guidePath = "/hjalp/inloggning-och-kontaktuppgifter/glomt-losenord"

    /// An editor's browser on an app with its own `Resources` folder and the little library imported.
    private static func withEditor(_ body: (TestContext, StaffDeskResources, StaffMember, TestBrowser, Guide) async throws -> Void) async throws {
        try await withGuideEditor { context, resources, editor, browser in
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "glomt-losenord").first())
            try await body(context, resources, editor, browser, guide)
        }
    }

    static func form(_ overrides: [String: String] = [:]) -> [String: String] {
        var fields = [
            "title": "Jag har glömt mitt lösenord", "slug": "glomt-losenord", "category": "inloggning-och-kontaktuppgifter",
            "order": "2", "keywords": "lösenord, återställa", "related": "byt-e-postadress", "translation": "forgot-your-password",
            "markdown": "Klicka på **Glömt ditt lösenord?**.\n\n1. Skriv din e-postadress.\n2. Öppna länken i mejlet.\n",
        ]
        for (key, value) in overrides { fields[key] = value }
        return fields
    }

    @Test("The list shows every guide with its state; the editor holds the guide's fields")
    func listAndEditor() async throws {
        try await Self.withEditor { context, _, _, browser, guide in
            let list = try await browser.get(SitePath.staffGuides.path)
            #expect(list.status == .ok)
            for title in ["Jag har glömt mitt lösenord", "Byt e-postadress", "Se dina domäner", "Forgot your password"] {
                #expect(list.body.string.contains(title), "\(title)")
            }
            #expect(list.body.string.contains(SiteURL.staffGuide(.value(try guide.requireID())).path))

            let editor = try await browser.get(SiteURL.staffGuide(.value(try guide.requireID())).path).body.string
            #expect(editor.contains(#"value="glomt-losenord""#))
            #expect(editor.contains(#"<option value="inloggning-och-kontaktuppgifter" selected>"#))
            #expect(editor.contains(#"value="forgot-your-password""#))
            #expect(editor.contains("Klicka på **Glömt ditt lösenord?** under knappen."))
            #expect(!editor.contains("Domäner\" selected"))
        }
    }

    @Test("Preview renders with the public renderer and saves nothing; a draft leaves the public page; publishing shows at once")
    func previewDraftPublish() async throws {
        try await Self.withEditor { context, _, editor, browser, guide in
            let id = try guide.requireID()
            let visitor = TestBrowser(app: context.app)
            #expect(try await visitor.get(Self.guidePath).body.string.contains("under knappen"))
            try await browser.get(SiteURL.staffGuide(.value(id)).path)

            let preview = try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "preview", "markdown": "Ny text med **fetstil** och ett ovanligtord.\n"]))
            #expect(preview.status == .ok)
            #expect(preview.body.string.contains("<strong>fetstil</strong>"))
            #expect(try await GuideVersion.query(on: context.app.db).count() == 0)

            let draft = try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "draft", "title": "Utkastets rubrik", "markdown": "Utkast med ovanligtord.\n"]))
            #expect(draft.status == .seeOther)
            #expect(draft.headers.first(name: .location) == SiteURL.staffGuide(.value(id)).path + "?notice=draft-saved")
            let first = try #require(try await GuideVersion.latest(of: id, on: context.app.db))
            #expect(first.number == 1 && first.state == .draft && first.staffID == editor.id && first.authorName == "Eva Editor")
            let publicAfterDraft = try await visitor.get(Self.guidePath).body.string
            #expect(publicAfterDraft.contains("under knappen"))
            #expect(!publicAfterDraft.contains("Utkastets rubrik"))
            let editorPage = try await browser.get(SiteURL.staffGuide(.value(id)).path).body.string
            #expect(editorPage.contains(#"value="Utkastets rubrik""#), "the editor continues from the draft")
            #expect(editorPage.contains("Opublicerat utkast"))

            let published = try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "publish", "title": "Glömt lösenordet? Så gör du", "markdown": "Helt ny text om ovanligtord.\n"]))
            #expect(published.status == .seeOther)
            let page = try await visitor.get(Self.guidePath)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Glömt lösenordet? Så gör du"))
            #expect(page.body.string.contains("Helt ny text om ovanligtord."))
            let search = try await visitor.get(SitePath.helpSearch(query: "ovanligtord")).body.string
            #expect(search.contains("Glömt lösenordet? Så gör du"))
            let reloaded = try #require(try await Guide.find(id, on: context.app.db))
            #expect(reloaded.editedAt == context.clock.now())
            #expect(reloaded.editedByStaffID == editor.id)
            #expect(reloaded.updatedOn == CalendarDay(containing: context.clock.now()).iso)
            #expect(try await GuideVersion.history(of: id, on: context.app.db).map(\.state) == [.published, .draft])
            let kinds = try await AuditEvent.query(on: context.app.db).filter(\.$staffID == editor.id).all().map(\.kind)
            #expect(kinds.contains("guide.draft_saved") && kinds.contains("guide.published"))
        }
    }

    @Test("Bad input is refused with a message per field and nothing is saved", arguments: [
        ("slug", "Inte En Slug", "Använd små bokstäver a–z"),
        ("slug", "byt-e-postadress", "En annan guide på samma språk har redan den adressen."),
        ("title", "  ", "Skriv en rubrik."),
        ("category", "finns-inte", "Välj en kategori i listan."),
        ("order", "först", "Skriv ett heltal från 0 till 10000."),
        ("related", "finns-inte", "Det finns ingen annan guide med adressen finns-inte"),
        ("translation", "finns-inte", "Det finns ingen guide med adressen finns-inte på det andra språket."),
        ("markdown", "Text\n\n<script>alert(1)</script>\n", "raw HTML is not allowed"),
        ("markdown", "[Klicka](javascript:alert(1))\n", "is not allowed (http, https, mailto"),
        ("markdown", "![Bild](images/saknas.png)\n", "the image images/saknas.png does not exist"),
        ("markdown", " \n", "Skriv guidens innehåll."),
    ])
    func validation(field: String, value: String, message: String) async throws {
        try await Self.withEditor { context, _, _, browser, guide in
            let id = try guide.requireID()
            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            let response = try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "publish", field: value]))

            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains(message), "\(field)")
            #expect(response.body.string.contains(#"id="\#(field)-error""#))
            #expect(try await GuideVersion.query(on: context.app.db).count() == 0)
            #expect(try await Guide.find(id, on: context.app.db)?.editedAt == nil)
        }
    }

    @Test("Unpublishing takes the guide off its page, its category and search; publishing brings it back")
    func unpublish() async throws {
        try await Self.withEditor { context, _, _, browser, guide in
            let id = try guide.requireID()
            let visitor = TestBrowser(app: context.app)
            try await visitor.get(Self.guidePath)
            try await browser.get(SiteURL.staffGuide(.value(id)).path)

            #expect(try await browser.post(SiteURL.staffGuide(.value(id), .unpublish).path, [:]).status == .seeOther)

            #expect(try await visitor.get(Self.guidePath).status == .notFound)
            #expect(!(try await visitor.get("/hjalp/inloggning-och-kontaktuppgifter").body.string.contains("Jag har glömt mitt lösenord")))
            #expect(!(try await visitor.get(SitePath.helpSearch(query: "glömt lösenord")).body.string.contains(Self.guidePath)))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "guide.unpublished").count() == 1)

            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            #expect(try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "publish"])).status == .seeOther)
            #expect(try await visitor.get(Self.guidePath).status == .ok)
        }
    }

    @Test("Every save is a version; restoring an old one saves it as a new draft, the public page unchanged")
    func restore() async throws {
        try await Self.withEditor { context, _, _, browser, guide in
            let id = try guide.requireID()
            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "publish", "markdown": "Första versionen.\n"]))
            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "publish", "markdown": "Andra versionen.\n"]))
            let page = try await browser.get(SiteURL.staffGuide(.value(id)).path).body.string
            #expect(page.contains(SiteURL.staffGuideRestore(.value(id), version: .value(1)).path))

            let restored = try await browser.post(SiteURL.staffGuideRestore(.value(id), version: .value(1)).path, [:])

            #expect(restored.status == .seeOther)
            let latest = try #require(try await GuideVersion.latest(of: id, on: context.app.db))
            #expect(latest.number == 3 && latest.state == .draft && latest.restoredFrom == 1)
            #expect(latest.bodyMarkdown == "Första versionen.\n")
            #expect(try await TestBrowser(app: context.app).get(Self.guidePath).body.string.contains("Andra versionen."))
            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            #expect(try await browser.post(SiteURL.staffGuideRestore(.value(id), version: .value(99)).path, [:]).status == .notFound)
        }
    }

    @Test("The importer keeps a guide edited in the browser, also under a new slug, unless --force")
    func importerKeepsBrowserEdits() async throws {
        try await Self.withEditor { context, resources, _, browser, guide in
            let id = try guide.requireID()
            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "publish", "slug": "aterstall-losenord", "markdown": "Från webbläsaren.\n"]))
            #expect(try await TestBrowser(app: context.app).get(Self.guidePath).status == .notFound)
            #expect(try await TestBrowser(app: context.app).get("/hjalp/inloggning-och-kontaktuppgifter/aterstall-losenord").status == .ok)

            let report = try await importGuides(context.app)

            #expect(report.kept == ["sv/inloggning-och-kontaktuppgifter/glomt-losenord.md"])
            #expect(report.added.isEmpty && report.removed.isEmpty)
            #expect(report.description.contains("1 kept (edited in the browser; --force overwrites them)"))
            #expect(try await Guide.find(id, on: context.app.db)?.bodyMarkdown == "Från webbläsaren.\n")
            #expect(try await Guide.query(on: context.app.db).filter(\.$language == "sv").count() == 3)

            let forced = try await importGuides(context.app, force: true)

            #expect(forced.kept.isEmpty)
            let fromFile = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "glomt-losenord").first())
            #expect(fromFile.bodyMarkdown.contains("under knappen"))
            #expect(fromFile.editedAt == nil)
            #expect(try await TestBrowser(app: context.app).get(Self.guidePath).status == .ok)
            _ = resources
        }
    }

    @Test("An image is uploaded into the category's images folder, served by /hjalp/media and usable in the guide")
    func imageUpload() async throws {
        try await Self.withEditor { context, resources, _, browser, guide in
            let id = try guide.requireID()
            try await browser.get(SiteURL.staffGuide(.value(id)).path)

            let response = try await browser.upload(SiteURL.staffGuide(.value(id), .images).path, field: "image", filename: "Skärmbild 1 (ny).PNG", contentType: "image/png", bytes: StaffDeskResources.png)

            #expect(response.status == .ok)
            #expect(response.body.string.contains("![vad bilden visar](images/skarmbild-1-ny.png)"))
            let stored = resources.guides.root + "sv/inloggning-och-kontaktuppgifter/images/skarmbild-1-ny.png"
            #expect(FileManager.default.contents(atPath: stored).map(Array.init) == StaffDeskResources.png)
            let media = try await TestBrowser(app: context.app).get("/hjalp/media/sv/inloggning-och-kontaktuppgifter/images/skarmbild-1-ny.png")
            #expect(media.status == .ok)

            let again = try await browser.upload(SiteURL.staffGuide(.value(id), .images).path, field: "image", filename: "skarmbild-1-ny.png", contentType: "image/png", bytes: StaffDeskResources.png)
            #expect(again.body.string.contains("images/skarmbild-1-ny-2.png"), "never overwrites")

            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            let published = try await browser.post(SiteURL.staffGuide(.value(id)).path, Self.form(["action": "publish", "markdown": "Så här:\n\n![Formuläret](images/skarmbild-1-ny.png)\n"]))
            #expect(published.status == .seeOther)
            #expect(try await TestBrowser(app: context.app).get(Self.guidePath).body.string.contains(#"src="/hjalp/media/sv/inloggning-och-kontaktuppgifter/images/skarmbild-1-ny.png""#))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "guide.image_uploaded").count() == 2)
        }
    }

    @Test("Uploads that are not PNG, JPEG or WebP, or too large, are refused and nothing is stored")
    func imageRefused() async throws {
        try await Self.withEditor { context, resources, _, browser, guide in
            let id = try guide.requireID()
            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            let svg = Array(#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.utf8)

            let wrongType = try await browser.upload(SiteURL.staffGuide(.value(id), .images).path, field: "image", filename: "bild.png", contentType: "image/png", bytes: svg)
            #expect(wrongType.status == .unprocessableEntity)
            #expect(wrongType.body.string.contains("Bara PNG-, JPEG- och WebP-bilder går att ladda upp."))

            try await browser.get(SiteURL.staffGuide(.value(id)).path)
            let large = StaffDeskResources.png + Array(repeating: 0, count: GuideImageUpload.maximumBytes)
            let tooLarge = try await browser.upload(SiteURL.staffGuide(.value(id), .images).path, field: "image", filename: "stor.png", contentType: "image/png", bytes: large)
            #expect(tooLarge.status == .unprocessableEntity)
            #expect(tooLarge.body.string.contains("Bilden är för stor. Högst 1000 kB."))

            let folder = resources.guides.root + "sv/inloggning-och-kontaktuppgifter/images/"
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).isEmpty)
        }
    }

    @Test("A guide published on another instance reaches this one's search index through the fingerprint check")
    func otherInstance() async throws {
        try await Self.withEditor { context, _, editor, _, guide in
            try await context.app.guideSearchEngine.rebuild(on: context.app.db)
            // Another instance shares the database but not this process's caches: publish without reloading here.
            let otherInstance = GuideEditor(database: context.app.db, clock: context.clock, libraryRoot: GuideImporter.defaultRoot(context.app))
            var content = try await otherInstance.currentContent(of: guide).content
            content.title = "Rubrik från en annan instans"
            try await otherInstance.publish(content, of: guide, by: editor)

            #expect(try await context.app.guideSearchEngine.refreshIfChanged(on: context.app.db))
            let search = try await TestBrowser(app: context.app).get(SitePath.helpSearch(query: "rubrik från en annan instans")).body.string
            #expect(search.contains("Rubrik från en annan instans"))

            try await otherInstance.unpublish(guide, by: editor)
            #expect(try await context.app.guideSearchEngine.refreshIfChanged(on: context.app.db))
        }
    }

    @Test("Upload names and types come from the bytes, never from the name")
    func uploadUnits() {
        #expect(GuideImageUpload.kind(of: StaffDeskResources.png) == .png)
        #expect(GuideImageUpload.kind(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(GuideImageUpload.kind(of: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(GuideImageUpload.kind(of: Array("GIF89a".utf8)) == nil)
        #expect(GuideImageUpload.baseName(from: "../../etc/passwd") == "etc-passwd")
        #expect(GuideImageUpload.baseName(from: "Åäö ÖVERSIKT.jpeg") == "aao-oversikt")
        #expect(GuideImageUpload.baseName(from: "!!!.png") == "bild")
        #expect(GuideEditor.isAllowedLink("https://example.se"))
        #expect(GuideEditor.isAllowedLink("/hjalp/support"))
        #expect(GuideEditor.isAllowedLink("byt-losenord"))
        #expect(!GuideEditor.isAllowedLink("JavaScript:alert(1)"))
        #expect(!GuideEditor.isAllowedLink("data:text/html,x"))
    }
}
