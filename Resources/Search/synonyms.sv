# Synonymer och stavningsvarianter för hjälpcentrets sökning (svenska).
#
# En grupp per rad, orden åtskilda med kommatecken. Alla ord i en grupp hittar varandra:
# den som söker på "mejl" hittar också guider som skriver "e-post". Ordningen spelar ingen roll.
#
# - Skriv orden i grundform ("faktura", inte "fakturorna"): böjningar hittas ändå.
# - Bindestreck och mellanslag spelar ingen roll för sökningen: "e-post" och "epost" är samma
#   sak. Stavning utan å, ä, ö ("losenord") hittas också utan att stå här.
# - Ett ord kan skrivas med flera ord ("mina sidor"): det hittas när besökaren skriver dem i
#   följd, med eller utan mellanslag.
# - Rader som börjar med # är kommentarer. Tomma rader hoppas över.
# - Ändringar gäller när sökindexet byggs om: vid start, vid guideimport och var tionde minut.

e-post, epost, mail, mejl, e-mail, email
e-postadress, mailadress, mejladress, emailadress
webmail, webbmail, webbmejl, webbpost
faktura, räkning, nota
fakturor, räkningar
lösenord, lösen, password
kundavdelning, kundavdelningen, mina sidor, kundkonto, konto
inloggning, login, inlogg
kundservice, kundtjänst, support, kundsupport
ärende, supportärende, ticket, fall
kontaktuppgifter, kontaktinformation, kontaktinfo, uppgifter
webbhotell, webhotell, hosting, webbhotel, webbserver
hemsida, webbplats, webbsida, sajt, site
domän, domännamn, domain
förnya, förnyelse, förlänga
flytta, flytt, byta leverantör
kontrollpanel, kontrollpanelen, cpanel, controlpanel
avstängd, stängd, spärrad, nere
obetald, ej betald
betala, betalning, betalar
påminnelse, betalningspåminnelse, inkasso
telefon, ringa, telefonnummer
pdf, utskrift, skriva ut
ändra, byta, uppdatera
glömt, glömt bort, tappat bort
