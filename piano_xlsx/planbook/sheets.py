"""The one declaration of the plan workbook: its sheets, their columns, and how each column maps to the plan.

The writer (`planbook.writer`) and the reader (`planbook.reader`) both follow
this declaration, so a column added here is written by `plan export` and read
by `plan import` alike. Headers and help texts are Italian: the HR office reads
them. Keys are the plan model's (English) names.

Long because it is a declaration: one entry per sheet and column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Markers that keep apart what an empty cell cannot: a text printed blank ("") and an empty list ([]).
EMPTY_TEXT = "(vuoto)"
EMPTY_LIST = "(nessuno)"
YES, NO = "Sì", "No"

DURATION = (("annual", "annuale"), ("multi-year", "pluriennale"))
KIND = (("objective", "obiettivo"), ("behaviour", "comportamento"))
WEIGHTS = (("points", "punti"), ("shares", "quote"))
REDISTRIBUTION = (("section", "sezione"), ("card", "scheda"))
ROUNDING = (("none", "nessuno"), ("round", "matematico"), ("floor", "per difetto"), ("ceil", "per eccesso"))
SCALE_KIND = (("list", "elenco"), ("percent", "percentuale"), ("points", "punti"),
              ("achieved", "raggiunto/non raggiunto"))
RULE_KIND = (("proportional", "proporzionale"), ("thresholds", "soglie"), ("steps", "gradini"))
BETWEEN = (("proportional", "proporzionale"), ("linear", "lineare"))


@dataclass(frozen=True)
class Column:
    """One column of a table sheet (or one row of the key/value sheet «Piano»).

    `key` is the plan key the column fills; keys starting with '@' are the
    workbook's own links between sheets (the card and section a row belongs to).
    `kind` says how a cell becomes a plan value: id, text, int, number, numtext
    (a number or a text, as typed), bool, date, lines (one entry per line), enum
    (Italian labels of `choices`), levels (printed levels, one «LIVELLO punti» per line).
    """

    key: str
    header: str
    kind: str
    width: float
    help: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    source: str | None = None  # dropdown: the name of a list (see LISTS)
    explicit: bool = False  # write the value even when it is the model's default
    aliases: tuple[str, ...] = ()

    def label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    help: str
    required: bool = False
    key_value: bool = False  # «Piano»: one row per key (Chiave, Valore) instead of one row per element
    freeze_cols: int = 0

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _text(key: str, header: str, width: float, help: str, *, required: bool = False,
          aliases: tuple[str, ...] = ()) -> Column:
    return Column(key, header, "text", width, help, required=required, aliases=aliases)


_OBJECTIVE_TEXT = (
    Column("number", "Numero", "numtext", 8, "Numero dell'obiettivo come stampato nel piano (1, 2, 3a…)."),
    _text("title", "Titolo", 40, "Titolo dell'obiettivo."),
    _text("description", "Descrizione", 50, "Descrizione dell'obiettivo (facoltativa). Per andare a capo: Alt+Invio."),
    _text("modes", "Modalità esecutive", 35, "Modalità esecutive (facoltative)."),
    Column("indicators", "Indicatori", "lines", 40,
           f"Un indicatore per riga (Alt+Invio tra l'uno e l'altro); «{EMPTY_LIST}» se il piano dichiara che "
           "non ce ne sono."),
    _text("target", "Valore atteso", 25, f"Valore atteso (target); «{EMPTY_TEXT}» se il piano lo stampa in bianco."),
    _text("deadline", "Termine", 18, "Termine di realizzazione come stampato (es. 31.12.2025, «Termine parziale: …»)."),
    Column("deadline_date", "Data termine", "date", 13, "Il termine come data (gg/mm/aaaa), se ne ha una."),
    Column("duration", "Durata", "enum", 13, "annuale o pluriennale.", choices=DURATION),
)

PIANO = Sheet("Piano", key_value=True, required=True, help="Dati generali del piano: una riga per voce.", columns=(
    Column("plan.id", "Identificativo", "id", 0, "Identificativo stabile del piano, senza spazi (es. comune-x-2025).",
           required=True, aliases=("id",)),
    _text("plan.ente", "Ente", 0, "Nome dell'ente (es. Comune di Esempio).", required=True, aliases=("ente",)),
    _text("plan.title", "Titolo", 0, "Titolo del piano.", required=True, aliases=("title", "titolo del piano")),
    Column("plan.year", "Anno", "int", 0, "Anno valutato, per un piano annuale.", aliases=("year",)),
    _text("plan.period", "Periodo", 0, "Periodo, per un piano triennale (es. 2024-2026).", aliases=("period",)),
    _text("plan.act", "Atto di riferimento", 0, "Atto di approvazione (es. Delibera di Giunta n. 12 del 30/01/2025).",
          aliases=("act", "atto")),
    _text("plan.version", "Versione", 0, "Versione del piano: le cartelle restituite devono corrispondere.",
          aliases=("version",)),
    _text("plan.return_to", "Restituire a", 0,
          "A chi gli uffici restituiscono le cartelle compilate (e-mail, ufficio).",
          aliases=("return_to",)),
    _text("plan.return_by", "Restituire entro", 0, "Data o testo entro cui restituire le cartelle.",
          aliases=("return_by",)),
    Column("default_scale", "Scala predefinita", "id", 0, "Scala usata dalle schede che non ne indicano una.",
           source="scales"),
    Column("default_bands", "Fasce predefinite", "id", 0, "Fasce usate dalle schede che non ne indicano.",
           source="bandsets"),
))

SCALE = Sheet("Scale", required=True, help="Le scale di valutazione: per una scala a elenco una riga per valore "
              "ammesso; per percentuali, punti e raggiunto/non raggiunto una riga sola.", columns=(
    Column("@scale", "Scala", "id", 18, "Identificativo della scala, ripetuto su ogni suo valore.", required=True),
    _text("title", "Titolo", 28, "Titolo della scala (basta sulla prima riga della scala)."),
    Column("kind", "Tipo", "enum", 16, "elenco (valori da un elenco), percentuale di raggiungimento, punti (da 0 al "
           "peso), raggiunto/non raggiunto. Vuoto = elenco. Basta sulla prima riga della scala.", choices=SCALE_KIND),
    Column("value", "Valore", "number", 10, "Solo per le scale a elenco: un valore ammesso (es. 4, 6, 8, 10), in "
           "ordine crescente.", required=True),
    _text("label", "Etichetta", 30, "Significato del valore (facoltativo, es. «Raggiunto»)."),
    Column("min", "Minimo", "number", 9, "Solo per le percentuali: la percentuale minima (vuoto = 0)."),
    Column("max", "Massimo", "number", 9, "Solo per le percentuali: la percentuale massima (vuoto = 100)."),
    Column("decimals", "Decimali", "int", 9, "Per percentuali e punti: quanti decimali si possono inserire "
           "(vuoto = 0)."),
))

REGOLE = Sheet("Regole", help="Le regole che trasformano la valutazione in punti: una riga per regola, o una per "
               "gradino nelle regole a gradini.", columns=(
    Column("@rule", "Regola", "id", 16, "Identificativo della regola, ripetuto su ogni suo gradino.", required=True),
    _text("title", "Titolo", 26, "Nome della regola (facoltativo, basta sulla prima riga)."),
    Column("kind", "Tipo", "enum", 14, "proporzionale, soglie o gradini (basta sulla prima riga).", choices=RULE_KIND,
           required=True),
    Column("zero_below", "Nessun punto sotto", "number", 12, "Soglie: sotto questo valore nessun punto (es. 50)."),
    Column("full_from", "Punti pieni da", "number", 12, "Soglie: da questo valore tutti i punti (es. 90)."),
    Column("between", "Tra le soglie", "enum", 14, "Soglie: punti in proporzione alla valutazione (proporzionale), "
           "oppure da zero alla prima soglia al massimo alla seconda (lineare).", choices=BETWEEN),
    Column("min", "Gradino da", "number", 10, "Gradini: estremo inferiore; vuoto = nessun limite."),
    Column("min_inclusive", "Da incluso", "bool", 11, "Gradini: Sì se il valore uguale all'estremo inferiore è nel "
           "gradino.", explicit=True),
    Column("max", "Gradino a", "number", 10, "Gradini: estremo superiore; vuoto = nessun limite."),
    Column("max_inclusive", "A incluso", "bool", 11, "Gradini: Sì se il valore uguale all'estremo superiore è nel "
           "gradino.", explicit=True),
    Column("share", "Quota dei punti", "number", 12, "Gradini: percentuale dei punti dell'obiettivo (es. 50)."),
    _text("printed", "Testo stampato", 40, "Il gradino come lo stampa il documento di origine (facoltativo)."),
))

LIVELLI = Sheet("Livelli", help="I livelli di complessità e i punti che valgono (es. BASSA 5).", columns=(
    Column("@level", "Livello", "id", 20, "Nome del livello (es. BASSA, MEDIA).", required=True),
    Column("@points", "Punti", "number", 10, "Punti che il livello attribuisce all'obiettivo.", required=True),
))

FASCE = Sheet("Fasce", help="Le fasce di premialità: una riga per fascia, raggruppate per insieme di fasce.", columns=(
    Column("@bandset", "Insieme di fasce", "id", 18, "Identificativo dell'insieme, ripetuto su ogni sua fascia.",
           required=True),
    Column("rounding.mode", "Arrotondamento", "enum", 16,
           "Come arrotondare il punteggio prima di cercare la fascia: nessuno, matematico, per difetto, per "
           "eccesso. Vuoto = non deciso (check lo segnala). Basta sulla prima riga dell'insieme.",
           choices=ROUNDING),
    Column("rounding.decimals", "Decimali", "int", 10, "Decimali dell'arrotondamento (di solito 0)."),
    _text("label", "Fascia", 22, "Nome della fascia (es. «Da 51 a 70»).", required=True),
    Column("min", "Da", "number", 8, "Estremo inferiore; vuoto = nessun limite."),
    Column("min_inclusive", "Da incluso", "bool", 11, "Sì se il punteggio uguale all'estremo inferiore è nella fascia.",
           explicit=True),
    Column("max", "A", "number", 8, "Estremo superiore; vuoto = nessun limite."),
    Column("max_inclusive", "A incluso", "bool", 11, "Sì se il punteggio uguale all'estremo superiore è nella fascia.",
           explicit=True),
    Column("percent", "Percentuale", "number", 12, "Percentuale della base che la fascia paga (es. 6 per 6 %); "
           "vuota in tutte le fasce dell'insieme per fasce di sola classificazione."),
    _text("printed", "Testo stampato", 50, "La fascia come la stampa il documento di origine (facoltativo)."),
    _text("note", "Nota", 40, "Cosa comporta la fascia (facoltativo, es. «accesso alla progressione economica»)."),
    _text("outside.label", "Fuori fascia", 20, "Esito per un punteggio fuori da ogni fascia (es. «Nessuna "
          "fascia»); basta sulla prima riga dell'insieme."),
    Column("outside.percent", "Fuori fascia: percentuale", "number", 14, "Percentuale che paga l'esito fuori "
           "fascia."),
    _text("outside.note", "Fuori fascia: nota", 30, "Cosa comporta l'esito fuori fascia."),
))

SETTORI = Sheet("Settori", help="I settori o aree dell'ente.", columns=(
    Column("id", "Settore", "id", 22, "Identificativo del settore (es. settore-1).", required=True),
    _text("title", "Titolo", 34, "Nome del settore (es. Settore I Amministrativo).", required=True),
    _text("responsabile", "Responsabile", 24, "Responsabile del settore."),
    Column("services", "Servizi", "lines", 40, "I servizi del settore, uno per riga (Alt+Invio)."),
))

VALUTATI = Sheet("Valutati", required=True, help="Le persone (o i ruoli) valutate.", columns=(
    Column("id", "Valutato", "id", 24, "Identificativo del valutato (es. rossi).", required=True),
    _text("name", "Nome", 28, "Nome, o ruolo se il piano non dà il nome (es. Segretario comunale).", required=True),
    _text("role", "Ruolo", 24, "Ruolo (es. Responsabile di Settore)."),
    Column("sector", "Settore", "id", 22, "Settore del valutato (dal foglio Settori).", source="sectors"),
    Column("base", "Base (€)", "number", 12, "Base di calcolo del premio in euro (es. monte salari); il premio è la "
           "percentuale della fascia di questa base.", aliases=("base",)),
))

CONDIVISI = Sheet("Obiettivi condivisi", freeze_cols=1,
                  help="Obiettivi definiti una volta e usati da più schede (es. performance organizzativa).",
                  columns=(Column("id", "Obiettivo condiviso", "id", 18,
                                  "Identificativo dell'obiettivo condiviso (es. trasparenza).", required=True),
                           *_OBJECTIVE_TEXT,
                           Column("sector", "Unità", "id", 18, "Il settore di cui è obiettivo comune: le schede "
                                  "del personale di quel settore lo ricevono.", source="sectors"),
                           Column("weight", "Peso", "number", 8, "Peso dell'obiettivo nella sezione degli "
                                  "obiettivi dell'unità.")))

SCHEDE = Sheet("Schede", required=True, freeze_cols=1, help="Le schede di valutazione: una per valutato.", columns=(
    Column("id", "Scheda", "id", 20, "Identificativo della scheda (es. settore-1).", required=True),
    _text("title", "Titolo", 32, "Titolo della scheda; dà anche il nome del foglio.", required=True),
    Column("evaluatee", "Valutato", "id", 22, "Chi è valutato (dal foglio Valutati).", required=True,
           source="evaluatees"),
    Column("sector", "Settore", "id", 22, "Settore della scheda (dal foglio Settori).", source="sectors"),
    _text("evaluator", "Valutatore", 22, "Chi valuta (es. Sindaco, Nucleo di Valutazione)."),
    _text("sheet", "Nome del foglio", 22, "Nome del foglio nelle cartelle generate, se diverso dal titolo "
          "(massimo 31 caratteri, senza []:*?/\\)."),
    Column("scale", "Scala", "id", 16, "Scala della scheda; vuoto = scala predefinita.", source="scales"),
    Column("bands", "Fasce", "id", 16, "Insieme di fasce della scheda; vuoto = fasce predefinite.", source="bandsets"),
    Column("total", "Totale", "number", 9, "Punteggio massimo dichiarato della scheda (es. 100)."),
    Column("redistribution", "Ridistribuzione", "enum", 15,
           "Dove va il peso di un obiettivo non valutabile: nella sua sezione o nell'intera scheda.",
           choices=REDISTRIBUTION),
    Column("year", "Anno", "int", 8, "Anno a cui si riferisce la scheda, se diverso da quello del piano."),
    Column("rule", "Regola", "id", 14, "Regola di attribuzione dei punti della scheda (dal foglio Regole); vuoto = "
           "proporzionale.", source="rules"),
))

SEZIONI = Sheet("Sezioni", required=True, help="Le sezioni di ogni scheda, nell'ordine in cui appaiono.", columns=(
    Column("@card", "Scheda", "id", 20, "La scheda a cui appartiene la sezione (dal foglio Schede).", required=True,
           source="cards"),
    Column("id", "Sezione", "id", 16, "Identificativo della sezione, unico nella scheda (es. org, ind).",
           required=True),
    _text("title", "Titolo", 36, "Titolo della sezione (es. Obiettivi individuali).", required=True),
    Column("total", "Totale", "number", 9, "Totale dichiarato della sezione (es. 80 punti)."),
    Column("weights", "Pesi", "enum", 10,
           "punti: i pesi sono punti; quote: i pesi sono quote del totale della sezione.",
           choices=WEIGHTS),
    Column("scale", "Scala", "id", 14, "Scala della sezione, se diversa da quella della scheda.", source="scales"),
    Column("rule", "Regola", "id", 14, "Regola della sezione, se diversa da quella della scheda.", source="rules"),
))

OBIETTIVI = Sheet("Obiettivi", required=True, freeze_cols=3,
                  help="Gli obiettivi (o comportamenti) valutati: una riga per obiettivo, nell'ordine della scheda.",
                  columns=(
    Column("@card", "Scheda", "id", 18, "La scheda dell'obiettivo (dal foglio Schede).", required=True,
           source="cards"),
    Column("@section", "Sezione", "id", 12, "La sezione dell'obiettivo (dal foglio Sezioni).", required=True,
           source="sections"),
    *_OBJECTIVE_TEXT,
    Column("weight", "Peso", "number", 8, "Punti dell'obiettivo (o quota, se la sezione ha pesi a quote). "
           "In alternativa indicare il livello."),
    Column("level", "Livello", "id", 14, "Livello di complessità (dal foglio Livelli), se il peso viene dal livello.",
           source="levels"),
    Column("printed_levels", "Livelli stampati", "levels", 18,
           "I livelli come li stampa il documento di origine, uno per riga (es. «MEDIA 15»): check ne segnala "
           "le incoerenze."),
    Column("gate", "Vincolante", "bool", 11, "Sì: condizione senza punti che, se non raggiunta, esclude il premio."),
    Column("neutralisable", "Neutralizzabile", "bool", 14,
           "Sì: può essere dichiarato non valutabile (N.V.); il suo peso viene ridistribuito."),
    Column("kind", "Tipo", "enum", 14, "obiettivo, o comportamento (senza indicatori, valore atteso, termine).",
           choices=KIND),
    Column("ref", "Obiettivo condiviso", "id", 18,
           "Identificativo di un obiettivo condiviso che questa riga valuta; i testi lasciati vuoti vengono da lì.",
           source="shared"),
    Column("scale", "Scala", "id", 14, "Scala dell'obiettivo, se diversa da quella della sezione.", source="scales"),
    Column("rule", "Regola", "id", 14, "Regola dell'obiettivo, se diversa da quella della sezione.", source="rules"),
))

SCELTE = Sheet("Scelte", help="Le scelte fatte dove il documento di origine è ambiguo.", columns=(
    _text("where", "Dove", 30, "Il punto del piano (es. cards[0].sections[1] oppure levels).", required=True),
    _text("text", "Scelta", 100, "La scelta fatta e il perché.", required=True),
))

MODELLI = Sheet("Modelli", freeze_cols=1, help="I modelli di scheda per ruolo o categoria: ogni persona del foglio "
                "Personale riceve una scheda dal suo modello.", columns=(
    Column("id", "Modello", "id", 18, "Identificativo del modello (es. dipendenti).", required=True),
    _text("title", "Titolo", 32, "Titolo delle schede; ognuna aggiunge il nome della persona.", required=True),
    _text("evaluator", "Valutatore", 22, "Chi valuta (es. Responsabile di Settore)."),
    Column("scale", "Scala", "id", 14, "Scala delle schede; vuoto = scala predefinita.", source="scales"),
    Column("bands", "Fasce", "id", 14, "Insieme di fasce; vuoto = fasce predefinite.", source="bandsets"),
    Column("rule", "Regola", "id", 14, "Regola di attribuzione dei punti; vuoto = proporzionale.", source="rules"),
    Column("total", "Totale", "number", 9, "Punteggio massimo dichiarato (es. 100)."),
    Column("redistribution", "Ridistribuzione", "enum", 15, "Dove va il peso di un obiettivo non valutabile.",
           choices=REDISTRIBUTION),
    Column("year", "Anno", "int", 8, "Anno a cui si riferiscono le schede, se diverso da quello del piano."),
))

SEZIONI_MODELLI = Sheet("Sezioni dei modelli", help="Le sezioni di ogni modello, nell'ordine in cui appaiono.",
                        columns=(
    Column("@template", "Modello", "id", 18, "Il modello a cui appartiene la sezione (dal foglio Modelli).",
           required=True, source="templates"),
    *SEZIONI.columns[1:],
    Column("unit_objectives", "Obiettivi dell'unità", "bool", 14, "Sì: la sezione riceve gli obiettivi condivisi "
           "del settore della persona (foglio Obiettivi condivisi, colonna Unità)."),
))

OBIETTIVI_MODELLI = Sheet("Obiettivi dei modelli", freeze_cols=3, help="Gli obiettivi (o comportamenti) di ogni "
                          "modello: una riga per obiettivo, nell'ordine della scheda.", columns=(
    Column("@template", "Modello", "id", 18, "Il modello dell'obiettivo (dal foglio Modelli).", required=True,
           source="templates"),
    *OBIETTIVI.columns[1:],
))

PESI = Sheet("Pesi delle parti", help="I pesi delle parti di un modello per categoria: il totale di ogni sezione "
             "per le persone di quella categoria (es. C: org 30, unita 10, ind 60).", columns=(
    Column("@template", "Modello", "id", 18, "Il modello (dal foglio Modelli).", required=True, source="templates"),
    Column("@category", "Categoria", "id", 12, "La categoria (es. B, C, D).", required=True),
    Column("@section", "Sezione", "id", 14, "La sezione del modello (dal foglio Sezioni dei modelli).",
           required=True),
    Column("@points", "Peso", "number", 9, "Il totale della sezione per quella categoria.", required=True),
))

PERSONALE = Sheet("Personale", freeze_cols=1, help="L'elenco del personale valutato con un modello di scheda: una "
                  "riga per persona (si può incollare dall'elenco del personale dell'ente).", columns=(
    Column("id", "Matricola", "id", 14, "Identificativo della persona (es. la matricola).", required=True,
           aliases=("valutato",)),
    _text("name", "Nome", 28, "Cognome e nome: danno anche il nome del foglio e della cartella.", required=True),
    _text("role", "Ruolo", 24, "Profilo o ruolo (es. Istruttore amministrativo)."),
    Column("sector", "Settore", "id", 20, "L'unità (dal foglio Settori).", source="sectors"),
    Column("base", "Base (€)", "number", 12, "Base di calcolo del premio in euro, se prevista."),
    Column("category", "Categoria", "id", 11, "Categoria o area contrattuale: sceglie i pesi delle parti."),
    Column("template", "Modello", "id", 16, "Il modello della sua scheda (dal foglio Modelli).", required=True,
           source="templates"),
))

ESCLUSIONI = Sheet("Esclusioni", help="Le persone escluse dal premio dall'Ufficio Personale (es. sanzione "
                   "disciplinare, giorni di servizio insufficienti). Non cambiano l'impronta del piano: si possono "
                   "aggiungere dopo l'invio delle cartelle. La fonte va nel foglio Fonti (exclusions[0]…).", columns=(
    Column("evaluatee", "Valutato", "id", 18, "Chi è escluso (dal foglio Valutati o Personale).", required=True),
    _text("reason", "Motivo", 60, "Il motivo dell'esclusione.", required=True),
))

FONTI = Sheet("Fonti", help="Da dove viene ogni regola: documento, punto del documento e testo citato. La colonna "
              "Elemento indica a cosa si riferisce la fonte, come nel foglio Scelte (es. plan, scales[0], rules[1], "
              "bands[0], templates[0], cards[0].sections[1].items[2], exclusions[0]).", columns=(
    _text("@where", "Elemento", 30, "L'elemento del piano a cui si riferisce la fonte (es. rules[0]).",
          required=True),
    _text("document", "Documento", 40, "Titolo del documento (es. Sistema di misurazione e valutazione della "
          "performance).", required=True),
    _text("authority", "Ente e atto", 36, "Chi l'ha adottato e con quale atto."),
    _text("reference", "Punto", 18, "Articolo, paragrafo o pagina."),
    _text("quote", "Testo citato", 60, "Il testo del documento, parola per parola."),
    _text("url", "Indirizzo", 36, "Dove è pubblicato (URL)."),
))

# The key/value sheet «Piano»: its three columns, and the other names a person may give the key column.
KEY_VALUE_HEADERS = {"@key": "Chiave", "@value": "Valore", "@help": "Spiegazione"}
KEY_VALUE_ALIASES = {"voce": "@key"}

SHEETS: tuple[Sheet, ...] = (PIANO, SCALE, REGOLE, LIVELLI, FASCE, SETTORI, VALUTATI, CONDIVISI, SCHEDE, SEZIONI,
                             OBIETTIVI, MODELLI, SEZIONI_MODELLI, OBIETTIVI_MODELLI, PESI, PERSONALE, ESCLUSIONI,
                             FONTI, SCELTE)
INSTRUCTIONS = "Istruzioni"
LISTS_SHEET = "Elenchi"  # hidden: distinct values for dropdowns whose source column repeats values

# Dropdown sources: list name -> (sheet, column key) whose values it offers.
LISTS: dict[str, tuple[str, str]] = {
    "scales": (SCALE.name, "@scale"),
    "bandsets": (FASCE.name, "@bandset"),
    "sectors": (SETTORI.name, "id"),
    "evaluatees": (VALUTATI.name, "id"),
    "cards": (SCHEDE.name, "id"),
    "sections": (SEZIONI.name, "id"),
    "levels": (LIVELLI.name, "@level"),
    "shared": (CONDIVISI.name, "id"),
    "rules": (REGOLE.name, "@rule"),
    "templates": (MODELLI.name, "id"),
}
REPEATING_LISTS = ("scales", "bandsets", "sections", "rules")  # offered from the hidden sheet, once each


def normalise_header(text: object) -> str:
    """Headers and keys compare without case, accents, extra spaces, trailing ':' or a '*' of required columns."""
    value = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"\s+", " ", value).strip().rstrip(":*").strip()
    return value.casefold()


def sheet_by_name(name: str) -> Sheet | None:
    wanted = normalise_header(name)
    return next((s for s in SHEETS if normalise_header(s.name) == wanted), None)
