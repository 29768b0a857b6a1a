import Testing
@testable import PortierSearch

@Suite("Compound words")
struct CompoundTests {
    let words: Set<String> = ["domän", "förnyelse", "lösenord", "byte", "faktura", "period", "epost", "adress"]

    func split(_ word: String) -> [String]? {
        CompoundSplitter.parts(of: word, isLeadingPart: words.contains, isFinalPart: words.contains)
    }

    @Test func splitsIntoKnownWords() {
        #expect(split("domänförnyelse") == ["domän", "förnyelse"])
        #expect(split("fakturaperiod") == ["faktura", "period"])
        #expect(split("epostadressbyte") == ["epost", "adress", "byte"])
    }

    @Test func splitsWithTheLinkingS() {
        #expect(split("lösenordsbyte") == ["lösenord", "byte"])
        #expect(split("lösenordbyte") == ["lösenord", "byte"])
    }

    @Test func leavesUnknownWordsAndFragmentsAlone() {
        #expect(split("domänxyz") == nil)
        #expect(split("lösenord") == nil)
        #expect(split("ab") == nil)
    }

    @Test func searchesACompoundAsItsParts() {
        let index = SearchIndex(documents: [
            guide("domains", title: "Se dina domäner", body: "Här ser du när domänen ska förnyas och förnyelse sker."),
            guide("invoices", title: "Fakturor", body: "En faktura gäller en period."),
        ])
        #expect(ids(index.search("domänförnyelse", language: .swedish)).first == "domains")
        #expect(ids(index.search("fakturaperiod", language: .swedish)).first == "invoices")
    }

    @Test func searchesACompoundWithTheLinkingSAsItsParts() {
        let index = SearchIndex(documents: [
            guide("password", title: "Byt lösenord", body: "Efter bytet loggas du ut."),
            guide("invoice", title: "Faktura", body: "Byte av adress."),
        ])
        #expect(ids(index.search("lösenordsbyte", language: .swedish)).first == "password")
    }

    @Test func findsGuidesByThePartsOfTheirCompounds() {
        let index = SearchIndex(documents: [
            guide("change", title: "Byt e-post", body: "Fyll i den nya e-postadressen."),
            guide("details", title: "Kontaktuppgifter", body: "Ändra din adress och ditt namn."),
            guide("other", title: "Kontakta oss", body: "Ring oss eller skicka e-post."),
        ])
        // "adress" itself ranks first; the compound that contains it is found too.
        #expect(ids(index.search("adress", language: .swedish)) == ["details", "change"])
    }
}
