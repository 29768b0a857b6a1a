import Foundation
import NIOHTTP1
import Vapor
import VaporTesting
@testable import Portier

/// A `Resources` folder of its own for tests that write guide images: the repository's views,
/// catalogs and security files (linked), and a `Guides` folder with a small library, so an
/// upload lands in a temporary folder and `/hjalp/media` serves it from there.
struct StaffDeskResources {
    let resourcesDirectory: String
    let guides: GuideFolder

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("staffdesk-\(UUID().uuidString)").path + "/"
        resourcesDirectory = base + "Resources/"
        let repository = DirectoryConfiguration.detect().resourcesDirectory
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: resourcesDirectory, withIntermediateDirectories: true)
        for folder in ["Views", "Localization", "Security", "Search"] {
            try fileManager.createSymbolicLink(atPath: resourcesDirectory + folder, withDestinationPath: repository + folder)
        }
        let publicFolder = URL(fileURLWithPath: repository).deletingLastPathComponent().appendingPathComponent("Public").path
        try fileManager.createSymbolicLink(atPath: base + "Public", withDestinationPath: publicFolder)
        guides = GuideFolder(root: resourcesDirectory + "Guides/")
        try guides.category("inloggning-och-kontaktuppgifter", title: "Inloggning & kontaktuppgifter")
        try guides.category("domaner", title: "Domäner", order: 3)
        try guides.category("login", title: "Login", language: "en")
        try guides.guide("glomt-losenord", in: "inloggning-och-kontaktuppgifter", title: "Jag har glömt mitt lösenord",
                         body: "Klicka på **Glömt ditt lösenord?** under knappen.\n", order: 2, keywords: "lösenord, återställa", translation: "forgot-your-password")
        try guides.guide("byt-e-postadress", in: "inloggning-och-kontaktuppgifter", title: "Byt e-postadress", body: "Under Kontaktuppgifter byter du e-postadressen.\n", order: 3)
        try guides.guide("se-dina-domaner", in: "domaner", title: "Se dina domäner", body: "Alla domäner visas under Tjänster.\n")
        try guides.guide("forgot-your-password", in: "login", title: "Forgot your password", body: "Click **Forgot your password?**.\n", language: "en", translation: "glomt-losenord")
    }

    /// A 1×1 PNG.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
        0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

extension GuideFolder {
    init(root: String) {
        self.root = root
    }
}

extension TestBrowser {
    /// Posts one file as `multipart/form-data` (field `field`), with this browser's cookies and CSRF token.
    func upload(_ path: String, field: String, filename: String, contentType: String, bytes: [UInt8]) async throws -> TestingHTTPResponse {
        let boundary = "----PortierTestBoundary" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\(csrfToken ?? "")\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.add(name: .userAgent, value: userAgent)
        headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        headers.add(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        headers.add(name: "Sec-Fetch-Site", value: "same-origin")
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: body)
    }
}

/// An editor ("Eva Editor") logged in to `/personal` in a browser, on an app with its own
/// `Resources` folder (`StaffDeskResources`) whose little guide library is imported.
func withGuideEditor(_ body: (TestContext, StaffDeskResources, StaffMember, TestBrowser) async throws -> Void) async throws {
    let resources = try StaffDeskResources()
    try await withPortierApp({ $0.resourcesDirectory = resources.resourcesDirectory }) { context in
        try await importGuides(context.app)
        let editor = try await Fixtures.staffMember(context.app, role: .editor, name: "Eva Editor")
        let browser = TestBrowser(app: context.app)
        try await browser.logInAsStaff(editor, now: context.clock.now())
        try await body(context, resources, editor, browser)
    }
}
