"""Findings: every problem the tool reports, as data, and the one catalogue of their codes.

A finding is never an exception: commands gather findings and report them all.
Messages and hints are in Italian because HR offices and auditors read them;
`meaning` is the English description used in the documentation.

Long because it is the catalogue: one entry per code, kept in one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Code:
    """One entry of the catalogue."""

    code: str
    severity: Severity
    meaning: str  # English, for the documentation
    message: str  # Italian template, filled with str.format(**details)
    hint: str  # Italian: what to do


def _c(code: str, sev: str, meaning: str, message: str, hint: str) -> Code:
    return Code(code, Severity(sev), meaning, message, hint)


_ENTRIES = [
    # --- the plan itself (check) ---
    _c("PLAN_YAML", "error", "The plan file is not valid YAML.",
       "Il file del piano non è YAML valido: {detail}", "Correggere la sintassi alla riga indicata."),
    _c("PLAN_SCHEMA", "error", "A key of the plan is missing, unknown or has the wrong type.",
       "Valore non valido in «{path}»: {detail}", "Correggere il valore secondo lo schema del piano (piano-xlsx schema)."),
    _c("PLAN_UNREADABLE", "error", "The plan file cannot be read at all.",
       "Impossibile leggere il piano: {detail}", "Verificare il percorso e il formato del file (YAML o cartella di lavoro del piano)."),
    _c("PLAN_WORKBOOK_SHEET", "error", "A sheet the plan workbook needs is missing, or has no header row.",
       "Nella cartella del piano manca il foglio «{sheet}»{detail}.",
       "Aggiungere il foglio con la riga d'intestazione descritta nel foglio «Istruzioni» (o partire da piano-xlsx plan export)."),
    _c("PLAN_WORKBOOK_COLUMN", "error", "A required column is missing from the header row of a plan workbook sheet.",
       "Nel foglio «{sheet}» manca la colonna obbligatoria «{column}»{detail}.",
       "Aggiungere la colonna con questo titolo nella riga d'intestazione del foglio."),
    _c("PLAN_WORKBOOK_VALUE", "error", "A cell of the plan workbook holds a value its column does not allow, or a required cell is empty; the message names sheet, row and column.",
       "Foglio «{sheet}»{place}: {detail}.",
       "Correggere la cella indicata; il foglio «Istruzioni» della cartella descrive ogni colonna."),
    _c("PLAN_WORKBOOK_HEADER", "error", "A header of a plan workbook sheet names no column: an error when it is close to a column the sheet lacks (a misspelt header, whose values would otherwise read as empty), else a warning (the column is ignored, as notes).",
       "Nel foglio «{sheet}» l'intestazione «{header}» (cella {cell}) non corrisponde ad alcuna colonna del piano{detail}.",
       "Se è una colonna del piano, correggerne il titolo; le colonne previste nel foglio sono: {known}."),
    _c("PLAN_REF_UNKNOWN", "error", "A reference (sector, evaluatee, scale, bands, shared objective) names nothing defined.",
       "«{ref}» non è definito tra {kind}.", "Definire l'elemento richiamato o correggere il riferimento."),
    _c("PLAN_ID_DUPLICATE", "error", "Two elements of the same kind share an id.",
       "L'identificativo «{id}» è usato più volte tra {kind}.", "Dare a ogni elemento un identificativo univoco."),
    _c("SECTION_TOTAL_MISMATCH", "error", "The item weights of a section do not add up to the section's declared total.",
       "I pesi della sezione «{section}» sommano {sum} ma il totale dichiarato è {total}{detail}.",
       "Correggere i pesi degli obiettivi o il totale della sezione."),
    _c("SECTION_TOTAL_UNDECLARED", "info", "A section does not declare its total; its maximum is the sum of its weights.",
       "La sezione «{section}» non dichiara un totale: il massimo è la somma dei pesi ({sum}).",
       "Dichiarare il totale della sezione per rendere verificabili i pesi."),
    _c("CARD_TOTAL_MISMATCH", "error", "A card's sections do not add up to the card's declared maximum.",
       "Le sezioni della scheda «{card}» sommano {sum} ma il massimo dichiarato è {total}.",
       "Correggere i totali delle sezioni o il massimo della scheda."),
    _c("NUMBER_DUPLICATE", "error", "Two objectives of one card carry the same number.",
       "Il numero di obiettivo {number} compare più volte nella scheda «{card}».", "Numerare gli obiettivi in modo univoco."),
    _c("NUMBER_GAP", "warning", "Objective numbers of a card skip a number.",
       "Nella scheda «{card}» la numerazione degli obiettivi salta: {missing}.",
       "Verificare che nessun obiettivo sia stato omesso, oppure rinumerare."),
    _c("LEVEL_UNKNOWN", "error", "An objective uses a complexity level that the level table does not define.",
       "Il livello «{level}» non è definito nella tabella dei livelli.", "Usare uno dei livelli definiti: {known}."),
    _c("LEVEL_POINTS_MISMATCH", "error", "An objective states points for its level that disagree with the level table.",
       "Il livello {level} vale {table} punti nella tabella, ma qui è indicato con {points}.",
       "Allineare i punti al valore della tabella dei livelli."),
    _c("LEVEL_PRINTED_MISMATCH", "warning", "The source document prints a level with points that disagree with the level table.",
       "Nel documento di origine il livello {level} è stampato con {points} punti, ma la tabella indica {table}.",
       "Verificare con l'ente quale valore vale; la scelta fatta è indicata nel piano."),
    _c("LEVEL_MULTIPLE", "warning", "The source document prints several levels for one objective.",
       "Per l'obiettivo {number} il documento di origine indica più livelli: {levels}.",
       "Verificare con l'ente il livello corretto; la scelta fatta è indicata nel piano."),
    _c("WEIGHT_MISSING", "error", "An item has neither a weight nor a level.",
       "L'obiettivo {number} non ha né peso né livello.", "Indicare il peso in punti o il livello di complessità."),
    _c("WEIGHT_AMBIGUOUS", "error", "A gate item states a weight or a level, though gates carry no points.",
       "L'obiettivo {number}: {detail}", "Indicare il peso in un solo modo."),
    _c("INDICATOR_MISSING", "warning", "An objective has no indicator.",
       "L'obiettivo {number} non ha indicatori.", "Aggiungere almeno un indicatore misurabile."),
    _c("TARGET_MISSING", "warning", "An objective has no target value, or a target left blank.",
       "L'obiettivo {number} non ha un valore atteso{detail}.", "Indicare il valore atteso (target)."),
    _c("DEADLINE_MISSING", "warning", "An objective has no deadline.",
       "L'obiettivo {number} non ha un termine di realizzazione.", "Indicare il termine di realizzazione."),
    _c("SCALE_INVALID", "error", "A rating scale is empty, unsorted or repeats a value.",
       "La scala «{scale}» non è valida: {detail}", "Indicare valori distinti in ordine crescente."),
    _c("SCALE_UNDECIDED", "warning", "A card does not say which scale it uses and the plan sets no default.",
       "La scheda «{card}» non indica la scala di valutazione.", "Indicare la scala della scheda o una scala predefinita del piano."),
    _c("DROPDOWN_MESSAGE_SHORTENED", "warning", "The values of a scale do not fit in a dropdown's input and error messages (Excel allows 255 characters): the messages show only some of them.",
       "I {count} valori della scala «{scale}» non stanno per intero nel messaggio dell'elenco a discesa "
       "(Excel ammette 255 caratteri): il messaggio mostrerà «{shown}».",
       "L'elenco a discesa offre comunque tutti i valori e il foglio «Istruzioni» li riporta; per un messaggio "
       "completo usare valori a passo costante (es. da 0 a 100 con passo 0,5) o meno valori."),
    _c("BANDS_UNDECIDED", "warning", "A card has no bands: no percentage or bonus can be computed.",
       "La scheda «{card}» non ha fasce di premialità.", "Definire le fasce, oppure lasciarle assenti se non previste."),
    _c("BAND_OVERLAP", "error", "Two bands overlap.",
       "Le fasce «{a}» e «{b}» si sovrappongono{detail}.", "Correggere gli estremi delle fasce."),
    _c("PLAN_BAND_EMPTY", "error", "A band's edges leave it empty (its lower edge is above its upper edge).",
       "La fascia «{band}» è vuota: il suo estremo inferiore supera quello superiore.", "Correggere gli estremi della fascia."),
    _c("BAND_GAP", "warning", "Bands leave a gap that no achievable total falls into (e.g. between 40 and 41).",
       "Tra le fasce resta un intervallo scoperto: {gap}.",
       "Rendere contigui gli estremi (es. «oltre 40 fino a 50») o dichiarare l'arrotondamento."),
    _c("BAND_GAP_REACHABLE", "error", "A total that the card can actually reach falls into no band.",
       "Il punteggio {total}, raggiungibile nella scheda «{card}», non ricade in alcuna fascia.",
       "Rendere contigue le fasce o dichiarare un arrotondamento che le copra."),
    _c("BAND_RANGE", "error", "The bands do not cover the card's range from 0 to its maximum.",
       "Le fasce non coprono l'intervallo della scheda «{card}» (0–{max}): {detail}.",
       "Estendere le fasce a tutto l'intervallo dei punteggi."),
    _c("ROUNDING_UNDECIDED", "warning", "The plan does not say how the total is rounded before the band lookup.",
       "Le fasce «{bandset}» non indicano come arrotondare il punteggio prima di individuare la fascia.",
       "Dichiarare l'arrotondamento (nessuno, per eccesso, per difetto o matematico)."),
    _c("REDISTRIBUTION_UNDECIDED", "warning", "Items may be neutralised but the card does not say how their weight is redistributed.",
       "La scheda «{card}» ha obiettivi neutralizzabili ma non indica come ridistribuirne il peso.",
       "Indicare la ridistribuzione (nella sezione o nell'intera scheda)."),
    _c("SHEET_NAME_COLLISION", "error", "Two cards, or a card and a sheet the tool adds (Istruzioni, Riepilogo), give the same sheet name once cut to 31 characters and stripped of []:*?/\\ (case-insensitively).",
       "La scheda «{b}» avrebbe il nome di foglio «{name}», già usato {a}.", "Indicare un nome di foglio (sheet) diverso per la scheda."),
    _c("SHARED_UNUSED", "info", "A shared objective is defined but no card uses it.",
       "L'obiettivo condiviso «{ref}» non è usato da alcuna scheda.", "Rimuoverlo o assegnarlo alle schede."),
    _c("PLAN_CHOICE", "warning", "The source document is ambiguous here; the plan records the choice made.",
       "Punto ambiguo del documento di origine: {text}", "Confermare la scelta con l'ente o correggere il piano."),
    _c("TEXT_TOO_LONG", "error", "A text of the plan is longer than an Excel cell holds (32,767 characters); generate refuses to cut it.",
       "Il testo destinato alla cella {cell} del foglio «{sheet}» è lungo {length} caratteri: una cella di Excel ne contiene al massimo 32.767.",
       "Abbreviare il testo nel piano (ad esempio riassumendolo e rinviando al documento di origine)."),
    _c("PERIOD_MISMATCH", "warning", "A card or text refers to a year outside the plan's period.",
       "{detail}", "Verificare l'anno di riferimento."),
    _c("RULE_INVALID", "error", "An achievement rule lacks what its kind needs (both thresholds, at least one step, a "
       "share from 0 to 100), or states a key its kind ignores (warning).",
       "La regola «{rule}» non è valida: {detail}.", "Completare o correggere la regola secondo il suo tipo (kind)."),
    _c("RULE_THRESHOLDS_ORDER", "error", "A thresholds rule gives full points from a value below the one under which "
       "it gives none.",
       "Nella regola «{rule}» i punti pieni partono da {high}, sotto la soglia minima {low}.",
       "Scambiare o correggere le soglie: zero_below deve essere minore o uguale a full_from."),
    _c("RULE_STEPS_OVERLAP", "error", "Two steps of a steps rule overlap: one score would get two shares.",
       "Nella regola «{rule}» i gradini {a} e {b} si sovrappongono ({detail}).", "Correggere gli estremi dei gradini."),
    _c("RULE_STEPS_GAP", "error", "The steps of a rule leave part of a scale uncovered where an admitted score falls "
       "(a warning when no admitted score falls there).",
       "I gradini della regola «{rule}» non coprono tutta la scala: {detail}.",
       "Rendere contigui i gradini (es. «da 50 a meno di 70», poi «da 70») o estenderli a tutta la scala."),
    _c("RULE_UNDECIDED", "warning", "Where the rule matters the plan does not say it: a percentage of achievement "
       "scored without a rule, a thresholds rule that does not say what happens between its thresholds.",
       "Regola non decisa per {place}: {detail}.",
       "Indicare la regola di attribuzione dei punti (rule) come la stabilisce il sistema di valutazione."),
    _c("RULE_NOT_APPLICABLE", "error", "A thresholds or steps rule is set on points, on achieved / not achieved or on a "
       "gate, which it cannot apply to.",
       "La regola «{rule}» non si può applicare: {detail}.",
       "Togliere la regola da quegli obiettivi o cambiarne la scala."),
    _c("RULE_UNUSED", "info", "A rule is defined but no card, section, item or template uses it.",
       "La regola «{rule}» non è usata da alcuna scheda.", "Rimuoverla o richiamarla dove si applica."),
    _c("BAND_PERCENT_MIXED", "error", "Some bands of a set pay a percentage and others do not: a set either pays in "
       "every band or only classifies.",
       "Le fasce «{bandset}» mescolano fasce con e senza percentuale: {detail}.",
       "Indicare la percentuale in ogni fascia (anche 0), oppure in nessuna per fasce di sola classificazione."),
    _c("BAND_OUTSIDE", "warning", "A card can reach a total outside every band; the plan states the outcome for it.",
       "{detail}; vale l'esito scelto per i punteggi fuori fascia: «{label}».",
       "Verificare che sia voluto: di solito le fasce coprono tutti i punteggi."),
    _c("TEMPLATE_UNUSED", "info", "A card template is defined but no member of the staff list uses it.",
       "Il modello di scheda «{template}» non è usato da alcuna persona dell'elenco del personale.",
       "Assegnarlo alle persone (staff, template) o rimuoverlo."),
    _c("PART_WEIGHTS_INCOMPLETE", "warning", "The part weights of a category leave some sections of the template out; "
       "those take the template section's own total.",
       "I pesi delle parti della categoria {category} del modello «{template}» non indicano: {sections}.",
       "Indicare il peso di ogni sezione per ogni categoria."),
    _c("STAFF_CATEGORY", "error", "A member of the staff list has no category, or one the template's part weights do "
       "not know.",
       "{name}: il modello «{template}» ha pesi diversi per categoria, ma la persona {detail}.",
       "Indicare la categoria della persona come nei pesi delle parti del modello."),
    _c("UNIT_OBJECTIVES_MISSING", "error", "A template section takes the unit's shared objectives, but the member's "
       "unit has none.",
       "{name}: la sezione «{section}» riceve gli obiettivi dell'unità, ma {unit} non ha obiettivi condivisi.",
       "Assegnare gli obiettivi all'unità (shared_objectives, sector) o correggere l'unità della persona."),
    # --- returned workbooks (collect, audit) ---
    _c("FILE_UNREADABLE", "error", "The file cannot be opened as a workbook (corrupt, truncated, not a spreadsheet).",
       "Il file non è leggibile come cartella di lavoro: {detail}", "Chiedere all'ufficio di inviare di nuovo il file originale compilato."),
    _c("FILE_IGNORED", "info", "A file that is not a return (an Office or LibreOffice lock file, Thumbs.db, desktop.ini, .DS_Store, anything under __MACOSX/, a hidden file) was left out without being opened.",
       "File non considerato: {detail}.", "Nessuna azione: non è una scheda restituita."),
    _c("FILE_NOT_SPREADSHEET", "error", "The file is not a spreadsheet at all.",
       "Il file non è un foglio di calcolo ({detail}).", "Chiedere all'ufficio il file .xlsx ricevuto e compilato."),
    _c("FILE_ENCRYPTED", "error", "The file is protected by a password to open.",
       "Il file è protetto da password di apertura.", "Chiedere all'ufficio di salvarlo senza password di apertura e di rinviarlo."),
    _c("FILE_XLS", "error", "The file is in the legacy .xls format.",
       "Il file è nel vecchio formato .xls.", "Chiedere all'ufficio di salvarlo come «Cartella di lavoro di Excel (.xlsx)» e rinviarlo."),
    _c("FILE_ODS", "error", "The file was saved as OpenDocument (.ods).",
       "Il file è stato salvato in formato OpenDocument (.ods).", "Chiedere all'ufficio di salvarlo in LibreOffice come «Excel 2007-365 (.xlsx)» e rinviarlo."),
    _c("FILE_XLSB", "error", "The file is in the binary .xlsb format.",
       "Il file è nel formato binario .xlsb.", "Chiedere all'ufficio di salvarlo come .xlsx e rinviarlo."),
    _c("FILE_MACROS", "error", "The file contains macros (VBA project).",
       "Il file contiene macro.", "Non aprire il file con le macro attive; chiedere all'ufficio il file .xlsx senza macro."),
    _c("FILE_TOO_LARGE", "error", "The file, or what it inflates to, exceeds the safety limits (zip bomb, huge sheet).",
       "Il file supera i limiti di sicurezza: {detail}", "Il file non è stato elaborato: chiedere all'ufficio il file originale."),
    _c("FILE_TIMEOUT", "error", "Reading the file took longer than the time limit.",
       "La lettura del file ha superato il tempo massimo ({detail}).", "Il file non è stato elaborato: chiedere all'ufficio il file originale."),
    _c("FILE_XML_UNSAFE", "error", "The file's XML uses entity declarations or external entities, which are refused.",
       "Il file contiene XML non sicuro: {detail}", "Il file non è stato elaborato: chiedere all'ufficio il file originale."),
    _c("FILE_STRICT_OOXML", "error", "The file is in Strict Open XML, which is not supported.",
       "Il file è in formato «Strict Open XML».", "Chiedere all'ufficio di salvarlo come «Cartella di lavoro di Excel (.xlsx)» standard."),
    _c("MANIFEST_MISSING", "error", "The workbook has no piano-xlsx manifest: it was not generated by the tool, or the manifest sheet was deleted.",
       "Il file non contiene il manifesto di piano-xlsx: {detail}", "Usare esclusivamente le cartelle di lavoro generate per questo piano."),
    _c("MANIFEST_INVALID", "error", "The manifest is present but cannot be read.",
       "Il manifesto non è leggibile: {detail}", "Il file è stato alterato: chiedere all'ufficio il file originale compilato."),
    _c("MANIFEST_VISIBLE", "warning", "The manifest sheet has been made visible.",
       "Il foglio del manifesto è stato reso visibile ({state}).", "Verificare perché il foglio nascosto è stato mostrato."),
    _c("SIGNATURE_INVALID", "error", "The manifest signature does not verify with the public key.",
       "La firma del manifesto non è valida: {detail}", "Il file non è quello emesso: richiedere una nuova copia all'ufficio personale."),
    _c("SIGNATURE_OTHER_KEY", "error", "The manifest was signed with another key than the public key given: most often the wrong public key was given.",
       "Il manifesto è firmato con un'altra chiave: {detail}.",
       "Verificare la chiave pubblica indicata con --public-key: deve essere quella creata insieme alla chiave privata che ha firmato le cartelle (piano-xlsx keygen). Se la chiave è quella giusta, il file non è quello emesso: richiedere una nuova copia."),
    _c("SIGNATURE_ABSENT", "warning", "The manifest is not signed, or no public key was given to verify it.",
       "{detail}", "Generare le cartelle con --key e verificare con --public-key."),
    _c("PLAN_MISMATCH", "error", "The file was generated from another plan.",
       "Il file appartiene a un altro piano ({found}, atteso {expected}).", "Inviare all'ufficio la cartella del piano corretto."),
    _c("VERSION_MISMATCH", "error", "The file was generated from another version of this plan.",
       "Il file è stato generato da un'altra versione del piano ({found}, attesa {expected}).",
       "Inviare all'ufficio la cartella della versione corrente e farla ricompilare."),
    _c("CONTENT_HASH_MISMATCH", "error", "The locked content the manifest records is not the one issued: it does not match the hash stored in the manifest, or (collect, audit --plan) it differs from what the plan issues for these cards.",
       "Il contenuto bloccato non corrisponde all'impronta del manifesto.", "Il file è stato alterato: richiedere una nuova copia compilata."),
    _c("MANIFEST_UNKNOWN_CARD", "error", "The manifest names cards the plan does not have: the file was issued for another plan, or its manifest was edited.",
       "Il manifesto indica schede che il piano non prevede: {cards}.",
       "Verificare che il file sia stato emesso per questo piano; altrimenti richiedere una nuova copia."),
    _c("LOCKED_CHANGED", "error", "A locked value differs from the one issued.",
       "Valore bloccato modificato: era «{old}», ora «{new}».", "Il file è stato alterato: ripristinare il valore emesso o richiedere una nuova copia."),
    _c("FORMULA_CHANGED", "error", "A formula differs from the one issued.",
       "Formula modificata: era «{old}», ora «{new}».", "Ripristinare la formula emessa o richiedere una nuova copia."),
    _c("FORMULA_ADDED", "error", "A formula in a cell where none was issued (audit, which reads every cell of every sheet).",
       "Formula aggiunta dove non ne era stata emessa alcuna: «{new}».",
       "Verificare a cosa serve la formula e da quali celle prende i valori; se non è giustificata, richiedere il file originale."),
    _c("FORMULA_SAVED_AS_ERROR", "info", "The application that saved the file could not read an issued formula and kept it as text inside an error (Gnumeric does so with references to a sheet whose name holds an apostrophe): nobody changed it, but the cell now shows an error.",
       "L'applicazione che ha salvato il file (Gnumeric) non ha saputo leggere la formula «{old}» e l'ha conservata come errore: la cella mostra un errore invece del valore.",
       "Nessuna azione sulla valutazione: i totali sono ricalcolati dai punteggi. Per un foglio leggibile, salvare il file con Excel o LibreOffice."),
    _c("FORMULA_REPLACED", "error", "A formula was replaced by a constant.",
       "La formula «{old}» è stata sostituita dal valore {new}.", "Ripristinare la formula emessa o richiedere una nuova copia."),
    _c("PROTECTION_REMOVED", "error", "Sheet or workbook protection was removed.",
       "Protezione rimossa: {detail}", "Il file può essere stato alterato: verificare i contenuti segnalati."),
    _c("UNLOCKED_CELL", "error", "A cell that should be locked was unlocked.",
       "La cella dovrebbe essere bloccata ma è stata sbloccata.", "Il file può essere stato alterato: richiedere una nuova copia."),
    _c("SHEET_MISSING", "error", "A sheet issued in the workbook is missing (deleted or renamed).",
       "Il foglio «{sheet}» emesso non è presente{detail}.", "Richiedere il file originale senza rinominare o eliminare fogli."),
    _c("SHEET_ADDED", "warning", "The workbook contains a sheet that was not issued.",
       "Il file contiene un foglio non emesso: «{sheet}».", "Verificare il contenuto del foglio aggiunto; non viene considerato."),
    _c("SHEET_HIDDEN", "warning", "A hidden or very hidden sheet other than the manifest.",
       "Foglio nascosto ({state}): «{sheet}».", "Verificare il contenuto del foglio nascosto."),
    _c("ROWS_SHIFTED", "error", "Rows or columns were inserted or deleted: the table no longer sits where it was issued.",
       "Righe o colonne inserite o eliminate: {detail}", "Richiedere il file originale senza inserire o eliminare righe."),
    _c("VALIDATION_CHANGED", "error", "The list validation of an input cell was removed or widened.",
       "La convalida dei dati è stata rimossa o modificata: {detail}", "Richiedere una nuova copia: i valori potrebbero non rispettare la scala."),
    _c("EXTERNAL_LINK", "error", "The workbook links to other files.",
       "Il file contiene collegamenti esterni: {detail}", "Rimuovere i collegamenti o richiedere il file originale."),
    _c("DEFINED_NAME_CHANGED", "warning", "Defined names differ from those issued.",
       "Nomi definiti diversi da quelli emessi: {detail}", "Verificare i nomi aggiunti o modificati."),
    _c("SCORE_MISSING", "error", "A score cell is empty.",
       "Manca la valutazione dell'obiettivo {item}.", "Chiedere al valutatore di scegliere un valore dall'elenco."),
    _c("SCORE_OUT_OF_SCALE", "error", "A score is not a value of the card's scale (a pasted 7, a text).",
       "La valutazione «{value}» dell'obiettivo {item} non appartiene alla scala ({scale}).",
       "Chiedere al valutatore di scegliere un valore dall'elenco a discesa."),
    _c("SCORE_AS_TEXT", "error", "A score was typed or pasted as text (e.g. \"8 \"): the sheet does not count it.",
       "La valutazione dell'obiettivo {item} è un testo («{value}») e non viene conteggiata (come numero: {number}).",
       "Chiedere al valutatore di scegliere il valore dall'elenco invece di digitarlo o incollarlo."),
    _c("PERCENT_AS_NUMBER", "error", "A percentage was entered without its % sign (85 instead of 85%): the cell "
       "holds 8500%, which the scale does not admit.",
       "La valutazione dell'obiettivo {item} vale {shown}: probabilmente si intendeva {meant}.",
       "Chiedere al valutatore di digitare il valore con il simbolo % (es. 85%)."),
    _c("SCORE_TOO_PRECISE", "error", "A score has more decimals than the scale admits.",
       "La valutazione «{value}» dell'obiettivo {item} ha più decimali di quelli ammessi ({decimals}).",
       "Chiedere al valutatore di arrotondare la valutazione ai decimali ammessi."),
    _c("NEUTRALISED_NOT_ALLOWED", "error", "An item marked non valutabile may not be neutralised according to the plan.",
       "L'obiettivo {item} è indicato come non valutabile, ma il piano non lo consente.",
       "Attribuire una valutazione della scala."),
    _c("EVALUATEE_EXCLUDED", "info", "The HR office excluded the evaluatee from the bonus (plan key exclusions); "
       "the card is read and reported as excluded.",
       "{name} è escluso dal premio dall'Ufficio Personale: {reason}{source}.",
       "Nessuna azione: l'esclusione è applicata come indicato nel piano."),
    _c("GATE_FAILED", "info", "A gate item was marked as not achieved: the bonus is excluded.",
       "Obiettivo vincolante {item} non raggiunto: premio escluso.", "Nessuna azione: il premio è escluso come previsto dal piano."),
    _c("EVALUATOR_MISSING", "warning", "The evaluator's name is empty.",
       "Manca il nome del valutatore.", "Chiedere all'ufficio di indicare il valutatore."),
    _c("DATE_MISSING", "warning", "The evaluation date is empty or not a date.",
       "Manca la data della valutazione{detail}.", "Chiedere all'ufficio di indicare la data."),
    _c("CACHED_MISMATCH", "error", "A value cached in the file differs from the value recomputed from the scores.",
       "Il valore mostrato ({cached}) differisce da quello ricalcolato ({computed}){others}.",
       "Il valore salvato non corrisponde ai punteggi: vale il ricalcolo; verificare il file."),
    _c("NO_CACHED_VALUES", "info", "The file was never recalculated by a spreadsheet application: it holds no cached values to compare.",
       "Il file non contiene valori calcolati: {detail}", "Nessuna azione: i totali sono ricalcolati dallo strumento."),
    _c("DUPLICATE_RETURN", "error", "The same card was returned in more than one file, with different content.",
       "La scheda «{card}» è stata restituita più volte ({files}); {resolution}.", "Chiedere all'ufficio quale file è quello definitivo."),
    _c("DUPLICATE_COPY", "info", "A card arrived again in a file with the same content (inputs and findings): the copy kept is the one modified first (then the first by path).",
       "Copia identica della scheda «{card}»: vale {kept}, la copia modificata per prima (a parità, la prima per nome).",
       "Nessuna azione: le copie hanno lo stesso contenuto; si può eliminare quella in più."),
    _c("CARD_MISSING", "warning", "A card expected by the plan was not returned.",
       "La scheda «{card}» ({evaluatee}) non è stata restituita.", "Sollecitare l'ufficio competente."),
    _c("SHARED_INCONSISTENT", "warning", "The same shared objective was scored differently on different cards.",
       "L'obiettivo condiviso «{ref}» ha valutazioni diverse: {detail}.",
       "Verificare con i valutatori: un obiettivo comune dovrebbe avere la stessa valutazione."),
    _c("NOT_PIANO_WORKBOOK", "error", "The spreadsheet is readable but is not a piano-xlsx workbook (no manifest, no card sheet).",
       "Il file non è una cartella di lavoro di piano-xlsx: non contiene né il manifesto né i fogli delle schede.",
       "Verificare che sia il file giusto; chiedere all'ufficio la cartella ricevuta, compilata."),
    # --- money: payouts in the plan (check), HR data and amounts (collect) ---
    _c("PAYOUT_PARAMETER_MISSING", "error", "A payout mode lacks a parameter it needs (a base, a fund, segments, coefficients, an increment).",
       "La regola di pagamento «{payout}» ({mode}) non indica {parameter}.",
       "Indicare {parameter} nella regola di pagamento (vedi la guida al formato del piano)."),
    _c("PAYOUT_NO_CARDS", "error", "A payout applies to no card (neither `cards` nor `bands` selects one).",
       "La regola di pagamento «{payout}» non si applica a nessuna scheda.",
       "Indicare le schede (cards) o l'insieme di fasce (bands) a cui si applica."),
    _c("PAYOUT_CARD_TWICE", "error", "A card is paid by two payouts.",
       "La scheda «{card}» è pagata da due regole: {payouts}.", "Lasciare la scheda in una sola regola di pagamento."),
    _c("PAYOUT_FUND_NO_GROUP", "error", "A fund is split over no group: no payout with cards uses it.",
       "Il fondo «{fund}» non è ripartito su alcun gruppo di schede.",
       "Collegare il fondo a una regola di pagamento (fund) che si applica a delle schede, o toglierlo."),
    _c("PAYOUT_SEGMENTS_OVERLAP", "error", "Two segments of a linear-segments payout cover the same scores.",
       "Nella regola «{payout}» i tratti {first} e {second} si sovrappongono{detail}.",
       "Correggere gli estremi dei tratti (min, max e se sono inclusi) perché ogni punteggio cada in un solo tratto."),
    _c("PAYOUT_SEGMENTS_GAP", "warning", "Some scores fall in no segment of a linear-segments payout (they pay nothing).",
       "Nella regola «{payout}» nessun tratto copre i punteggi {detail}: non ricevono nulla.",
       "Aggiungere un tratto (anche con share: 0) se è voluto, o correggere gli estremi."),
    _c("PAYOUT_COEFFICIENT_BAND", "error", "The coefficients of a fund split do not match the band labels of its cards.",
       "Nella regola «{payout}» {detail}.", "Dare un coefficiente a ogni fascia, con l'etichetta scritta come nelle fasce."),
    _c("PAYOUT_INCREASE_BELOW_MINIMUM", "warning", "The differentiated bonus is less than the 30 % the national contract sets as its minimum.",
       "Nella regola «{payout}» la maggiorazione è del {value} %, sotto il 30 % del CCNL (art. 69 CCNL 21.5.2018).",
       "Portare la maggiorazione ad almeno 30 (increase_percent), salvo una norma diversa da citare nella fonte."),
    _c("PAYOUT_RULE_UNDECIDED", "warning", "A payout leaves a rule undecided where it matters (day-count basis, tie rule, funding of the increase).",
       "Nella regola «{payout}» non è indicato {rule}: si applica {default}.",
       "Indicare esplicitamente {rule} nella regola di pagamento."),
    _c("HR_UNKNOWN_PERSON", "error", "HR data names an evaluatee the plan does not have.",
       "Nei dati del personale «{person}» non è un valutato del piano.", "Correggere l'identificativo o aggiungere il valutato al piano."),
    _c("HR_DUPLICATE", "error", "HR data gives one person two different values for the same field.",
       "Nei dati del personale «{person}» ha due valori per «{field}»: {values}.", "Lasciare un solo valore."),
    _c("HR_VALUE_INVALID", "error", "A value of the HR data cannot be read (a number, a percentage, a date).",
       "Nei dati del personale{place}: {detail}.", "Correggere il valore: numeri con la virgola o il punto, date GG/MM/AAAA o AAAA-MM-GG."),
    _c("HR_DAYS_BEYOND_YEAR", "error", "Days in service exceed the days of the year on the payout's day-count basis.",
       "«{person}»: {days} giorni di servizio, più dei {year_days} dell'anno.", "Correggere i giorni o le date di servizio."),
    _c("HR_SHARES_NOT_100", "error", "The convention shares of one person do not add up to 100 %.",
       "Le quote di convenzione di «{person}» sommano {total} %, non 100 %.", "Correggere le quote dei comuni della convenzione."),
    _c("HR_BASE_MISSING", "error", "A person's base (salary base or budget) is missing where the payout needs it.",
       "Manca la base di «{person}» (richiesta dalla regola «{payout}»): il suo importo non è calcolato.",
       "Indicare la base (monte salari o budget) nei dati del personale."),
    _c("PAYOUT_PROVISIONAL", "warning", "Amounts that depend on the whole group are provisional: some cards of the group are not in or not clean.",
       "Gli importi della regola «{payout}» sono provvisori: schede mancanti o da verificare: {cards}.",
       "Raccogliere e correggere le schede indicate; gli importi definitivi si hanno quando tutte sono pulite."),
    _c("PAYOUT_CAP_EXCEEDED", "error", "More people are in a band than its cap allows.",
       "Nella regola «{payout}» la fascia «{band}» ha {count} persone, oltre il limite di {limit}.",
       "Rivedere le valutazioni con i valutatori: il limite della fascia è una regola del sistema."),
    _c("PAYOUT_FUND_LEFTOVER", "info", "A fund split left an amount unassigned, as the plan's rounding rule says.",
       "Del fondo «{fund}» restano {amount} non assegnati ({rule}).", "Nessuna azione: il resto torna al fondo come stabilito."),
    # --- audit ---
    _c("AUDIT_ENGINE", "warning", "The independent formula engine could not recompute some cells (a formula it cannot "
       "parse, an unsupported function, a reference beyond the safety limits).",
       "Il ricalcolo indipendente non è stato possibile: {detail}",
       "Verificare a mano queste celle aprendo il file in un foglio di calcolo e ricalcolando."),
    _c("AUDIT_MODEL_DIFFERS", "warning", "The plan's Python model (third opinion, audit --plan) disagrees with the "
       "independent engine on the value an issued formula computes.",
       "Il modello del piano calcola {model}, il motore indipendente {engine}.",
       "Segnalare il caso agli sviluppatori con il file: uno dei due calcoli è errato."),
]

CATALOGUE: dict[str, Code] = {entry.code: entry for entry in _ENTRIES}


class _Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Finding:
    """One problem: what, how serious, where, and what to do."""

    code: str
    severity: Severity
    message: str
    hint: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    where: str | None = None  # plan key path, e.g. cards[2].sections[0].items[3].weight
    line: int | None = None  # line in the plan file, where known

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @property
    def place(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        if self.where:
            parts.append(self.where + (f" (riga {self.line})" if self.line else ""))
        return " · ".join(parts)


def finding(code: str, *, file: str | None = None, sheet: str | None = None, cell: str | None = None,
            where: str | None = None, line: int | None = None, severity: Severity | None = None,
            **details: Any) -> Finding:
    """Build a finding from its catalogue entry, filling the Italian templates with `details`."""
    entry = CATALOGUE[code]
    places = {"file": file, "sheet": sheet, "cell": cell, "where": where}
    fmt = _Missing({k: _fmt(v) for k, v in {**places, **details}.items() if v is not None})
    return Finding(code=code, severity=severity or entry.severity,
                   message=entry.message.format_map(fmt), hint=entry.hint.format_map(fmt),
                   file=file, sheet=sheet, cell=cell, where=where, line=line)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by place, so reports read the same every run."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.file or "", f.sheet or "",
                                           f.where or "", f.line or 0, f.cell or "", f.code))


def count(findings: list[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity == severity)


def exit_status(findings: list[Finding]) -> int:
    """SPEC §7: 0 without errors, 1 with at least one."""
    return 1 if count(findings, Severity.ERROR) else 0
