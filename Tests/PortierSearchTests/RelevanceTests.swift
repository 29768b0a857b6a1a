import Foundation
import Testing
@testable import PortierSearch

/// The relevance sets of `tests/search/` against the real guides and synonyms: fails when fewer
/// than 90 % of the queries find an acceptable guide among the first three.
@Suite("Relevance of the real guides")
struct RelevanceTests {
    static let minimumTopThree = 0.9

    @Test(arguments: SearchLanguage.allCases)
    func findsWhatCustomersLookFor(_ language: SearchLanguage) throws {
        let root = try #require(repositoryRoot(), "Resources/Guides not found above the test; set PORTIER_ROOT")
        let documents = try GuideFiles.documents(in: root.appendingPathComponent("Resources/Guides"))
        var synonyms: [SearchLanguage: SynonymList] = [:]
        for language in SearchLanguage.allCases {
            synonyms[language] = try SynonymList(contentsOf: root.appendingPathComponent("Resources/Search/synonyms.\(language.rawValue)"))
        }
        let index = SearchIndex(documents: documents, synonyms: synonyms)
        let set = try RelevanceSet(contentsOf: root.appendingPathComponent("tests/search/relevance.\(language.rawValue).tsv"))

        let minimumCases = language == .swedish ? 60 : 20
        #expect(set.cases.count >= minimumCases)
        let slugs = Set(documents.filter { $0.language == language }.map(\.id))
        for testCase in set.cases {
            #expect(testCase.expected.allSatisfy(slugs.contains), "unknown slug in \"\(testCase.query)\"")
        }

        let report = set.evaluate(with: index, language: language)
        print(report.summary)
        report.missDescriptions.forEach { print($0) }
        #expect(report.topThree >= Self.minimumTopThree, "\(report.summary)")
    }

    @Test func containsTheIssuesExamplesInTheTopThree() throws {
        let root = try #require(repositoryRoot())
        let documents = try GuideFiles.documents(in: root.appendingPathComponent("Resources/Guides"))
        let synonyms = try SynonymList(contentsOf: root.appendingPathComponent("Resources/Search/synonyms.sv"))
        let index = SearchIndex(documents: documents, synonyms: [.swedish: synonyms])
        let set = try RelevanceSet(contentsOf: root.appendingPathComponent("tests/search/relevance.sv.tsv"))
        let examples = [
            "lösenorded", "kundavdelningnen", "e-postadressbyte", "domänförnyelse", "hur betalar jag",
            "logga in webbmail", "kontaktuppgiftrer", "epostpaket", "glömt lösenordet till mejlen",
        ]
        for example in examples {
            let testCase = try #require(set.cases.first { $0.query == example }, "\"\(example)\" is missing from the set")
            let found = index.search(example, language: .swedish, limit: 3).map(\.id)
            #expect(found.contains(where: testCase.expected.contains), "\"\(example)\": \(found)")
        }
    }
}
