import Foundation
import Testing
import Vapor
@testable import Portier

@Suite("Localization")
struct CatalogTests {
    let catalogs: Catalogs

    init() throws {
        catalogs = try Catalogs.load(from: DirectoryConfiguration.detect().resourcesDirectory + "Localization/")
    }

    @Test("Every key exists in both languages, with text")
    func completeness() throws {
        let swedish = try #require(catalogs.strings[.swedish])
        let english = try #require(catalogs.strings[.english])

        #expect(Set(swedish.keys) == Set(english.keys))
        #expect(swedish.values.allSatisfy { !$0.isEmpty })
        #expect(english.values.allSatisfy { !$0.isEmpty })
    }

    @Test("Placeholders match between the languages")
    func placeholders() throws {
        for (key, swedish) in catalogs.strings[.swedish] ?? [:] {
            let english = catalogs.strings[.english]?[key] ?? ""
            for index in 0..<4 {
                #expect(swedish.contains("{\(index)}") == english.contains("{\(index)}"), "\(key) placeholder {\(index)}")
            }
        }
    }

    @Test("Every key a template uses exists")
    func templatesUseKnownKeys() throws {
        let views = DirectoryConfiguration.detect().viewsDirectory
        let files = FileManager.default.enumerator(atPath: views)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") } ?? []
        #expect(!files.isEmpty)
        let pattern = try Regex(#"#t\("([a-z0-9_.\-]+)""#)
        for file in files {
            let text = try String(contentsOfFile: views + file, encoding: .utf8)
            for match in text.matches(of: pattern) {
                let key = String(match.output[1].substring ?? "")
                #expect(catalogs.strings[.swedish]?[key] != nil, "\(file) uses unknown key \(key)")
            }
        }
    }

    @Test("The seed's Swedish labels are the catalog's")
    func seedLabels() {
        #expect(catalogs.string("nav.login", language: .swedish) == "Logga in")
        #expect(catalogs.string("nav.menu", language: .swedish) == "Meny")
        #expect(catalogs.string("login.target.customer_area", language: .swedish) == "Kundavdelning")
        #expect(catalogs.string("login.forgot", language: .swedish) == "Glömt ditt lösenord?")
    }

    @Test("Accept-Language picks the best supported language", arguments: [
        ("en-GB,en;q=0.9,sv;q=0.8", Language.english),
        ("sv-SE,sv;q=0.9,en;q=0.5", .swedish),
        ("de-DE,en;q=0.3", .english),
        ("de-DE", nil),
        ("en;q=0, sv;q=0.1", .swedish),
    ])
    func acceptLanguage(header: String, expected: Language?) {
        #expect(Language.preferred(byAcceptLanguage: header) == expected)
    }
}
