import Testing
@testable import PortierSearch

@Suite("Synonyms and spelling variants")
struct SynonymTests {
    let synonyms = SynonymList(parsing: """
        # e-post och dess varianter
        e-post, epost, mail, mejl, e-mail

        räkning, faktura
        lösen, lösenord
        kundsida, mina sidor
        ensam
        """)

    @Test func parsesGroupsSkippingCommentsAndOneWordLines() {
        #expect(synonyms.groups.count == 4)
        #expect(synonyms.groups[0] == ["e-post", "epost", "mail", "mejl", "e-mail"])
        #expect(SynonymList(parsing: " , ,\n#\n\n").groups.isEmpty)
    }

    var index: SearchIndex {
        SearchIndex(documents: [
            guide("webmail", title: "Logga in i Webmail", body: "Läs din e-post i webbläsaren."),
            guide("invoice", title: "Hitta dina fakturor"),
            guide("password", title: "Byt lösenord"),
            guide("account", title: "Kundsidan", body: "Allt om ditt konto."),
        ], synonyms: [.swedish: synonyms])
    }

    @Test func findsColloquialWords() {
        #expect(ids(index.search("mejlen", language: .swedish)) == ["webmail"])
        #expect(ids(index.search("räkningen", language: .swedish)) == ["invoice"])
        #expect(ids(index.search("lösen", language: .swedish)) == ["password"])
    }

    @Test func treatsHyphenAndSpaceVariantsAlike() {
        #expect(ids(index.search("epost", language: .swedish)) == ["webmail"])
        #expect(ids(index.search("e post", language: .swedish)) == ["webmail"])
        #expect(ids(index.search("E-POST", language: .swedish)) == ["webmail"])
        #expect(ids(index.search("mina sidor", language: .swedish)) == ["account"])
    }

    @Test func findsDiacriticFreeSpellings() {
        #expect(ids(index.search("losenord", language: .swedish)) == ["password"])
        #expect(ids(index.search("rakning", language: .swedish)) == ["invoice"])
    }

    @Test func ranksTheWordAsTypedAboveItsSynonym() {
        let index = SearchIndex(documents: [
            guide("synonym", title: "Faktura"),
            guide("typed", title: "Räkning"),
        ], synonyms: [.swedish: synonyms])
        #expect(ids(index.search("räkning", language: .swedish)) == ["typed", "synonym"])
    }
}
